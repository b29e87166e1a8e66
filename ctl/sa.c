// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl sa: security associations, in the words of ip xfrm state.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <linux/udp.h>

#include "nfipsecctl.h"
#include "output.h"
#include "sel.h"

#ifndef UDP_ENCAP_ESPINUDP
#define UDP_ENCAP_ESPINUDP 2
#endif

struct lft {
	bool set;
	uint64_t v[NFIPSEC_LFT_A_MAX + 1];	/* by enum nfipsec_lft_attrs */
};

struct sa {
	uint32_t spi;
	uint8_t proto, mode, df;
	struct addr src, dst;
	uint32_t reqid, replay_window, flags, ifindex;
	bool has_spi, has_mode, has_reqid, has_replay, has_df, has_ifindex;
	bool has_sel, has_encap, has_seq_in, has_seq_out;
	bool has_stats;
	bool larval;			/* reply: reserved by allocspi */
	bool has_spi_min, has_spi_max, has_larval_secs;
	uint32_t spi_min, spi_max, larval_secs;	/* allocspi */
	struct alg_spec aead, enc, auth;
	uint64_t seq_in, seq_out;
	uint32_t seq_in_hi, seq_out_hi;	/* as parsed, for the ESN check */
	struct sel sel;
	struct lft soft, hard, cur;
	uint16_t encap_type, encap_sport, encap_dport;
	bool has_ka;
	uint32_t ka;			/* NAT keepalive, seconds */
	uint64_t stats[NFIPSEC_SA_STAT_MAX + 1];
};

static void sa_wipe(struct sa *sa)
{
	wipe(sa, sizeof(*sa));
}

static const struct {
	const char *name;
	uint32_t flag;
} sa_flags[] = {
	{ "esn", NFIPSEC_SA_F_ESN },
	{ "noecn", NFIPSEC_SA_F_NOECN },
	{ "decap-dscp", NFIPSEC_SA_F_DECAP_DSCP },
	{ "noauth", NFIPSEC_SA_F_NOAUTH },
	{ "align4", NFIPSEC_SA_F_ALIGN4 },
};

static uint32_t flag_bit(const char *s)
{
	size_t i;

	for (i = 0; i < sizeof(sa_flags) / sizeof(sa_flags[0]); i++)
		if (!strcmp(s, sa_flags[i].name))
			return sa_flags[i].flag;
	return 0;
}

static const struct {
	const char *name;
	bool hard;
	uint16_t attr;
} limits[] = {
	{ "time-soft", false, NFIPSEC_LFT_A_ADD_SECS },
	{ "time-hard", true, NFIPSEC_LFT_A_ADD_SECS },
	{ "time-use-soft", false, NFIPSEC_LFT_A_USE_SECS },
	{ "time-use-hard", true, NFIPSEC_LFT_A_USE_SECS },
	{ "byte-soft", false, NFIPSEC_LFT_A_BYTES },
	{ "byte-hard", true, NFIPSEC_LFT_A_BYTES },
	{ "packet-soft", false, NFIPSEC_LFT_A_PACKETS },
	{ "packet-hard", true, NFIPSEC_LFT_A_PACKETS },
};

/* limit NAME VALUE [NAME VALUE]...; "inf" is 0, no limit. */
static int parse_limits(struct args *a, struct sa *sa)
{
	const char *w, *v;
	size_t i;
	int n = 0;

	while ((w = args_peek(a))) {
		for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++)
			if (!strcmp(w, limits[i].name))
				break;
		if (i == sizeof(limits) / sizeof(limits[0]))
			break;
		args_next(a);
		v = args_value(a, w);
		if (!v)
			return -1;
		{
			struct lft *l = limits[i].hard ? &sa->hard : &sa->soft;
			uint64_t x = 0;

			if (strcmp(v, "inf") &&
			    parse_u64(a->cmd, w, v, 0, UINT64_MAX, &x))
				return -1;
			l->set = true;
			l->v[limits[i].attr] = x;
		}
		n++;
	}
	if (!n) {
		w = args_peek(a);
		if (w)
			fail(a->cmd, "unknown limit \"%s\"", w);
		else
			fail(a->cmd, "\"limit\" needs a value");
		return -1;
	}
	return 0;
}

static int parse_encap(struct args *a, struct sa *sa)
{
	const char *t, *s, *d, *o;
	struct addr oa;
	uint32_t sp, dp;

	t = args_value(a, "encap");
	if (!t)
		return -1;
	if (strcmp(t, "espinudp"))
		return fail(a->cmd, "unsupported encap \"%s\" (espinudp)", t),
		       -1;
	s = args_value(a, "encap espinudp");
	d = s ? args_value(a, "encap espinudp SPORT") : NULL;
	o = d ? args_value(a, "encap espinudp SPORT DPORT") : NULL;
	/* OADDR (NAT-OA) is taken for ip xfrm compatibility, not sent. */
	if (!o || parse_u32(a->cmd, "encap sport", s, 1, 65535, &sp) ||
	    parse_u32(a->cmd, "encap dport", d, 1, 65535, &dp) ||
	    parse_addr(a->cmd, o, &oa))
		return -1;
	sa->has_encap = true;
	sa->encap_type = UDP_ENCAP_ESPINUDP;
	sa->encap_sport = sp;
	sa->encap_dport = dp;
	return 0;
}

static int parse_sel(struct args *a, struct sa *sa)
{
	const char *w;
	int n = 0, r;

	while ((w = args_peek(a))) {
		a->i++;
		r = sel_word(a, w, &sa->sel);
		if (r < 0)
			return -1;
		if (!r) {
			a->i--;
			break;
		}
		n++;
	}
	if (!n)
		return fail(a->cmd, "\"sel\" needs src, dst, proto, sport, dport, type or code"),
		       -1;
	sa->has_sel = true;
	return 0;
}

static int parse_seq(struct args *a, const char *w, struct sa *sa)
{
	const char *v = args_value(a, w);
	uint32_t n;

	if (!v || parse_u32(a->cmd, w, v, 0, UINT32_MAX, &n))
		return -1;
	if (!strcmp(w, "replay-seq")) {
		sa->seq_in = (sa->seq_in & ~0xffffffffULL) | n;
		sa->has_seq_in = true;
	} else if (!strcmp(w, "replay-seq-hi")) {
		sa->seq_in = (sa->seq_in & 0xffffffffULL) | (uint64_t)n << 32;
		sa->seq_in_hi = n;
		sa->has_seq_in = true;
	} else if (!strcmp(w, "replay-oseq")) {
		sa->seq_out = (sa->seq_out & ~0xffffffffULL) | n;
		sa->has_seq_out = true;
	} else {
		sa->seq_out = (sa->seq_out & 0xffffffffULL) | (uint64_t)n << 32;
		sa->seq_out_hi = n;
		sa->has_seq_out = true;
	}
	return 0;
}

/* One keyword of "sa add": 1 taken, 0 not an SA keyword, -1 refused. */
static int sa_word(struct args *a, const char *w, struct sa *sa)
{
	const char *v;

	if (!strcmp(w, "src") || !strcmp(w, "dst")) {
		v = args_value(a, w);
		return !v || parse_addr(a->cmd, v, w[0] == 's' ? &sa->src :
					&sa->dst) ? -1 : 1;
	}
	if (!strcmp(w, "proto")) {
		v = args_value(a, w);
		return !v || parse_xfrm_proto(a->cmd, v, &sa->proto) ? -1 : 1;
	}
	if (!strcmp(w, "spi")) {
		v = args_value(a, w);
		if (!v || parse_u32(a->cmd, "spi", v, 0, UINT32_MAX, &sa->spi))
			return -1;
		if (!sa->spi)
			return fail(a->cmd, "spi \"%s\": 0 is reserved (RFC 4303)", v), -1;
		sa->has_spi = true;
		return 1;
	}
	if (!strcmp(w, "mode")) {
		v = args_value(a, w);
		sa->has_mode = true;
		return !v || parse_mode(a->cmd, v, &sa->mode) ? -1 : 1;
	}
	if (!strcmp(w, "reqid")) {
		v = args_value(a, w);
		sa->has_reqid = true;
		return !v || parse_u32(a->cmd, w, v, 0, UINT32_MAX,
				       &sa->reqid) ? -1 : 1;
	}
	if (!strcmp(w, "replay-window")) {
		v = args_value(a, w);
		sa->has_replay = true;
		return !v || parse_u32(a->cmd, w, v, 0, NFIPSEC_REPLAY_MAX,
				       &sa->replay_window) ? -1 : 1;
	}
	if (!strcmp(w, "flag")) {
		v = args_value(a, w);
		if (!v)
			return -1;
		if (!flag_bit(v))
			return fail(a->cmd, "unknown flag \"%s\" (esn, noecn, decap-dscp, noauth, align4)", v), -1;
		sa->flags |= flag_bit(v);
		/* ip xfrm: flag esn noecn ... */
		while ((v = args_peek(a)) && flag_bit(v))
			sa->flags |= flag_bit(args_next(a));
		return 1;
	}
	if (!strcmp(w, "aead") || !strcmp(w, "enc") || !strcmp(w, "auth") ||
	    !strcmp(w, "auth-trunc"))
		return parse_alg(a, w, &sa->aead, &sa->enc, &sa->auth) ? -1 : 1;
	if (!strcmp(w, "sel"))
		return parse_sel(a, sa) ? -1 : 1;
	if (!strcmp(w, "encap"))
		return parse_encap(a, sa) ? -1 : 1;
	if (!strcmp(w, "natt-keepalive")) {
		v = args_value(a, w);
		if (!v || parse_u32(a->cmd, w, v, 0, NFIPSEC_KEEPALIVE_MAX,
				    &sa->ka))
			return -1;
		sa->has_ka = true;
		return 1;
	}
	if (!strcmp(w, "replay-seq") || !strcmp(w, "replay-oseq") ||
	    !strcmp(w, "replay-seq-hi") || !strcmp(w, "replay-oseq-hi"))
		return parse_seq(a, w, sa) ? -1 : 1;
	if (!strcmp(w, "limit"))
		return parse_limits(a, sa) ? -1 : 1;
	if (!strcmp(w, "df")) {
		v = args_value(a, w);
		if (!v)
			return -1;
		sa->has_df = true;
		if (!strcmp(v, "copy"))
			sa->df = NFIPSEC_DF_COPY;
		else if (!strcmp(v, "set"))
			sa->df = NFIPSEC_DF_SET;
		else if (!strcmp(v, "clear"))
			sa->df = NFIPSEC_DF_CLEAR;
		else
			return fail(a->cmd, "unknown df \"%s\" (copy, set or clear)", v), -1;
		return 1;
	}
	if (!strcmp(w, "link") || !strcmp(w, "dev")) {
		v = args_value(a, w);
		if (!v)
			return -1;
		sa->ifindex = if_nametoindex(v);
		if (!sa->ifindex)
			return fail(a->cmd, "no link \"%s\" in this netns", v), -1;
		sa->has_ifindex = true;
		return 1;
	}
	if (!strcmp(w, "ifindex")) {
		v = args_value(a, w);
		sa->has_ifindex = true;
		return !v || parse_u32(a->cmd, w, v, 0, UINT32_MAX,
				       &sa->ifindex) ? -1 : 1;
	}
	return 0;
}

static int parse_words(struct args *a, struct sa *sa,
		       int (*word)(struct args *, const char *, struct sa *))
{
	const char *w;
	int r;

	while ((w = args_next(a))) {
		r = word(a, w, sa);
		if (r < 0)
			return -1;
		if (!r)
			return fail(a->cmd, "unknown keyword \"%s\"", w), -1;
	}
	return 0;
}

static int check_endpoints(const char *cmd, struct sa *sa, bool need_src)
{
	if (!sa->has_spi)
		return fail(cmd, "spi is required"), -1;
	if (!sa->proto)
		return fail(cmd, "proto is required (esp or ah)"), -1;
	if (!sa->dst.family)
		return fail(cmd, "dst is required"), -1;
	if (need_src && !sa->src.family)
		return fail(cmd, "src is required"), -1;
	if (sa->src.family && sa->src.family != sa->dst.family)
		return fail(cmd, "src and dst are of different address families"), -1;
	return 0;
}

/* The constraints between keywords, checked before anything is sent. */
static int sa_check(const char *cmd, struct sa *sa)
{
	bool null_enc = sa->enc.set &&
			!strcmp(sa->enc.name, "ecb(cipher_null)");

	if (check_endpoints(cmd, sa, true))
		return -1;
	if (sa->has_ka && !sa->has_encap)
		return fail(cmd, "natt-keepalive needs encap espinudp"), -1;
	if (sa->proto == IPPROTO_AH) {
		if (sa->aead.set || sa->enc.set)
			return fail(cmd, "proto ah takes auth only, no aead or enc"), -1;
		if (!sa->auth.set)
			return fail(cmd, "proto ah needs auth or auth-trunc"), -1;
		if (sa->has_encap)
			return fail(cmd, "encap needs proto esp"), -1;
		if (sa->flags & NFIPSEC_SA_F_NOAUTH)
			return fail(cmd, "flag noauth needs proto esp"), -1;
		if ((sa->flags & NFIPSEC_SA_F_ALIGN4) &&
		    sa->dst.family != AF_INET)
			return fail(cmd, "flag align4 needs IPv4 (IPv6 wants 64-bit alignment)"), -1;
	} else if (sa->flags & NFIPSEC_SA_F_ALIGN4) {
		return fail(cmd, "flag align4 needs proto ah"), -1;
	} else if (sa->aead.set) {
		if (sa->enc.set || sa->auth.set)
			return fail(cmd, "aead excludes enc and auth"), -1;
	} else if (!sa->enc.set) {
		return fail(cmd, sa->auth.set ?
			    "proto esp with auth needs enc (enc cipher_null \"\" for integrity only)" :
			    "proto esp needs aead, or enc and auth"), -1;
	} else if (!sa->auth.set) {
		if (null_enc)
			return fail(cmd, "enc %s needs auth: it protects nothing alone",
				    sa->enc.name), -1;
		if (!(sa->flags & NFIPSEC_SA_F_NOAUTH))
			return fail(cmd, "enc without auth gives no integrity; add auth, or flag noauth"), -1;
	}
	if (sa->mode != NFIPSEC_MODE_TUNNEL) {
		if (sa->flags & NFIPSEC_SA_F_NOECN)
			return fail(cmd, "flag noecn needs mode tunnel"), -1;
		if (sa->flags & NFIPSEC_SA_F_DECAP_DSCP)
			return fail(cmd, "flag decap-dscp needs mode tunnel"), -1;
		if (sa->has_df)
			return fail(cmd, "df needs mode tunnel"), -1;
	}
	if (!(sa->flags & NFIPSEC_SA_F_ESN)) {
		if (sa->seq_in_hi)
			return fail(cmd, "replay-seq-hi needs flag esn"), -1;
		if (sa->seq_out_hi)
			return fail(cmd, "replay-oseq-hi needs flag esn"), -1;
	}
	if (sa->has_sel && sel_check(cmd, &sa->sel, sa->dst.family))
		return -1;
	return 0;
}

static void put_alg(struct nlmsghdr *nlh, uint16_t type,
		    const struct alg_spec *alg, bool icv)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_strz(nlh, NFIPSEC_ALG_A_NAME, alg->name);
	mnl_attr_put(nlh, NFIPSEC_ALG_A_KEY, alg->keylen, alg->key);
	if (icv)
		mnl_attr_put_u32(nlh, NFIPSEC_ALG_A_ICV_BITS, alg->icv_bits);
	mnl_attr_nest_end(nlh, nest);
}

static void put_lft(struct nlmsghdr *nlh, uint16_t type, const struct lft *l)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);
	uint16_t i;

	for (i = NFIPSEC_LFT_A_BYTES; i <= NFIPSEC_LFT_A_USE_SECS; i++)
		if (l->v[i])
			mnl_attr_put_u64(nlh, i, l->v[i]);
	mnl_attr_nest_end(nlh, nest);
}

/* SPI, PROTO, FAMILY, DST: how DEL and GET name an SA. */
static void put_id(struct nlmsghdr *nlh, const struct sa *sa)
{
	mnl_attr_put_u32(nlh, NFIPSEC_SA_A_SPI, htonl(sa->spi));
	mnl_attr_put_u8(nlh, NFIPSEC_SA_A_PROTO, sa->proto);
	mnl_attr_put_u16(nlh, NFIPSEC_SA_A_FAMILY, sa->dst.family);
	mnl_attr_put(nlh, NFIPSEC_SA_A_DST, sa->dst.len, sa->dst.b);
}

/* @update: what is not given is not sent (the kernel keeps it). */
static void put_sa(struct nlmsghdr *nlh, const struct sa *sa, bool update)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFIPSEC_A_SA);

	put_id(nlh, sa);
	mnl_attr_put(nlh, NFIPSEC_SA_A_SRC, sa->src.len, sa->src.b);
	if (!update || sa->has_mode)
		mnl_attr_put_u8(nlh, NFIPSEC_SA_A_MODE, sa->mode);
	if (sa->has_reqid)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_REQID, sa->reqid);
	if (sa->has_replay)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_REPLAY_WINDOW,
				 sa->replay_window);
	if (sa->flags)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_FLAGS, sa->flags);
	if (sa->aead.set)
		put_alg(nlh, NFIPSEC_SA_A_AEAD, &sa->aead, true);
	if (sa->enc.set)
		put_alg(nlh, NFIPSEC_SA_A_ENC, &sa->enc, false);
	if (sa->auth.set)
		put_alg(nlh, NFIPSEC_SA_A_AUTH, &sa->auth, true);
	if (sa->has_seq_out)
		mnl_attr_put_u64(nlh, NFIPSEC_SA_A_SEQ_OUT, sa->seq_out);
	if (sa->has_seq_in)
		mnl_attr_put_u64(nlh, NFIPSEC_SA_A_SEQ_IN, sa->seq_in);
	if (sa->has_sel)
		sel_put(nlh, NFIPSEC_SA_A_SEL, &sa->sel);
	if (sa->soft.set)
		put_lft(nlh, NFIPSEC_SA_A_LIFETIME_SOFT, &sa->soft);
	if (sa->hard.set)
		put_lft(nlh, NFIPSEC_SA_A_LIFETIME_HARD, &sa->hard);
	if (sa->has_encap) {
		struct nlattr *e = mnl_attr_nest_start(nlh,
						       NFIPSEC_SA_A_ENCAP);

		mnl_attr_put_u16(nlh, NFIPSEC_ENCAP_A_TYPE, sa->encap_type);
		mnl_attr_put_u16(nlh, NFIPSEC_ENCAP_A_SPORT,
				 htons(sa->encap_sport));
		mnl_attr_put_u16(nlh, NFIPSEC_ENCAP_A_DPORT,
				 htons(sa->encap_dport));
		if (sa->has_ka)
			mnl_attr_put_u32(nlh, NFIPSEC_ENCAP_A_KEEPALIVE, sa->ka);
		mnl_attr_nest_end(nlh, e);
	}
	if (sa->has_df)
		mnl_attr_put_u8(nlh, NFIPSEC_SA_A_DF, sa->df);
	if (sa->has_ifindex)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_IFINDEX, sa->ifindex);
	mnl_attr_nest_end(nlh, nest);
}

static void get_alg(const struct nlattr *nest, struct alg_spec *alg)
{
	const struct nlattr *a;

	memset(alg, 0, sizeof(*alg));
	alg->set = true;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_ALG_A_NAME:
			snprintf(alg->name, sizeof(alg->name), "%.*s",
				 (int)mnl_attr_get_payload_len(a),
				 (const char *)mnl_attr_get_payload(a));
			break;
		case NFIPSEC_ALG_A_KEY:
			alg->keylen = mnl_attr_get_payload_len(a);
			if (alg->keylen > sizeof(alg->key))
				alg->keylen = sizeof(alg->key);
			memcpy(alg->key, mnl_attr_get_payload(a), alg->keylen);
			alg->key_known = true;
			break;
		case NFIPSEC_ALG_A_ICV_BITS:
			alg->icv_bits = mnl_attr_get_u32(a);
			break;
		}
	}
}

static void get_lft(const struct nlattr *nest, struct lft *l)
{
	const struct nlattr *a;

	memset(l, 0, sizeof(*l));
	l->set = true;
	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) <= NFIPSEC_LFT_A_MAX &&
		    mnl_attr_get_payload_len(a) == 8)
			l->v[mnl_attr_get_type(a)] = mnl_attr_get_u64(a);
}

static void get_sa(const struct nlattr *nest, struct sa *sa)
{
	const struct nlattr *a, *s;

	memset(sa, 0, sizeof(*sa));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_SA_A_SPI:
			sa->spi = ntohl(mnl_attr_get_u32(a));
			sa->has_spi = true;
			break;
		case NFIPSEC_SA_A_PROTO:
			sa->proto = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_SA_A_MODE:
			sa->mode = mnl_attr_get_u8(a);
			sa->has_mode = true;
			break;
		case NFIPSEC_SA_A_SRC:
			attr_addr(a, &sa->src);
			break;
		case NFIPSEC_SA_A_DST:
			attr_addr(a, &sa->dst);
			break;
		case NFIPSEC_SA_A_REQID:
			sa->reqid = mnl_attr_get_u32(a);
			sa->has_reqid = true;
			break;
		case NFIPSEC_SA_A_REPLAY_WINDOW:
			sa->replay_window = mnl_attr_get_u32(a);
			sa->has_replay = true;
			break;
		case NFIPSEC_SA_A_FLAGS:
			sa->flags = mnl_attr_get_u32(a);
			break;
		case NFIPSEC_SA_A_AEAD:
			get_alg(a, &sa->aead);
			break;
		case NFIPSEC_SA_A_ENC:
			get_alg(a, &sa->enc);
			break;
		case NFIPSEC_SA_A_AUTH:
			get_alg(a, &sa->auth);
			break;
		case NFIPSEC_SA_A_SEQ_OUT:
			sa->seq_out = mnl_attr_get_u64(a);
			sa->has_seq_out = true;
			break;
		case NFIPSEC_SA_A_SEQ_IN:
			sa->seq_in = mnl_attr_get_u64(a);
			sa->has_seq_in = true;
			break;
		case NFIPSEC_SA_A_SEL:
			sel_get(a, &sa->sel);
			sa->has_sel = true;
			break;
		case NFIPSEC_SA_A_LIFETIME_SOFT:
			get_lft(a, &sa->soft);
			break;
		case NFIPSEC_SA_A_LIFETIME_HARD:
			get_lft(a, &sa->hard);
			break;
		case NFIPSEC_SA_A_CUR:
			get_lft(a, &sa->cur);
			break;
		case NFIPSEC_SA_A_STATS:
			sa->has_stats = true;
			mnl_attr_for_each_nested(s, a)
				if (mnl_attr_get_type(s) <= NFIPSEC_SA_STAT_MAX &&
				    mnl_attr_get_payload_len(s) == 8)
					sa->stats[mnl_attr_get_type(s)] =
						mnl_attr_get_u64(s);
			break;
		case NFIPSEC_SA_A_ENCAP:
			sa->has_encap = true;
			mnl_attr_for_each_nested(s, a) {
				if (mnl_attr_get_type(s) == NFIPSEC_ENCAP_A_KEEPALIVE &&
				    mnl_attr_get_payload_len(s) == 4)
					sa->ka = mnl_attr_get_u32(s);
				if (mnl_attr_get_payload_len(s) != 2)
					continue;
				if (mnl_attr_get_type(s) == NFIPSEC_ENCAP_A_TYPE)
					sa->encap_type = mnl_attr_get_u16(s);
				else if (mnl_attr_get_type(s) == NFIPSEC_ENCAP_A_SPORT)
					sa->encap_sport = ntohs(mnl_attr_get_u16(s));
				else if (mnl_attr_get_type(s) == NFIPSEC_ENCAP_A_DPORT)
					sa->encap_dport = ntohs(mnl_attr_get_u16(s));
			}
			break;
		case NFIPSEC_SA_A_DF:
			sa->df = mnl_attr_get_u8(a);
			sa->has_df = true;
			break;
		case NFIPSEC_SA_A_IFINDEX:
			sa->ifindex = mnl_attr_get_u32(a);
			sa->has_ifindex = true;
			break;
		case NFIPSEC_SA_A_LARVAL:
			sa->larval = mnl_attr_get_u8(a);
			break;
		}
	}
}

static const char *proto_word(uint8_t proto)
{
	return proto == IPPROTO_ESP ? "esp" : proto == IPPROTO_AH ? "ah" :
	       "?";
}

static const char *df_word(uint8_t df)
{
	return df == NFIPSEC_DF_SET ? "set" : df == NFIPSEC_DF_CLEAR ?
	       "clear" : "copy";
}

static const char *key_text(const struct alg_spec *alg, char *buf,
			    size_t len)
{
	if (!opts.keys || !alg->key_known)
		return "(hidden)";
	return hex_str(alg->key, alg->keylen, buf, len);
}

static const char *const lft_words[NFIPSEC_LFT_A_MAX + 1] = {
	[NFIPSEC_LFT_A_BYTES] = "bytes",
	[NFIPSEC_LFT_A_PACKETS] = "packets",
	[NFIPSEC_LFT_A_ADD_SECS] = "add-secs",
	[NFIPSEC_LFT_A_USE_SECS] = "use-secs",
};

static const char *const stat_words[NFIPSEC_SA_STAT_MAX + 1] = {
	[NFIPSEC_SA_STAT_PACKETS_IN] = "packets-in",
	[NFIPSEC_SA_STAT_BYTES_IN] = "bytes-in",
	[NFIPSEC_SA_STAT_PACKETS_OUT] = "packets-out",
	[NFIPSEC_SA_STAT_BYTES_OUT] = "bytes-out",
	[NFIPSEC_SA_STAT_REPLAY] = "replay",
	[NFIPSEC_SA_STAT_ICV_FAIL] = "icv-fail",
	[NFIPSEC_SA_STAT_ERRORS] = "errors",
};

static void print_lft(const char *what, const struct lft *l)
{
	uint16_t i;

	printf("\tlifetime %s:", what);
	for (i = NFIPSEC_LFT_A_BYTES; i <= NFIPSEC_LFT_A_USE_SECS; i++)
		printf(" %s %" PRIu64, lft_words[i], l->v[i]);
	putchar('\n');
}

static void json_lft(const char *key, const struct lft *l)
{
	uint16_t i;

	json_obj(key);
	for (i = NFIPSEC_LFT_A_BYTES; i <= NFIPSEC_LFT_A_USE_SECS; i++)
		json_uint(lft_words[i], l->v[i]);
	json_end();
}

static void print_flags(uint32_t flags)
{
	size_t i;

	for (i = 0; i < sizeof(sa_flags) / sizeof(sa_flags[0]); i++)
		if (flags & sa_flags[i].flag)
			printf(" %s", sa_flags[i].name);
}

static void sa_print(const struct sa *sa)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	char key[2 * NFIPSEC_KEY_MAX + 3];
	uint16_t i;

	printf("src %s dst %s\n", addr_str(&sa->src, a, sizeof(a)),
	       addr_str(&sa->dst, b, sizeof(b)));
	printf("\tproto %s spi 0x%08x reqid %u mode %s\n",
	       proto_word(sa->proto), sa->spi, sa->reqid,
	       mode_name(sa->mode));
	if (sa->larval)
		printf("\tlarval (SPI reserved by allocspi, no keys yet)\n");
	printf("\treplay-window %u", sa->replay_window);
	if (sa->flags) {
		printf(" flag");
		print_flags(sa->flags);
	}
	putchar('\n');
	if (sa->aead.set)
		printf("\taead %s %s %u\n", sa->aead.name,
		       key_text(&sa->aead, key, sizeof(key)),
		       sa->aead.icv_bits);
	if (sa->enc.set)
		printf("\tenc %s %s\n", sa->enc.name,
		       key_text(&sa->enc, key, sizeof(key)));
	if (sa->auth.set)
		printf("\tauth-trunc %s %s %u\n", sa->auth.name,
		       key_text(&sa->auth, key, sizeof(key)),
		       sa->auth.icv_bits);
	if (sa->has_encap)
		printf("\tencap %s %u %u%s%.0u\n",
		       sa->encap_type == UDP_ENCAP_ESPINUDP ? "espinudp" : "?",
		       sa->encap_sport, sa->encap_dport,
		       sa->ka ? " natt-keepalive " : "", sa->ka);
	if (sa->has_df && sa->mode == NFIPSEC_MODE_TUNNEL)
		printf("\tdf %s\n", df_word(sa->df));
	if (sa->has_ifindex && sa->ifindex) {
		char dev[IF_NAMESIZE];

		if (if_indextoname(sa->ifindex, dev))
			printf("\tlink %s\n", dev);
		else
			printf("\tlink ifindex %u (gone)\n", sa->ifindex);
	}
	if (sa->has_sel) {
		printf("\tsel ");
		sel_print(&sa->sel);
		putchar('\n');
	}
	printf("\treplay-seq 0x%08" PRIx64 " replay-oseq 0x%08" PRIx64,
	       sa->seq_in & 0xffffffff, sa->seq_out & 0xffffffff);
	if (sa->flags & NFIPSEC_SA_F_ESN)
		printf(" replay-seq-hi 0x%08" PRIx64 " replay-oseq-hi 0x%08" PRIx64,
		       sa->seq_in >> 32, sa->seq_out >> 32);
	putchar('\n');
	if (sa->soft.set)
		print_lft("soft", &sa->soft);
	if (sa->hard.set)
		print_lft("hard", &sa->hard);
	if (!opts.stats)
		return;
	if (sa->cur.set)
		print_lft("current", &sa->cur);
	if (sa->has_stats) {
		printf("\tstats:");
		for (i = 1; i <= NFIPSEC_SA_STAT_ERRORS; i++)
			printf(" %s %" PRIu64, stat_words[i], sa->stats[i]);
		putchar('\n');
	}
}

static void json_alg(const char *k, const struct alg_spec *alg, bool icv)
{
	char key[2 * NFIPSEC_KEY_MAX + 3];

	json_obj(k);
	json_str("name", alg->name);
	if (icv)
		json_uint("icv_bits", alg->icv_bits);
	if (opts.keys && alg->key_known)
		json_str("key", hex_str(alg->key, alg->keylen, key,
					sizeof(key)));
	json_end();
}

static void sa_json(const struct sa *sa)
{
	char a[INET6_ADDRSTRLEN];
	uint16_t i;
	size_t f;

	json_obj(NULL);
	json_str("src", addr_str(&sa->src, a, sizeof(a)));
	json_str("dst", addr_str(&sa->dst, a, sizeof(a)));
	json_str("proto", proto_word(sa->proto));
	json_uint("spi", sa->spi);
	json_str("mode", mode_name(sa->mode));
	json_uint("reqid", sa->reqid);
	json_bool("larval", sa->larval);
	json_uint("replay_window", sa->replay_window);
	json_arr("flags");
	for (f = 0; f < sizeof(sa_flags) / sizeof(sa_flags[0]); f++)
		if (sa->flags & sa_flags[f].flag)
			json_str(NULL, sa_flags[f].name);
	json_end();
	if (sa->aead.set)
		json_alg("aead", &sa->aead, true);
	if (sa->enc.set)
		json_alg("enc", &sa->enc, false);
	if (sa->auth.set)
		json_alg("auth", &sa->auth, true);
	if (sa->has_encap) {
		json_obj("encap");
		json_str("type", sa->encap_type == UDP_ENCAP_ESPINUDP ?
			 "espinudp" : "?");
		json_uint("sport", sa->encap_sport);
		json_uint("dport", sa->encap_dport);
		json_uint("keepalive", sa->ka);
		json_end();
	}
	if (sa->has_df)
		json_str("df", df_word(sa->df));
	if (sa->has_ifindex && sa->ifindex) {
		char dev[IF_NAMESIZE];

		json_uint("ifindex", sa->ifindex);
		if (if_indextoname(sa->ifindex, dev))
			json_str("link", dev);
	}
	if (sa->has_sel)
		sel_json("sel", &sa->sel);
	json_uint("seq_in", sa->seq_in);
	json_uint("seq_out", sa->seq_out);
	if (sa->soft.set)
		json_lft("lifetime_soft", &sa->soft);
	if (sa->hard.set)
		json_lft("lifetime_hard", &sa->hard);
	if (opts.stats && sa->cur.set)
		json_lft("current", &sa->cur);
	if (opts.stats && sa->has_stats) {
		json_obj("stats");
		for (i = 1; i <= NFIPSEC_SA_STAT_ERRORS; i++)
			json_uint(stat_words[i], sa->stats[i]);
		json_end();
	}
	json_end();
}

void sa_print_id(const struct nlattr *nest)
{
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
	struct sa sa;

	get_sa(nest, &sa);
	printf("src %s dst %s proto %s spi 0x%08x", addr_str(&sa.src, a,
	       sizeof(a)), addr_str(&sa.dst, b, sizeof(b)),
	       proto_word(sa.proto), sa.spi);
	if (sa.has_reqid)
		printf(" reqid %u", sa.reqid);
	if (sa.larval)
		printf(" larval");
	sa_wipe(&sa);
}

void sa_json_id(const char *key, const struct nlattr *nest)
{
	char a[INET6_ADDRSTRLEN];
	struct sa sa;

	get_sa(nest, &sa);
	json_obj(key);
	if (sa.src.family)
		json_str("src", addr_str(&sa.src, a, sizeof(a)));
	json_str("dst", addr_str(&sa.dst, a, sizeof(a)));
	json_str("proto", proto_word(sa.proto));
	json_uint("spi", sa.spi);
	if (sa.has_reqid)
		json_uint("reqid", sa.reqid);
	if (sa.larval)
		json_bool("larval", true);
	json_end();
	sa_wipe(&sa);
}

/* Filters of "sa list", and what printing needs. */
struct sa_list {
	struct sa want;
	unsigned int n;
};

static bool same_addr(const struct addr *a, const struct addr *b)
{
	return a->family == b->family && !memcmp(a->b, b->b, a->len);
}

static int sa_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct sa_list *l = data;
	const struct nlattr *a;
	struct sa sa;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFIPSEC_A_SA)
			continue;
		get_sa(a, &sa);
		if ((l->want.src.family && !same_addr(&l->want.src, &sa.src)) ||
		    (l->want.dst.family && !same_addr(&l->want.dst, &sa.dst)) ||
		    (l->want.proto && l->want.proto != sa.proto) ||
		    (l->want.has_spi && l->want.spi != sa.spi) ||
		    (l->want.has_reqid && l->want.reqid != sa.reqid)) {
			sa_wipe(&sa);
			continue;
		}
		if (opts.json)
			sa_json(&sa);
		else
			sa_print(&sa);
		l->n++;
		sa_wipe(&sa);
	}
	return MNL_CB_OK;
}

static void put_req_flags(struct nlmsghdr *nlh)
{
	if (opts.keys)
		mnl_attr_put_u32(nlh, NFIPSEC_A_REQ_FLAGS, NFIPSEC_REQ_F_KEYS);
}

static int sa_add(struct nl_ctx *ctx, struct args *a, uint8_t cmd)
{
	struct nlmsghdr *nlh;
	struct sa sa;
	int ret = 1;

	memset(&sa, 0, sizeof(sa));
	if (parse_words(a, &sa, sa_word))
		goto out;
	/*
	 * An update without algorithms changes an installed SA (lifetimes,
	 * df); one with them may also fill in a larval SA, and is checked
	 * as an add.
	 */
	if (cmd == NFIPSEC_CMD_SA_UPDATE && !sa.aead.set && !sa.enc.set &&
	    !sa.auth.set ? check_endpoints(a->cmd, &sa, true) :
	    sa_check(a->cmd, &sa))
		goto out;
	nlh = nl_request(ctx, cmd, 0);
	put_sa(nlh, &sa, cmd == NFIPSEC_CMD_SA_UPDATE);
	if (nl_exec(ctx, nlh, NULL, NULL))
		fail(a->cmd, "%s", ctx->err);
	else
		ret = 0;
	wipe(ctx->req, sizeof(ctx->req));
out:
	sa_wipe(&sa);
	return ret;
}

/* del, get: [src ADDR] dst ADDR proto P spi SPI */
static int id_word(struct args *a, const char *w, struct sa *sa)
{
	if (strcmp(w, "src") && strcmp(w, "dst") && strcmp(w, "proto") &&
	    strcmp(w, "spi"))
		return 0;
	return sa_word(a, w, sa);
}

static int sa_del_get(struct nl_ctx *ctx, struct args *a, uint8_t cmd)
{
	struct sa_list l = { 0 };
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (parse_words(a, &l.want, id_word) ||
	    check_endpoints(a->cmd, &l.want, false))
		return 1;
	nlh = nl_request(ctx, cmd, 0);
	if (cmd == NFIPSEC_CMD_SA_GET)
		put_req_flags(nlh);
	nest = mnl_attr_nest_start(nlh, NFIPSEC_A_SA);
	put_id(nlh, &l.want);
	mnl_attr_nest_end(nlh, nest);
	/* The filter must not hide the reply: only src could differ. */
	memset(&l.want, 0, sizeof(l.want));
	if (nl_exec(ctx, nlh, cmd == NFIPSEC_CMD_SA_GET ? sa_list_cb : NULL,
		    &l))
		return fail(a->cmd, "%s", ctx->err);
	return 0;
}

static int list_word(struct args *a, const char *w, struct sa *sa)
{
	const char *v;

	if (!strcmp(w, "reqid")) {
		v = args_value(a, w);
		sa->has_reqid = true;
		return !v || parse_u32(a->cmd, w, v, 0, UINT32_MAX,
				       &sa->reqid) ? -1 : 1;
	}
	return id_word(a, w, sa);
}

static int sa_list(struct nl_ctx *ctx, struct args *a)
{
	struct sa_list l = { 0 };
	struct nlmsghdr *nlh;
	int ret = 0;

	if (parse_words(a, &l.want, list_word))
		return 1;
	nlh = nl_request(ctx, NFIPSEC_CMD_SA_GET, NLM_F_DUMP);
	put_req_flags(nlh);
	if (opts.json && !ctx->dry_run)
		json_arr(NULL);
	if (nl_exec(ctx, nlh, sa_list_cb, &l))
		ret = fail(a->cmd, "%s", ctx->err);
	if (opts.json && !ctx->dry_run)
		json_end();
	return ret;
}

static int sa_flush(struct nl_ctx *ctx, struct args *a)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *w, *v;
	uint8_t proto = 0;

	while ((w = args_next(a))) {
		if (strcmp(w, "proto"))
			return fail(a->cmd, "unknown keyword \"%s\"", w);
		v = args_value(a, w);
		if (!v || parse_xfrm_proto(a->cmd, v, &proto))
			return 1;
	}
	nlh = nl_request(ctx, NFIPSEC_CMD_SA_FLUSH, 0);
	if (proto) {
		nest = mnl_attr_nest_start(nlh, NFIPSEC_A_SA);
		mnl_attr_put_u8(nlh, NFIPSEC_SA_A_PROTO, proto);
		mnl_attr_nest_end(nlh, nest);
	}
	if (nl_exec(ctx, nlh, NULL, NULL))
		return fail(a->cmd, "%s", ctx->err);
	return 0;
}

/*
 * allocspi: src ADDR dst ADDR proto P [ mode M ] [ reqid N ]
 * [ min SPI max SPI | spi-range MIN MAX ] [ timeout SECONDS ]
 */
static int allocspi_word(struct args *a, const char *w, struct sa *sa)
{
	const char *v;

	if (!strcmp(w, "min") || !strcmp(w, "max")) {
		v = args_value(a, w);
		if (!v || parse_u32(a->cmd, w, v, 0, UINT32_MAX,
				    w[1] == 'i' ? &sa->spi_min : &sa->spi_max))
			return -1;
		if (w[1] == 'i')
			sa->has_spi_min = true;
		else
			sa->has_spi_max = true;
		return 1;
	}
	if (!strcmp(w, "spi-range")) {
		v = args_value(a, w);
		if (!v || parse_u32(a->cmd, "spi-range MIN", v, 0, UINT32_MAX,
				    &sa->spi_min))
			return -1;
		v = args_value(a, "spi-range MIN");
		if (!v || parse_u32(a->cmd, "spi-range MAX", v, 0, UINT32_MAX,
				    &sa->spi_max))
			return -1;
		sa->has_spi_min = sa->has_spi_max = true;
		return 1;
	}
	if (!strcmp(w, "timeout")) {
		v = args_value(a, w);
		sa->has_larval_secs = true;
		return !v || parse_u32(a->cmd, w, v, 1, UINT32_MAX,
				       &sa->larval_secs) ? -1 : 1;
	}
	if (!strcmp(w, "src") || !strcmp(w, "dst") || !strcmp(w, "proto") ||
	    !strcmp(w, "mode") || !strcmp(w, "reqid"))
		return sa_word(a, w, sa);
	return 0;
}

static int allocspi_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlattr *a;

	(void)data;
	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFIPSEC_A_SA)
			continue;
		if (opts.json) {
			sa_json_id(NULL, a);
		} else {
			sa_print_id(a);
			putchar('\n');
		}
	}
	return MNL_CB_OK;
}

static int sa_allocspi(struct nl_ctx *ctx, struct args *a)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	struct sa sa;

	memset(&sa, 0, sizeof(sa));
	if (parse_words(a, &sa, allocspi_word))
		return 1;
	if (!sa.proto)
		return fail(a->cmd, "proto is required (esp or ah)");
	if (!sa.src.family || !sa.dst.family)
		return fail(a->cmd, "src and dst are required");
	if (sa.src.family != sa.dst.family)
		return fail(a->cmd, "src and dst are of different address families");
	nlh = nl_request(ctx, NFIPSEC_CMD_SA_ALLOCSPI, 0);
	nest = mnl_attr_nest_start(nlh, NFIPSEC_A_SA);
	mnl_attr_put_u8(nlh, NFIPSEC_SA_A_PROTO, sa.proto);
	mnl_attr_put_u16(nlh, NFIPSEC_SA_A_FAMILY, sa.dst.family);
	mnl_attr_put(nlh, NFIPSEC_SA_A_SRC, sa.src.len, sa.src.b);
	mnl_attr_put(nlh, NFIPSEC_SA_A_DST, sa.dst.len, sa.dst.b);
	if (sa.has_mode)
		mnl_attr_put_u8(nlh, NFIPSEC_SA_A_MODE, sa.mode);
	if (sa.has_reqid)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_REQID, sa.reqid);
	if (sa.has_spi_min)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_SPI_MIN, sa.spi_min);
	if (sa.has_spi_max)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_SPI_MAX, sa.spi_max);
	if (sa.has_larval_secs)
		mnl_attr_put_u32(nlh, NFIPSEC_SA_A_LARVAL_SECS,
				 sa.larval_secs);
	mnl_attr_nest_end(nlh, nest);
	if (nl_exec(ctx, nlh, allocspi_cb, NULL))
		return fail(a->cmd, "%s", ctx->err);
	return 0;
}

static void sa_usage(void)
{
	fputs("usage: nfipsecctl sa { add | update } src ADDR dst ADDR proto { esp | ah } spi SPI\n"
	      "                 [ mode { transport | tunnel } ] [ reqid N ] [ replay-window N ]\n"
	      "                 [ flag FLAG... ] [ ALGO... ] [ sel SELECTOR ]\n"
	      "                 [ encap espinudp SPORT DPORT OADDR ] [ natt-keepalive SECONDS ]\n"
	      "                 [ replay-seq N ] [ replay-oseq N ] [ replay-seq-hi N ] [ replay-oseq-hi N ]\n"
	      "                 [ limit LIMIT... ] [ df { copy | set | clear } ]\n"
	      "                 [ link NAME | ifindex N ]\n"
	      "       nfipsecctl sa { del | get } [ src ADDR ] dst ADDR proto { esp | ah } spi SPI\n"
	      "       nfipsecctl sa [ list ] [ src ADDR ] [ dst ADDR ] [ proto P ] [ spi SPI ] [ reqid N ]\n"
	      "       nfipsecctl sa flush [ proto { esp | ah } ]\n"
	      "       nfipsecctl sa allocspi src ADDR dst ADDR proto { esp | ah }\n"
	      "                 [ mode { transport | tunnel } ] [ reqid N ]\n"
	      "                 [ min SPI max SPI | spi-range MIN MAX ] [ timeout SECONDS ]\n"
	      "       nfipsecctl sa help\n"
	      "FLAG := esn | noecn | decap-dscp | noauth | align4\n"
	      "ALGO := aead NAME KEY [ ICV_BITS ] | enc NAME KEY | auth NAME KEY |\n"
	      "        auth-trunc NAME KEY BITS | enc ENC-AUTH KEY\n"
	      "KEY := 0xHEX | @FILE | file:FILE | \"\" (empty, for null encryption)\n"
	      "SELECTOR := [ src PREFIX ] [ dst PREFIX ] [ proto P ] [ sport N[-M] ] [ dport N[-M] ]\n"
	      "            [ type N ] [ code N ]\n"
	      "LIMIT := { time-soft | time-hard | time-use-soft | time-use-hard } SECONDS |\n"
	      "         { byte-soft | byte-hard | packet-soft | packet-hard } N   (inf: none)\n",
	      stdout);
	alg_help();
}

int cmd_sa(struct nl_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	char name[32];
	struct args a;

	snprintf(name, sizeof(name), "sa %s", sub);
	a = (struct args){ name, argc, argv, argc > 1 ? 2 : 1 };
	if (!strcmp(sub, "help")) {
		sa_usage();
		return 0;
	}
	if (!strcmp(sub, "add"))
		return sa_add(ctx, &a, NFIPSEC_CMD_SA_ADD);
	if (!strcmp(sub, "update"))
		return sa_add(ctx, &a, NFIPSEC_CMD_SA_UPDATE);
	if (!strcmp(sub, "del") || !strcmp(sub, "delete"))
		return sa_del_get(ctx, &a, NFIPSEC_CMD_SA_DEL);
	if (!strcmp(sub, "get"))
		return sa_del_get(ctx, &a, NFIPSEC_CMD_SA_GET);
	if (!strcmp(sub, "list") || !strcmp(sub, "show") ||
	    !strcmp(sub, "ls"))
		return sa_list(ctx, &a);
	if (!strcmp(sub, "flush"))
		return sa_flush(ctx, &a);
	if (!strcmp(sub, "allocspi"))
		return sa_allocspi(ctx, &a);
	fprintf(stderr, "nfipsecctl: %sunknown command \"sa %s\"; try \"nfipsecctl sa help\"\n",
		line_prefix(), sub);
	return 1;
}
