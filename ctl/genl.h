/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsecctl: talking to the nfipsec generic netlink family.
 */
#ifndef NFIPSECCTL_GENL_H
#define NFIPSECCTL_GENL_H

#include <libmnl/libmnl.h>
#include <linux/genetlink.h>
#include <stdbool.h>
#include <stdint.h>

struct nl_ctx {
	struct mnl_socket *nl;
	uint16_t family;
	uint32_t events_group;
	uint32_t portid;
	uint32_t seq;
	bool dry_run;		/* print requests instead of sending them */
	_Alignas(8) char req[8192];	/* the request being built */
	_Alignas(8) char buf[32768];	/* a dump message is at most 32 KiB */
	char err[512];		/* the kernel's extack text, or strerror */
};

/* Opens the socket and resolves the family; 0 or -errno (msg in err). */
int nl_open(struct nl_ctx *ctx);
void nl_close(struct nl_ctx *ctx);

/*
 * Starts a request for @cmd in ctx->req; @flags adds to NLM_F_REQUEST |
 * NLM_F_ACK. The socket need not be open yet: nl_exec opens it.
 */
struct nlmsghdr *nl_request(struct nl_ctx *ctx, uint8_t cmd, uint16_t flags);

/*
 * Sends the request built by nl_request, opening the socket on first use,
 * and runs @cb on each reply as nl_talk does. In a dry run it prints the
 * request instead (output.c) and returns 0. Returns 0 or -errno, with the
 * message in ctx->err.
 */
int nl_exec(struct nl_ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data);

/*
 * Sends @nlh and runs @cb on every reply until the ACK or the end of a
 * dump. Returns 0, or -errno with the kernel's message in ctx->err.
 */
int nl_talk(struct nl_ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data);

#endif
