// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl policy: security policies (SPD), in the words of ip xfrm
 * policy. ip xfrm's "action allow" with templates means protect; without
 * templates, bypass; "block" is discard.
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "nfipsecctl.h"
#include "output.h"
#include "sel.h"

struct tmpl {
	uint8_t proto, mode;
	bool has_mode, has_reqid, has_spi;
	struct addr src, dst;
	uint32_t reqid, spi;
};

struct policy {
	uint8_t dir, action;
	bool has_dir, has_action, has_priority, has_index, has_stats;
	uint32_t priority, index;
	const char *action_word;
	struct sel sel;
	struct tmpl tmpls[NFIPSEC_MAX_TMPLS];
	unsigned int ntmpls;
	uint64_t packets, bytes;
};

static int parse_tmpl(struct args *a, struct tmpl *t)
{
	const char *w, *v;

	memset(t, 0, sizeof(*t));
	while ((w = args_peek(a)) && strcmp(w, "tmpl")) {
		args_next(a);
		v = args_value(a, w);
		if (!v)
			return -1;
		if (!strcmp(w, "src") || !strcmp(w, "dst")) {
			if (parse_addr(a->cmd, v, w[0] == 's' ? &t->src :
				       &t->dst))
				return -1;
		} else if (!strcmp(w, "proto")) {
			if (parse_xfrm_proto(a->cmd, v, &t->proto))
				return -1;
		} else if (!strcmp(w, "mode")) {
			if (parse_mode(a->cmd, v, &t->mode))
				return -1;
			t->has_mode = true;
		} else if (!strcmp(w, "reqid")) {
			if (parse_u32(a->cmd, w, v, 0, UINT32_MAX, &t->reqid))
				return -1;
			t->has_reqid = true;
		} else if (!strcmp(w, "spi")) {
			if (parse_u32(a->cmd, w, v, 0, UINT32_MAX, &t->spi))
				return -1;
			t->has_spi = true;
		} else if (!strcmp(w, "level")) {
			/* Every template is required; "use" has no meaning here. */
			if (strcmp(v, "required"))
				return fail(a->cmd, "unsupported tmpl level \"%s\" (required)", v), -1;
		} else {
			return fail(a->cmd, "unknown keyword \"%s\" in tmpl (tmpl takes src dst proto mode reqid spi, and comes last)", w), -1;
		}
	}
	return 0;
}

/* add, update: everything; del, get: no action or tmpl. */
static int policy_words(struct args *a, struct policy *p, bool full)
{
	const char *w, *v;
	int r;

	while ((w = args_next(a))) {
		if (!strcmp(w, "tmpl") && full) {
			if (p->ntmpls == NFIPSEC_MAX_TMPLS)
				return fail(a->cmd, "at most %u tmpl", NFIPSEC_MAX_TMPLS), -1;
			if (parse_tmpl(a, &p->tmpls[p->ntmpls++]))
				return -1;
			continue;
		}
		r = sel_word(a, w, &p->sel);
		if (r < 0)
			return -1;
		if (r)
			continue;
		if (!strcmp(w, "dir")) {
			v = args_value(a, w);
			if (!v || parse_dir(a->cmd, v, &p->dir))
				return -1;
			p->has_dir = true;
		} else if (!strcmp(w, "priority")) {
			v = args_value(a, w);
			if (!v || parse_u32(a->cmd, w, v, 0, UINT32_MAX,
					    &p->priority))
				return -1;
			p->has_priority = true;
		} else if (!strcmp(w, "index") && !full) {
			v = args_value(a, w);
			if (!v || parse_u32(a->cmd, w, v, 0, UINT32_MAX,
					    &p->index))
				return -1;
			p->has_index = true;
		} else if (!strcmp(w, "action") && full) {
			v = args_value(a, w);
			if (!v)
				return -1;
			p->action_word = v;
			p->has_action = true;
			if (!strcmp(v, "allow"))
				p->action = NFIPSEC_ACT_BYPASS;
			else if (!strcmp(v, "bypass"))
				p->action = NFIPSEC_ACT_BYPASS;
			else if (!strcmp(v, "protect"))
				p->action = NFIPSEC_ACT_PROTECT;
			else if (!strcmp(v, "block") || !strcmp(v, "discard"))
				p->action = NFIPSEC_ACT_DISCARD;
			else
				return fail(a->cmd, "unknown action \"%s\" (allow, block, protect, bypass or discard)", v), -1;
		} else if (!strcmp(w, "ptype")) {
			v = args_value(a, w);
			if (!v)
				return -1;
			if (strcmp(v, "main"))
				return fail(a->cmd, "unsupported ptype \"%s\" (main)", v), -1;
		} else {
			return fail(a->cmd, "unknown keyword \"%s\"", w), -1;
		}
	}
	return 0;
}

static int tmpl_check(const char *cmd, const struct tmpl *t, unsigned int i)
{
	if (!t->proto)
		return fail(cmd, "tmpl %u: proto is required (esp or ah)", i), -1;
	if (t->src.family && t->dst.family && t->src.family != t->dst.family)
		return fail(cmd, "tmpl %u: src and dst are of different address families", i), -1;
	if (t->mode == NFIPSEC_MODE_TUNNEL && (!t->src.family || !t->dst.family))
		return fail(cmd, "tmpl %u: mode tunnel needs src and dst", i), -1;
	return 0;
}

static int policy_check(const char *cmd, struct policy *p)
{
	unsigned int i;

	if (!p->has_dir)
		return fail(cmd, "dir is required (in, out or fwd)"), -1;
	if (sel_check(cmd, &p->sel, 0))
		return -1;
	if (!p->has_action)
		p->action = p->ntmpls ? NFIPSEC_ACT_PROTECT : NFIPSEC_ACT_BYPASS;
	else if (p->ntmpls && p->action == NFIPSEC_ACT_BYPASS) {
		if (!strcmp(p->action_word, "allow"))
			p->action = NFIPSEC_ACT_PROTECT;
		else
			return fail(cmd, "action bypass takes no tmpl"), -1;
	}
	if (p->ntmpls && p->action == NFIPSEC_ACT_DISCARD)
		return fail(cmd, "action %s takes no tmpl", p->action_word), -1;
	if (!p->ntmpls && p->action == NFIPSEC_ACT_PROTECT)
		return fail(cmd, "action protect needs a tmpl"), -1;
	for (i = 0; i < p->ntmpls; i++)
		if (tmpl_check(cmd, &p->tmpls[i], i + 1))
			return -1;
	return 0;
}

static void put_tmpl(struct nlmsghdr *nlh, const struct tmpl *t)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFIPSEC_POLICY_A_TMPL);
	const struct addr *any = t->src.family ? &t->src : &t->dst;

	mnl_attr_put_u8(nlh, NFIPSEC_TMPL_A_PROTO, t->proto);
	mnl_attr_put_u8(nlh, NFIPSEC_TMPL_A_MODE, t->mode);
	if (any->family)
		mnl_attr_put_u16(nlh, NFIPSEC_TMPL_A_FAMILY, any->family);
	if (t->src.family)
		mnl_attr_put(nlh, NFIPSEC_TMPL_A_SRC, t->src.len, t->src.b);
	if (t->dst.family)
		mnl_attr_put(nlh, NFIPSEC_TMPL_A_DST, t->dst.len, t->dst.b);
	if (t->has_reqid)
		mnl_attr_put_u32(nlh, NFIPSEC_TMPL_A_REQID, t->reqid);
	if (t->has_spi)
		mnl_attr_put_u32(nlh, NFIPSEC_TMPL_A_SPI, htonl(t->spi));
	mnl_attr_nest_end(nlh, nest);
}

static void put_policy(struct nlmsghdr *nlh, const struct policy *p,
		       bool full)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, NFIPSEC_A_POLICY);
	struct nlattr *tmpls;
	unsigned int i;

	if (p->has_index) {
		mnl_attr_put_u32(nlh, NFIPSEC_POLICY_A_INDEX, p->index);
		mnl_attr_nest_end(nlh, nest);
		return;
	}
	mnl_attr_put_u8(nlh, NFIPSEC_POLICY_A_DIR, p->dir);
	/* The kernel names a policy by DIR, PRIORITY and SEL: always sent. */
	mnl_attr_put_u32(nlh, NFIPSEC_POLICY_A_PRIORITY, p->priority);
	if (full)
		mnl_attr_put_u8(nlh, NFIPSEC_POLICY_A_ACTION, p->action);
	sel_put(nlh, NFIPSEC_POLICY_A_SEL, &p->sel);
	if (full && p->ntmpls) {
		tmpls = mnl_attr_nest_start(nlh, NFIPSEC_POLICY_A_TMPLS);
		for (i = 0; i < p->ntmpls; i++)
			put_tmpl(nlh, &p->tmpls[i]);
		mnl_attr_nest_end(nlh, tmpls);
	}
	mnl_attr_nest_end(nlh, nest);
}

static void get_tmpl(const struct nlattr *nest, struct tmpl *t)
{
	const struct nlattr *a;

	memset(t, 0, sizeof(*t));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_TMPL_A_PROTO:
			t->proto = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_TMPL_A_MODE:
			t->mode = mnl_attr_get_u8(a);
			t->has_mode = true;
			break;
		case NFIPSEC_TMPL_A_SRC:
			attr_addr(a, &t->src);
			break;
		case NFIPSEC_TMPL_A_DST:
			attr_addr(a, &t->dst);
			break;
		case NFIPSEC_TMPL_A_REQID:
			t->reqid = mnl_attr_get_u32(a);
			t->has_reqid = true;
			break;
		case NFIPSEC_TMPL_A_SPI:
			t->spi = ntohl(mnl_attr_get_u32(a));
			t->has_spi = true;
			break;
		}
	}
}

static void get_policy(const struct nlattr *nest, struct policy *p)
{
	const struct nlattr *a, *t;

	memset(p, 0, sizeof(*p));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_POLICY_A_INDEX:
			p->index = mnl_attr_get_u32(a);
			p->has_index = true;
			break;
		case NFIPSEC_POLICY_A_DIR:
			p->dir = mnl_attr_get_u8(a);
			p->has_dir = true;
			break;
		case NFIPSEC_POLICY_A_PRIORITY:
			p->priority = mnl_attr_get_u32(a);
			break;
		case NFIPSEC_POLICY_A_ACTION:
			p->action = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_POLICY_A_SEL:
			sel_get(a, &p->sel);
			break;
		case NFIPSEC_POLICY_A_TMPLS:
			mnl_attr_for_each_nested(t, a)
				if (p->ntmpls < NFIPSEC_MAX_TMPLS)
					get_tmpl(t, &p->tmpls[p->ntmpls++]);
			break;
		case NFIPSEC_POLICY_A_STATS:
			/* uapi: "u64 packets, u64 bytes"; taken as types 1, 2. */
			p->has_stats = true;
			mnl_attr_for_each_nested(t, a) {
				if (mnl_attr_get_payload_len(t) != 8)
					continue;
				if (mnl_attr_get_type(t) == 1)
					p->packets = mnl_attr_get_u64(t);
				else if (mnl_attr_get_type(t) == 2)
					p->bytes = mnl_attr_get_u64(t);
			}
			break;
		}
	}
}

static const char *action_name(uint8_t action)
{
	switch (action) {
	case NFIPSEC_ACT_PROTECT:
		return "protect";
	case NFIPSEC_ACT_BYPASS:
		return "bypass";
	case NFIPSEC_ACT_DISCARD:
		return "discard";
	}
	return "?";
}

static const char *xproto(uint8_t p)
{
	return p == IPPROTO_ESP ? "esp" : p == IPPROTO_AH ? "ah" : "?";
}

static void tmpl_print(const struct tmpl *t)
{
	char a[INET6_ADDRSTRLEN];

	printf("tmpl");
	if (t->src.family)
		printf(" src %s", addr_str(&t->src, a, sizeof(a)));
	if (t->dst.family)
		printf(" dst %s", addr_str(&t->dst, a, sizeof(a)));
	printf(" proto %s spi 0x%08x reqid %u mode %s", xproto(t->proto),
	       t->spi, t->reqid, mode_name(t->mode));
}

static void tmpl_json(const char *key, const struct tmpl *t)
{
	char a[INET6_ADDRSTRLEN];

	json_obj(key);
	if (t->src.family)
		json_str("src", addr_str(&t->src, a, sizeof(a)));
	if (t->dst.family)
		json_str("dst", addr_str(&t->dst, a, sizeof(a)));
	json_str("proto", xproto(t->proto));
	json_uint("spi", t->spi);
	json_uint("reqid", t->reqid);
	json_str("mode", mode_name(t->mode));
	json_end();
}

static void policy_print(const struct policy *p)
{
	unsigned int i;

	sel_print(&p->sel);
	printf("\n\tdir %s priority %u index %u action %s\n", dir_name(p->dir),
	       p->priority, p->index, action_name(p->action));
	for (i = 0; i < p->ntmpls; i++) {
		putchar('\t');
		tmpl_print(&p->tmpls[i]);
		putchar('\n');
	}
	if (opts.stats && p->has_stats)
		printf("\tstats: packets %" PRIu64 " bytes %" PRIu64 "\n",
		       p->packets, p->bytes);
}

static void policy_json(const struct policy *p)
{
	unsigned int i;

	json_obj(NULL);
	json_str("dir", dir_name(p->dir));
	json_uint("priority", p->priority);
	json_uint("index", p->index);
	json_str("action", action_name(p->action));
	sel_json("sel", &p->sel);
	json_arr("tmpls");
	for (i = 0; i < p->ntmpls; i++)
		tmpl_json(NULL, &p->tmpls[i]);
	json_end();
	if (opts.stats && p->has_stats) {
		json_obj("stats");
		json_uint("packets", p->packets);
		json_uint("bytes", p->bytes);
		json_end();
	}
	json_end();
}

/* For monitor: the TMPL and POLICY nests of an ACQUIRE event. */
void tmpl_print_attr(const struct nlattr *nest)
{
	struct tmpl t;

	get_tmpl(nest, &t);
	tmpl_print(&t);
}

void tmpl_json_attr(const char *key, const struct nlattr *nest)
{
	struct tmpl t;

	get_tmpl(nest, &t);
	tmpl_json(key, &t);
}

void policy_print_id(const struct nlattr *nest)
{
	struct policy p;

	get_policy(nest, &p);
	printf("policy index %u dir %s", p.index, dir_name(p.dir));
}

void policy_json_id(const char *key, const struct nlattr *nest)
{
	struct policy p;

	get_policy(nest, &p);
	json_obj(key);
	json_uint("index", p.index);
	json_str("dir", dir_name(p.dir));
	json_end();
}

struct pol_list {
	bool dir_set;
	uint8_t dir;
	uint32_t index;		/* from an ADD reply */
};

static int policy_list_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pol_list *l = data;
	const struct nlattr *a;
	struct policy p;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFIPSEC_A_POLICY)
			continue;
		get_policy(a, &p);
		if (l->dir_set && p.dir != l->dir)
			continue;
		if (opts.json)
			policy_json(&p);
		else
			policy_print(&p);
	}
	return MNL_CB_OK;
}

static int index_cb(const struct nlmsghdr *nlh, void *data)
{
	struct pol_list *l = data;
	const struct nlattr *a;
	struct policy p;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) != NFIPSEC_A_POLICY)
			continue;
		get_policy(a, &p);
		if (p.has_index)
			l->index = p.index;
	}
	return MNL_CB_OK;
}

static int policy_add(struct nl_ctx *ctx, struct args *a, uint8_t cmd)
{
	struct pol_list l = { 0 };
	struct nlmsghdr *nlh;
	struct policy p;

	memset(&p, 0, sizeof(p));
	if (policy_words(a, &p, true) || policy_check(a->cmd, &p))
		return 1;
	nlh = nl_request(ctx, cmd, 0);
	put_policy(nlh, &p, true);
	if (nl_exec(ctx, nlh, index_cb, &l))
		return fail(a->cmd, "%s", ctx->err);
	/* The index a negotiator needs to delete it later, on request. */
	if (l.index && opts.json) {
		json_obj(NULL);
		json_uint("index", l.index);
		json_end();
	}
	return 0;
}

static int policy_del_get(struct nl_ctx *ctx, struct args *a, uint8_t cmd)
{
	struct pol_list l = { 0 };
	struct nlmsghdr *nlh;
	struct policy p;

	memset(&p, 0, sizeof(p));
	if (policy_words(a, &p, false))
		return 1;
	if (!p.has_index) {
		if (!p.has_dir)
			return fail(a->cmd, "needs index N, or dir and a selector");
		if (sel_check(a->cmd, &p.sel, 0))
			return 1;
	}
	nlh = nl_request(ctx, cmd, 0);
	put_policy(nlh, &p, false);
	if (nl_exec(ctx, nlh, cmd == NFIPSEC_CMD_POLICY_GET ?
		    policy_list_cb : NULL, &l))
		return fail(a->cmd, "%s", ctx->err);
	return 0;
}

static int policy_list(struct nl_ctx *ctx, struct args *a)
{
	struct pol_list l = { 0 };
	struct nlmsghdr *nlh;
	const char *w, *v;
	int ret = 0;

	while ((w = args_next(a))) {
		if (strcmp(w, "dir"))
			return fail(a->cmd, "unknown keyword \"%s\"", w);
		v = args_value(a, w);
		if (!v || parse_dir(a->cmd, v, &l.dir))
			return 1;
		l.dir_set = true;
	}
	nlh = nl_request(ctx, NFIPSEC_CMD_POLICY_GET, NLM_F_DUMP);
	if (opts.json && !ctx->dry_run)
		json_arr(NULL);
	if (nl_exec(ctx, nlh, policy_list_cb, &l))
		ret = fail(a->cmd, "%s", ctx->err);
	if (opts.json && !ctx->dry_run)
		json_end();
	return ret;
}

static int policy_flush(struct nl_ctx *ctx, struct args *a)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	const char *w, *v;
	bool dir_set = false;
	uint8_t dir = 0;

	while ((w = args_next(a))) {
		if (strcmp(w, "dir"))
			return fail(a->cmd, "unknown keyword \"%s\"", w);
		v = args_value(a, w);
		if (!v || parse_dir(a->cmd, v, &dir))
			return 1;
		dir_set = true;
	}
	nlh = nl_request(ctx, NFIPSEC_CMD_POLICY_FLUSH, 0);
	if (dir_set) {
		nest = mnl_attr_nest_start(nlh, NFIPSEC_A_POLICY);
		mnl_attr_put_u8(nlh, NFIPSEC_POLICY_A_DIR, dir);
		mnl_attr_nest_end(nlh, nest);
	}
	if (nl_exec(ctx, nlh, NULL, NULL))
		return fail(a->cmd, "%s", ctx->err);
	return 0;
}

static void policy_usage(void)
{
	fputs("usage: nfipsecctl policy { add | update } dir { in | out | fwd } SELECTOR\n"
	      "                 [ priority N ] [ action ACTION ] [ TMPL... ]\n"
	      "       nfipsecctl policy { del | get } { index N | dir DIR SELECTOR [ priority N ] }\n"
	      "       nfipsecctl policy [ list ] [ dir DIR ]\n"
	      "       nfipsecctl policy flush [ dir DIR ]\n"
	      "       nfipsecctl policy help\n"
	      "SELECTOR := src PREFIX dst PREFIX [ proto { tcp | udp | icmp | icmpv6 | sctp | NUM } ]\n"
	      "            [ sport N[-M] ] [ dport N[-M] ] [ type N ] [ code N ]\n"
	      "ACTION := allow | block | protect | bypass | discard\n"
	      "          (allow with a tmpl is protect, without one bypass; block is discard;\n"
	      "           default: protect with a tmpl, else bypass)\n"
	      "TMPL := tmpl [ src ADDR ] [ dst ADDR ] proto { esp | ah } [ mode { transport | tunnel } ]\n"
	      "        [ reqid N ] [ spi SPI ] [ level required ]\n"
	      "        (up to 4, innermost transform first; tunnel needs src and dst; tmpl comes last)\n",
	      stdout);
}

int cmd_policy(struct nl_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	char name[32];
	struct args a;

	snprintf(name, sizeof(name), "policy %s", sub);
	a = (struct args){ name, argc, argv, argc > 1 ? 2 : 1 };
	if (!strcmp(sub, "help")) {
		policy_usage();
		return 0;
	}
	if (!strcmp(sub, "add"))
		return policy_add(ctx, &a, NFIPSEC_CMD_POLICY_ADD);
	if (!strcmp(sub, "update"))
		return policy_add(ctx, &a, NFIPSEC_CMD_POLICY_UPDATE);
	if (!strcmp(sub, "del") || !strcmp(sub, "delete"))
		return policy_del_get(ctx, &a, NFIPSEC_CMD_POLICY_DEL);
	if (!strcmp(sub, "get"))
		return policy_del_get(ctx, &a, NFIPSEC_CMD_POLICY_GET);
	if (!strcmp(sub, "list") || !strcmp(sub, "show") ||
	    !strcmp(sub, "ls"))
		return policy_list(ctx, &a);
	if (!strcmp(sub, "flush"))
		return policy_flush(ctx, &a);
	fprintf(stderr, "nfipsecctl: %sunknown command \"policy %s\"; try \"nfipsecctl policy help\"\n",
		line_prefix(), sub);
	return 1;
}
