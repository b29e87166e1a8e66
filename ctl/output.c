// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl: JSON writer, formatting helpers and the dry-run printer.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <linux/genetlink.h>

#include "nfipsecctl.h"
#include "output.h"

#define JSON_DEPTH 16

static struct {
	int depth;
	bool more[JSON_DEPTH];	/* a member was written at this depth */
	char closer[JSON_DEPTH];	/* '}' or ']' */
} js;

static void json_indent(void)
{
	int i;

	if (!opts.pretty)
		return;
	putchar('\n');
	for (i = 0; i < js.depth; i++)
		fputs("  ", stdout);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

/*
 * Separator, indentation and "key": before a value. Keys are written
 * snake_case: the human words "no-sa", "icv-fail" become no_sa, icv_fail.
 */
static void json_key(const char *key)
{
	char k[64];
	size_t i;

	if (js.depth) {
		if (js.more[js.depth])
			putchar(',');
		js.more[js.depth] = true;
		json_indent();
	}
	if (key) {
		for (i = 0; i < sizeof(k) - 1 && key[i]; i++)
			k[i] = key[i] == '-' ? '_' : key[i];
		k[i] = 0;
		json_string(k);
		putchar(':');
		if (opts.pretty)
			putchar(' ');
	}
}

static void json_done(void)
{
	if (!js.depth) {
		putchar('\n');
		fflush(stdout);
	}
}

static void json_open(const char *key, char c)
{
	json_key(key);
	putchar(c);
	if (js.depth + 1 < JSON_DEPTH)
		js.depth++;
	js.more[js.depth] = false;
	js.closer[js.depth] = c == '{' ? '}' : ']';
}

void json_obj(const char *key)
{
	json_open(key, '{');
}

void json_arr(const char *key)
{
	json_open(key, '[');
}

void json_end(void)
{
	bool had = js.more[js.depth];
	char c = js.closer[js.depth];

	if (js.depth > 0)
		js.depth--;
	if (had)
		json_indent();
	putchar(c);
	json_done();
}

void json_str(const char *key, const char *v)
{
	json_key(key);
	json_string(v);
	json_done();
}

void json_uint(const char *key, uint64_t v)
{
	json_key(key);
	printf("%" PRIu64, v);
	json_done();
}

void json_bool(const char *key, bool v)
{
	json_key(key);
	fputs(v ? "true" : "false", stdout);
	json_done();
}

void attr_addr(const struct nlattr *a, struct addr *out)
{
	uint16_t len = mnl_attr_get_payload_len(a);

	memset(out, 0, sizeof(*out));
	if (len != 4 && len != 16)
		return;
	out->family = len == 4 ? AF_INET : AF_INET6;
	out->len = len;
	out->plen = len * 8;
	memcpy(out->b, mnl_attr_get_payload(a), len);
}

void addr_any(struct addr *a, uint16_t family)
{
	memset(a, 0, sizeof(*a));
	a->family = family == AF_INET6 ? AF_INET6 : AF_INET;
	a->len = family == AF_INET6 ? 16 : 4;
}

const char *addr_str(const struct addr *a, char *buf, size_t len)
{
	if (!a->family || !inet_ntop(a->family, a->b, buf, len))
		snprintf(buf, len, "?");
	return buf;
}

const char *prefix_str(const struct addr *a, char *buf, size_t len)
{
	size_t n;

	addr_str(a, buf, len);
	n = strlen(buf);
	snprintf(buf + n, len - n, "/%u", a->plen);
	return buf;
}

const char *hex_str(const uint8_t *b, size_t len, char *buf, size_t buflen)
{
	size_t i, off;

	off = snprintf(buf, buflen, "0x");
	for (i = 0; i < len && off + 3 <= buflen; i++)
		off += snprintf(buf + off, buflen - off, "%02x", b[i]);
	return buf;
}

/* The dry-run printer: a description of each attribute space. */
enum { T_U8, T_U16, T_U32, T_U64, T_BE16, T_BE32, T_STR, T_BIN, T_ADDR,
       T_NEST, T_LIST };

struct adesc {
	const char *name;
	uint8_t type;
	const struct adesc *nest;	/* T_NEST, T_LIST: the children */
	uint16_t nest_max;
};

#define NEST(n, t, max) { n, T_NEST, t, max }
#define LIST(n, t, max) { n, T_LIST, t, max }

static const struct adesc alg_attrs[NFIPSEC_ALG_A_MAX + 1] = {
	[NFIPSEC_ALG_A_NAME] = { "NAME", T_STR },
	[NFIPSEC_ALG_A_TYPE] = { "TYPE", T_U8 },
	[NFIPSEC_ALG_A_AVAILABLE] = { "AVAILABLE", T_U8 },
	[NFIPSEC_ALG_A_DRIVER] = { "DRIVER", T_STR },
	[NFIPSEC_ALG_A_KEY] = { "KEY", T_BIN },
	[NFIPSEC_ALG_A_ICV_BITS] = { "ICV_BITS", T_U32 },
};

static const struct adesc sel_attrs[NFIPSEC_SEL_A_MAX + 1] = {
	[NFIPSEC_SEL_A_FAMILY] = { "FAMILY", T_U16 },
	[NFIPSEC_SEL_A_SRC] = { "SRC", T_ADDR },
	[NFIPSEC_SEL_A_DST] = { "DST", T_ADDR },
	[NFIPSEC_SEL_A_SRC_PLEN] = { "SRC_PLEN", T_U8 },
	[NFIPSEC_SEL_A_DST_PLEN] = { "DST_PLEN", T_U8 },
	[NFIPSEC_SEL_A_PROTO] = { "PROTO", T_U8 },
	[NFIPSEC_SEL_A_SPORT_MIN] = { "SPORT_MIN", T_U16 },
	[NFIPSEC_SEL_A_SPORT_MAX] = { "SPORT_MAX", T_U16 },
	[NFIPSEC_SEL_A_DPORT_MIN] = { "DPORT_MIN", T_U16 },
	[NFIPSEC_SEL_A_DPORT_MAX] = { "DPORT_MAX", T_U16 },
	[NFIPSEC_SEL_A_TYPE] = { "TYPE", T_U8 },
	[NFIPSEC_SEL_A_CODE] = { "CODE", T_U8 },
};

static const struct adesc lft_attrs[NFIPSEC_LFT_A_MAX + 1] = {
	[NFIPSEC_LFT_A_BYTES] = { "BYTES", T_U64 },
	[NFIPSEC_LFT_A_PACKETS] = { "PACKETS", T_U64 },
	[NFIPSEC_LFT_A_ADD_SECS] = { "ADD_SECS", T_U64 },
	[NFIPSEC_LFT_A_USE_SECS] = { "USE_SECS", T_U64 },
};

static const struct adesc encap_attrs[NFIPSEC_ENCAP_A_MAX + 1] = {
	[NFIPSEC_ENCAP_A_TYPE] = { "TYPE", T_U16 },
	[NFIPSEC_ENCAP_A_SPORT] = { "SPORT", T_BE16 },
	[NFIPSEC_ENCAP_A_DPORT] = { "DPORT", T_BE16 },
	[NFIPSEC_ENCAP_A_KEEPALIVE] = { "KEEPALIVE", T_U32 },
};

static const struct adesc sa_attrs[NFIPSEC_SA_A_MAX + 1] = {
	[NFIPSEC_SA_A_SPI] = { "SPI", T_BE32 },
	[NFIPSEC_SA_A_PROTO] = { "PROTO", T_U8 },
	[NFIPSEC_SA_A_MODE] = { "MODE", T_U8 },
	[NFIPSEC_SA_A_FAMILY] = { "FAMILY", T_U16 },
	[NFIPSEC_SA_A_SRC] = { "SRC", T_ADDR },
	[NFIPSEC_SA_A_DST] = { "DST", T_ADDR },
	[NFIPSEC_SA_A_REQID] = { "REQID", T_U32 },
	[NFIPSEC_SA_A_REPLAY_WINDOW] = { "REPLAY_WINDOW", T_U32 },
	[NFIPSEC_SA_A_FLAGS] = { "FLAGS", T_U32 },
	[NFIPSEC_SA_A_AEAD] = NEST("AEAD", alg_attrs, NFIPSEC_ALG_A_MAX),
	[NFIPSEC_SA_A_ENC] = NEST("ENC", alg_attrs, NFIPSEC_ALG_A_MAX),
	[NFIPSEC_SA_A_AUTH] = NEST("AUTH", alg_attrs, NFIPSEC_ALG_A_MAX),
	[NFIPSEC_SA_A_SEQ_OUT] = { "SEQ_OUT", T_U64 },
	[NFIPSEC_SA_A_SEQ_IN] = { "SEQ_IN", T_U64 },
	[NFIPSEC_SA_A_SEL] = NEST("SEL", sel_attrs, NFIPSEC_SEL_A_MAX),
	[NFIPSEC_SA_A_LIFETIME_SOFT] = NEST("LIFETIME_SOFT", lft_attrs,
					    NFIPSEC_LFT_A_MAX),
	[NFIPSEC_SA_A_LIFETIME_HARD] = NEST("LIFETIME_HARD", lft_attrs,
					    NFIPSEC_LFT_A_MAX),
	[NFIPSEC_SA_A_CUR] = NEST("CUR", lft_attrs, NFIPSEC_LFT_A_MAX),
	[NFIPSEC_SA_A_ENCAP] = NEST("ENCAP", encap_attrs,
				    NFIPSEC_ENCAP_A_MAX),
	[NFIPSEC_SA_A_DF] = { "DF", T_U8 },
	[NFIPSEC_SA_A_IFINDEX] = { "IFINDEX", T_U32 },
	[NFIPSEC_SA_A_LARVAL] = { "LARVAL", T_U8 },
	[NFIPSEC_SA_A_SPI_MIN] = { "SPI_MIN", T_U32 },
	[NFIPSEC_SA_A_SPI_MAX] = { "SPI_MAX", T_U32 },
	[NFIPSEC_SA_A_LARVAL_SECS] = { "LARVAL_SECS", T_U32 },
};

static const struct adesc tmpl_attrs[NFIPSEC_TMPL_A_MAX + 1] = {
	[NFIPSEC_TMPL_A_PROTO] = { "PROTO", T_U8 },
	[NFIPSEC_TMPL_A_MODE] = { "MODE", T_U8 },
	[NFIPSEC_TMPL_A_FAMILY] = { "FAMILY", T_U16 },
	[NFIPSEC_TMPL_A_SRC] = { "SRC", T_ADDR },
	[NFIPSEC_TMPL_A_DST] = { "DST", T_ADDR },
	[NFIPSEC_TMPL_A_REQID] = { "REQID", T_U32 },
	[NFIPSEC_TMPL_A_SPI] = { "SPI", T_BE32 },
};

static const struct adesc tmpls_attrs[NFIPSEC_POLICY_A_MAX + 1] = {
	[NFIPSEC_POLICY_A_TMPL] = NEST("TMPL", tmpl_attrs,
				       NFIPSEC_TMPL_A_MAX),
};

static const struct adesc policy_attrs[NFIPSEC_POLICY_A_MAX + 1] = {
	[NFIPSEC_POLICY_A_INDEX] = { "INDEX", T_U32 },
	[NFIPSEC_POLICY_A_DIR] = { "DIR", T_U8 },
	[NFIPSEC_POLICY_A_PRIORITY] = { "PRIORITY", T_U32 },
	[NFIPSEC_POLICY_A_ACTION] = { "ACTION", T_U8 },
	[NFIPSEC_POLICY_A_SEL] = NEST("SEL", sel_attrs, NFIPSEC_SEL_A_MAX),
	[NFIPSEC_POLICY_A_TMPLS] = LIST("TMPLS", tmpls_attrs,
					NFIPSEC_POLICY_A_MAX),
	[NFIPSEC_POLICY_A_TMPL] = NEST("TMPL", tmpl_attrs,
				       NFIPSEC_TMPL_A_MAX),
};

static const struct adesc top_attrs[NFIPSEC_A_MAX + 1] = {
	[NFIPSEC_A_VERSION] = { "VERSION", T_STR },
	[NFIPSEC_A_SA] = NEST("SA", sa_attrs, NFIPSEC_SA_A_MAX),
	[NFIPSEC_A_POLICY] = NEST("POLICY", policy_attrs,
				  NFIPSEC_POLICY_A_MAX),
	[NFIPSEC_A_TMPL] = NEST("TMPL", tmpl_attrs, NFIPSEC_TMPL_A_MAX),
	[NFIPSEC_A_SEL] = NEST("SEL", sel_attrs, NFIPSEC_SEL_A_MAX),
	[NFIPSEC_A_REQ_FLAGS] = { "REQ_FLAGS", T_U32 },
	[NFIPSEC_A_HARD] = { "HARD", T_U8 },
};

static const char *const cmd_names[NFIPSEC_CMD_MAX + 1] = {
	[NFIPSEC_CMD_GET_VERSION] = "GET_VERSION",
	[NFIPSEC_CMD_SA_ADD] = "SA_ADD",
	[NFIPSEC_CMD_SA_UPDATE] = "SA_UPDATE",
	[NFIPSEC_CMD_SA_DEL] = "SA_DEL",
	[NFIPSEC_CMD_SA_GET] = "SA_GET",
	[NFIPSEC_CMD_SA_FLUSH] = "SA_FLUSH",
	[NFIPSEC_CMD_SA_ALLOCSPI] = "SA_ALLOCSPI",
	[NFIPSEC_CMD_POLICY_ADD] = "POLICY_ADD",
	[NFIPSEC_CMD_POLICY_UPDATE] = "POLICY_UPDATE",
	[NFIPSEC_CMD_POLICY_DEL] = "POLICY_DEL",
	[NFIPSEC_CMD_POLICY_GET] = "POLICY_GET",
	[NFIPSEC_CMD_POLICY_FLUSH] = "POLICY_FLUSH",
	[NFIPSEC_CMD_STATS_GET] = "STATS_GET",
	[NFIPSEC_CMD_STATS_RESET] = "STATS_RESET",
};

static const uint8_t type_len[] = {
	[T_U8] = 1, [T_U16] = 2, [T_U32] = 4, [T_U64] = 8, [T_BE16] = 2,
	[T_BE32] = 4,
};

static void print_value(const struct nlattr *a, const struct adesc *d)
{
	uint16_t len = mnl_attr_get_payload_len(a);
	char buf[2 * 4096 + 8];
	struct addr ad;

	if (d->type <= T_BE32 && len != type_len[d->type]) {
		printf("BAD-LENGTH %u\n", len);
		return;
	}
	switch (d->type) {
	case T_U8:
		printf("%u\n", mnl_attr_get_u8(a));
		break;
	case T_U16:
		printf("%u\n", mnl_attr_get_u16(a));
		break;
	case T_U32:
		printf("%u\n", mnl_attr_get_u32(a));
		break;
	case T_U64:
		printf("%" PRIu64 "\n", mnl_attr_get_u64(a));
		break;
	case T_BE16:
		printf("%u\n", ntohs(mnl_attr_get_u16(a)));
		break;
	case T_BE32:
		printf("0x%08x\n", ntohl(mnl_attr_get_u32(a)));
		break;
	case T_STR:
		printf("%.*s\n", len && !((const char *)
			mnl_attr_get_payload(a))[len - 1] ? len - 1 : len,
		       (const char *)mnl_attr_get_payload(a));
		break;
	case T_ADDR:
		attr_addr(a, &ad);
		printf("%s\n", ad.family ? addr_str(&ad, buf, sizeof(buf)) :
		       "BAD-ADDRESS");
		break;
	default:
		printf("%s\n", hex_str(mnl_attr_get_payload(a), len, buf,
				       sizeof(buf)));
	}
}

static const struct adesc unknown = { "?", T_BIN, NULL, 0 };

static void print_attrs(const char *path, const void *start, size_t len,
			const struct adesc *desc, uint16_t max, bool list)
{
	const struct nlattr *a;
	char sub[256];
	unsigned int n = 0;

	for (a = start; mnl_attr_ok(a, (const char *)start + len -
				    (const char *)a);
	     a = mnl_attr_next(a)) {
		uint16_t type = mnl_attr_get_type(a);
		const struct adesc *d = type <= max ? &desc[type] : NULL;
		char name[32];

		if (!d || !d->name) {
			snprintf(name, sizeof(name), "ATTR%u", type);
			printf("%s%s%s ", path, *path ? "/" : "", name);
			print_value(a, &unknown);
			continue;
		}
		if (list)
			snprintf(name, sizeof(name), "%s#%u", d->name, ++n);
		else
			snprintf(name, sizeof(name), "%s", d->name);
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "/" : "",
			 name);
		if (d->type == T_NEST || d->type == T_LIST) {
			if (!mnl_attr_get_payload_len(a))
				printf("%s (empty)\n", sub);
			print_attrs(sub, mnl_attr_get_payload(a),
				    mnl_attr_get_payload_len(a), d->nest,
				    d->nest_max, d->type == T_LIST);
			continue;
		}
		printf("%s ", sub);
		print_value(a, d);
	}
}

void print_request(const struct nlmsghdr *nlh)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	size_t off = MNL_ALIGN(sizeof(*g));

	if (g->cmd <= NFIPSEC_CMD_MAX && cmd_names[g->cmd])
		printf("cmd %s", cmd_names[g->cmd]);
	else
		printf("cmd %u", g->cmd);
	if ((nlh->nlmsg_flags & NLM_F_DUMP) == NLM_F_DUMP)
		printf(" dump");
	putchar('\n');
	print_attrs("", (const char *)g + off,
		    nlh->nlmsg_len - MNL_NLMSG_HDRLEN - off, top_attrs,
		    NFIPSEC_A_MAX, false);
	fflush(stdout);
}
