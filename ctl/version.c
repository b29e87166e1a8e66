// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl version, nfipsecctl algs: what the module and kernel offer.
 */
#include <stdio.h>
#include <string.h>

#include "nfipsecctl.h"
#include <nfipsec.h>

#define CTL_VERSION "0.1.0"

struct alg_row {
	char name[NFIPSEC_ALG_NAME_MAX];
	char driver[NFIPSEC_ALG_NAME_MAX * 2];
	unsigned int type;
	unsigned int available;
};

struct version_reply {
	char version[64];
	struct alg_row algs[32];
	unsigned int n;
};

static void parse_alg_row(const struct nlattr *nest, struct alg_row *row)
{
	const struct nlattr *a;

	memset(row, 0, sizeof(*row));
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_ALG_A_NAME:
			snprintf(row->name, sizeof(row->name), "%s",
				 mnl_attr_get_str(a));
			break;
		case NFIPSEC_ALG_A_DRIVER:
			snprintf(row->driver, sizeof(row->driver), "%s",
				 mnl_attr_get_str(a));
			break;
		case NFIPSEC_ALG_A_TYPE:
			row->type = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_ALG_A_AVAILABLE:
			row->available = mnl_attr_get_u8(a);
			break;
		}
	}
}

static const char *type_name(unsigned int type)
{
	switch (type) {
	case NFIPSEC_ALG_AEAD:
		return "aead";
	case NFIPSEC_ALG_ENC:
		return "enc";
	case NFIPSEC_ALG_AUTH:
		return "auth";
	}
	return "?";
}

static int version_cb(const struct nlmsghdr *nlh, void *data)
{
	struct version_reply *r = data;
	const struct nlattr *a, *alg;

	mnl_attr_for_each(a, nlh, sizeof(struct genlmsghdr)) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_A_VERSION:
			snprintf(r->version, sizeof(r->version), "%s",
				 mnl_attr_get_str(a));
			break;
		case NFIPSEC_A_ALGS:
			mnl_attr_for_each_nested(alg, a) {
				if (r->n == sizeof(r->algs) / sizeof(r->algs[0]))
					break;
				parse_alg_row(alg, &r->algs[r->n++]);
			}
			break;
		}
	}
	return MNL_CB_OK;
}

static int get_version(struct nl_ctx *ctx, struct version_reply *r,
		       const char *cmd)
{
	struct nlmsghdr *nlh;

	memset(r, 0, sizeof(*r));
	nlh = nl_request(ctx, NFIPSEC_CMD_GET_VERSION, 0);
	if (nl_exec(ctx, nlh, version_cb, r))
		return fail(cmd, "%s", ctx->err);
	return ctx->dry_run ? -1 : 0;
}

int cmd_version(struct nl_ctx *ctx, int argc, char **argv)
{
	struct version_reply r;
	int ret;

	if (argc > 1)
		return fail("version", "unexpected argument \"%s\"", argv[1]);
	ret = get_version(ctx, &r, "version");
	if (ret)
		return ret < 0 ? 0 : ret;
	if (opts.json)
		printf("{\"tool\":\"%s\",\"module\":\"%s\"}\n", CTL_VERSION,
		       r.version);
	else
		printf("nfipsecctl %s, module %s\n", CTL_VERSION, r.version);
	return 0;
}

int cmd_algs(struct nl_ctx *ctx, int argc, char **argv)
{
	struct version_reply r;
	unsigned int i;
	int ret;

	if (argc > 1)
		return fail("algs", "unexpected argument \"%s\"", argv[1]);
	ret = get_version(ctx, &r, "algs");
	if (ret)
		return ret < 0 ? 0 : ret;
	if (opts.json)
		putchar('[');
	for (i = 0; i < r.n; i++) {
		struct alg_row *a = &r.algs[i];

		if (opts.json)
			printf("%s{\"name\":\"%s\",\"type\":\"%s\",\"available\":%s,\"driver\":\"%s\"}",
			       i ? "," : "", a->name, type_name(a->type),
			       a->available ? "true" : "false",
			       a->driver);
		else
			printf("%-5s %-32s %s\n", type_name(a->type), a->name,
			       a->available ? a->driver : "(not available)");
	}
	if (opts.json)
		printf("]\n");
	return 0;
}
