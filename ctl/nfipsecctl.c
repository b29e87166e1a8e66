// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl: configure the nfipsec IPsec data plane.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsecctl.h"

struct opts opts;

int fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfipsecctl: %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void usage(FILE *f)
{
	fputs("usage: nfipsecctl [OPTIONS] OBJECT COMMAND [ARGS]\n"
	      "\n"
	      "objects and commands:\n"
	      "  version             tool and module versions\n"
	      "  algs                algorithms the running kernel supports\n"
	      "  help                this text\n"
	      "\n"
	      "options:\n"
	      "  -j, --json          JSON output\n"
	      "  -p, --pretty        indented JSON\n"
	      "  -s, --stats         include statistics in listings\n"
	      "  -k, --keys          show key material in listings\n",
	      f);
}

struct command {
	const char *name;
	int (*run)(struct nl_ctx *ctx, int argc, char **argv);
};

static const struct command commands[] = {
	{ "version", cmd_version },
	{ "algs", cmd_algs },
};

static int run(int argc, char **argv)
{
	const struct command *c = NULL;
	struct nl_ctx *ctx;
	unsigned int i;
	int ret;

	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
	    !strcmp(argv[0], "--help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			c = &commands[i];
	if (!c) {
		fprintf(stderr, "nfipsecctl: unknown object \"%s\"; try \"nfipsecctl help\"\n",
			argv[0]);
		return 1;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return fail(c->name, "%s", strerror(errno));
	if (nl_open(ctx)) {
		ret = fail(c->name, "%s", ctx->err);
		goto out;
	}
	ret = c->run(ctx, argc, argv);
	nl_close(ctx);
out:
	free(ctx);
	return ret;
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc && argv[i][0] == '-' && argv[i][1]; i++) {
		const char *o = argv[i];

		if (!strcmp(o, "-j") || !strcmp(o, "--json"))
			opts.json = true;
		else if (!strcmp(o, "-p") || !strcmp(o, "--pretty"))
			opts.json = opts.pretty = true;
		else if (!strcmp(o, "-s") || !strcmp(o, "--stats"))
			opts.stats = true;
		else if (!strcmp(o, "-k") || !strcmp(o, "--keys"))
			opts.keys = true;
		else if (!strcmp(o, "-h") || !strcmp(o, "--help"))
			break;
		else {
			fprintf(stderr, "nfipsecctl: unknown option \"%s\"; try \"nfipsecctl help\"\n",
				o);
			return 1;
		}
	}
	if (i == argc) {
		usage(stderr);
		return 1;
	}
	return run(argc - i, argv + i);
}
