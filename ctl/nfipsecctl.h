/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsecctl: what the subcommands share.
 */
#ifndef NFIPSECCTL_H
#define NFIPSECCTL_H

#include <stdbool.h>
#include "genl.h"

struct opts {
	bool json;
	bool pretty;
	bool stats;
	bool keys;
};

extern struct opts opts;

/* Prints "nfipsecctl: <cmd>: <msg>" to stderr; returns 1 (exit status). */
int fail(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

int cmd_version(struct nl_ctx *ctx, int argc, char **argv);
int cmd_algs(struct nl_ctx *ctx, int argc, char **argv);

#endif
