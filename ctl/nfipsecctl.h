/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsecctl: what the subcommands share.
 */
#ifndef NFIPSECCTL_H
#define NFIPSECCTL_H

#include <stdbool.h>
#include "genl.h"
#include "parse.h"
#include "sel.h"

struct opts {
	bool json;
	bool pretty;
	bool stats;
	bool keys;
	bool force;		/* batch: go on after a failure */
	unsigned int line;	/* batch: the line being run, else 0 */
};

extern struct opts opts;

/*
 * Prints "nfipsecctl: [line N: ]<cmd>: <msg>" to stderr; returns 1 (the
 * exit status).
 */
int fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* "line N: " in a batch, else "". */
const char *line_prefix(void);

/* Runs one command, argv[0] being the object; returns the exit status. */
int run_command(struct nl_ctx *ctx, int argc, char **argv);
int run_batch(struct nl_ctx *ctx, const char *path);

/* Each takes argv[0] = the object's name. */
int cmd_version(struct nl_ctx *ctx, int argc, char **argv);
int cmd_algs(struct nl_ctx *ctx, int argc, char **argv);
int cmd_sa(struct nl_ctx *ctx, int argc, char **argv);
int cmd_policy(struct nl_ctx *ctx, int argc, char **argv);
int cmd_link(struct nl_ctx *ctx, int argc, char **argv);
int cmd_stats(struct nl_ctx *ctx, int argc, char **argv);
int cmd_monitor(struct nl_ctx *ctx, int argc, char **argv);

/* For monitor: the nests events carry, printed on the current line. */
void sa_print_id(const struct nlattr *nest);
void sa_json_id(const char *key, const struct nlattr *nest);
void policy_print_id(const struct nlattr *nest);
void policy_json_id(const char *key, const struct nlattr *nest);
void tmpl_print_attr(const struct nlattr *nest);
void tmpl_json_attr(const char *key, const struct nlattr *nest);

#endif
