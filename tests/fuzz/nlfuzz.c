// SPDX-License-Identifier: GPL-2.0
/*
 * nlfuzz: generated and mutated requests to the "nfipsec" generic netlink
 * family.
 *
 *   nlfuzz [-s SEED] [-n COUNT] [-u]
 *
 * Each request is either well-formed (from small pools of SPIs, addresses
 * and selectors, so that adds, updates, deletes and flushes meet each
 * other and state changes) or such a request mutated: attributes removed,
 * duplicated, retyped (any type up to the nest's *_MAX + 2, so attributes
 * added to kmod/uapi/nfipsec.h are reached), resized, filled with random
 * bytes or extreme values, nests flattened or nested deeper, NLA_F_NESTED
 * dropped or added, lengths that overrun, trailing bytes. The commands are
 * every command of the family as the kernel lists them (CTRL_CMD_GETFAMILY)
 * plus numbers beyond NFIPSEC_CMD_MAX, as do and as dump.
 *
 * Checks, each counted and printed as "NLFUZZ key=value ...":
 *   - every error reply carries an extended ACK message, except the
 *     genetlink core's own refusals before the family is reached (no such
 *     command, do/dump the command lacks, a short header); an EPERM
 *     without one is counted twice, as eperm_core_nomsg as well (the
 *     module checks CAP_NET_ADMIN itself so as to say why);
 *   - root: the fuzzer's model of what succeeded (SAs by identity, from
 *     the replies and from the SA_DEL/EXPIRE events read in order on the
 *     same socket; policies by index) equals the SA and policy dumps at
 *     the end and every 5000 requests;
 *   - -u (no CAP_NET_ADMIN): no command that needs it (flagged so by the
 *     kernel, or not a read) succeeds; a well-formed request for one gets
 *     EPERM (a malformed one may fail attribute validation first); no
 *     reply carries key material.
 * Exit status 1 when a check fails. The seed is printed; the same seed
 * sends the same requests.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nfipsec.h"
#include "rnd.h"

#ifndef NETLINK_EXT_ACK
#define NETLINK_EXT_ACK 11
#endif
#ifndef NLM_F_ACK_TLVS
#define NLM_F_ACK_TLVS 0x200
#endif

/* ---- the attribute schema, from the uapi enums ---------------------------- */

enum vk { V_NONE, V_U8, V_U16, V_U32, V_U64, V_BE32, V_ADDR, V_STR, V_BIN,
	  V_NEST };
enum nest { N_TOP, N_SA, N_ALG, N_SEL, N_LFT, N_ENCAP, N_POL, N_TMPLS,
	    N_TMPL, N_STATS, N_MAX };

struct akind {
	enum vk vk;
	enum nest nest;		/* for V_NEST */
};

struct nestdef {
	const char *name;
	unsigned int max;
	struct akind a[32];
};

static const struct nestdef nests[N_MAX] = {
	[N_TOP] = { "top", NFIPSEC_A_MAX, {
		[NFIPSEC_A_VERSION] = { V_STR },
		[NFIPSEC_A_ALGS] = { V_NEST, N_ALG },
		[NFIPSEC_A_ALG] = { V_NEST, N_ALG },
		[NFIPSEC_A_SA] = { V_NEST, N_SA },
		[NFIPSEC_A_POLICY] = { V_NEST, N_POL },
		[NFIPSEC_A_TMPL] = { V_NEST, N_TMPL },
		[NFIPSEC_A_SEL] = { V_NEST, N_SEL },
		[NFIPSEC_A_STATS] = { V_NEST, N_STATS },
		[NFIPSEC_A_COUNTERS] = { V_NEST, N_STATS },
		[NFIPSEC_A_REQ_FLAGS] = { V_U32 },
		[NFIPSEC_A_HARD] = { V_U8 },
	} },
	[N_SA] = { "sa", NFIPSEC_SA_A_MAX, {
		[NFIPSEC_SA_A_SPI] = { V_BE32 },
		[NFIPSEC_SA_A_PROTO] = { V_U8 },
		[NFIPSEC_SA_A_MODE] = { V_U8 },
		[NFIPSEC_SA_A_FAMILY] = { V_U16 },
		[NFIPSEC_SA_A_SRC] = { V_ADDR },
		[NFIPSEC_SA_A_DST] = { V_ADDR },
		[NFIPSEC_SA_A_REQID] = { V_U32 },
		[NFIPSEC_SA_A_REPLAY_WINDOW] = { V_U32 },
		[NFIPSEC_SA_A_FLAGS] = { V_U32 },
		[NFIPSEC_SA_A_AEAD] = { V_NEST, N_ALG },
		[NFIPSEC_SA_A_ENC] = { V_NEST, N_ALG },
		[NFIPSEC_SA_A_AUTH] = { V_NEST, N_ALG },
		[NFIPSEC_SA_A_SEQ_OUT] = { V_U64 },
		[NFIPSEC_SA_A_SEQ_IN] = { V_U64 },
		[NFIPSEC_SA_A_SEL] = { V_NEST, N_SEL },
		[NFIPSEC_SA_A_LIFETIME_SOFT] = { V_NEST, N_LFT },
		[NFIPSEC_SA_A_LIFETIME_HARD] = { V_NEST, N_LFT },
		[NFIPSEC_SA_A_CUR] = { V_NEST, N_LFT },
		[NFIPSEC_SA_A_STATS] = { V_NEST, N_STATS },
		[NFIPSEC_SA_A_ENCAP] = { V_NEST, N_ENCAP },
		[NFIPSEC_SA_A_DF] = { V_U8 },
		[NFIPSEC_SA_A_IFINDEX] = { V_U32 },
	} },
	[N_ALG] = { "alg", NFIPSEC_ALG_A_MAX, {
		[NFIPSEC_ALG_A_NAME] = { V_STR },
		[NFIPSEC_ALG_A_TYPE] = { V_U8 },
		[NFIPSEC_ALG_A_AVAILABLE] = { V_U8 },
		[NFIPSEC_ALG_A_DRIVER] = { V_STR },
		[NFIPSEC_ALG_A_KEY] = { V_BIN },
		[NFIPSEC_ALG_A_ICV_BITS] = { V_U32 },
	} },
	[N_SEL] = { "sel", NFIPSEC_SEL_A_MAX, {
		[NFIPSEC_SEL_A_FAMILY] = { V_U16 },
		[NFIPSEC_SEL_A_SRC] = { V_ADDR },
		[NFIPSEC_SEL_A_DST] = { V_ADDR },
		[NFIPSEC_SEL_A_SRC_PLEN] = { V_U8 },
		[NFIPSEC_SEL_A_DST_PLEN] = { V_U8 },
		[NFIPSEC_SEL_A_PROTO] = { V_U8 },
		[NFIPSEC_SEL_A_SPORT_MIN] = { V_U16 },
		[NFIPSEC_SEL_A_SPORT_MAX] = { V_U16 },
		[NFIPSEC_SEL_A_DPORT_MIN] = { V_U16 },
		[NFIPSEC_SEL_A_DPORT_MAX] = { V_U16 },
		[NFIPSEC_SEL_A_TYPE] = { V_U8 },
		[NFIPSEC_SEL_A_CODE] = { V_U8 },
	} },
	[N_LFT] = { "lft", NFIPSEC_LFT_A_MAX, {
		[NFIPSEC_LFT_A_BYTES] = { V_U64 },
		[NFIPSEC_LFT_A_PACKETS] = { V_U64 },
		[NFIPSEC_LFT_A_ADD_SECS] = { V_U64 },
		[NFIPSEC_LFT_A_USE_SECS] = { V_U64 },
	} },
	[N_ENCAP] = { "encap", NFIPSEC_ENCAP_A_MAX, {
		[NFIPSEC_ENCAP_A_TYPE] = { V_U16 },
		[NFIPSEC_ENCAP_A_SPORT] = { V_U16 },
		[NFIPSEC_ENCAP_A_DPORT] = { V_U16 },
		[NFIPSEC_ENCAP_A_KEEPALIVE] = { V_U32 },
	} },
	[N_POL] = { "policy", NFIPSEC_POLICY_A_MAX, {
		[NFIPSEC_POLICY_A_INDEX] = { V_U32 },
		[NFIPSEC_POLICY_A_DIR] = { V_U8 },
		[NFIPSEC_POLICY_A_PRIORITY] = { V_U32 },
		[NFIPSEC_POLICY_A_ACTION] = { V_U8 },
		[NFIPSEC_POLICY_A_SEL] = { V_NEST, N_SEL },
		[NFIPSEC_POLICY_A_TMPLS] = { V_NEST, N_TMPLS },
		[NFIPSEC_POLICY_A_TMPL] = { V_NEST, N_TMPL },
		[NFIPSEC_POLICY_A_STATS] = { V_NEST, N_STATS },
	} },
	[N_TMPLS] = { "tmpls", NFIPSEC_POLICY_A_MAX, {
		[NFIPSEC_POLICY_A_TMPL] = { V_NEST, N_TMPL },
	} },
	[N_TMPL] = { "tmpl", NFIPSEC_TMPL_A_MAX, {
		[NFIPSEC_TMPL_A_PROTO] = { V_U8 },
		[NFIPSEC_TMPL_A_MODE] = { V_U8 },
		[NFIPSEC_TMPL_A_FAMILY] = { V_U16 },
		[NFIPSEC_TMPL_A_SRC] = { V_ADDR },
		[NFIPSEC_TMPL_A_DST] = { V_ADDR },
		[NFIPSEC_TMPL_A_REQID] = { V_U32 },
		[NFIPSEC_TMPL_A_SPI] = { V_BE32 },
	} },
	[N_STATS] = { "stats", NFIPSEC_DROP_MAX, { { V_NONE } } },
};

/* ---- request trees -------------------------------------------------------- */

#define MAXNODES 512
#define MAXKIDS 40
#define MAXDATA 4096

struct node {
	uint16_t type;		/* with NLA_F_* bits as sent */
	enum nest nest;		/* the nest it is in */
	int is_nest;
	unsigned int len;	/* payload, for leaves */
	uint8_t *data;
	unsigned int nkids;
	struct node *kids[MAXKIDS];
	int len_delta;		/* nla_len off by this when serialised */
};

static struct node pool[MAXNODES];
static uint8_t dpool[MAXNODES * 64 + 65536];
static unsigned int npool, ndpool;

static struct node *node_new(enum nest in, uint16_t type)
{
	struct node *n;

	if (npool == MAXNODES)
		return NULL;
	n = &pool[npool++];
	memset(n, 0, sizeof(*n));
	n->type = type;
	n->nest = in;
	return n;
}

static uint8_t *dalloc(unsigned int len)
{
	uint8_t *p;

	if (ndpool + len > sizeof(dpool))
		return NULL;
	p = dpool + ndpool;
	ndpool += (len + 3) & ~3U;
	return p;
}

static void add_kid(struct node *p, struct node *k)
{
	if (p && k && p->nkids < MAXKIDS)
		p->kids[p->nkids++] = k;
}

static struct node *leaf(struct node *p, uint16_t type, const void *v,
			 unsigned int len)
{
	struct node *n = node_new(p->is_nest ? (enum nest)p->nest : N_TOP, type);
	uint8_t *d = dalloc(len);

	if (!n || (!d && len))
		return NULL;
	n->data = d;
	n->len = len;
	if (len)
		memcpy(d, v, len);
	add_kid(p, n);
	return n;
}

/* The nest a node of @type inside @in opens, if it is one. */
static int nest_of(enum nest in, uint16_t type, enum nest *out)
{
	type &= NLA_TYPE_MASK;
	if (type >= 32 || type > nests[in].max + 2 ||
	    nests[in].a[type].vk != V_NEST)
		return 0;
	*out = nests[in].a[type].nest;
	return 1;
}

static struct node *nest(struct node *p, uint16_t type)
{
	struct node *n = node_new(p ? p->nest : N_TOP, type | NLA_F_NESTED);

	if (!n)
		return NULL;
	n->is_nest = 1;
	if (p) {
		enum nest in = p->is_nest ? p->nest : N_TOP;

		n->nest = N_TOP;
		if (!nest_of(in, type, &n->nest))
			n->nest = in;
		add_kid(p, n);
	}
	return n;
}

static void u8a(struct node *p, uint16_t t, uint8_t v) { leaf(p, t, &v, 1); }
static void u16a(struct node *p, uint16_t t, uint16_t v) { leaf(p, t, &v, 2); }
static void u32a(struct node *p, uint16_t t, uint32_t v) { leaf(p, t, &v, 4); }
static void u64a(struct node *p, uint16_t t, uint64_t v) { leaf(p, t, &v, 8); }
static void be32a(struct node *p, uint16_t t, uint32_t v)
{
	v = htonl(v);
	leaf(p, t, &v, 4);
}
static void stra(struct node *p, uint16_t t, const char *s)
{
	leaf(p, t, s, strlen(s) + 1);
}

/* ---- well-formed requests --------------------------------------------------- */

struct addr {
	uint16_t family;
	uint8_t a[16];
};

static void addr_pick(struct addr *a, int v6, unsigned int i)
{
	memset(a, 0, sizeof(*a));
	a->family = v6 ? AF_INET6 : AF_INET;
	if (v6) {
		a->a[0] = 0xfd;
		a->a[1] = 0x09;
		a->a[15] = 1 + i;
	} else {
		a->a[0] = 10;
		a->a[1] = 9;
		a->a[3] = 1 + i;
	}
}

static void addra(struct node *p, uint16_t t, const struct addr *a)
{
	leaf(p, t, a->a, a->family == AF_INET ? 4 : 16);
}

static void sel_ok(struct node *p, uint16_t t, int v6)
{
	struct node *s = nest(p, t);
	struct addr a;
	uint8_t proto = rn(3) ? 0 : (rn(2) ? 6 : 17);

	u16a(s, NFIPSEC_SEL_A_FAMILY, v6 ? AF_INET6 : AF_INET);
	addr_pick(&a, v6, rn(4));
	a.a[v6 ? 14 : 2] = rn(8);
	addra(s, NFIPSEC_SEL_A_SRC, &a);
	u8a(s, NFIPSEC_SEL_A_SRC_PLEN, v6 ? 112 + 8 * rn(3) : 24 + 4 * rn(3));
	addr_pick(&a, v6, rn(4));
	addra(s, NFIPSEC_SEL_A_DST, &a);
	u8a(s, NFIPSEC_SEL_A_DST_PLEN, v6 ? 128 : 32);
	if (proto) {
		u8a(s, NFIPSEC_SEL_A_PROTO, proto);
		if (rn(2)) {
			u16a(s, NFIPSEC_SEL_A_DPORT_MIN, 80);
			u16a(s, NFIPSEC_SEL_A_DPORT_MAX, 80 + rn(1000));
		}
	}
}

static void alg(struct node *p, uint16_t t, const char *name, unsigned int klen,
		int icv)
{
	struct node *a = nest(p, t);
	uint8_t key[64];

	stra(a, NFIPSEC_ALG_A_NAME, name);
	rbytes(key, klen);
	leaf(a, NFIPSEC_ALG_A_KEY, key, klen);
	if (icv >= 0)
		u32a(a, NFIPSEC_ALG_A_ICV_BITS, icv);
}

static void lft(struct node *p, uint16_t t, int hard)
{
	struct node *l = nest(p, t);

	if (rn(2))
		u64a(l, NFIPSEC_LFT_A_BYTES, (hard ? 1000000 : 100000) + rn(1000));
	if (rn(2))
		u64a(l, NFIPSEC_LFT_A_PACKETS, (hard ? 10000 : 1000) + rn(100));
	/* a short hard time now and then: expiry events while we run */
	if (!rn(6))
		u64a(l, NFIPSEC_LFT_A_ADD_SECS, hard ? 1 + rn(3) : 1);
}

/* An SA's identity: the pools are small so that requests meet. */
static void sa_id(struct node *sa, int *v6p)
{
	int v6 = !rn(4);
	struct addr d;

	*v6p = v6;
	be32a(sa, NFIPSEC_SA_A_SPI, rn(16) ? 1 + rn(12) : rnd());
	u8a(sa, NFIPSEC_SA_A_PROTO, rn(20) ? 50 : 51);
	u16a(sa, NFIPSEC_SA_A_FAMILY, v6 ? AF_INET6 : AF_INET);
	addr_pick(&d, v6, rn(3));
	addra(sa, NFIPSEC_SA_A_DST, &d);
}

static void sa_full(struct node *top)
{
	struct node *sa = nest(top, NFIPSEC_A_SA);
	struct addr s;
	int v6, mode = rn(2), esn = !rn(5);

	sa_id(sa, &v6);
	addr_pick(&s, v6, 200);
	addra(sa, NFIPSEC_SA_A_SRC, &s);
	u8a(sa, NFIPSEC_SA_A_MODE, mode);
	if (rn(2))
		u32a(sa, NFIPSEC_SA_A_REQID, rn(4));
	if (rn(2))
		u32a(sa, NFIPSEC_SA_A_REPLAY_WINDOW, rn(3) ? 32U << rn(4) : rn(4097));
	if (esn || rn(2))
		u32a(sa, NFIPSEC_SA_A_FLAGS, (esn ? NFIPSEC_SA_F_ESN : 0) |
		     (mode ? rn(2) * NFIPSEC_SA_F_NOECN : 0));
	switch (rn(4)) {
	case 0:
		alg(sa, NFIPSEC_SA_A_AEAD, "rfc4106(gcm(aes))", 20, 128);
		break;
	case 1:
		alg(sa, NFIPSEC_SA_A_AEAD, "rfc4106(gcm(aes))", 36, 64);
		break;
	case 2:
		alg(sa, NFIPSEC_SA_A_ENC, "ecb(cipher_null)", 0, -1);
		alg(sa, NFIPSEC_SA_A_AUTH, "hmac(sha256)", 32, 128);
		break;
	default:
		alg(sa, NFIPSEC_SA_A_ENC, "cbc(aes)", 16, -1);
		alg(sa, NFIPSEC_SA_A_AUTH, "hmac(sha1)", 20, 96);
		break;
	}
	if (!rn(3))
		sel_ok(sa, NFIPSEC_SA_A_SEL, mode ? !rn(3) : v6);
	if (!rn(3))
		lft(sa, NFIPSEC_SA_A_LIFETIME_SOFT, 0);
	if (!rn(3))
		lft(sa, NFIPSEC_SA_A_LIFETIME_HARD, 1);
	if (rn(2))
		u64a(sa, NFIPSEC_SA_A_SEQ_OUT, rn(1000));
	if (!rn(4))
		u8a(sa, NFIPSEC_SA_A_DF, rn(3));
}

static uint32_t known_index(void);

static void policy_sel_id(struct node *p)
{
	u8a(p, NFIPSEC_POLICY_A_DIR, rn(3));
	u32a(p, NFIPSEC_POLICY_A_PRIORITY, rn(3));
	sel_ok(p, NFIPSEC_POLICY_A_SEL, !rn(4));
}

static void tmpl(struct node *ts, int v6)
{
	struct node *t = nest(ts, NFIPSEC_POLICY_A_TMPL);
	int mode = rn(2);
	struct addr a;

	u8a(t, NFIPSEC_TMPL_A_PROTO, 50);
	u8a(t, NFIPSEC_TMPL_A_MODE, mode);
	if (mode || !rn(3)) {
		u16a(t, NFIPSEC_TMPL_A_FAMILY, v6 ? AF_INET6 : AF_INET);
		addr_pick(&a, v6, 200);
		addra(t, NFIPSEC_TMPL_A_SRC, &a);
		addr_pick(&a, v6, rn(3));
		addra(t, NFIPSEC_TMPL_A_DST, &a);
	}
	if (rn(2))
		u32a(t, NFIPSEC_TMPL_A_REQID, rn(4));
	if (!rn(4))
		be32a(t, NFIPSEC_TMPL_A_SPI, 1 + rn(12));
}

/*
 * A well-formed request for @cmd into @top; sets *dump. Returns 0 for a
 * command it knows nothing of (random attributes, not well-formed).
 */
static int build_ok(uint8_t cmd, struct node *top, int *dump)
{
	struct node *n, *ts;
	int v6, i, k;

	*dump = 0;
	switch (cmd) {
	case NFIPSEC_CMD_SA_ADD:
		sa_full(top);
		break;
	case NFIPSEC_CMD_SA_UPDATE:
		if (rn(2)) {
			sa_full(top);
			break;
		}
		n = nest(top, NFIPSEC_A_SA);
		sa_id(n, &v6);
		lft(n, NFIPSEC_SA_A_LIFETIME_HARD, 1);
		break;
	case NFIPSEC_CMD_SA_DEL:
		n = nest(top, NFIPSEC_A_SA);
		sa_id(n, &v6);
		break;
	case NFIPSEC_CMD_SA_GET:
		if (rn(2)) {
			*dump = 1;
		} else {
			n = nest(top, NFIPSEC_A_SA);
			sa_id(n, &v6);
		}
		if (rn(2))
			u32a(top, NFIPSEC_A_REQ_FLAGS, NFIPSEC_REQ_F_KEYS);
		break;
	case NFIPSEC_CMD_SA_FLUSH:
		if (rn(2)) {
			n = nest(top, NFIPSEC_A_SA);
			u8a(n, NFIPSEC_SA_A_PROTO, rn(2) ? 50 : 51);
		}
		break;
	case NFIPSEC_CMD_POLICY_ADD:
	case NFIPSEC_CMD_POLICY_UPDATE:
		n = nest(top, NFIPSEC_A_POLICY);
		policy_sel_id(n);
		k = rn(4) ? 0 : 1 + rn(2);
		if (k)
			u8a(n, NFIPSEC_POLICY_A_ACTION, k);
		if (!k) {
			ts = nest(n, NFIPSEC_POLICY_A_TMPLS);
			for (i = 1 + (rn(4) ? 0 : rn(5)); i > 0; i--)
				tmpl(ts, !rn(4));
		}
		break;
	case NFIPSEC_CMD_POLICY_DEL:
	case NFIPSEC_CMD_POLICY_GET:
		if (cmd == NFIPSEC_CMD_POLICY_GET && rn(2)) {
			*dump = 1;
			break;
		}
		n = nest(top, NFIPSEC_A_POLICY);
		if (rn(3))
			u32a(n, NFIPSEC_POLICY_A_INDEX, known_index());
		else
			policy_sel_id(n);
		break;
	case NFIPSEC_CMD_POLICY_FLUSH:
		if (rn(2)) {
			n = nest(top, NFIPSEC_A_POLICY);
			u8a(n, NFIPSEC_POLICY_A_DIR, rn(3));
		}
		break;
	case NFIPSEC_CMD_GET_VERSION:
	case NFIPSEC_CMD_STATS_GET:
	case NFIPSEC_CMD_STATS_RESET:
		break;
	default:
		/* other commands (new ones too): a few random attributes */
		for (i = rn(3); i > 0; i--)
			u32a(top, rn(NFIPSEC_A_MAX + 2), rnd());
		return 0;
	}
	return 1;
}

/* ---- mutations ------------------------------------------------------------- */

static struct node *all[MAXNODES], *parent_of[MAXNODES];
static unsigned int nall;

static void collect(struct node *n, struct node *parent)
{
	unsigned int i;

	if (nall < MAXNODES) {
		parent_of[nall] = parent;
		all[nall++] = n;
	}
	for (i = 0; i < n->nkids; i++)
		collect(n->kids[i], n);
}

static void random_value(struct node *n, enum vk vk)
{
	static const char *const names[] = {
		"rfc4106(gcm(aes))", "cbc(aes)", "hmac(sha1)", "hmac(sha256)",
		"ecb(cipher_null)", "pcrypt(rfc4106(gcm(aes)))",
		"cryptd(rfc4106(gcm(aes)))", "rfc7539esp(chacha20,poly1305)",
		"pcrypt(", "pcrypt()", "cryptd(cbc(aes))", "gcm(aes)", "",
		"hmac(md5)", "rfc3686(ctr(aes))", "rfc4543(gcm(aes))",
		"pcrypt(pcrypt(rfc4106(gcm(aes))))",
	};
	static const uint64_t extremes[] = {
		0, 1, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0xffff, 0x10000,
		0x7fffffff, 0xffffffff, 0x100000000ULL, ~0ULL, ~0ULL >> 1,
		4096, 4097, 32, 128, 2, 10, 50, 51, 64, 96, 512, 544,
	};
	unsigned int len = n->len;
	uint64_t v = rn(2) ? extremes[rn(sizeof(extremes) / 8)] : rnd();
	uint8_t *d;

	switch (vk) {
	case V_U8: len = 1; break;
	case V_U16: len = 2; break;
	case V_U32: case V_BE32: len = 4; break;
	case V_U64: len = 8; break;
	case V_ADDR: len = rn(2) ? 4 : 16; break;
	case V_STR: {
		const char *s = names[rn(sizeof(names) / sizeof(names[0]))];

		len = strlen(s) + (rn(8) != 0);
		if (!rn(8))
			len = 64 + rn(200);
		d = dalloc(len);
		if (!d)
			return;
		memset(d, 'a', len);
		memcpy(d, s, len < strlen(s) ? len : strlen(s));
		if (len > strlen(s))
			d[strlen(s)] = rn(8) ? 0 : 'x';
		n->data = d;
		n->len = len;
		return;
	}
	default:
		len = rn(4) ? rn(64) : rn(300);
		break;
	}
	d = dalloc(len);
	if (!d)
		return;
	if (len <= 8)
		memcpy(d, &v, len);
	else
		rbytes(d, len);
	n->data = d;
	n->len = len;
}

static void mutate(struct node *top)
{
	unsigned int i, k, which;
	struct node *n, *p, *c;
	enum nest nt;
	uint8_t *d;

	nall = 0;
	collect(top, NULL);
	if (nall < 2) {
		u32a(top, rn(NFIPSEC_A_MAX + 3), rnd());
		return;
	}
	which = 1 + rn(nall - 1);
	n = all[which];
	p = parent_of[which];
	switch (rn(14)) {
	case 0:		/* remove */
		for (i = 0; i < p->nkids; i++)
			if (p->kids[i] == n) {
				p->kids[i] = p->kids[--p->nkids];
				break;
			}
		break;
	case 1:		/* duplicate (the copy's payload may differ) */
		c = node_new(n->nest, n->type);
		if (!c)
			break;
		*c = *n;
		if (!n->is_nest && rn(2))
			random_value(c, n->nest < N_MAX && (n->type & NLA_TYPE_MASK) < 32 ?
				     nests[p->is_nest ? p->nest : N_TOP].a[n->type & NLA_TYPE_MASK].vk :
				     V_BIN);
		add_kid(p, c);
		break;
	case 2:		/* retype, anywhere up to MAX + 2 */
		nt = p->is_nest ? p->nest : N_TOP;
		n->type = (n->type & ~NLA_TYPE_MASK) | rn(nests[nt].max + 3);
		break;
	case 3:		/* resize a leaf */
		if (n->is_nest)
			break;
		k = rn(3) == 0 ? rn(n->len + 1) : n->len + 1 + rn(rn(8) ? 16 : 3000);
		d = dalloc(k);
		if (!d)
			break;
		memset(d, 0, k);
		if (n->len)
			memcpy(d, n->data, k < n->len ? k : n->len);
		rbytes(d + (k < n->len ? k : n->len),
		       k > n->len ? (rn(2) ? k - n->len : 0) : 0);
		n->data = d;
		n->len = k;
		break;
	case 4:		/* a new value of the attribute's own kind */
		nt = p->is_nest ? p->nest : N_TOP;
		if (n->is_nest)
			break;
		random_value(n, (n->type & NLA_TYPE_MASK) < 32 ?
			     nests[nt].a[n->type & NLA_TYPE_MASK].vk : V_BIN);
		break;
	case 5:		/* flatten a nest into random bytes */
		if (!n->is_nest)
			break;
		n->is_nest = 0;
		n->nkids = 0;
		n->type &= ~NLA_F_NESTED;
		random_value(n, V_BIN);
		break;
	case 6:		/* a leaf becomes a nest of random attributes */
		if (n->is_nest)
			break;
		n->is_nest = 1;
		n->type |= NLA_F_NESTED;
		n->nkids = 0;
		for (k = rn(4); k > 0; k--) {
			c = node_new(N_TOP, rn(12));
			if (!c)
				break;
			random_value(c, V_U32);
			add_kid(n, c);
		}
		break;
	case 7:		/* NLA_F_NESTED off, or on where it does not belong */
		n->type ^= NLA_F_NESTED;
		break;
	case 8:		/* NLA_F_NET_BYTEORDER */
		n->type ^= NLA_F_NET_BYTEORDER;
		break;
	case 9:		/* nla_len overruns or underruns */
		n->len_delta = rn(2) ? -(int)(1 + rn(8)) : (int)(1 + rn(64));
		break;
	case 10:	/* deeper: the node wrapped in nests of its own type */
		for (k = 1 + rn(rn(4) ? 3 : 40); k > 0 && npool < MAXNODES; k--) {
			c = node_new(n->nest, n->type | NLA_F_NESTED);
			c->is_nest = 1;
			c->nest = n->nest;
			c->kids[0] = n;
			c->nkids = 1;
			for (i = 0; i < p->nkids; i++)
				if (p->kids[i] == n)
					p->kids[i] = c;
			n = c;
		}
		break;
	case 11:	/* many copies: tables full of duplicates */
		for (k = 2 + rn(30); k > 0; k--) {
			c = node_new(n->nest, n->type);
			if (!c)
				break;
			*c = *n;
			add_kid(p, c);
		}
		break;
	case 12:	/* a random attribute in a random place */
		nt = p->is_nest ? p->nest : N_TOP;
		c = node_new(nt, rn(nests[nt].max + 3));
		if (!c)
			break;
		random_value(c, rn(2) ? V_U32 : V_BIN);
		add_kid(rn(2) || !n->is_nest ? p : n, c);
		break;
	default:	/* extreme integer */
		if (n->is_nest || n->len > 8 || !n->len)
			break;
		memset(n->data, rn(2) ? 0xff : 0, n->len);
		break;
	}
}

/* ---- serialisation ------------------------------------------------------- */

static uint8_t req[65536];

/* Appends @n at @p (room @room); returns the bytes used. */
static unsigned int put_node(const struct node *n, uint8_t *p, unsigned int room)
{
	struct nlattr *a = (struct nlattr *)p;
	unsigned int used = NLA_HDRLEN, i, k;
	int len;

	if (room < NLA_HDRLEN)
		return 0;
	if (n->is_nest) {
		for (i = 0; i < n->nkids; i++) {
			k = put_node(n->kids[i], p + used, room - used);
			if (!k)
				break;
			used += k;
		}
	} else {
		if (NLA_HDRLEN + NLA_ALIGN(n->len) > room)
			return 0;
		if (n->len)
			memcpy(p + NLA_HDRLEN, n->data, n->len);
		memset(p + NLA_HDRLEN + n->len, 0, NLA_ALIGN(n->len) - n->len);
		used += NLA_ALIGN(n->len);
		used -= NLA_ALIGN(n->len) - n->len;	/* true length */
	}
	len = (int)used + n->len_delta;
	if (len < 0)
		len = 0;
	if (len > 0xffff)
		len = 0xffff;
	a->nla_len = len;
	a->nla_type = n->type;
	return NLA_ALIGN(used);
}

/* ---- netlink -------------------------------------------------------------- */

static struct mnl_socket *nl;
static uint16_t family;
static uint32_t grp, seq = 1, portid;
static int unpriv;

#define MAXCMD 64
static uint32_t op_flags[MAXCMD];	/* CTRL_ATTR_OP_FLAGS, 0: no such op */

struct result {
	int err;		/* 0 or -errno */
	int has_msg;
	char msg[256];
	uint32_t pol_index;	/* POLICY_ADD/UPDATE reply */
	int pol_dir;
	int keys_seen;		/* a reply carried ALG_A_KEY */
	unsigned int nmsgs;
};

static int ctrl_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nlattr *a, *op, *g;

	(void)data;
	mnl_attr_for_each(a, nlh, GENL_HDRLEN) {
		switch (mnl_attr_get_type(a)) {
		case CTRL_ATTR_FAMILY_ID:
			family = mnl_attr_get_u16(a);
			break;
		case CTRL_ATTR_OPS:
			mnl_attr_for_each_nested(op, a) {
				struct nlattr *x;
				uint32_t id = 0, fl = 0;

				mnl_attr_for_each_nested(x, op) {
					if (mnl_attr_get_type(x) == CTRL_ATTR_OP_ID)
						id = mnl_attr_get_u32(x);
					else if (mnl_attr_get_type(x) == CTRL_ATTR_OP_FLAGS)
						fl = mnl_attr_get_u32(x);
				}
				if (id < MAXCMD)
					op_flags[id] = fl | 0x80000000U;
			}
			break;
		case CTRL_ATTR_MCAST_GROUPS:
			mnl_attr_for_each_nested(g, a) {
				struct nlattr *x;
				const char *name = NULL;
				uint32_t id = 0;

				mnl_attr_for_each_nested(x, g) {
					if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_NAME)
						name = mnl_attr_get_str(x);
					else if (mnl_attr_get_type(x) == CTRL_ATTR_MCAST_GRP_ID)
						id = mnl_attr_get_u32(x);
				}
				if (name && !strcmp(name, NFIPSEC_GENL_MCGRP_EVENTS))
					grp = id;
			}
			break;
		}
	}
	return MNL_CB_OK;
}

static int resolve(void)
{
	char buf[MNL_SOCKET_BUFFER_SIZE * 4];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;
	int r;

	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_seq = seq++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NFIPSEC_GENL_NAME);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		return -1;
	r = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (r <= 0)
		return -1;
	r = mnl_cb_run(buf, r, nlh->nlmsg_seq, portid, ctrl_cb, NULL);
	return r < 0 || !family ? -1 : 0;
}

/* ---- the model ------------------------------------------------------------ */

struct said {
	uint32_t spi;
	uint8_t proto;
	uint16_t family;
	uint8_t dst[16];
};

#define MAXSA 4096
static struct said model_sa[MAXSA];
static unsigned int nmodel_sa;
static uint32_t model_pol[MAXSA];
static uint8_t model_pol_dir[MAXSA];
static unsigned int nmodel_pol;
static int pol_resync;

static int said_eq(const struct said *a, const struct said *b)
{
	return a->spi == b->spi && a->proto == b->proto &&
	       a->family == b->family && !memcmp(a->dst, b->dst, 16);
}

static void model_sa_add(const struct said *s)
{
	unsigned int i;

	for (i = 0; i < nmodel_sa; i++)
		if (said_eq(&model_sa[i], s))
			return;
	if (nmodel_sa < MAXSA)
		model_sa[nmodel_sa++] = *s;
}

static void model_sa_del(const struct said *s)
{
	unsigned int i;

	for (i = 0; i < nmodel_sa; i++)
		if (said_eq(&model_sa[i], s)) {
			model_sa[i] = model_sa[--nmodel_sa];
			return;
		}
}

static void model_pol_add(uint32_t index, uint8_t dir)
{
	unsigned int i;

	for (i = 0; i < nmodel_pol; i++)
		if (model_pol[i] == index)
			return;
	if (nmodel_pol < MAXSA) {
		model_pol_dir[nmodel_pol] = dir;
		model_pol[nmodel_pol++] = index;
	}
}

static uint32_t known_index(void)
{
	if (!nmodel_pol || !rn(5))
		return rn(2) ? rnd() : rn(64);
	return model_pol[rn(nmodel_pol)];
}

/* The last @type in the attributes at @p..@end, as nla_parse keeps it. */
static const struct nlattr *last_attr(const void *p, unsigned int len,
				      uint16_t type)
{
	const struct nlattr *a = p, *found = NULL;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		if ((a->nla_type & NLA_TYPE_MASK) == type)
			found = a;
		if ((unsigned int)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return found;
}

static const void *adata(const struct nlattr *a)
{
	return (const char *)a + NLA_HDRLEN;
}

static unsigned int alen(const struct nlattr *a)
{
	return a->nla_len - NLA_HDRLEN;
}

/* The SA identity in an A_SA nest (of a request or an event). */
static int said_from(const struct nlattr *sa, struct said *s)
{
	const struct nlattr *a;

	memset(s, 0, sizeof(*s));
	if (!sa)
		return -1;
	if (!(a = last_attr(adata(sa), alen(sa), NFIPSEC_SA_A_SPI)) || alen(a) != 4)
		return -1;
	memcpy(&s->spi, adata(a), 4);
	if (!(a = last_attr(adata(sa), alen(sa), NFIPSEC_SA_A_PROTO)) || alen(a) != 1)
		return -1;
	s->proto = *(const uint8_t *)adata(a);
	if (!(a = last_attr(adata(sa), alen(sa), NFIPSEC_SA_A_FAMILY)) || alen(a) != 2)
		return -1;
	memcpy(&s->family, adata(a), 2);
	if (!(a = last_attr(adata(sa), alen(sa), NFIPSEC_SA_A_DST)) ||
	    alen(a) > 16)
		return -1;
	memcpy(s->dst, adata(a), alen(a));
	return 0;
}

static unsigned long events, events_sa_del, events_expire;

static void on_event(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *sa = last_attr((const char *)g + GENL_HDRLEN,
					    nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN,
					    NFIPSEC_A_SA);
	struct said s;

	events++;
	if (g->cmd == NFIPSEC_CMD_EV_EXPIRE)
		events_expire++;
	if (g->cmd == NFIPSEC_CMD_EV_SA_DEL && !said_from(sa, &s)) {
		events_sa_del++;
		model_sa_del(&s);
	}
}

/* Does @nest (an SA) hold key material anywhere below? */
static int has_key(const void *p, unsigned int len, int depth)
{
	const struct nlattr *a = p;

	while (len >= NLA_HDRLEN && a->nla_len >= NLA_HDRLEN &&
	       a->nla_len <= len) {
		uint16_t t = a->nla_type & NLA_TYPE_MASK;

		if (depth == 1 && (t == NFIPSEC_SA_A_AEAD || t == NFIPSEC_SA_A_ENC ||
				   t == NFIPSEC_SA_A_AUTH) &&
		    last_attr(adata(a), alen(a), NFIPSEC_ALG_A_KEY))
			return 1;
		if (depth == 0 && t == NFIPSEC_A_SA &&
		    has_key(adata(a), alen(a), 1))
			return 1;
		if ((unsigned int)NLA_ALIGN(a->nla_len) >= len)
			break;
		len -= NLA_ALIGN(a->nla_len);
		a = (const void *)((const char *)a + NLA_ALIGN(a->nla_len));
	}
	return 0;
}

static unsigned long timeouts, enobufs;
static char rbuf[1 << 17];

/*
 * Reads until the answer to @myseq: the ACK/error (do), or DONE (dump).
 * Events on the way are applied to the model in order. @on_msg sees each
 * reply message.
 */
static int talk(const void *msg, unsigned int len, uint32_t myseq, int dump,
		struct result *res,
		void (*on_msg)(const struct nlmsghdr *, void *), void *arg)
{
	int r;

	memset(res, 0, sizeof(*res));
	if (mnl_socket_sendto(nl, msg, len) < 0) {
		res->err = -errno;
		res->has_msg = 1;	/* refused by sendmsg, not the family */
		return 0;
	}
	for (;;) {
		struct nlmsghdr *nlh;

		r = mnl_socket_recvfrom(nl, rbuf, sizeof(rbuf));
		if (r < 0) {
			if (errno == ENOBUFS) {
				enobufs++;
				continue;
			}
			if (errno == EAGAIN) {
				timeouts++;
				return -1;
			}
			return -1;
		}
		for (nlh = (struct nlmsghdr *)rbuf; mnl_nlmsg_ok(nlh, r);
		     nlh = mnl_nlmsg_next(nlh, &r)) {
			if (nlh->nlmsg_seq == 0 && nlh->nlmsg_pid == 0 &&
			    nlh->nlmsg_type == family) {
				on_event(nlh);
				continue;
			}
			if (nlh->nlmsg_seq != myseq)
				continue;
			if (nlh->nlmsg_type == NLMSG_ERROR ||
			    nlh->nlmsg_type == NLMSG_DONE) {
				int err = 0;
				unsigned int off;

				if (nlh->nlmsg_type == NLMSG_ERROR) {
					const struct nlmsgerr *e =
						mnl_nlmsg_get_payload(nlh);

					err = e->error;
					off = NLMSG_HDRLEN + sizeof(*e);
					if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
						off += e->msg.nlmsg_len - NLMSG_HDRLEN;
				} else {
					if (nlh->nlmsg_len >= NLMSG_HDRLEN + 4)
						memcpy(&err, mnl_nlmsg_get_payload(nlh), 4);
					off = NLMSG_HDRLEN + 4;
				}
				res->err = err;
				if ((nlh->nlmsg_flags & NLM_F_ACK_TLVS) &&
				    nlh->nlmsg_len > off) {
					const struct nlattr *m =
						last_attr((const char *)nlh + off,
							  nlh->nlmsg_len - off,
							  NLMSGERR_ATTR_MSG);

					if (m && alen(m)) {
						res->has_msg = 1;
						snprintf(res->msg, sizeof(res->msg),
							 "%.*s", (int)alen(m),
							 (const char *)adata(m));
					}
				}
				if (nlh->nlmsg_type == NLMSG_DONE || !dump ||
				    err)
					return 0;
				continue;
			}
			res->nmsgs++;
			if (nlh->nlmsg_type == family) {
				const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
				const void *at = (const char *)g + GENL_HDRLEN;
				unsigned int al = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
				const struct nlattr *p = last_attr(at, al, NFIPSEC_A_POLICY);

				if (has_key(at, al, 0))
					res->keys_seen = 1;
				if (p) {
					const struct nlattr *i =
						last_attr(adata(p), alen(p), NFIPSEC_POLICY_A_INDEX);
					const struct nlattr *d =
						last_attr(adata(p), alen(p), NFIPSEC_POLICY_A_DIR);

					if (i && alen(i) == 4)
						memcpy(&res->pol_index, adata(i), 4);
					if (d && alen(d) == 1)
						res->pol_dir = *(const uint8_t *)adata(d);
				}
				if (on_msg)
					on_msg(nlh, arg);
			}
		}
	}
}

/* ---- dumps and the comparison --------------------------------------------- */

struct dumped {
	struct said sa[MAXSA];
	unsigned int nsa;
	uint32_t pol[MAXSA];
	uint8_t pol_dir[MAXSA];
	unsigned int npol;
	int bad;
};
static struct dumped dumped;

static void dump_cb(const struct nlmsghdr *nlh, void *arg)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const void *at = (const char *)g + GENL_HDRLEN;
	unsigned int al = nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *a;
	struct dumped *d = arg;

	if (g->cmd == NFIPSEC_CMD_SA_GET) {
		a = last_attr(at, al, NFIPSEC_A_SA);
		if (!a || said_from(a, &d->sa[d->nsa])) {
			d->bad++;
			return;
		}
		if (d->nsa < MAXSA - 1)
			d->nsa++;
	} else if (g->cmd == NFIPSEC_CMD_POLICY_GET) {
		const struct nlattr *i, *dir;

		a = last_attr(at, al, NFIPSEC_A_POLICY);
		i = a ? last_attr(adata(a), alen(a), NFIPSEC_POLICY_A_INDEX) : NULL;
		dir = a ? last_attr(adata(a), alen(a), NFIPSEC_POLICY_A_DIR) : NULL;
		if (!i || !dir) {
			d->bad++;
			return;
		}
		memcpy(&d->pol[d->npol], adata(i), 4);
		d->pol_dir[d->npol] = *(const uint8_t *)adata(dir);
		if (d->npol < MAXSA - 1)
			d->npol++;
	}
}

static unsigned int simple_req(uint8_t cmd, int dump, uint8_t *buf)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g;

	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = seq++;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NFIPSEC_GENL_VERSION;
	return nlh->nlmsg_len;
}

static int do_dumps(void)
{
	uint8_t buf[64];
	struct result res;
	unsigned int len;

	memset(&dumped, 0, sizeof(dumped));
	len = simple_req(NFIPSEC_CMD_SA_GET, 1, buf);
	if (talk(buf, len, seq - 1, 1, &res, dump_cb, &dumped) || res.err)
		return -1;
	len = simple_req(NFIPSEC_CMD_POLICY_GET, 1, buf);
	if (talk(buf, len, seq - 1, 1, &res, dump_cb, &dumped) || res.err)
		return -1;
	return dumped.bad ? -1 : 0;
}

static unsigned long compares, compare_fail;

static int compare(const char *when)
{
	unsigned int i, j, miss = 0;

	compares++;
	if (do_dumps()) {
		printf("# nlfuzz %s: a dump failed or did not parse\n", when);
		compare_fail++;
		return -1;
	}
	if (pol_resync) {
		nmodel_pol = 0;
		for (i = 0; i < dumped.npol; i++)
			model_pol_add(dumped.pol[i], dumped.pol_dir[i]);
		pol_resync = 0;
	}
	for (i = 0; i < nmodel_sa; i++) {
		for (j = 0; j < dumped.nsa; j++)
			if (said_eq(&model_sa[i], &dumped.sa[j]))
				break;
		miss += j == dumped.nsa;
	}
	for (i = 0; i < nmodel_pol; i++) {
		for (j = 0; j < dumped.npol; j++)
			if (dumped.pol[j] == model_pol[i])
				break;
		miss += j == dumped.npol;
	}
	if (miss || dumped.nsa != nmodel_sa || dumped.npol != nmodel_pol) {
		printf("# nlfuzz %s: model %u SAs %u policies, dump %u SAs %u policies, %u of the model missing\n",
		       when, nmodel_sa, nmodel_pol, dumped.nsa, dumped.npol, miss);
		compare_fail++;
		/* go on from what is there */
		nmodel_sa = 0;
		for (i = 0; i < dumped.nsa; i++)
			model_sa_add(&dumped.sa[i]);
		nmodel_pol = 0;
		for (i = 0; i < dumped.npol; i++)
			model_pol_add(dumped.pol[i], dumped.pol_dir[i]);
		return -1;
	}
	return 0;
}

/* ---- the loop ------------------------------------------------------------- */

static unsigned long n_req, n_ok, n_err, n_valid, n_mutated, n_dump;
static unsigned long no_msg, core_nomsg, eperm_core_nomsg, unpriv_ok_admin;
static unsigned long unpriv_eperm, unpriv_keys, sa_added, sa_deleted;
static unsigned long unpriv_valid_not_eperm, unpriv_other;
static unsigned long pol_added, pol_deleted, flushes;
static unsigned long err_by[140];

/*
 * Commands that need CAP_NET_ADMIN: those the kernel flags so, and (the
 * module checks in its pre_doit, with a message) every one that is not a
 * read.
 */
static int is_admin(uint8_t cmd)
{
	if (cmd >= MAXCMD || !op_flags[cmd])
		return 0;
	if (op_flags[cmd] & (GENL_ADMIN_PERM | GENL_UNS_ADMIN_PERM))
		return 1;
	return cmd != NFIPSEC_CMD_GET_VERSION && cmd != NFIPSEC_CMD_SA_GET &&
	       cmd != NFIPSEC_CMD_POLICY_GET && cmd != NFIPSEC_CMD_STATS_GET;
}

/* The genetlink core answers these itself, before the family's code. */
static int core_refusal(uint8_t cmd, int dump, int err, unsigned int len)
{
	uint32_t f = cmd < MAXCMD ? op_flags[cmd] : 0;

	if (len < NLMSG_HDRLEN + GENL_HDRLEN)
		return err == -EINVAL;
	if (err != -EOPNOTSUPP)
		return 0;
	return !f || (dump && !(f & GENL_CMD_CAP_DUMP)) ||
	       (!dump && !(f & GENL_CMD_CAP_DO));
}

static void hexdump(const uint8_t *p, unsigned int n)
{
	unsigned int i;

	printf("#     ");
	for (i = 0; i < n && i < 160; i++)
		printf("%02x", p[i]);
	printf("%s\n", n > 160 ? "..." : "");
}

static void apply(uint8_t cmd, const uint8_t *msg, unsigned int len,
		  const struct result *res)
{
	const void *at = msg + NLMSG_HDRLEN + GENL_HDRLEN;
	unsigned int al = len - NLMSG_HDRLEN - GENL_HDRLEN;
	const struct nlattr *sa = last_attr(at, al, NFIPSEC_A_SA);
	const struct nlattr *pol = last_attr(at, al, NFIPSEC_A_POLICY);
	const struct nlattr *a;
	struct said s;
	unsigned int i;

	switch (cmd) {
	case NFIPSEC_CMD_SA_ADD:
		if (!said_from(sa, &s)) {
			model_sa_add(&s);
			sa_added++;
		}
		break;
	case NFIPSEC_CMD_SA_DEL:
		if (!said_from(sa, &s)) {
			model_sa_del(&s);
			sa_deleted++;
		}
		break;
	case NFIPSEC_CMD_SA_FLUSH:
		flushes++;
		a = sa ? last_attr(adata(sa), alen(sa), NFIPSEC_SA_A_PROTO) : NULL;
		for (i = 0; i < nmodel_sa;)
			if (!a || !*(const uint8_t *)adata(a) ||
			    model_sa[i].proto == *(const uint8_t *)adata(a))
				model_sa[i] = model_sa[--nmodel_sa];
			else
				i++;
		break;
	case NFIPSEC_CMD_POLICY_ADD:
	case NFIPSEC_CMD_POLICY_UPDATE:
		if (res->pol_index) {
			model_pol_add(res->pol_index, res->pol_dir);
			pol_added += cmd == NFIPSEC_CMD_POLICY_ADD;
		} else {
			pol_resync = 1;
		}
		break;
	case NFIPSEC_CMD_POLICY_DEL:
		pol_deleted++;
		a = pol ? last_attr(adata(pol), alen(pol), NFIPSEC_POLICY_A_INDEX) : NULL;
		if (a && alen(a) == 4) {
			uint32_t idx;

			memcpy(&idx, adata(a), 4);
			for (i = 0; i < nmodel_pol; i++)
				if (model_pol[i] == idx) {
					model_pol[i] = model_pol[nmodel_pol - 1];
					model_pol_dir[i] = model_pol_dir[nmodel_pol - 1];
					nmodel_pol--;
					break;
				}
		} else {
			pol_resync = 1;
		}
		break;
	case NFIPSEC_CMD_POLICY_FLUSH:
		flushes++;
		a = pol ? last_attr(adata(pol), alen(pol), NFIPSEC_POLICY_A_DIR) : NULL;
		for (i = 0; i < nmodel_pol;)
			if (!a || model_pol_dir[i] == *(const uint8_t *)adata(a)) {
				model_pol[i] = model_pol[nmodel_pol - 1];
				model_pol_dir[i] = model_pol_dir[nmodel_pol - 1];
				nmodel_pol--;
			} else {
				i++;
			}
		break;
	default:
		break;
	}
	if (pol_resync)
		compare("resync");
}

static uint8_t pick_cmd(void)
{
	uint8_t c;
	int tries;

	if (!rn(20))
		return rn(NFIPSEC_CMD_MAX + 4);
	for (tries = 0; tries < 100; tries++) {
		c = 1 + rn(NFIPSEC_CMD_MAX + 1);
		if (c < MAXCMD && op_flags[c] &&
		    (c != NFIPSEC_CMD_GET_VERSION || !rn(20)) &&
		    ((c != NFIPSEC_CMD_SA_FLUSH && c != NFIPSEC_CMD_POLICY_FLUSH) ||
		     !rn(15)))
			return c;
	}
	return NFIPSEC_CMD_STATS_GET;
}

static void one(void)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)req;
	struct genlmsghdr *g;
	struct node *top;
	struct result res;
	uint8_t cmd = pick_cmd();
	int dump, mutated = rn(4) != 0, k;
	unsigned int len, i;

	npool = ndpool = 0;
	top = node_new(N_TOP, 0);
	top->is_nest = 1;
	top->nest = N_TOP;
	if (!build_ok(cmd, top, &dump))
		mutated = 1;
	if (mutated) {
		for (k = 1 + rn(rn(4) ? 2 : 8); k > 0; k--)
			mutate(top);
		if (!rn(10))
			dump = !dump;
	}
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | (dump ? NLM_F_DUMP : 0);
	nlh->nlmsg_seq = seq++;
	nlh->nlmsg_pid = 0;
	g = (struct genlmsghdr *)(req + NLMSG_HDRLEN);
	g->cmd = cmd;
	g->version = mutated && !rn(20) ? rnd() : NFIPSEC_GENL_VERSION;
	g->reserved = mutated && !rn(20) ? rnd() : 0;
	len = NLMSG_HDRLEN + GENL_HDRLEN;
	for (i = 0; i < top->nkids; i++)
		len += put_node(top->kids[i], req + len, sizeof(req) - len - 64);
	if (mutated && !rn(30)) {	/* trailing bytes */
		k = 1 + rn(7);
		rbytes(req + len, k);
		len += k;
	}
	if (mutated && !rn(200))	/* not even a whole genl header */
		len = NLMSG_HDRLEN + rn(GENL_HDRLEN);
	nlh->nlmsg_len = len;

	n_req++;
	if (mutated)
		n_mutated++;
	else
		n_valid++;
	if (dump)
		n_dump++;
	if (talk(req, len, nlh->nlmsg_seq, dump, &res, NULL, NULL)) {
		printf("# nlfuzz: no answer to request %lu (cmd %u%s)\n", n_req,
		       cmd, dump ? " dump" : "");
		return;
	}
	if (res.keys_seen && unpriv) {
		unpriv_keys++;
		printf("# nlfuzz: key material in a reply to an unprivileged request (cmd %u)\n",
		       cmd);
	}
	if (res.err) {
		n_err++;
		err_by[-res.err < 139 ? -res.err : 139]++;
		if (unpriv && is_admin(cmd)) {
			/*
			 * A malformed request may fail the core's attribute
			 * validation first (EINVAL, with its message); a
			 * well-formed one must meet the CAP_NET_ADMIN check.
			 */
			if (res.err == -EPERM) {
				unpriv_eperm++;
			} else if (!mutated && !dump) {
				unpriv_valid_not_eperm++;
				printf("# nlfuzz: unprivileged well-formed cmd %u refused with %d, not EPERM (%s)\n",
				       cmd, res.err, res.msg);
			} else {
				unpriv_other++;
			}
		}
		if (!res.has_msg) {
			if (unpriv && res.err == -EPERM && is_admin(cmd))
				eperm_core_nomsg++;	/* counted in no_extack too */
			if (core_refusal(cmd, dump, res.err, len)) {
				core_nomsg++;
			} else {
				no_msg++;
				if (no_msg <= 10) {
					printf("# nlfuzz: error %d without an extack message: cmd %u%s, %u bytes:\n",
					       res.err, cmd, dump ? " dump" : "", len);
					hexdump(req, len);
				}
			}
		}
		return;
	}
	n_ok++;
	if (unpriv) {
		if (is_admin(cmd)) {
			unpriv_ok_admin++;
			printf("# nlfuzz: unprivileged cmd %u succeeded\n", cmd);
		}
		return;
	}
	if (!dump)
		apply(cmd, req, len, &res);
}

int main(int argc, char **argv)
{
	unsigned long n = 100000, i;
	struct timespec t0, t1;
	uint64_t seed = 0;
	int opt, one_i = 1, bufsz = 4 << 20, failed;
	struct timeval tv = { .tv_sec = 10 };
	double secs;

	while ((opt = getopt(argc, argv, "s:n:u")) != -1) {
		switch (opt) {
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'u': unpriv = 1; break;
		default:
			fprintf(stderr, "usage: nlfuzz [-s SEED] [-n COUNT] [-u]\n");
			return 2;
		}
	}
	rs = seed * 0x9e3779b97f4a7c15ULL + 7;
	nl = mnl_socket_open(NETLINK_GENERIC);
	if (!nl || mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		perror("nlfuzz: netlink socket");
		return 1;
	}
	portid = mnl_socket_get_portid(nl);
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one_i, sizeof(one_i));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one_i, sizeof(one_i));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVBUFFORCE, &bufsz,
		   sizeof(bufsz));
	setsockopt(mnl_socket_get_fd(nl), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (resolve()) {
		fprintf(stderr, "nlfuzz: family %s not found\n", NFIPSEC_GENL_NAME);
		return 1;
	}
	/* events in order with the replies: the same socket */
	if (!unpriv && grp)
		mnl_socket_setsockopt(nl, NETLINK_ADD_MEMBERSHIP, &grp, sizeof(grp));
	printf("# nlfuzz: seed %llu, %lu requests%s; commands:",
	       (unsigned long long)seed, n, unpriv ? ", unprivileged" : "");
	for (i = 0; i < MAXCMD; i++)
		if (op_flags[i])
			printf(" %lu%s%s%s", i,
			       op_flags[i] & GENL_CMD_CAP_DO ? "d" : "",
			       op_flags[i] & GENL_CMD_CAP_DUMP ? "D" : "",
			       is_admin(i) ? "a" : "");
	printf("\n");
	fflush(stdout);
	if (!unpriv)
		compare("start");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		one();
		if (!unpriv && i % 5000 == 4999)
			compare("periodic");
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (!unpriv)
		compare("end");
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("NLFUZZ seed=%llu requests=%lu valid=%lu mutated=%lu dumps=%lu ok=%lu errors=%lu secs=%.1f"
	       " no_extack=%lu core_nomsg=%lu eperm_core_nomsg=%lu timeouts=%lu enobufs=%lu\n",
	       (unsigned long long)seed, n_req, n_valid, n_mutated, n_dump,
	       n_ok, n_err, secs, no_msg, core_nomsg, eperm_core_nomsg,
	       timeouts, enobufs);
	if (unpriv)
		printf("NLFUZZ_UNPRIV admin_eperm=%lu admin_other_error=%lu admin_valid_not_eperm=%lu"
		       " admin_not_refused=%lu keys_leaked=%lu\n",
		       unpriv_eperm, unpriv_other, unpriv_valid_not_eperm,
		       unpriv_ok_admin, unpriv_keys);
	else
		printf("NLFUZZ_MODEL sa_added=%lu sa_deleted=%lu pol_added=%lu pol_deleted=%lu flushes=%lu"
		       " events=%lu sa_del_events=%lu expire_events=%lu compares=%lu compare_failures=%lu"
		       " final_sas=%u final_policies=%u\n",
		       sa_added, sa_deleted, pol_added, pol_deleted, flushes,
		       events, events_sa_del, events_expire, compares,
		       compare_fail, nmodel_sa, nmodel_pol);
	printf("# nlfuzz errors by errno:");
	for (i = 1; i < 140; i++)
		if (err_by[i])
			printf(" %s=%lu", strerror(i), err_by[i]);
	printf("\n");
	failed = no_msg || timeouts || compare_fail || unpriv_ok_admin ||
		 unpriv_keys || unpriv_valid_not_eperm;
	return failed ? 1 : 0;
}
