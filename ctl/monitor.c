// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl monitor: the events of the "events" multicast group, one a
 * line with a timestamp, until a signal ends it.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>

#include "nfipsecctl.h"
#include "output.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *event_name(uint8_t cmd)
{
	switch (cmd) {
	case NFIPSEC_CMD_EV_ACQUIRE:
		return "acquire";
	case NFIPSEC_CMD_EV_EXPIRE:
		return "expire";
	case NFIPSEC_CMD_EV_SA_DEL:
		return "sa-del";
	case NFIPSEC_CMD_EV_SEQ_EXHAUSTED:
		return "seq-exhausted";
	case NFIPSEC_CMD_EV_MAPPING:
		return "mapping";
	}
	return NULL;
}

/* NFIPSEC_A_MAPPING: "old ADDR PORT new ADDR PORT" */
static void print_mapping(const struct nlattr *nest)
{
	struct addr old = { 0 }, new = { 0 };
	unsigned int oport = 0, nport = 0;
	char ob[64], nb[64];
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_MAPPING_A_OLD_ADDR:
			attr_addr(a, &old);
			break;
		case NFIPSEC_MAPPING_A_OLD_PORT:
			oport = ntohs(mnl_attr_get_u16(a));
			break;
		case NFIPSEC_MAPPING_A_NEW_ADDR:
			attr_addr(a, &new);
			break;
		case NFIPSEC_MAPPING_A_NEW_PORT:
			nport = ntohs(mnl_attr_get_u16(a));
			break;
		}
	}
	addr_str(&old, ob, sizeof(ob));
	addr_str(&new, nb, sizeof(nb));
	if (opts.json) {
		json_str("old_addr", ob);
		json_uint("old_port", oport);
		json_str("new_addr", nb);
		json_uint("new_port", nport);
	} else {
		printf(" old %s %u new %s %u", ob, oport, nb, nport);
	}
}

static void timestamp(char *buf, size_t len)
{
	struct timeval tv;
	struct tm tm;
	size_t n;

	gettimeofday(&tv, NULL);
	localtime_r(&tv.tv_sec, &tm);
	n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf + n, len - n, ".%03ld", (long)tv.tv_usec / 1000);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct genlmsghdr *g = mnl_nlmsg_get_payload(nlh);
	const char *name = event_name(g->cmd);
	const struct nlattr *a;
	char ts[64], other[16];
	int hard = -1;

	(void)data;
	timestamp(ts, sizeof(ts));
	if (!name) {
		snprintf(other, sizeof(other), "event-%u", g->cmd);
		name = other;
	}
	mnl_attr_for_each(a, nlh, sizeof(*g))
		if (mnl_attr_get_type(a) == NFIPSEC_A_HARD)
			hard = mnl_attr_get_u8(a);
	if (opts.json) {
		json_obj(NULL);
		json_str("time", ts);
		json_str("event", name);
		if (hard >= 0)
			json_bool("hard", hard);
	} else {
		printf("%s %s", ts, name);
		if (hard >= 0)
			printf(" %s", hard ? "hard" : "soft");
	}
	mnl_attr_for_each(a, nlh, sizeof(*g)) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_A_SA:
			if (opts.json) {
				sa_json_id("sa", a);
			} else {
				putchar(' ');
				sa_print_id(a);
			}
			break;
		case NFIPSEC_A_MAPPING:
			print_mapping(a);
			break;
		case NFIPSEC_A_POLICY:
			if (opts.json) {
				policy_json_id("policy", a);
			} else {
				putchar(' ');
				policy_print_id(a);
			}
			break;
		case NFIPSEC_A_TMPL:
			if (opts.json) {
				tmpl_json_attr("tmpl", a);
			} else {
				putchar(' ');
				tmpl_print_attr(a);
			}
			break;
		case NFIPSEC_A_SEL: {
			struct sel s;

			sel_get(a, &s);
			if (opts.json) {
				sel_json("sel", &s);
			} else {
				printf(" sel ");
				sel_print(&s);
			}
			break;
		}
		}
	}
	if (opts.json) {
		json_end();
	} else {
		putchar('\n');
		fflush(stdout);
	}
	return MNL_CB_OK;
}

int cmd_monitor(struct nl_ctx *ctx, int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };
	unsigned int group;
	ssize_t n;
	int ret;

	if (argc > 1 && !strcmp(argv[1], "help")) {
		printf("usage: nfipsecctl [ -j ] monitor\n"
		       "prints acquire, expire (soft, hard), sa-del, seq-exhausted and mapping events, one a line\n");
		return 0;
	}
	if (argc > 1)
		return fail("monitor", "unexpected argument \"%s\"", argv[1]);
	if (opts.line)
		return fail("monitor", "not in a batch");
	if (ctx->dry_run) {
		printf("monitor group %s\n", NFIPSEC_GENL_MCGRP_EVENTS);
		return 0;
	}
	if (!ctx->nl && nl_open(ctx))
		return fail("monitor", "%s", ctx->err);
	if (!ctx->events_group)
		return fail("monitor", "the module has no \"%s\" group",
			    NFIPSEC_GENL_MCGRP_EVENTS);
	group = ctx->events_group;
	if (mnl_socket_setsockopt(ctx->nl, NETLINK_ADD_MEMBERSHIP, &group,
				  sizeof(group)) < 0)
		return fail("monitor", "joining the events group: %s",
			    strerror(errno));
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	while (!stop) {
		n = mnl_socket_recvfrom(ctx->nl, ctx->buf, sizeof(ctx->buf));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS) {
				fprintf(stderr, "nfipsecctl: monitor: events lost (receive buffer overrun)\n");
				continue;
			}
			return fail("monitor", "receive: %s", strerror(errno));
		}
		ret = mnl_cb_run(ctx->buf, n, 0, 0, event_cb, NULL);
		if (ret == MNL_CB_ERROR)
			return fail("monitor", "malformed event: %s",
				    strerror(errno));
	}
	return 0;
}
