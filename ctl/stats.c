// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl stats: the global drop counters by reason, and the packet
 * counters; "stats reset" zeroes them and every SA's.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "nfipsecctl.h"
#include "output.h"

static const char *const drop_names[NFIPSEC_DROP_MAX + 1] = {
	[NFIPSEC_DROP_NO_SA] = "no-sa",
	[NFIPSEC_DROP_NO_OUT_SA] = "no-out-sa",
	[NFIPSEC_DROP_POLICY_DISCARD] = "policy-discard",
	[NFIPSEC_DROP_CLEARTEXT] = "cleartext",
	[NFIPSEC_DROP_ICV] = "icv",
	[NFIPSEC_DROP_REPLAY] = "replay",
	[NFIPSEC_DROP_BAD_PADDING] = "bad-padding",
	[NFIPSEC_DROP_BAD_NEXTHDR] = "bad-nexthdr",
	[NFIPSEC_DROP_MALFORMED] = "malformed",
	[NFIPSEC_DROP_SELECTOR] = "selector",
	[NFIPSEC_DROP_POLICY_MISMATCH] = "policy-mismatch",
	[NFIPSEC_DROP_SEQ_OVERFLOW] = "seq-overflow",
	[NFIPSEC_DROP_EXPIRED] = "expired",
	[NFIPSEC_DROP_NOMEM] = "nomem",
	[NFIPSEC_DROP_CRYPTO] = "crypto",
	[NFIPSEC_DROP_MTU] = "mtu",
	[NFIPSEC_DROP_ROUTE] = "route",
	[NFIPSEC_DROP_BUNDLE] = "bundle",
	[NFIPSEC_DROP_NATT_KEEPALIVE] = "natt-keepalive",
	[NFIPSEC_DROP_ENCAP_MISMATCH] = "encap-mismatch",
	[NFIPSEC_DROP_UNPROTECTED] = "unprotected",
	[NFIPSEC_DROP_NO_LINK] = "no-link",
	[NFIPSEC_DROP_CONNTRACK] = "conntrack",
};

static const char *const counter_names[NFIPSEC_CNT_MAX + 1] = {
	[NFIPSEC_CNT_IN_PACKETS] = "in-packets",
	[NFIPSEC_CNT_OUT_PACKETS] = "out-packets",
	[NFIPSEC_CNT_BYPASS] = "bypass",
	[NFIPSEC_CNT_PMTU_UPDATES] = "pmtu-updates",
	[NFIPSEC_CNT_KEEPALIVES] = "natt-keepalives",
};

#define SLOTS 64	/* room for reasons a newer module adds */

struct stats {
	uint64_t drops[SLOTS], counters[SLOTS];
	bool have_drop[SLOTS], have_counter[SLOTS];
};

static void get_u64s(const struct nlattr *nest, uint64_t *v, bool *have)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		uint16_t t = mnl_attr_get_type(a);

		if (t < SLOTS && mnl_attr_get_payload_len(a) == 8) {
			v[t] = mnl_attr_get_u64(a);
			have[t] = true;
		}
	}
}

static int stats_cb(const struct nlmsghdr *nlh, void *data)
{
	struct stats *s = data;
	const struct nlattr *a;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		if (mnl_attr_get_type(a) == NFIPSEC_A_STATS)
			get_u64s(a, s->drops, s->have_drop);
		else if (mnl_attr_get_type(a) == NFIPSEC_A_COUNTERS)
			get_u64s(a, s->counters, s->have_counter);
	}
	return MNL_CB_OK;
}

static const char *slot_name(const char *const *names, unsigned int max,
			     unsigned int i, const char *prefix, char *buf,
			     size_t len)
{
	if (i <= max && names[i])
		return names[i];
	snprintf(buf, len, "%s-%u", prefix, i);
	return buf;
}

/* Known reasons always (0 if the module did not send one), others if sent. */
static void print_group(const char *title, const char *const *names,
			unsigned int max, const uint64_t *v, const bool *have,
			const char *prefix)
{
	unsigned int i;
	char buf[32];

	if (opts.json)
		json_obj(title);
	else
		printf("%s:\n", title);
	for (i = 1; i < SLOTS; i++) {
		const char *n;

		if (!(i <= max && names[i]) && !have[i])
			continue;
		if (i <= max && !names[i])
			continue;	/* PAD */
		n = slot_name(names, max, i, prefix, buf, sizeof(buf));
		if (opts.json)
			json_uint(n, v[i]);
		else
			printf("  %-16s %" PRIu64 "\n", n, v[i]);
	}
	if (opts.json)
		json_end();
}

int cmd_stats(struct nl_ctx *ctx, int argc, char **argv)
{
	struct nlmsghdr *nlh;
	struct stats s;

	if (argc > 1 && !strcmp(argv[1], "help")) {
		printf("usage: nfipsecctl stats [ show ]\n"
		       "       nfipsecctl stats reset\n");
		return 0;
	}
	if (argc > 1 && !strcmp(argv[1], "reset")) {
		if (argc > 2)
			return fail("stats reset", "unexpected argument \"%s\"",
				    argv[2]);
		nlh = nl_request(ctx, NFIPSEC_CMD_STATS_RESET, 0);
		if (nl_exec(ctx, nlh, NULL, NULL))
			return fail("stats reset", "%s", ctx->err);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "show"))
		return fail("stats", "unknown keyword \"%s\"", argv[1]);
	if (argc > 2)
		return fail("stats", "unexpected argument \"%s\"", argv[2]);
	memset(&s, 0, sizeof(s));
	nlh = nl_request(ctx, NFIPSEC_CMD_STATS_GET, 0);
	if (nl_exec(ctx, nlh, stats_cb, &s))
		return fail("stats", "%s", ctx->err);
	if (ctx->dry_run)
		return 0;
	if (opts.json)
		json_obj(NULL);
	print_group("drops", drop_names, NFIPSEC_DROP_MAX, s.drops,
		    s.have_drop, "drop");
	print_group("counters", counter_names, NFIPSEC_CNT_MAX, s.counters,
		    s.have_counter, "counter");
	if (opts.json)
		json_end();
	return 0;
}
