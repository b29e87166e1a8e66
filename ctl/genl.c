// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl: generic netlink plumbing on top of libmnl.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>

#include "genl.h"
#include "output.h"
#include <nfipsec.h>

static int family_attr_cb(const struct nlattr *attr, void *data)
{
	struct nl_ctx *ctx = data;
	const struct nlattr *grp, *a;

	switch (mnl_attr_get_type(attr)) {
	case CTRL_ATTR_FAMILY_ID:
		ctx->family = mnl_attr_get_u16(attr);
		break;
	case CTRL_ATTR_MCAST_GROUPS:
		mnl_attr_for_each_nested(grp, attr) {
			const char *name = NULL;
			uint32_t id = 0;

			mnl_attr_for_each_nested(a, grp) {
				if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_NAME)
					name = mnl_attr_get_str(a);
				else if (mnl_attr_get_type(a) == CTRL_ATTR_MCAST_GRP_ID)
					id = mnl_attr_get_u32(a);
			}
			if (name && !strcmp(name, NFIPSEC_GENL_MCGRP_EVENTS))
				ctx->events_group = id;
		}
		break;
	}
	return MNL_CB_OK;
}

static int family_cb(const struct nlmsghdr *nlh, void *data)
{
	return mnl_attr_parse(nlh, sizeof(struct genlmsghdr), family_attr_cb,
			      data);
}

int nl_open(struct nl_ctx *ctx)
{
	char req[256];
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;
	int one = 1, err;

	ctx->nl = mnl_socket_open(NETLINK_GENERIC);
	if (!ctx->nl) {
		snprintf(ctx->err, sizeof(ctx->err), "netlink socket: %s",
			 strerror(errno));
		return -errno;
	}
	if (mnl_socket_bind(ctx->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = -errno;
		snprintf(ctx->err, sizeof(ctx->err), "netlink bind: %s",
			 strerror(errno));
		mnl_socket_close(ctx->nl);
		ctx->nl = NULL;
		return err;
	}
	/* Ask for the kernel's extack text and strict dump checking. */
	mnl_socket_setsockopt(ctx->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(ctx->nl, NETLINK_GET_STRICT_CHK, &one,
			      sizeof(one));
	ctx->portid = mnl_socket_get_portid(ctx->nl);
	ctx->seq = time(NULL);

	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = ++ctx->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, NFIPSEC_GENL_NAME);
	err = nl_talk(ctx, nlh, family_cb, ctx);
	if (err == -ENOENT)
		snprintf(ctx->err, sizeof(ctx->err),
			 "the nfipsec module is not loaded (no generic netlink family \"%s\"; try modprobe nfipsec)",
			 NFIPSEC_GENL_NAME);
	if (err) {
		mnl_socket_close(ctx->nl);
		ctx->nl = NULL;
	}
	return err;
}

void nl_close(struct nl_ctx *ctx)
{
	if (ctx->nl)
		mnl_socket_close(ctx->nl);
	ctx->nl = NULL;
}

struct nlmsghdr *nl_request(struct nl_ctx *ctx, uint8_t cmd, uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(ctx->req);
	struct genlmsghdr *g;

	nlh->nlmsg_type = ctx->family;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	nlh->nlmsg_seq = ++ctx->seq;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = cmd;
	g->version = NFIPSEC_GENL_VERSION;
	return nlh;
}

struct talk {
	struct nl_ctx *ctx;
	mnl_cb_t cb;
	void *data;
};

static int data_cb(const struct nlmsghdr *nlh, void *data)
{
	struct talk *t = data;

	return t->cb ? t->cb(nlh, t->data) : MNL_CB_OK;
}

/* The text of an error ACK: the extack message if the kernel gave one. */
static int error_cb(const struct nlmsghdr *nlh, void *data)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
	struct nl_ctx *ctx = ((struct talk *)data)->ctx;
	const struct nlattr *a;
	unsigned int off;

	if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(*e)))
		return MNL_CB_ERROR;
	ctx->err[0] = 0;
	if (e->error && (nlh->nlmsg_flags & NLM_F_ACK_TLVS)) {
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(e->msg);
		mnl_attr_for_each(a, nlh, off) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ctx->err, sizeof(ctx->err), "%s",
					 mnl_attr_get_str(a));
		}
	}
	if (e->error && !ctx->err[0])
		snprintf(ctx->err, sizeof(ctx->err), "%s", strerror(-e->error));
	errno = -e->error;
	return e->error ? MNL_CB_ERROR : MNL_CB_STOP;
}

/*
 * The end of a dump. libmnl runs no default callback for a control type
 * inside the array we pass, so without this a dump would never end. Its
 * payload is the dump's error code, followed by extack attributes.
 */
static int done_cb(const struct nlmsghdr *nlh, void *data)
{
	struct nl_ctx *ctx = ((struct talk *)data)->ctx;
	const struct nlattr *a;
	int error = 0;

	if (nlh->nlmsg_len >= mnl_nlmsg_size(sizeof(error)))
		memcpy(&error, mnl_nlmsg_get_payload(nlh), sizeof(error));
	if (!error)
		return MNL_CB_STOP;
	ctx->err[0] = 0;
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		mnl_attr_for_each(a, nlh, sizeof(error)) {
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
			    mnl_attr_validate(a, MNL_TYPE_NUL_STRING) == 0)
				snprintf(ctx->err, sizeof(ctx->err), "%s",
					 mnl_attr_get_str(a));
		}
	if (!ctx->err[0])
		snprintf(ctx->err, sizeof(ctx->err), "%s", strerror(-error));
	errno = -error;
	return MNL_CB_ERROR;
}

int nl_talk(struct nl_ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data)
{
	mnl_cb_t ctl_cb[NLMSG_MIN_TYPE] = {
		[NLMSG_ERROR] = error_cb,
		[NLMSG_DONE] = done_cb,
	};
	struct talk t = { ctx, cb, data };
	uint32_t seq = nlh->nlmsg_seq;
	ssize_t n;
	int ret;

	ctx->err[0] = 0;
	if (mnl_socket_sendto(ctx->nl, nlh, nlh->nlmsg_len) < 0) {
		snprintf(ctx->err, sizeof(ctx->err), "send: %s",
			 strerror(errno));
		return -errno;
	}
	for (;;) {
		n = mnl_socket_recvfrom(ctx->nl, ctx->buf, sizeof(ctx->buf));
		if (n < 0) {
			snprintf(ctx->err, sizeof(ctx->err), "receive: %s",
				 strerror(errno));
			return -errno;
		}
		errno = 0;
		ret = mnl_cb_run2(ctx->buf, n, seq, ctx->portid, data_cb, &t,
				  ctl_cb, NLMSG_MIN_TYPE);
		if (ret == MNL_CB_ERROR) {
			int err = errno ? -errno : -EIO;

			if (!ctx->err[0])
				snprintf(ctx->err, sizeof(ctx->err), "%s",
					 strerror(-err));
			return err;
		}
		if (ret == MNL_CB_STOP)
			return 0;
	}
}

int nl_exec(struct nl_ctx *ctx, struct nlmsghdr *nlh, mnl_cb_t cb,
	    void *data)
{
	int err;

	if (ctx->dry_run) {
		print_request(nlh);
		return 0;
	}
	if (!ctx->nl) {
		err = nl_open(ctx);
		if (err)
			return err;
	}
	nlh->nlmsg_type = ctx->family;
	nlh->nlmsg_seq = ++ctx->seq;
	return nl_talk(ctx, nlh, cb, data);
}
