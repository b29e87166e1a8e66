// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the generic netlink family "nfipsec" (see uapi/nfipsec.h).
 *
 * Every attribute nest has its nla_policy; the family's policy reaches
 * them through NLA_POLICY_NESTED, so the core validates the whole tree
 * strictly (unknown or reply-only attributes are refused) before a handler
 * runs, and the handlers check what a policy cannot say, each refusal with
 * an extack message naming what was wrong.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/crypto.h>
#include <crypto/algapi.h>
#include <net/genetlink.h>
#include <linux/inetdevice.h>
#include <linux/udp.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "nfipsec.h"
#include "compat.h"

static struct genl_family nfipsec_genl_family;

static const struct nla_policy alg_policy[NFIPSEC_ALG_A_MAX + 1] = {
	[NFIPSEC_ALG_A_NAME] = { .type = NLA_STRING,
				 .len = NFIPSEC_ALG_NAME_MAX - 1 },
	[NFIPSEC_ALG_A_TYPE] = { .type = NLA_U8 },
	[NFIPSEC_ALG_A_KEY] = { .type = NLA_BINARY, .len = NFIPSEC_KEY_MAX },
	[NFIPSEC_ALG_A_ICV_BITS] = { .type = NLA_U32 },
};

static const struct nla_policy sel_policy[NFIPSEC_SEL_A_MAX + 1] = {
	[NFIPSEC_SEL_A_FAMILY] = { .type = NLA_U16 },
	[NFIPSEC_SEL_A_SRC] = { .type = NLA_BINARY, .len = 16 },
	[NFIPSEC_SEL_A_DST] = { .type = NLA_BINARY, .len = 16 },
	[NFIPSEC_SEL_A_SRC_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[NFIPSEC_SEL_A_DST_PLEN] = NLA_POLICY_MAX(NLA_U8, 128),
	[NFIPSEC_SEL_A_PROTO] = { .type = NLA_U8 },
	[NFIPSEC_SEL_A_SPORT_MIN] = { .type = NLA_U16 },
	[NFIPSEC_SEL_A_SPORT_MAX] = { .type = NLA_U16 },
	[NFIPSEC_SEL_A_DPORT_MIN] = { .type = NLA_U16 },
	[NFIPSEC_SEL_A_DPORT_MAX] = { .type = NLA_U16 },
	[NFIPSEC_SEL_A_TYPE] = { .type = NLA_U8 },
	[NFIPSEC_SEL_A_CODE] = { .type = NLA_U8 },
};

static const struct nla_policy lft_policy[NFIPSEC_LFT_A_MAX + 1] = {
	[NFIPSEC_LFT_A_BYTES] = { .type = NLA_U64 },
	[NFIPSEC_LFT_A_PACKETS] = { .type = NLA_U64 },
	[NFIPSEC_LFT_A_ADD_SECS] = { .type = NLA_U64 },
	[NFIPSEC_LFT_A_USE_SECS] = { .type = NLA_U64 },
};

static const struct nla_policy encap_policy[NFIPSEC_ENCAP_A_MAX + 1] = {
	[NFIPSEC_ENCAP_A_TYPE] = { .type = NLA_U16 },
	[NFIPSEC_ENCAP_A_SPORT] = { .type = NLA_U16 },
	[NFIPSEC_ENCAP_A_DPORT] = { .type = NLA_U16 },
	[NFIPSEC_ENCAP_A_KEEPALIVE] = NLA_POLICY_MAX(NLA_U32,
						     NFIPSEC_KEEPALIVE_MAX),
};

static const struct nla_policy sa_policy[NFIPSEC_SA_A_MAX + 1] = {
	[NFIPSEC_SA_A_SPI] = { .type = NLA_U32 },
	[NFIPSEC_SA_A_PROTO] = { .type = NLA_U8 },
	[NFIPSEC_SA_A_MODE] = NLA_POLICY_MAX(NLA_U8, NFIPSEC_MODE_TUNNEL),
	[NFIPSEC_SA_A_FAMILY] = { .type = NLA_U16 },
	[NFIPSEC_SA_A_SRC] = { .type = NLA_BINARY, .len = 16 },
	[NFIPSEC_SA_A_DST] = { .type = NLA_BINARY, .len = 16 },
	[NFIPSEC_SA_A_REQID] = { .type = NLA_U32 },
	[NFIPSEC_SA_A_REPLAY_WINDOW] = NLA_POLICY_MAX(NLA_U32,
						      NFIPSEC_REPLAY_MAX),
	[NFIPSEC_SA_A_FLAGS] = { .type = NLA_U32 },
	[NFIPSEC_SA_A_AEAD] = NLA_POLICY_NESTED(alg_policy),
	[NFIPSEC_SA_A_ENC] = NLA_POLICY_NESTED(alg_policy),
	[NFIPSEC_SA_A_AUTH] = NLA_POLICY_NESTED(alg_policy),
	[NFIPSEC_SA_A_SEQ_OUT] = { .type = NLA_U64 },
	[NFIPSEC_SA_A_SEQ_IN] = { .type = NLA_U64 },
	[NFIPSEC_SA_A_SEL] = NLA_POLICY_NESTED(sel_policy),
	[NFIPSEC_SA_A_LIFETIME_SOFT] = NLA_POLICY_NESTED(lft_policy),
	[NFIPSEC_SA_A_LIFETIME_HARD] = NLA_POLICY_NESTED(lft_policy),
	[NFIPSEC_SA_A_ENCAP] = NLA_POLICY_NESTED(encap_policy),
	[NFIPSEC_SA_A_DF] = NLA_POLICY_MAX(NLA_U8, NFIPSEC_DF_CLEAR),
	[NFIPSEC_SA_A_IFINDEX] = { .type = NLA_U32 },
	[NFIPSEC_SA_A_SPI_MIN] = { .type = NLA_U32 },
	[NFIPSEC_SA_A_SPI_MAX] = { .type = NLA_U32 },
	[NFIPSEC_SA_A_LARVAL_SECS] = { .type = NLA_U32 },
};

static const struct nla_policy tmpl_policy[NFIPSEC_TMPL_A_MAX + 1] = {
	[NFIPSEC_TMPL_A_PROTO] = { .type = NLA_U8 },
	[NFIPSEC_TMPL_A_MODE] = NLA_POLICY_MAX(NLA_U8, NFIPSEC_MODE_TUNNEL),
	[NFIPSEC_TMPL_A_FAMILY] = { .type = NLA_U16 },
	[NFIPSEC_TMPL_A_SRC] = { .type = NLA_BINARY, .len = 16 },
	[NFIPSEC_TMPL_A_DST] = { .type = NLA_BINARY, .len = 16 },
	[NFIPSEC_TMPL_A_REQID] = { .type = NLA_U32 },
	[NFIPSEC_TMPL_A_SPI] = { .type = NLA_U32 },
};

static const struct nla_policy tmpls_policy[NFIPSEC_POLICY_A_TMPL + 1] = {
	[NFIPSEC_POLICY_A_TMPL] = NLA_POLICY_NESTED(tmpl_policy),
};

static const struct nla_policy pol_policy[NFIPSEC_POLICY_A_MAX + 1] = {
	[NFIPSEC_POLICY_A_INDEX] = { .type = NLA_U32 },
	[NFIPSEC_POLICY_A_DIR] = NLA_POLICY_MAX(NLA_U8, NFIPSEC_DIR_FWD),
	[NFIPSEC_POLICY_A_PRIORITY] = { .type = NLA_U32 },
	[NFIPSEC_POLICY_A_ACTION] = NLA_POLICY_MAX(NLA_U8,
						   NFIPSEC_ACT_DISCARD),
	[NFIPSEC_POLICY_A_SEL] = NLA_POLICY_NESTED(sel_policy),
	[NFIPSEC_POLICY_A_TMPLS] = NLA_POLICY_NESTED(tmpls_policy),
};

static const struct nla_policy nfipsec_policy[NFIPSEC_A_MAX + 1] = {
	[NFIPSEC_A_SA] = NLA_POLICY_NESTED(sa_policy),
	[NFIPSEC_A_POLICY] = NLA_POLICY_NESTED(pol_policy),
	[NFIPSEC_A_REQ_FLAGS] = { .type = NLA_U32 },
};

/*
 * NL_SET_ERR_MSG* want a literal; this takes any string of static storage
 * (the algorithm table's texts, a choice between literals).
 */
static void set_err(struct netlink_ext_ack *extack, const struct nlattr *attr,
		    const char *msg)
{
	if (!extack)
		return;
	extack->_msg = msg;
	extack->bad_attr = attr;
}

/* ---- parsing ---------------------------------------------------------- */

static int parse_family(const struct nlattr *a, u16 *family,
			struct netlink_ext_ack *extack)
{
	*family = nla_get_u16(a);
	if (*family != AF_INET && *family != AF_INET6) {
		NL_SET_ERR_MSG_ATTR(extack, a, "family must be AF_INET or AF_INET6");
		return -EINVAL;
	}
	return 0;
}

static int parse_addr(const struct nlattr *a, u16 family,
		      union nf_inet_addr *out, struct netlink_ext_ack *extack)
{
	unsigned int len = family == AF_INET ? 4 : 16;

	if (nla_len(a) != len) {
		set_err(extack, a,
			family == AF_INET ?
			"IPv4 address must be 4 bytes" :
			"IPv6 address must be 16 bytes");
		return -EINVAL;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out, nla_data(a), len);
	return 0;
}

static int parse_sel(const struct nlattr *nest, struct nfipsec_sel *sel,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_SEL_A_MAX + 1];
	u8 maxplen;
	int err;

	err = nla_parse_nested(tb, NFIPSEC_SEL_A_MAX, nest, sel_policy, extack);
	if (err)
		return err;
	memset(sel, 0, sizeof(*sel));
	sel->type = -1;
	sel->code = -1;
	sel->sport_max = 0xffff;
	sel->dport_max = 0xffff;
	if (!tb[NFIPSEC_SEL_A_FAMILY]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "selector needs a family");
		return -EINVAL;
	}
	err = parse_family(tb[NFIPSEC_SEL_A_FAMILY], &sel->family, extack);
	if (err)
		return err;
	maxplen = sel->family == AF_INET ? 32 : 128;
	if (tb[NFIPSEC_SEL_A_SRC]) {
		err = parse_addr(tb[NFIPSEC_SEL_A_SRC], sel->family, &sel->src,
				 extack);
		if (err)
			return err;
	}
	if (tb[NFIPSEC_SEL_A_DST]) {
		err = parse_addr(tb[NFIPSEC_SEL_A_DST], sel->family, &sel->dst,
				 extack);
		if (err)
			return err;
	}
	if (tb[NFIPSEC_SEL_A_SRC_PLEN])
		sel->splen = nla_get_u8(tb[NFIPSEC_SEL_A_SRC_PLEN]);
	if (tb[NFIPSEC_SEL_A_DST_PLEN])
		sel->dplen = nla_get_u8(tb[NFIPSEC_SEL_A_DST_PLEN]);
	if (sel->splen > maxplen || sel->dplen > maxplen) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "prefix length longer than the address");
		return -EINVAL;
	}
	if ((sel->splen && !tb[NFIPSEC_SEL_A_SRC]) ||
	    (sel->dplen && !tb[NFIPSEC_SEL_A_DST])) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "prefix length given without an address");
		return -EINVAL;
	}
	if (tb[NFIPSEC_SEL_A_PROTO])
		sel->proto = nla_get_u8(tb[NFIPSEC_SEL_A_PROTO]);
	if (tb[NFIPSEC_SEL_A_SPORT_MIN])
		sel->sport_min = nla_get_u16(tb[NFIPSEC_SEL_A_SPORT_MIN]);
	if (tb[NFIPSEC_SEL_A_SPORT_MAX])
		sel->sport_max = nla_get_u16(tb[NFIPSEC_SEL_A_SPORT_MAX]);
	if (tb[NFIPSEC_SEL_A_DPORT_MIN])
		sel->dport_min = nla_get_u16(tb[NFIPSEC_SEL_A_DPORT_MIN]);
	if (tb[NFIPSEC_SEL_A_DPORT_MAX])
		sel->dport_max = nla_get_u16(tb[NFIPSEC_SEL_A_DPORT_MAX]);
	if (tb[NFIPSEC_SEL_A_TYPE])
		sel->type = nla_get_u8(tb[NFIPSEC_SEL_A_TYPE]);
	if (tb[NFIPSEC_SEL_A_CODE])
		sel->code = nla_get_u8(tb[NFIPSEC_SEL_A_CODE]);
	if (sel->sport_min > sel->sport_max || sel->dport_min > sel->dport_max) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "port range with min above max");
		return -EINVAL;
	}
	if ((tb[NFIPSEC_SEL_A_SPORT_MIN] || tb[NFIPSEC_SEL_A_SPORT_MAX] ||
	     tb[NFIPSEC_SEL_A_DPORT_MIN] || tb[NFIPSEC_SEL_A_DPORT_MAX]) &&
	    sel->proto != IPPROTO_TCP && sel->proto != IPPROTO_UDP &&
	    sel->proto != IPPROTO_SCTP && sel->proto != IPPROTO_UDPLITE) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "ports need protocol tcp, udp or sctp");
		return -EINVAL;
	}
	if ((tb[NFIPSEC_SEL_A_TYPE] || tb[NFIPSEC_SEL_A_CODE]) &&
	    sel->proto != IPPROTO_ICMP && sel->proto != IPPROTO_ICMPV6) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "ICMP type and code need protocol icmp or ipv6-icmp");
		return -EINVAL;
	}
	/* keep the stored addresses masked, so equal selectors compare equal */
	if (sel->family == AF_INET) {
		sel->src.ip &= sel->splen ? inet_make_mask(sel->splen) : 0;
		sel->dst.ip &= sel->dplen ? inet_make_mask(sel->dplen) : 0;
	} else {
		struct in6_addr a;	/* ipv6_addr_prefix cannot work in place */

		a = sel->src.in6;
		ipv6_addr_prefix(&sel->src.in6, &a, sel->splen);
		a = sel->dst.in6;
		ipv6_addr_prefix(&sel->dst.in6, &a, sel->dplen);
	}
	return 0;
}

static int parse_lft(const struct nlattr *nest, struct nfipsec_lft *l,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_LFT_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NFIPSEC_LFT_A_MAX, nest, lft_policy, extack);
	if (err)
		return err;
	memset(l, 0, sizeof(*l));
	if (tb[NFIPSEC_LFT_A_BYTES])
		l->bytes = nla_get_u64(tb[NFIPSEC_LFT_A_BYTES]);
	if (tb[NFIPSEC_LFT_A_PACKETS])
		l->packets = nla_get_u64(tb[NFIPSEC_LFT_A_PACKETS]);
	if (tb[NFIPSEC_LFT_A_ADD_SECS])
		l->add_secs = nla_get_u64(tb[NFIPSEC_LFT_A_ADD_SECS]);
	if (tb[NFIPSEC_LFT_A_USE_SECS])
		l->use_secs = nla_get_u64(tb[NFIPSEC_LFT_A_USE_SECS]);
	return 0;
}

/*
 * A soft limit above the hard one of the same kind could never fire
 * before the SA is deleted: refused (XFRM takes it; a negotiator that
 * means "no soft expiry" says 0).
 */
static int lft_check_pair(const struct nfipsec_lft *soft,
			  const struct nfipsec_lft *hard,
			  const struct nlattr *attr,
			  struct netlink_ext_ack *extack)
{
	const char *msg = NULL;

	if (soft->bytes && hard->bytes && soft->bytes > hard->bytes)
		msg = "soft byte limit above the hard one";
	else if (soft->packets && hard->packets &&
		 soft->packets > hard->packets)
		msg = "soft packet limit above the hard one";
	else if (soft->add_secs && hard->add_secs &&
		 soft->add_secs > hard->add_secs)
		msg = "soft time limit above the hard one";
	else if (soft->use_secs && hard->use_secs &&
		 soft->use_secs > hard->use_secs)
		msg = "soft use-time limit above the hard one";
	if (!msg)
		return 0;
	set_err(extack, attr, msg);
	return -EINVAL;
}

/* Limits change under traffic: the packet path reads them lock-free. */
static void lft_store(struct nfipsec_lft *dst, const struct nfipsec_lft *src)
{
	WRITE_ONCE(dst->bytes, src->bytes);
	WRITE_ONCE(dst->packets, src->packets);
	WRITE_ONCE(dst->add_secs, src->add_secs);
	WRITE_ONCE(dst->use_secs, src->use_secs);
}

/*
 * An algorithm nest: NAME must be one of crypto.c's table for @type (an
 * AEAD may be wrapped as pcrypt(...) or cryptd(...), which forces the
 * asynchronous crypto path), KEY must have one of its lengths, ICV_BITS
 * one of its ICV or truncation lengths.
 */
static int parse_alg(const struct nlattr *nest, u8 type,
		     const struct nfipsec_alg **algp, char *name,
		     u8 *key, u16 *keylen, u16 *icv_bits,
		     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_ALG_A_MAX + 1];
	const struct nfipsec_alg *alg;
	char buf[NFIPSEC_ALG_NAME_MAX];
	const char *base = buf;
	unsigned int bits;
	size_t n;
	int err;

	err = nla_parse_nested(tb, NFIPSEC_ALG_A_MAX, nest, alg_policy, extack);
	if (err)
		return err;
	if (!tb[NFIPSEC_ALG_A_NAME]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "algorithm needs a name");
		return -EINVAL;
	}
	nla_strscpy(buf, tb[NFIPSEC_ALG_A_NAME], sizeof(buf));
	if (name)
		strscpy(name, buf, NFIPSEC_ALG_NAME_MAX);
	n = strlen(buf);
	if (type == NFIPSEC_ALG_AEAD && n > 8 && buf[n - 1] == ')' &&
	    (!strncmp(buf, "pcrypt(", 7) || !strncmp(buf, "cryptd(", 7))) {
		if (!NFIPSEC_CRYPTD_AEAD_OK && buf[0] == 'c') {
			set_err(extack, tb[NFIPSEC_ALG_A_NAME],
				"cryptd AEAD is broken before Linux 6.3; use pcrypt");
			return -EOPNOTSUPP;
		}
		buf[n - 1] = '\0';
		base = buf + 7;
	}
	alg = nfipsec_alg_find(base, type);
	if (!alg) {
		set_err(extack, tb[NFIPSEC_ALG_A_NAME],
			type == NFIPSEC_ALG_AEAD ? "unknown AEAD algorithm" :
			type == NFIPSEC_ALG_ENC ? "unknown encryption algorithm" :
			"unknown authentication algorithm");
		return -ENOPROTOOPT;
	}
	bits = tb[NFIPSEC_ALG_A_KEY] ? nla_len(tb[NFIPSEC_ALG_A_KEY]) * 8 : 0;
	if (!nfipsec_alg_key_ok(alg, bits)) {
		set_err(extack, tb[NFIPSEC_ALG_A_KEY] ?: nest, alg->key_msg);
		return -EINVAL;
	}
	*keylen = bits / 8;
	if (bits)
		nla_memcpy(key, tb[NFIPSEC_ALG_A_KEY], NFIPSEC_KEY_MAX);
	if (icv_bits) {
		unsigned int icv = alg->icv_bits_default;

		if (tb[NFIPSEC_ALG_A_ICV_BITS])
			icv = nla_get_u32(tb[NFIPSEC_ALG_A_ICV_BITS]);
		if (icv % 32 || icv > 512 ||
		    !(alg->icv_bits_mask & (1U << (icv / 32)))) {
			set_err(extack, tb[NFIPSEC_ALG_A_ICV_BITS] ?: nest,
				alg->icv_msg);
			return -EINVAL;
		}
		*icv_bits = icv;
	} else if (tb[NFIPSEC_ALG_A_ICV_BITS]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_ALG_A_ICV_BITS],
				    "an encryption algorithm has no ICV length");
		return -EINVAL;
	}
	if (alg->legacy)
		pr_warn_once("%s is legacy (RFC 8221: MUST NOT); accepted for interoperability\n",
			     alg->name);
	*algp = alg;
	return 0;
}

/* ENCAP: ESP in UDP (udp.c); ports in network byte order. */
static int parse_encap(const struct nlattr *nest, u16 family,
		       __be16 *sport, __be16 *dport, s64 *ka,
		       struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_ENCAP_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NFIPSEC_ENCAP_A_MAX, nest, encap_policy,
			       extack);
	if (err)
		return err;
	if (!tb[NFIPSEC_ENCAP_A_TYPE] || !tb[NFIPSEC_ENCAP_A_SPORT] ||
	    !tb[NFIPSEC_ENCAP_A_DPORT]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "encapsulation needs type, source and destination port");
		return -EINVAL;
	}
	if (nla_get_u16(tb[NFIPSEC_ENCAP_A_TYPE]) != UDP_ENCAP_ESPINUDP) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_ENCAP_A_TYPE],
				    "only encapsulation espinudp (UDP_ENCAP_ESPINUDP) is supported");
		return -EOPNOTSUPP;
	}
	if (family != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "ESP in UDP over IPv6 is not implemented yet");
		return -EOPNOTSUPP;
	}
	*sport = nla_get_be16(tb[NFIPSEC_ENCAP_A_SPORT]);
	*dport = nla_get_be16(tb[NFIPSEC_ENCAP_A_DPORT]);
	if (!*sport || !*dport) {
		NL_SET_ERR_MSG_ATTR(extack, *sport ? tb[NFIPSEC_ENCAP_A_DPORT] :
				    tb[NFIPSEC_ENCAP_A_SPORT],
				    "encapsulation port 0 is not allowed");
		return -EINVAL;
	}
	/* -1: not given */
	*ka = -1;
	if (tb[NFIPSEC_ENCAP_A_KEEPALIVE])
		*ka = nla_get_u32(tb[NFIPSEC_ENCAP_A_KEEPALIVE]);
	return 0;
}

/* SPI, PROTO, FAMILY, DST: what names an SA. */
static int parse_sa_id(struct nlattr **tb, const struct nlattr *nest,
		       __be32 *spi, u8 *proto, u16 *family,
		       union nf_inet_addr *dst, struct netlink_ext_ack *extack)
{
	int err;

	if (!tb[NFIPSEC_SA_A_SPI] || !tb[NFIPSEC_SA_A_PROTO] ||
	    !tb[NFIPSEC_SA_A_FAMILY] || !tb[NFIPSEC_SA_A_DST]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "SA needs SPI, protocol, family and destination");
		return -EINVAL;
	}
	*spi = nla_get_be32(tb[NFIPSEC_SA_A_SPI]);
	if (!*spi) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_SPI],
				    "SPI 0 is reserved");
		return -EINVAL;
	}
	*proto = nla_get_u8(tb[NFIPSEC_SA_A_PROTO]);
	if (*proto != IPPROTO_ESP && *proto != IPPROTO_AH) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_PROTO],
				    "protocol must be esp (50) or ah (51)");
		return -EINVAL;
	}
	err = parse_family(tb[NFIPSEC_SA_A_FAMILY], family, extack);
	if (err)
		return err;
	return parse_addr(tb[NFIPSEC_SA_A_DST], *family, dst, extack);
}

/* SPI_MIN, SPI_MAX, LARVAL_SECS mean something to ALLOCSPI only. */
static int refuse_allocspi_attrs(struct nlattr **tb,
				 struct netlink_ext_ack *extack)
{
	struct nlattr *a = tb[NFIPSEC_SA_A_SPI_MIN] ?: tb[NFIPSEC_SA_A_SPI_MAX] ?:
			   tb[NFIPSEC_SA_A_LARVAL_SECS];

	if (!a)
		return 0;
	NL_SET_ERR_MSG_ATTR(extack, a,
			    "SPI range and larval timeout go with ALLOCSPI only");
	return -EINVAL;
}

#define SA_FLAGS_KNOWN (NFIPSEC_SA_F_ESN | NFIPSEC_SA_F_NOECN | \
			NFIPSEC_SA_F_DECAP_DSCP | NFIPSEC_SA_F_NOAUTH | \
			NFIPSEC_SA_F_ALIGN4)

/* AH: integrity alone (RFC 4302), no cipher. */
static int ah_from_attrs(struct nfipsec_sa *sa, struct nlattr **tb,
			 const struct nlattr *nest,
			 struct netlink_ext_ack *extack)
{
	if (tb[NFIPSEC_SA_A_AEAD] || tb[NFIPSEC_SA_A_ENC]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_AEAD] ?:
				    tb[NFIPSEC_SA_A_ENC],
				    "AH takes AUTH only, no AEAD or ENC");
		return -EINVAL;
	}
	if (!tb[NFIPSEC_SA_A_AUTH]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "AH SA needs AUTH");
		return -EINVAL;
	}
	if (sa->flags & NFIPSEC_SA_F_NOAUTH) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_FLAGS],
				    "flag noauth is for ESP");
		return -EINVAL;
	}
	if ((sa->flags & NFIPSEC_SA_F_ALIGN4) && sa->family != AF_INET) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_FLAGS],
				    "flag align4 is for AH over IPv4 (IPv6 needs 64-bit alignment)");
		return -EINVAL;
	}
	return parse_alg(tb[NFIPSEC_SA_A_AUTH], NFIPSEC_ALG_AUTH,
			 &sa->auth_alg, NULL, sa->auth_key, &sa->auth_keylen,
			 &sa->icv_bits, extack);
}

/*
 * IFINDEX: a link of @net (an nfipsec device made by RTM_NEWLINK), not
 * nfipsec0 nor any other device; 0 is none.
 */
static int parse_link(struct net *net, const struct nlattr *attr, int *out,
		      struct netlink_ext_ack *extack)
{
	u32 ifindex = nla_get_u32(attr);
	struct net_device *dev;
	const char *msg = NULL;

	*out = 0;
	if (!ifindex)
		return 0;
	if (ifindex > INT_MAX) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "ifindex out of range");
		return -EINVAL;
	}
	rcu_read_lock();
	dev = dev_get_by_index_rcu(net, ifindex);
	if (!dev)
		msg = "no device with this ifindex in the SA's netns";
	else if (dev == READ_ONCE(nfipsec_pernet(net)->dev))
		msg = "nfipsec0 is not a link: name a device made with link add";
	else if (!nfipsec_dev_is_link(dev))
		msg = "device is not an nfipsec link";
	rcu_read_unlock();
	if (msg) {
		set_err(extack, attr, msg);
		return dev ? -EINVAL : -ENODEV;
	}
	*out = ifindex;
	return 0;
}

static int sa_from_attrs(struct net *net, struct nfipsec_sa *sa,
			 const struct nlattr *nest,
			 struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_SA_A_MAX + 1];
	u16 dummy_icv;
	s64 ka;
	u64 seq;
	int err;

	err = nla_parse_nested(tb, NFIPSEC_SA_A_MAX, nest, sa_policy, extack);
	if (err)
		return err;
	err = parse_sa_id(tb, nest, &sa->spi, &sa->proto, &sa->family,
			  &sa->dst, extack);
	if (err)
		return err;
	err = refuse_allocspi_attrs(tb, extack);
	if (err)
		return err;
	if (!tb[NFIPSEC_SA_A_SRC] || !tb[NFIPSEC_SA_A_MODE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "SA needs source and mode");
		return -EINVAL;
	}
	err = parse_addr(tb[NFIPSEC_SA_A_SRC], sa->family, &sa->src, extack);
	if (err)
		return err;
	sa->mode = nla_get_u8(tb[NFIPSEC_SA_A_MODE]);
	if (tb[NFIPSEC_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[NFIPSEC_SA_A_REQID]);
	if (tb[NFIPSEC_SA_A_FLAGS])
		sa->flags = nla_get_u32(tb[NFIPSEC_SA_A_FLAGS]);
	if (sa->flags & ~SA_FLAGS_KNOWN) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_FLAGS],
				    "unknown SA flag");
		return -EINVAL;
	}
	if (tb[NFIPSEC_SA_A_DF])
		sa->df = nla_get_u8(tb[NFIPSEC_SA_A_DF]);
	if (tb[NFIPSEC_SA_A_ENCAP]) {
		if (sa->proto != IPPROTO_ESP) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_ENCAP],
					    "encapsulation needs proto esp");
			return -EINVAL;
		}
		err = parse_encap(tb[NFIPSEC_SA_A_ENCAP], sa->family,
				  &sa->encap_sport, &sa->encap_dport, &ka,
				  extack);
		if (err)
			return err;
		sa->encap_type = UDP_ENCAP_ESPINUDP;
		sa->ka_secs = max_t(s64, ka, 0);
		sa->mapping_next = jiffies;
	}
	if (tb[NFIPSEC_SA_A_IFINDEX]) {
		err = parse_link(net, tb[NFIPSEC_SA_A_IFINDEX], &sa->ifindex,
				 extack);
		if (err)
			return err;
	}

	if ((sa->flags & NFIPSEC_SA_F_ALIGN4) && sa->proto != IPPROTO_AH) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_FLAGS],
				    "flag align4 is for AH");
		return -EINVAL;
	}
	if (sa->proto == IPPROTO_AH) {
		err = ah_from_attrs(sa, tb, nest, extack);
		if (err)
			return err;
	} else if (tb[NFIPSEC_SA_A_AEAD]) {
		if (tb[NFIPSEC_SA_A_ENC] || tb[NFIPSEC_SA_A_AUTH]) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_AEAD],
					    "AEAD excludes ENC and AUTH");
			return -EINVAL;
		}
		err = parse_alg(tb[NFIPSEC_SA_A_AEAD], NFIPSEC_ALG_AEAD,
				&sa->aead_alg, sa->aead_name, sa->aead_key,
				&sa->aead_keylen, &sa->icv_bits, extack);
		if (err)
			return err;
	} else if (tb[NFIPSEC_SA_A_ENC]) {
		err = parse_alg(tb[NFIPSEC_SA_A_ENC], NFIPSEC_ALG_ENC,
				&sa->enc_alg, NULL, sa->enc_key,
				&sa->enc_keylen, NULL, extack);
		if (err)
			return err;
		if (tb[NFIPSEC_SA_A_AUTH]) {
			err = parse_alg(tb[NFIPSEC_SA_A_AUTH], NFIPSEC_ALG_AUTH,
					&sa->auth_alg, NULL, sa->auth_key,
					&sa->auth_keylen, &sa->icv_bits,
					extack);
			if (err)
				return err;
		} else if (!(sa->flags & NFIPSEC_SA_F_NOAUTH) ||
			   !strcmp(sa->enc_alg->name, "ecb(cipher_null)")) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_ENC],
					    "ESP without integrity needs AUTH (or flag noauth with a real cipher)");
			return -EINVAL;
		}
	} else {
		if (tb[NFIPSEC_SA_A_AUTH])
			parse_alg(tb[NFIPSEC_SA_A_AUTH], NFIPSEC_ALG_AUTH,
				  &sa->auth_alg, NULL, sa->auth_key,
				  &sa->auth_keylen, &dummy_icv, NULL);
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "ESP SA needs AEAD, or ENC with AUTH");
		return -EINVAL;
	}

	if (tb[NFIPSEC_SA_A_SEL]) {
		err = parse_sel(tb[NFIPSEC_SA_A_SEL], &sa->sel, extack);
		if (err)
			return err;
		sa->has_sel = true;
		if (sa->mode == NFIPSEC_MODE_TRANSPORT &&
		    sa->sel.family != sa->family) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_SEL],
					    "transport SA selector must be of the SA's family");
			return -EINVAL;
		}
	}
	if (tb[NFIPSEC_SA_A_LIFETIME_SOFT]) {
		err = parse_lft(tb[NFIPSEC_SA_A_LIFETIME_SOFT], &sa->soft, extack);
		if (err)
			return err;
	}
	if (tb[NFIPSEC_SA_A_LIFETIME_HARD]) {
		err = parse_lft(tb[NFIPSEC_SA_A_LIFETIME_HARD], &sa->hard, extack);
		if (err)
			return err;
	}
	err = lft_check_pair(&sa->soft, &sa->hard,
			     tb[NFIPSEC_SA_A_LIFETIME_SOFT] ?: nest, extack);
	if (err)
		return err;

	if (tb[NFIPSEC_SA_A_SEQ_OUT]) {
		seq = nla_get_u64(tb[NFIPSEC_SA_A_SEQ_OUT]);
		if (!(sa->flags & NFIPSEC_SA_F_ESN) && seq > U32_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_SEQ_OUT],
					    "sequence number above 2^32-1 needs flag esn");
			return -EINVAL;
		}
		atomic64_set(&sa->seq_out, seq);
	}
	seq = 0;
	if (tb[NFIPSEC_SA_A_SEQ_IN]) {
		seq = nla_get_u64(tb[NFIPSEC_SA_A_SEQ_IN]);
		if (!(sa->flags & NFIPSEC_SA_F_ESN) && seq > U32_MAX) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_SEQ_IN],
					    "sequence number above 2^32-1 needs flag esn");
			return -EINVAL;
		}
	}
	err = nfipsec_replay_init(&sa->replay, tb[NFIPSEC_SA_A_REPLAY_WINDOW] ?
				  nla_get_u32(tb[NFIPSEC_SA_A_REPLAY_WINDOW]) :
				  32, seq);
	if (err)
		return err;
	return nfipsec_sa_setup_crypto(sa, extack);
}

static int nfipsec_put_algs(struct sk_buff *skb)
{
	char driver[CRYPTO_MAX_ALG_NAME];
	const struct nfipsec_alg *alg;
	struct nlattr *algs, *a;
	unsigned int i;
	int err;

	algs = nla_nest_start(skb, NFIPSEC_A_ALGS);
	if (!algs)
		return -EMSGSIZE;
	for (i = 0; (alg = nfipsec_alg_at(i)); i++) {
		err = nfipsec_alg_probe(alg, driver, sizeof(driver));
		a = nla_nest_start(skb, NFIPSEC_A_ALG);
		if (!a ||
		    nla_put_string(skb, NFIPSEC_ALG_A_NAME, alg->name) ||
		    nla_put_u8(skb, NFIPSEC_ALG_A_TYPE, alg->type) ||
		    nla_put_u8(skb, NFIPSEC_ALG_A_AVAILABLE, !err) ||
		    (!err && nla_put_string(skb, NFIPSEC_ALG_A_DRIVER, driver)))
			return -EMSGSIZE;
		nla_nest_end(skb, a);
	}
	nla_nest_end(skb, algs);
	return 0;
}

static int nfipsec_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
				NFIPSEC_CMD_GET_VERSION);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = -EMSGSIZE;
	if (nla_put_string(msg, NFIPSEC_A_VERSION, NFIPSEC_VERSION))
		goto err_free;
	err = nfipsec_put_algs(msg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

/* ---- replies ------------------------------------------------------------ */

static int put_addr(struct sk_buff *skb, int type, u16 family,
		    const union nf_inet_addr *a)
{
	return nla_put(skb, type, family == AF_INET ? 4 : 16, a);
}

static int put_sel(struct sk_buff *skb, int type, const struct nfipsec_sel *s)
{
	struct nlattr *n = nla_nest_start(skb, type);

	if (!n ||
	    nla_put_u16(skb, NFIPSEC_SEL_A_FAMILY, s->family) ||
	    put_addr(skb, NFIPSEC_SEL_A_SRC, s->family, &s->src) ||
	    put_addr(skb, NFIPSEC_SEL_A_DST, s->family, &s->dst) ||
	    nla_put_u8(skb, NFIPSEC_SEL_A_SRC_PLEN, s->splen) ||
	    nla_put_u8(skb, NFIPSEC_SEL_A_DST_PLEN, s->dplen) ||
	    nla_put_u8(skb, NFIPSEC_SEL_A_PROTO, s->proto))
		return -EMSGSIZE;
	if (s->proto == IPPROTO_TCP || s->proto == IPPROTO_UDP ||
	    s->proto == IPPROTO_SCTP || s->proto == IPPROTO_UDPLITE) {
		if (nla_put_u16(skb, NFIPSEC_SEL_A_SPORT_MIN, s->sport_min) ||
		    nla_put_u16(skb, NFIPSEC_SEL_A_SPORT_MAX, s->sport_max) ||
		    nla_put_u16(skb, NFIPSEC_SEL_A_DPORT_MIN, s->dport_min) ||
		    nla_put_u16(skb, NFIPSEC_SEL_A_DPORT_MAX, s->dport_max))
			return -EMSGSIZE;
	}
	if ((s->type >= 0 && nla_put_u8(skb, NFIPSEC_SEL_A_TYPE, s->type)) ||
	    (s->code >= 0 && nla_put_u8(skb, NFIPSEC_SEL_A_CODE, s->code)))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

static int put_lft(struct sk_buff *skb, int type, const struct nfipsec_lft *l)
{
	struct nlattr *n = nla_nest_start(skb, type);

	if (!n ||
	    nla_put_u64_64bit(skb, NFIPSEC_LFT_A_BYTES, l->bytes,
			      NFIPSEC_LFT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFIPSEC_LFT_A_PACKETS, l->packets,
			      NFIPSEC_LFT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFIPSEC_LFT_A_ADD_SECS, l->add_secs,
			      NFIPSEC_LFT_A_PAD) ||
	    nla_put_u64_64bit(skb, NFIPSEC_LFT_A_USE_SECS, l->use_secs,
			      NFIPSEC_LFT_A_PAD))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

static int put_alg(struct sk_buff *skb, int type, const char *name,
		   const u8 *key, unsigned int keylen, int icv, bool keys)
{
	struct nlattr *n = nla_nest_start(skb, type);

	if (!n || nla_put_string(skb, NFIPSEC_ALG_A_NAME, name) ||
	    (icv >= 0 && nla_put_u32(skb, NFIPSEC_ALG_A_ICV_BITS, icv)) ||
	    (keys && nla_put(skb, NFIPSEC_ALG_A_KEY, keylen, key)))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

static void sa_sum_stats(struct nfipsec_sa *sa, u64 *v)
{
	int cpu, i;

	memset(v, 0, sizeof(u64) * (NFIPSEC_SA_STAT_MAX + 1));
	for_each_possible_cpu(cpu) {
		struct nfipsec_sa_pcpu *s = per_cpu_ptr(sa->stats, cpu);

		for (i = 0; i <= NFIPSEC_SA_STAT_MAX; i++)
			v[i] += READ_ONCE(s->v[i]);
	}
}

static int put_encap(struct sk_buff *skb, struct nfipsec_sa *sa)
{
	struct nlattr *n = nla_nest_start(skb, NFIPSEC_SA_A_ENCAP);

	if (!n ||
	    nla_put_u16(skb, NFIPSEC_ENCAP_A_TYPE, sa->encap_type) ||
	    nla_put_be16(skb, NFIPSEC_ENCAP_A_SPORT,
			 READ_ONCE(sa->encap_sport)) ||
	    nla_put_be16(skb, NFIPSEC_ENCAP_A_DPORT,
			 READ_ONCE(sa->encap_dport)) ||
	    nla_put_u32(skb, NFIPSEC_ENCAP_A_KEEPALIVE, READ_ONCE(sa->ka_secs)))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

/* The SA's identity only (events), or everything (dumps). */
static int put_sa(struct sk_buff *skb, struct nfipsec_sa *sa, bool full,
		  bool keys)
{
	u64 v[NFIPSEC_SA_STAT_MAX + 1], seq_out;
	struct nfipsec_lft cur;
	struct nlattr *n, *st;
	int i;

	n = nla_nest_start(skb, NFIPSEC_A_SA);
	if (!n ||
	    nla_put_be32(skb, NFIPSEC_SA_A_SPI, sa->spi) ||
	    nla_put_u8(skb, NFIPSEC_SA_A_PROTO, sa->proto) ||
	    nla_put_u16(skb, NFIPSEC_SA_A_FAMILY, sa->family) ||
	    put_addr(skb, NFIPSEC_SA_A_SRC, sa->family, &sa->src) ||
	    put_addr(skb, NFIPSEC_SA_A_DST, sa->family, &sa->dst) ||
	    nla_put_u8(skb, NFIPSEC_SA_A_MODE, sa->mode) ||
	    nla_put_u32(skb, NFIPSEC_SA_A_REQID, sa->reqid) ||
	    (sa->ifindex &&
	     nla_put_u32(skb, NFIPSEC_SA_A_IFINDEX, sa->ifindex)) ||
	    (sa->larval && nla_put_u8(skb, NFIPSEC_SA_A_LARVAL, 1)))
		return -EMSGSIZE;
	if (!full)
		goto end;
	/* without ESN the counter goes on past 2^32-1 only as drops */
	seq_out = atomic64_read(&sa->seq_out);
	if (!(sa->flags & NFIPSEC_SA_F_ESN))
		seq_out = min_t(u64, seq_out, U32_MAX);
	if (nla_put_u32(skb, NFIPSEC_SA_A_REPLAY_WINDOW, sa->replay.window) ||
	    nla_put_u32(skb, NFIPSEC_SA_A_FLAGS, sa->flags) ||
	    nla_put_u8(skb, NFIPSEC_SA_A_DF, sa->df) ||
	    nla_put_u64_64bit(skb, NFIPSEC_SA_A_SEQ_OUT, seq_out,
			      NFIPSEC_SA_A_PAD) ||
	    nla_put_u64_64bit(skb, NFIPSEC_SA_A_SEQ_IN,
			      READ_ONCE(sa->replay.top), NFIPSEC_SA_A_PAD))
		return -EMSGSIZE;
	if (sa->aead_alg &&
	    put_alg(skb, NFIPSEC_SA_A_AEAD, sa->aead_name, sa->aead_key,
		    sa->aead_keylen, sa->icv_bits, keys))
		return -EMSGSIZE;
	if (sa->enc_alg &&
	    put_alg(skb, NFIPSEC_SA_A_ENC, sa->enc_alg->name, sa->enc_key,
		    sa->enc_keylen, -1, keys))
		return -EMSGSIZE;
	if (sa->auth_alg &&
	    put_alg(skb, NFIPSEC_SA_A_AUTH, sa->auth_alg->name, sa->auth_key,
		    sa->auth_keylen, sa->icv_bits, keys))
		return -EMSGSIZE;
	if (sa->has_sel && put_sel(skb, NFIPSEC_SA_A_SEL, &sa->sel))
		return -EMSGSIZE;
	if (sa->encap_type && put_encap(skb, sa))
		return -EMSGSIZE;
	if (put_lft(skb, NFIPSEC_SA_A_LIFETIME_SOFT, &sa->soft) ||
	    put_lft(skb, NFIPSEC_SA_A_LIFETIME_HARD, &sa->hard))
		return -EMSGSIZE;
	sa_sum_stats(sa, v);
	nfipsec_sa_lft_cur(sa, &cur);
	if (put_lft(skb, NFIPSEC_SA_A_CUR, &cur))
		return -EMSGSIZE;
	st = nla_nest_start(skb, NFIPSEC_SA_A_STATS);
	if (!st)
		return -EMSGSIZE;
	for (i = NFIPSEC_SA_STAT_PACKETS_IN; i <= NFIPSEC_SA_STAT_ERRORS; i++)
		if (nla_put_u64_64bit(skb, i, v[i], NFIPSEC_SA_STAT_PAD))
			return -EMSGSIZE;
	nla_nest_end(skb, st);
end:
	nla_nest_end(skb, n);
	return 0;
}

static int put_tmpl(struct sk_buff *skb, int type, const struct nfipsec_tmpl *t)
{
	struct nlattr *n = nla_nest_start(skb, type);

	if (!n ||
	    nla_put_u8(skb, NFIPSEC_TMPL_A_PROTO, t->proto) ||
	    nla_put_u8(skb, NFIPSEC_TMPL_A_MODE, t->mode) ||
	    nla_put_u32(skb, NFIPSEC_TMPL_A_REQID, t->reqid) ||
	    (t->spi && nla_put_be32(skb, NFIPSEC_TMPL_A_SPI, t->spi)))
		return -EMSGSIZE;
	if (t->has_addrs &&
	    (nla_put_u16(skb, NFIPSEC_TMPL_A_FAMILY, t->family) ||
	     put_addr(skb, NFIPSEC_TMPL_A_SRC, t->family, &t->src) ||
	     put_addr(skb, NFIPSEC_TMPL_A_DST, t->family, &t->dst)))
		return -EMSGSIZE;
	nla_nest_end(skb, n);
	return 0;
}

static int put_policy(struct sk_buff *skb, struct nfipsec_policy *p,
		      bool full)
{
	struct nlattr *n, *ts;
	int i;

	n = nla_nest_start(skb, NFIPSEC_A_POLICY);
	if (!n ||
	    nla_put_u32(skb, NFIPSEC_POLICY_A_INDEX, p->index) ||
	    nla_put_u8(skb, NFIPSEC_POLICY_A_DIR, p->dir))
		return -EMSGSIZE;
	if (!full)
		goto end;
	if (nla_put_u32(skb, NFIPSEC_POLICY_A_PRIORITY, p->priority) ||
	    nla_put_u8(skb, NFIPSEC_POLICY_A_ACTION, p->action) ||
	    put_sel(skb, NFIPSEC_POLICY_A_SEL, &p->sel))
		return -EMSGSIZE;
	if (p->ntmpl) {
		ts = nla_nest_start(skb, NFIPSEC_POLICY_A_TMPLS);
		if (!ts)
			return -EMSGSIZE;
		for (i = 0; i < p->ntmpl; i++)
			if (put_tmpl(skb, NFIPSEC_POLICY_A_TMPL, &p->tmpl[i]))
				return -EMSGSIZE;
		nla_nest_end(skb, ts);
	}
end:
	nla_nest_end(skb, n);
	return 0;
}

/* ---- SA commands -------------------------------------------------------- */

static struct nlattr *need_attr(struct genl_info *info, int type,
				const char *msg)
{
	if (!info->attrs[type]) {
		set_err(info->extack, NULL, msg);
		return NULL;
	}
	return info->attrs[type];
}

static int enable_defrag(struct nfipsec_net *nn, u16 family,
			 struct netlink_ext_ack *extack)
{
	int err = 0;

	if (family == AF_INET && !nn->defrag4) {
		err = nf_defrag_ipv4_enable(nn->net);
		nn->defrag4 = !err;
	} else if (family == AF_INET6 && !nn->defrag6) {
		err = nf_defrag_ipv6_enable(nn->net);
		nn->defrag6 = !err;
	}
	if (err)
		NL_SET_ERR_MSG_MOD(extack, "cannot enable IP defragmentation");
	return err;
}

static int nfipsec_sa_add(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nlattr *a = need_attr(info, NFIPSEC_A_SA, "request needs an SA");
	struct nfipsec_sa *sa;
	int err;

	if (!a)
		return -EINVAL;
	sa = nfipsec_sa_alloc();
	if (!sa)
		return -ENOMEM;
	err = sa_from_attrs(genl_info_net(info), sa, a, info->extack);
	if (err)
		goto err_put;

	mutex_lock(&nn->lock);
	err = enable_defrag(nn, sa->family, info->extack);
	if (!err)
		err = nfipsec_sa_insert(nn, sa, info->extack);
	mutex_unlock(&nn->lock);
	if (err)
		goto err_put;
	return 0;

err_put:
	nfipsec_sa_put(sa);
	return err;
}

/*
 * One algorithm of an UPDATE of a complete SA: if the request names it,
 * it must be the SA's, with the same ICV length and key (compared in
 * constant time). Keys and algorithms change only by a new SA (a rekey).
 */
static int update_check_alg(const struct nlattr *nest, u8 type,
			    const struct nfipsec_alg *cur, const char *cur_name,
			    const u8 *cur_key, u16 cur_keylen, int cur_icv,
			    struct netlink_ext_ack *extack)
{
	char name[NFIPSEC_ALG_NAME_MAX] = "";
	const struct nfipsec_alg *alg;
	u8 key[NFIPSEC_KEY_MAX];
	u16 keylen, icv = 0;
	int err;

	if (!nest)
		return 0;
	if (!cur) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "algorithms cannot change: install a new SA to rekey");
		return -EINVAL;
	}
	err = parse_alg(nest, type, &alg, name, key, &keylen,
			cur_icv < 0 ? NULL : &icv, extack);
	if (err)
		goto out;
	err = -EINVAL;
	if (alg != cur || (cur_name && strcmp(name, cur_name)) ||
	    (cur_icv >= 0 && icv != cur_icv)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "algorithms cannot change: install a new SA to rekey");
		goto out;
	}
	if (keylen != cur_keylen || crypto_memneq(key, cur_key, keylen)) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "keys cannot change: install a new SA to rekey");
		goto out;
	}
	err = 0;
out:
	memzero_explicit(key, sizeof(key));
	return err;
}

/*
 * What an UPDATE of a complete SA may not change. An attribute left out
 * keeps its value; one given must repeat the SA's (so a tool may send the
 * whole SA, as ip xfrm state update does). The endpoints stay: XFRM moves
 * them only by migration, which nfipsec does not have yet.
 */
static int update_check_fixed(struct nlattr **tb, const struct nfipsec_sa *sa,
			      struct netlink_ext_ack *extack)
{
	struct nfipsec_sel sel;
	union nf_inet_addr src;
	const char *msg = NULL;
	struct nlattr *bad = NULL;
	int err;

	err = refuse_allocspi_attrs(tb, extack);
	if (err)
		return err;
	if (tb[NFIPSEC_SA_A_SRC]) {
		err = parse_addr(tb[NFIPSEC_SA_A_SRC], sa->family, &src, extack);
		if (err)
			return err;
		if (!sa->encap_type && memcmp(&src, &sa->src, sizeof(src))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_SRC],
					    "SA source address cannot change: only an SA with encapsulation can change its source");
			return -EINVAL;
		}
	}
	if (tb[NFIPSEC_SA_A_MODE] &&
	    nla_get_u8(tb[NFIPSEC_SA_A_MODE]) != sa->mode) {
		bad = tb[NFIPSEC_SA_A_MODE];
		msg = "SA mode cannot change";
	} else if (tb[NFIPSEC_SA_A_REQID] &&
		   nla_get_u32(tb[NFIPSEC_SA_A_REQID]) != sa->reqid) {
		bad = tb[NFIPSEC_SA_A_REQID];
		msg = "SA reqid cannot change";
	} else if (tb[NFIPSEC_SA_A_FLAGS] &&
		   nla_get_u32(tb[NFIPSEC_SA_A_FLAGS]) != sa->flags) {
		bad = tb[NFIPSEC_SA_A_FLAGS];
		msg = "SA flags cannot change";
	} else if (tb[NFIPSEC_SA_A_REPLAY_WINDOW] &&
		   nla_get_u32(tb[NFIPSEC_SA_A_REPLAY_WINDOW]) !=
		   sa->replay.window) {
		bad = tb[NFIPSEC_SA_A_REPLAY_WINDOW];
		msg = "replay window cannot change";
	} else if (tb[NFIPSEC_SA_A_SEQ_OUT] || tb[NFIPSEC_SA_A_SEQ_IN]) {
		bad = tb[NFIPSEC_SA_A_SEQ_OUT] ?: tb[NFIPSEC_SA_A_SEQ_IN];
		msg = "sequence numbers cannot be set: UPDATE keeps them";
	} else if (tb[NFIPSEC_SA_A_IFINDEX] &&
		   nla_get_u32(tb[NFIPSEC_SA_A_IFINDEX]) != sa->ifindex) {
		bad = tb[NFIPSEC_SA_A_IFINDEX];
		msg = "SA link cannot change";
	}
	if (msg) {
		set_err(extack, bad, msg);
		return -EINVAL;
	}
	if (tb[NFIPSEC_SA_A_ENCAP] && !sa->encap_type) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_ENCAP],
				    "SA has no encapsulation; it cannot be added by UPDATE");
		return -EINVAL;
	}
	if (tb[NFIPSEC_SA_A_SEL]) {
		err = parse_sel(tb[NFIPSEC_SA_A_SEL], &sel, extack);
		if (err)
			return err;
		if (!sa->has_sel || memcmp(&sel, &sa->sel, sizeof(sel))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_SA_A_SEL],
					    "SA selector cannot change");
			return -EINVAL;
		}
	}
	err = update_check_alg(tb[NFIPSEC_SA_A_AEAD], NFIPSEC_ALG_AEAD,
			       sa->aead_alg, sa->aead_name, sa->aead_key,
			       sa->aead_keylen, sa->icv_bits, extack);
	if (!err)
		err = update_check_alg(tb[NFIPSEC_SA_A_ENC], NFIPSEC_ALG_ENC,
				       sa->enc_alg, NULL, sa->enc_key,
				       sa->enc_keylen, -1, extack);
	if (!err)
		err = update_check_alg(tb[NFIPSEC_SA_A_AUTH], NFIPSEC_ALG_AUTH,
				       sa->auth_alg, NULL, sa->auth_key,
				       sa->auth_keylen, sa->icv_bits, extack);
	return err;
}

/*
 * NAT traversal: the peer's address (SRC) and the ports and keepalive of
 * an SA with ENCAP may change, as a negotiator follows a NAT's new
 * mapping (update_check_fixed refused the rest). Readers on the packet
 * path see each field change at once (a packet may meet the old port
 * with the new address); the port set follows DPORT.
 */
static int sa_update_encap(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			   struct nlattr **tb, const union nf_inet_addr *src,
			   __be16 sport, __be16 dport, s64 ka,
			   struct netlink_ext_ack *extack)
{
	int err;

	lockdep_assert_held(&nn->lock);

	if (!sa->encap_type)
		return 0;
	if (tb[NFIPSEC_SA_A_ENCAP]) {
		if (dport != sa->encap_dport) {
			err = nfipsec_encap_port_get(nn, dport);
			if (err) {
				NL_SET_ERR_MSG_MOD(extack,
						   "no memory for the UDP port");
				return err;
			}
			nfipsec_encap_port_put(nn, sa->encap_dport);
			WRITE_ONCE(sa->encap_dport, dport);
		}
		WRITE_ONCE(sa->encap_sport, sport);
		if (ka >= 0 && ka != sa->ka_secs) {
			WRITE_ONCE(sa->ka_secs, ka);
			nfipsec_ka_start(sa);
		}
	}
	if (tb[NFIPSEC_SA_A_SRC] && src->ip != sa->src.ip)
		WRITE_ONCE(sa->src.ip, src->ip);
	return 0;
}

/*
 * UPDATE of a larval SA (ALLOCSPI's reservation): the request carries
 * everything an ADD does, and the complete SA takes the larval one's
 * place. The crypto is set up without the lock; the reservation is held
 * meanwhile and must still be there (not expired, deleted or filled in
 * by another request) when the lock is taken again.
 */
static int sa_update_larval(struct genl_info *info, struct nfipsec_net *nn,
			    struct nfipsec_sa *larval)
{
	struct nfipsec_sa *sa;
	int err;

	lockdep_assert_held(&nn->lock);

	nfipsec_sa_hold(larval);
	mutex_unlock(&nn->lock);
	sa = nfipsec_sa_alloc();
	err = -ENOMEM;
	if (!sa)
		goto err_relock;
	err = sa_from_attrs(genl_info_net(info), sa,
			    info->attrs[NFIPSEC_A_SA], info->extack);
	if (err)
		goto err_relock;
	mutex_lock(&nn->lock);
	if (larval->dead) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "the larval SA expired or was deleted meanwhile");
		err = -ENOENT;
		goto err_put;
	}
	err = enable_defrag(nn, sa->family, info->extack);
	if (!err)
		err = nfipsec_sa_fill_larval(nn, larval, sa, info->extack);
	if (err)
		goto err_put;
	nfipsec_sa_put(larval);
	return 0;

err_relock:
	mutex_lock(&nn->lock);
err_put:
	nfipsec_sa_put(larval);
	if (sa)
		nfipsec_sa_put(sa);
	return err;
}

/*
 * UPDATE of a complete SA keeps it (sequence numbers, replay window,
 * counters and lifetime usage) and changes what may change under
 * traffic: lifetimes, DF, and with ENCAP its ports, keepalive and source
 * (sa_update_encap); every other attribute given must repeat the SA's
 * (update_check_fixed). New soft limits re-arm the soft expiry (as
 * XFRM does); limits already passed take effect at once (time) or with
 * the next packet. UPDATE of a larval SA fills it in (sa_update_larval).
 */
static int nfipsec_sa_update(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nlattr *a = need_attr(info, NFIPSEC_A_SA, "request needs an SA");
	struct nlattr *tb[NFIPSEC_SA_A_MAX + 1];
	struct nlattr *soft_a, *hard_a;
	struct nfipsec_lft soft, hard;
	union nf_inet_addr dst, src;
	__be16 sport = 0, dport = 0;
	s64 ka = -1;
	struct nfipsec_sa *sa;
	u16 family;
	__be32 spi;
	u8 proto;
	int err;

	if (!a)
		return -EINVAL;
	err = nla_parse_nested(tb, NFIPSEC_SA_A_MAX, a, sa_policy, info->extack);
	if (err)
		return err;
	err = parse_sa_id(tb, a, &spi, &proto, &family, &dst, info->extack);
	if (err)
		return err;
	soft_a = tb[NFIPSEC_SA_A_LIFETIME_SOFT];
	hard_a = tb[NFIPSEC_SA_A_LIFETIME_HARD];
	if (tb[NFIPSEC_SA_A_LIFETIME_SOFT]) {
		err = parse_lft(tb[NFIPSEC_SA_A_LIFETIME_SOFT], &soft,
				info->extack);
		if (err)
			return err;
	}
	if (tb[NFIPSEC_SA_A_LIFETIME_HARD]) {
		err = parse_lft(tb[NFIPSEC_SA_A_LIFETIME_HARD], &hard,
				info->extack);
		if (err)
			return err;
	}
	if (tb[NFIPSEC_SA_A_ENCAP]) {
		err = parse_encap(tb[NFIPSEC_SA_A_ENCAP], family, &sport,
				  &dport, &ka, info->extack);
		if (err)
			return err;
	}
	if (tb[NFIPSEC_SA_A_SRC]) {
		err = parse_addr(tb[NFIPSEC_SA_A_SRC], family, &src,
				 info->extack);
		if (err)
			return err;
	}
	mutex_lock(&nn->lock);
	sa = nfipsec_sa_lookup_any(nn, spi, &dst, proto, family);
	if (!sa) {
		NL_SET_ERR_MSG_MOD(info->extack,
				   "no such SA (SPI, destination and protocol name it and cannot change)");
		err = -ENOENT;
		goto out;
	}
	if (sa->larval) {
		err = sa_update_larval(info, nn, sa);
		goto out;
	}
	/* refusals first, so that a refused UPDATE changes nothing */
	err = update_check_fixed(tb, sa, info->extack);
	if (err)
		goto out;
	if (soft_a || hard_a) {
		err = lft_check_pair(soft_a ? &soft : &sa->soft,
				     hard_a ? &hard : &sa->hard,
				     soft_a ?: hard_a, info->extack);
		if (err)
			goto out;
	}
	err = sa_update_encap(nn, sa, tb, &src, sport, dport, ka,
			      info->extack);
	if (err)
		goto out;
	if (tb[NFIPSEC_SA_A_DF])
		WRITE_ONCE(sa->df, nla_get_u8(tb[NFIPSEC_SA_A_DF]));
	if (soft_a || hard_a) {
		if (soft_a) {
			lft_store(&sa->soft, &soft);
			clear_bit(NFIPSEC_LFT_SOFT, &sa->lft_state);
		}
		if (hard_a)
			lft_store(&sa->hard, &hard);
		nfipsec_sa_lft_arm(nn, sa);
	}
out:
	mutex_unlock(&nn->lock);
	return err;
}

/*
 * ALLOCSPI: FAMILY, DST, PROTO and SRC required; MODE, REQID optional;
 * SPI_MIN and SPI_MAX (host order) bound the SPI, LARVAL_SECS how long
 * the reservation lasts. The reply is the larval SA's identity.
 */
static int nfipsec_sa_allocspi(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nlattr *a = need_attr(info, NFIPSEC_A_SA, "request needs an SA");
	struct nlattr *tb[NFIPSEC_SA_A_MAX + 1], *bad;
	u32 min = NFIPSEC_SPI_MIN, max = U32_MAX, secs = NFIPSEC_LARVAL_SECS;
	struct nfipsec_sa *sa;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!a)
		return -EINVAL;
	err = nla_parse_nested(tb, NFIPSEC_SA_A_MAX, a, sa_policy, info->extack);
	if (err)
		return err;
	if (!tb[NFIPSEC_SA_A_PROTO] || !tb[NFIPSEC_SA_A_FAMILY] ||
	    !tb[NFIPSEC_SA_A_DST] || !tb[NFIPSEC_SA_A_SRC]) {
		NL_SET_ERR_MSG_ATTR(info->extack, a,
				    "ALLOCSPI needs protocol, family, source and destination");
		return -EINVAL;
	}
	bad = tb[NFIPSEC_SA_A_SPI] ?: tb[NFIPSEC_SA_A_AEAD] ?:
	      tb[NFIPSEC_SA_A_ENC] ?: tb[NFIPSEC_SA_A_AUTH] ?:
	      tb[NFIPSEC_SA_A_SEQ_IN] ?: tb[NFIPSEC_SA_A_SEQ_OUT] ?:
	      tb[NFIPSEC_SA_A_LIFETIME_SOFT] ?: tb[NFIPSEC_SA_A_LIFETIME_HARD] ?:
	      tb[NFIPSEC_SA_A_SEL] ?: tb[NFIPSEC_SA_A_ENCAP] ?:
	      tb[NFIPSEC_SA_A_FLAGS] ?: tb[NFIPSEC_SA_A_REPLAY_WINDOW] ?:
	      tb[NFIPSEC_SA_A_DF] ?: tb[NFIPSEC_SA_A_IFINDEX];
	if (bad) {
		NL_SET_ERR_MSG_ATTR(info->extack, bad,
				    "ALLOCSPI takes the SA's identity, mode and reqid only; the rest comes with SA_UPDATE");
		return -EINVAL;
	}
	if (tb[NFIPSEC_SA_A_SPI_MIN])
		min = nla_get_u32(tb[NFIPSEC_SA_A_SPI_MIN]);
	if (tb[NFIPSEC_SA_A_SPI_MAX])
		max = nla_get_u32(tb[NFIPSEC_SA_A_SPI_MAX]);
	if (min < NFIPSEC_SPI_MIN) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[NFIPSEC_SA_A_SPI_MIN] ?: tb[NFIPSEC_SA_A_SPI_MAX],
				    "SPI range minimum below 256: SPIs 1 to 255 are reserved (RFC 4303)");
		return -EINVAL;
	}
	if (min > max) {
		NL_SET_ERR_MSG_ATTR(info->extack,
				    tb[NFIPSEC_SA_A_SPI_MAX] ?: tb[NFIPSEC_SA_A_SPI_MIN],
				    "SPI range minimum above its maximum");
		return -EINVAL;
	}
	if (tb[NFIPSEC_SA_A_LARVAL_SECS]) {
		secs = nla_get_u32(tb[NFIPSEC_SA_A_LARVAL_SECS]);
		if (!secs) {
			NL_SET_ERR_MSG_ATTR(info->extack,
					    tb[NFIPSEC_SA_A_LARVAL_SECS],
					    "larval timeout must be at least 1 second");
			return -EINVAL;
		}
	}

	sa = nfipsec_sa_alloc();
	if (!sa)
		return -ENOMEM;
	sa->proto = nla_get_u8(tb[NFIPSEC_SA_A_PROTO]);
	err = -EINVAL;
	if (sa->proto != IPPROTO_ESP && sa->proto != IPPROTO_AH) {
		NL_SET_ERR_MSG_ATTR(info->extack, tb[NFIPSEC_SA_A_PROTO],
				    "protocol must be esp (50) or ah (51)");
		goto err_put;
	}
	err = parse_family(tb[NFIPSEC_SA_A_FAMILY], &sa->family, info->extack);
	if (!err)
		err = parse_addr(tb[NFIPSEC_SA_A_DST], sa->family, &sa->dst,
				 info->extack);
	if (!err)
		err = parse_addr(tb[NFIPSEC_SA_A_SRC], sa->family, &sa->src,
				 info->extack);
	if (err)
		goto err_put;
	if (tb[NFIPSEC_SA_A_MODE])
		sa->mode = nla_get_u8(tb[NFIPSEC_SA_A_MODE]);
	if (tb[NFIPSEC_SA_A_REQID])
		sa->reqid = nla_get_u32(tb[NFIPSEC_SA_A_REQID]);
	sa->hard.add_secs = secs;

	err = -ENOMEM;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		goto err_put;
	mutex_lock(&nn->lock);
	err = nfipsec_spi_alloc(nn, sa, min, max, info->extack);
	if (err) {
		mutex_unlock(&nn->lock);
		nlmsg_free(msg);
		goto err_put;
	}
	hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
				NFIPSEC_CMD_SA_ALLOCSPI);
	if (!hdr || put_sa(msg, sa, false, false)) {
		/* the reservation stands; it times out if nobody learns it */
		mutex_unlock(&nn->lock);
		nlmsg_free(msg);
		return -EMSGSIZE;
	}
	mutex_unlock(&nn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_put:
	nfipsec_sa_put(sa);
	return err;
}

static int sa_find_req(struct genl_info *info, struct nfipsec_net *nn,
		       struct nfipsec_sa **sap)
{
	struct nlattr *a = need_attr(info, NFIPSEC_A_SA, "request needs an SA");
	struct nlattr *tb[NFIPSEC_SA_A_MAX + 1];
	union nf_inet_addr dst;
	u16 family;
	__be32 spi;
	u8 proto;
	int err;

	if (!a)
		return -EINVAL;
	err = nla_parse_nested(tb, NFIPSEC_SA_A_MAX, a, sa_policy, info->extack);
	if (err)
		return err;
	err = parse_sa_id(tb, a, &spi, &proto, &family, &dst, info->extack);
	if (err)
		return err;
	*sap = nfipsec_sa_lookup_any(nn, spi, &dst, proto, family);
	if (!*sap) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such SA");
		return -ENOENT;
	}
	return 0;
}

static int nfipsec_sa_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nfipsec_sa *sa;
	int err;

	mutex_lock(&nn->lock);
	err = sa_find_req(info, nn, &sa);
	if (!err)
		nfipsec_sa_unlink(nn, sa);
	mutex_unlock(&nn->lock);
	return err;
}

static bool want_keys(struct nlattr **attrs)
{
	return attrs[NFIPSEC_A_REQ_FLAGS] &&
	       (nla_get_u32(attrs[NFIPSEC_A_REQ_FLAGS]) & NFIPSEC_REQ_F_KEYS);
}

static int nfipsec_sa_get(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct nfipsec_net *nn = nfipsec_pernet(net);
	bool keys = want_keys(info->attrs);
	struct nfipsec_sa *sa;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (keys && !netlink_ns_capable(skb, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_MOD(info->extack, "reading keys needs CAP_NET_ADMIN");
		return -EPERM;
	}
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&nn->lock);
	err = sa_find_req(info, nn, &sa);
	if (err)
		goto err_unlock;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
				NFIPSEC_CMD_SA_GET);
	if (!hdr || put_sa(msg, sa, true, keys))
		goto err_unlock;
	mutex_unlock(&nn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&nn->lock);
	nlmsg_free(msg);
	return err;
}

/* cb->args[0]: SAs already sent; args[1]: keys wanted. */
static int nfipsec_sa_dump_start(struct netlink_callback *cb)
{
	cb->args[1] = want_keys(nfipsec_dump_attrs(cb));
	return 0;
}

static int nfipsec_sa_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfipsec_net *nn = nfipsec_pernet(sock_net(skb->sk));
	struct net *net = sock_net(cb->skb->sk);
	struct nfipsec_sa *sa;
	long i = 0;
	void *hdr;

	/*
	 * Checked here rather than in the start callback: before 6.2 that
	 * one has no extack (cb->extack is set around the dump calls only),
	 * and the refusal should say why. Nothing is sent before it.
	 */
	if (cb->args[1] &&
	    !netlink_ns_capable(cb->skb, net->user_ns, CAP_NET_ADMIN)) {
		NL_SET_ERR_MSG_MOD(cb->extack, "reading keys needs CAP_NET_ADMIN");
		return -EPERM;
	}
	rcu_read_lock();
	list_for_each_entry_rcu(sa, &nn->sa_list, list) {
		if (i++ < cb->args[0])
			continue;
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfipsec_genl_family,
				  NLM_F_MULTI, NFIPSEC_CMD_SA_GET);
		if (!hdr)
			break;
		if (put_sa(skb, sa, true, cb->args[1])) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
	}
	rcu_read_unlock();
	return skb->len;
}

static int nfipsec_sa_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nlattr *tb[NFIPSEC_SA_A_MAX + 1];
	u8 proto = 0;
	int err;

	if (info->attrs[NFIPSEC_A_SA]) {
		err = nla_parse_nested(tb, NFIPSEC_SA_A_MAX,
				       info->attrs[NFIPSEC_A_SA], sa_policy,
				       info->extack);
		if (err)
			return err;
		if (tb[NFIPSEC_SA_A_PROTO])
			proto = nla_get_u8(tb[NFIPSEC_SA_A_PROTO]);
	}
	nfipsec_sad_flush(nn, proto);
	return 0;
}

/* ---- policy commands ---------------------------------------------------- */

static int parse_tmpl(const struct nlattr *nest, struct nfipsec_tmpl *t,
		      struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_TMPL_A_MAX + 1];
	int err;

	err = nla_parse_nested(tb, NFIPSEC_TMPL_A_MAX, nest, tmpl_policy,
			       extack);
	if (err)
		return err;
	memset(t, 0, sizeof(*t));
	if (!tb[NFIPSEC_TMPL_A_PROTO] || !tb[NFIPSEC_TMPL_A_MODE]) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "template needs proto and mode");
		return -EINVAL;
	}
	t->proto = nla_get_u8(tb[NFIPSEC_TMPL_A_PROTO]);
	if (t->proto != IPPROTO_ESP && t->proto != IPPROTO_AH) {
		NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_TMPL_A_PROTO],
				    "template protocol must be esp or ah");
		return -EINVAL;
	}
	t->mode = nla_get_u8(tb[NFIPSEC_TMPL_A_MODE]);
	if (tb[NFIPSEC_TMPL_A_REQID])
		t->reqid = nla_get_u32(tb[NFIPSEC_TMPL_A_REQID]);
	if (tb[NFIPSEC_TMPL_A_SPI])
		t->spi = nla_get_be32(tb[NFIPSEC_TMPL_A_SPI]);
	if (tb[NFIPSEC_TMPL_A_SRC] || tb[NFIPSEC_TMPL_A_DST]) {
		if (!tb[NFIPSEC_TMPL_A_SRC] || !tb[NFIPSEC_TMPL_A_DST] ||
		    !tb[NFIPSEC_TMPL_A_FAMILY]) {
			NL_SET_ERR_MSG_ATTR(extack, nest,
					    "template endpoints need family, src and dst");
			return -EINVAL;
		}
		err = parse_family(tb[NFIPSEC_TMPL_A_FAMILY], &t->family,
				   extack);
		if (err)
			return err;
		err = parse_addr(tb[NFIPSEC_TMPL_A_SRC], t->family, &t->src,
				 extack);
		if (err)
			return err;
		err = parse_addr(tb[NFIPSEC_TMPL_A_DST], t->family, &t->dst,
				 extack);
		if (err)
			return err;
		t->has_addrs = true;
	} else if (t->mode == NFIPSEC_MODE_TUNNEL) {
		NL_SET_ERR_MSG_ATTR(extack, nest, "tunnel template needs src and dst");
		return -EINVAL;
	}
	return 0;
}

static int policy_from_attrs(struct nfipsec_policy *p,
			     const struct nlattr *nest, bool need_action,
			     struct netlink_ext_ack *extack)
{
	struct nlattr *tb[NFIPSEC_POLICY_A_MAX + 1], *t;
	int err, rem;
	u16 family;

	err = nla_parse_nested(tb, NFIPSEC_POLICY_A_MAX, nest, pol_policy,
			       extack);
	if (err)
		return err;
	if (!tb[NFIPSEC_POLICY_A_DIR] || !tb[NFIPSEC_POLICY_A_SEL]) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "policy needs a direction and a selector");
		return -EINVAL;
	}
	p->dir = nla_get_u8(tb[NFIPSEC_POLICY_A_DIR]);
	err = parse_sel(tb[NFIPSEC_POLICY_A_SEL], &p->sel, extack);
	if (err)
		return err;
	if (tb[NFIPSEC_POLICY_A_PRIORITY])
		p->priority = nla_get_u32(tb[NFIPSEC_POLICY_A_PRIORITY]);
	if (!need_action)
		return 0;
	if (tb[NFIPSEC_POLICY_A_ACTION])
		p->action = nla_get_u8(tb[NFIPSEC_POLICY_A_ACTION]);
	family = p->sel.family;
	if (tb[NFIPSEC_POLICY_A_TMPLS]) {
		if (p->action != NFIPSEC_ACT_PROTECT) {
			NL_SET_ERR_MSG_ATTR(extack, tb[NFIPSEC_POLICY_A_TMPLS],
					    "templates only go with action protect");
			return -EINVAL;
		}
		nla_for_each_nested(t, tb[NFIPSEC_POLICY_A_TMPLS], rem) {
			if (p->ntmpl == NFIPSEC_MAX_TMPLS) {
				NL_SET_ERR_MSG_ATTR(extack, t,
						    "more than NFIPSEC_MAX_TMPLS (4) templates");
				return -E2BIG;
			}
			err = parse_tmpl(t, &p->tmpl[p->ntmpl], extack);
			if (err)
				return err;
			/* a transport template protects the packet as the
			 * templates before it left it: of the last tunnel's
			 * family, or the selector's
			 */
			if (p->tmpl[p->ntmpl].mode == NFIPSEC_MODE_TRANSPORT &&
			    p->tmpl[p->ntmpl].has_addrs &&
			    p->tmpl[p->ntmpl].family != family) {
				NL_SET_ERR_MSG_ATTR(extack, t,
						    "transport template must be of the family of the selector or of the tunnel template before it");
				return -EINVAL;
			}
			if (p->tmpl[p->ntmpl].mode == NFIPSEC_MODE_TUNNEL)
				family = p->tmpl[p->ntmpl].family;
			p->ntmpl++;
		}
	}
	if (p->action == NFIPSEC_ACT_PROTECT && !p->ntmpl) {
		NL_SET_ERR_MSG_ATTR(extack, nest,
				    "action protect needs at least one template");
		return -EINVAL;
	}
	return 0;
}

static int policy_add_or_update(struct genl_info *info, bool update)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nlattr *a = need_attr(info, NFIPSEC_A_POLICY,
				     "request needs a policy");
	struct nfipsec_policy *p;
	struct sk_buff *msg;
	void *hdr;
	int err;

	if (!a)
		return -EINVAL;
	p = kzalloc(sizeof(*p), GFP_KERNEL);
	if (!p)
		return -ENOMEM;
	p->hits = alloc_percpu(u64);
	if (!p->hits) {
		kfree(p);
		return -ENOMEM;
	}
	err = policy_from_attrs(p, a, true, info->extack);
	if (err)
		goto err_free;
	p->acquire_next = jiffies;
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto err_free;
	}
	mutex_lock(&nn->lock);
	err = nfipsec_policy_insert(nn, p, update, info->extack);
	if (!err) {
		hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
					update ? NFIPSEC_CMD_POLICY_UPDATE :
						 NFIPSEC_CMD_POLICY_ADD);
		if (!hdr || put_policy(msg, p, false)) {
			mutex_unlock(&nn->lock);
			nlmsg_free(msg);
			return 0;
		}
		genlmsg_end(msg, hdr);
	}
	mutex_unlock(&nn->lock);
	if (err) {
		nlmsg_free(msg);
		goto err_free;
	}
	return genlmsg_reply(msg, info);

err_free:
	free_percpu(p->hits);
	kfree(p);
	return err;
}

static int nfipsec_policy_add(struct sk_buff *skb, struct genl_info *info)
{
	return policy_add_or_update(info, false);
}

static int nfipsec_policy_update(struct sk_buff *skb, struct genl_info *info)
{
	return policy_add_or_update(info, true);
}

/* By INDEX, or by DIR, PRIORITY and SEL. Under nn->lock. */
static int policy_find_req(struct genl_info *info, struct nfipsec_net *nn,
			   struct nfipsec_policy **pp)
{
	struct nlattr *a = need_attr(info, NFIPSEC_A_POLICY,
				     "request needs a policy");
	struct nlattr *tb[NFIPSEC_POLICY_A_MAX + 1];
	struct nfipsec_policy key = {};
	int err;

	if (!a)
		return -EINVAL;
	err = nla_parse_nested(tb, NFIPSEC_POLICY_A_MAX, a, pol_policy,
			       info->extack);
	if (err)
		return err;
	if (tb[NFIPSEC_POLICY_A_INDEX]) {
		u32 index = nla_get_u32(tb[NFIPSEC_POLICY_A_INDEX]);

		*pp = nfipsec_policy_by_index(nn, index);
	} else {
		err = policy_from_attrs(&key, a, false, info->extack);
		if (err)
			return err;
		*pp = nfipsec_policy_find(nn, key.dir, key.priority, &key.sel);
	}
	if (!*pp) {
		NL_SET_ERR_MSG_MOD(info->extack, "no such policy");
		return -ENOENT;
	}
	return 0;
}

static int nfipsec_policy_del(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nfipsec_policy *p;
	int err;

	mutex_lock(&nn->lock);
	err = policy_find_req(info, nn, &p);
	if (!err)
		nfipsec_policy_unlink(nn, p);
	mutex_unlock(&nn->lock);
	return err;
}

static int nfipsec_policy_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nfipsec_policy *p;
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	mutex_lock(&nn->lock);
	err = policy_find_req(info, nn, &p);
	if (err)
		goto err_unlock;
	err = -EMSGSIZE;
	hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
				NFIPSEC_CMD_POLICY_GET);
	if (!hdr || put_policy(msg, p, true))
		goto err_unlock;
	mutex_unlock(&nn->lock);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_unlock:
	mutex_unlock(&nn->lock);
	nlmsg_free(msg);
	return err;
}

static int nfipsec_policy_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct nfipsec_net *nn = nfipsec_pernet(sock_net(skb->sk));
	struct nfipsec_policy *p = NULL;
	long i = 0;
	void *hdr;

	/*
	 * cb->args[0]: policies sent; args[1]: the index of the last one.
	 * A dump goes on after that policy when it is still there, so a
	 * large table costs one walk, not one per message; when it was
	 * deleted meanwhile, the count says where to go on.
	 */
	rcu_read_lock();
	if (cb->args[0])
		p = nfipsec_policy_by_index(nn, cb->args[1]);
	if (!p) {
		p = list_entry(&nn->pol_list, struct nfipsec_policy, list);
		for (; i < cb->args[0]; i++) {
			p = list_next_or_null_rcu(&nn->pol_list, &p->list,
						  struct nfipsec_policy, list);
			if (!p)
				goto out;
		}
	}
	list_for_each_entry_continue_rcu(p, &nn->pol_list, list) {
		hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				  cb->nlh->nlmsg_seq, &nfipsec_genl_family,
				  NLM_F_MULTI, NFIPSEC_CMD_POLICY_GET);
		if (!hdr)
			break;
		if (put_policy(skb, p, true)) {
			genlmsg_cancel(skb, hdr);
			break;
		}
		genlmsg_end(skb, hdr);
		cb->args[0]++;
		cb->args[1] = p->index;
	}
out:
	rcu_read_unlock();
	return skb->len;
}

static int nfipsec_policy_flush(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nlattr *tb[NFIPSEC_POLICY_A_MAX + 1];
	int dir = -1, err;

	if (info->attrs[NFIPSEC_A_POLICY]) {
		err = nla_parse_nested(tb, NFIPSEC_POLICY_A_MAX,
				       info->attrs[NFIPSEC_A_POLICY],
				       pol_policy, info->extack);
		if (err)
			return err;
		if (tb[NFIPSEC_POLICY_A_DIR])
			dir = nla_get_u8(tb[NFIPSEC_POLICY_A_DIR]);
	}
	nfipsec_spd_flush(nn, dir);
	return 0;
}

/* ---- statistics ---------------------------------------------------------- */

static int nfipsec_stats_get(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	u64 drop[NFIPSEC_DROP_MAX + 1] = {}, cnt[NFIPSEC_CNT_MAX + 1] = {};
	struct nlattr *n;
	struct sk_buff *msg;
	void *hdr;
	int cpu, i;

	for_each_possible_cpu(cpu) {
		struct nfipsec_pcpu_stats *s = per_cpu_ptr(nn->stats, cpu);

		for (i = 1; i <= NFIPSEC_DROP_MAX; i++)
			drop[i] += READ_ONCE(s->drop[i]);
		for (i = 1; i <= NFIPSEC_CNT_MAX; i++)
			cnt[i] += READ_ONCE(s->cnt[i]);
	}
	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
				NFIPSEC_CMD_STATS_GET);
	if (!hdr)
		goto err;
	n = nla_nest_start(msg, NFIPSEC_A_STATS);
	if (!n)
		goto err;
	for (i = 1; i <= NFIPSEC_DROP_MAX; i++)
		if (nla_put_u64_64bit(msg, i, drop[i], 0))
			goto err;
	nla_nest_end(msg, n);
	n = nla_nest_start(msg, NFIPSEC_A_COUNTERS);
	if (!n)
		goto err;
	for (i = 1; i <= NFIPSEC_CNT_MAX; i++)
		if (i != NFIPSEC_CNT_PAD &&
		    nla_put_u64_64bit(msg, i, cnt[i], NFIPSEC_CNT_PAD))
			goto err;
	nla_nest_end(msg, n);
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);
err:
	nlmsg_free(msg);
	return -EMSGSIZE;
}

static int nfipsec_stats_reset(struct sk_buff *skb, struct genl_info *info)
{
	struct nfipsec_net *nn = nfipsec_pernet(genl_info_net(info));
	struct nfipsec_sa *sa;
	int cpu;

	for_each_possible_cpu(cpu)
		memset(per_cpu_ptr(nn->stats, cpu), 0,
		       sizeof(struct nfipsec_pcpu_stats));
	mutex_lock(&nn->lock);
	list_for_each_entry(sa, &nn->sa_list, list)
		for_each_possible_cpu(cpu)
			memset(per_cpu_ptr(sa->stats, cpu), 0,
			       sizeof(struct nfipsec_sa_pcpu));
	mutex_unlock(&nn->lock);
	return 0;
}

/* ---- events -------------------------------------------------------------- */

static void ev_send(struct nfipsec_net *nn, struct sk_buff *msg)
{
	genlmsg_multicast_netns(&nfipsec_genl_family, nn->net, msg, 0, 0,
				GFP_ATOMIC);
}

void nfipsec_ev_acquire(struct nfipsec_net *nn, struct nfipsec_policy *p,
			const struct nfipsec_tmpl *t,
			const struct nfipsec_pkt *pkt)
{
	struct nfipsec_sel s = {
		.family = pkt->family, .src = pkt->src, .dst = pkt->dst,
		.splen = pkt->family == AF_INET ? 32 : 128,
		.dplen = pkt->family == AF_INET ? 32 : 128,
		.proto = pkt->proto, .type = -1, .code = -1,
		.sport_min = pkt->sport, .sport_max = pkt->sport,
		.dport_min = pkt->dport, .dport_max = pkt->dport,
	};
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&nfipsec_genl_family, nn->net, 0))
		return;
	if (pkt->proto == IPPROTO_ICMP || pkt->proto == IPPROTO_ICMPV6) {
		s.type = pkt->sport;
		s.code = pkt->dport;
	}
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &nfipsec_genl_family, 0,
			  NFIPSEC_CMD_EV_ACQUIRE);
	if (!hdr || put_policy(msg, p, false) ||
	    put_tmpl(msg, NFIPSEC_A_TMPL, t) ||
	    put_sel(msg, NFIPSEC_A_SEL, &s)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ev_send(nn, msg);
}

/* @hard: NFIPSEC_A_HARD's value, or -1 for none. */
static void ev_sa(struct nfipsec_net *nn, struct nfipsec_sa *sa, u8 cmd,
		  int hard)
{
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&nfipsec_genl_family, nn->net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &nfipsec_genl_family, 0, cmd);
	if (!hdr || put_sa(msg, sa, false, false) ||
	    (hard >= 0 && nla_put_u8(msg, NFIPSEC_A_HARD, hard))) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	ev_send(nn, msg);
}

void nfipsec_ev_seq_exhausted(struct nfipsec_net *nn, struct nfipsec_sa *sa)
{
	ev_sa(nn, sa, NFIPSEC_CMD_EV_SEQ_EXHAUSTED, -1);
}

void nfipsec_ev_sa_del(struct nfipsec_net *nn, struct nfipsec_sa *sa)
{
	ev_sa(nn, sa, NFIPSEC_CMD_EV_SA_DEL, -1);
}

/* Any context: the packet path sends soft expiries. */
void nfipsec_ev_expire(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		       bool hard)
{
	ev_sa(nn, sa, NFIPSEC_CMD_EV_EXPIRE, hard);
}

/* Any context: the packet path (udp.c) sends it, rate-limited there. */
void nfipsec_ev_mapping(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			const union nf_inet_addr *addr, __be16 port)
{
	struct sk_buff *msg;
	struct nlattr *m;
	void *hdr;

	if (!genl_has_listeners(&nfipsec_genl_family, nn->net, 0))
		return;
	msg = genlmsg_new(NLMSG_GOODSIZE, GFP_ATOMIC);
	if (!msg)
		return;
	hdr = genlmsg_put(msg, 0, 0, &nfipsec_genl_family, 0,
			  NFIPSEC_CMD_EV_MAPPING);
	if (!hdr || put_sa(msg, sa, false, false))
		goto err_free;
	m = nla_nest_start(msg, NFIPSEC_A_MAPPING);
	if (!m ||
	    put_addr(msg, NFIPSEC_MAPPING_A_OLD_ADDR, sa->family, &sa->src) ||
	    nla_put_be16(msg, NFIPSEC_MAPPING_A_OLD_PORT,
			 READ_ONCE(sa->encap_sport)) ||
	    put_addr(msg, NFIPSEC_MAPPING_A_NEW_ADDR, sa->family, addr) ||
	    nla_put_be16(msg, NFIPSEC_MAPPING_A_NEW_PORT, port))
		goto err_free;
	nla_nest_end(msg, m);
	genlmsg_end(msg, hdr);
	ev_send(nn, msg);
	return;

err_free:
	nlmsg_free(msg);
}

/*
 * Every command but the reads needs CAP_NET_ADMIN in the user namespace
 * that owns the network namespace. Checked here, not with
 * GENL_UNS_ADMIN_PERM: the core's check refuses without an extack
 * message. Commands not listed as reads are refused by default.
 */
static bool cmd_is_read(u8 cmd)
{
	return cmd == NFIPSEC_CMD_GET_VERSION || cmd == NFIPSEC_CMD_SA_GET ||
	       cmd == NFIPSEC_CMD_POLICY_GET || cmd == NFIPSEC_CMD_STATS_GET;
}

static int nfipsec_pre_doit(const struct nfipsec_genl_pre_ops *ops,
			    struct sk_buff *skb, struct genl_info *info)
{
	if (cmd_is_read(info->genlhdr->cmd) ||
	    netlink_ns_capable(skb, genl_info_net(info)->user_ns,
			       CAP_NET_ADMIN))
		return 0;
	NL_SET_ERR_MSG_MOD(info->extack, "needs CAP_NET_ADMIN");
	return -EPERM;
}

static const struct genl_small_ops nfipsec_genl_ops[] = {
	{ .cmd = NFIPSEC_CMD_GET_VERSION, .doit = nfipsec_get_version },
	{ .cmd = NFIPSEC_CMD_SA_ADD, .doit = nfipsec_sa_add },
	{ .cmd = NFIPSEC_CMD_SA_UPDATE, .doit = nfipsec_sa_update },
	{ .cmd = NFIPSEC_CMD_SA_DEL, .doit = nfipsec_sa_del },
	{ .cmd = NFIPSEC_CMD_SA_FLUSH, .doit = nfipsec_sa_flush },
	{ .cmd = NFIPSEC_CMD_SA_ALLOCSPI, .doit = nfipsec_sa_allocspi },
	{ .cmd = NFIPSEC_CMD_POLICY_ADD, .doit = nfipsec_policy_add },
	{ .cmd = NFIPSEC_CMD_POLICY_UPDATE, .doit = nfipsec_policy_update },
	{ .cmd = NFIPSEC_CMD_POLICY_DEL, .doit = nfipsec_policy_del },
	{ .cmd = NFIPSEC_CMD_POLICY_GET, .doit = nfipsec_policy_get,
	  .dumpit = nfipsec_policy_dump },
	{ .cmd = NFIPSEC_CMD_POLICY_FLUSH, .doit = nfipsec_policy_flush },
	{ .cmd = NFIPSEC_CMD_STATS_GET, .doit = nfipsec_stats_get },
	{ .cmd = NFIPSEC_CMD_STATS_RESET, .doit = nfipsec_stats_reset },
};

/* The one command whose dump needs a start callback (the key check). */
static const struct genl_ops nfipsec_genl_full_ops[] = {
	{ .cmd = NFIPSEC_CMD_SA_GET, .doit = nfipsec_sa_get,
	  .start = nfipsec_sa_dump_start, .dumpit = nfipsec_sa_dump },
};

static const struct genl_multicast_group nfipsec_mcgrps[] = {
	{ .name = NFIPSEC_GENL_MCGRP_EVENTS },
};

static struct genl_family nfipsec_genl_family __ro_after_init = {
	.name = NFIPSEC_GENL_NAME,
	.version = NFIPSEC_GENL_VERSION,
	.maxattr = NFIPSEC_A_MAX,
	.policy = nfipsec_policy,
	.pre_doit = nfipsec_pre_doit,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = nfipsec_genl_full_ops,
	.n_ops = ARRAY_SIZE(nfipsec_genl_full_ops),
	.small_ops = nfipsec_genl_ops,
	.n_small_ops = ARRAY_SIZE(nfipsec_genl_ops),
	.mcgrps = nfipsec_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nfipsec_mcgrps),
};

int __init nfipsec_genl_init(void)
{
	return genl_register_family(&nfipsec_genl_family);
}

void nfipsec_genl_exit(void)
{
	genl_unregister_family(&nfipsec_genl_family);
}
