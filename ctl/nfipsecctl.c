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

const char *line_prefix(void)
{
	static char buf[32];

	if (!opts.line)
		return "";
	snprintf(buf, sizeof(buf), "line %u: ", opts.line);
	return buf;
}

int fail(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nfipsecctl: %s%s: ", line_prefix(), cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void usage(FILE *f)
{
	fputs("usage: nfipsecctl [OPTIONS] OBJECT [COMMAND [ARGS]]\n"
	      "       nfipsecctl [OPTIONS] -b FILE\n"
	      "\n"
	      "objects and commands:\n"
	      "  sa { add | update | del | get | list | flush | allocspi | help }\n"
	      "                      security associations (see \"nfipsecctl sa help\")\n"
	      "  policy { add | update | del | get | list | flush | help }\n"
	      "                      security policies (see \"nfipsecctl policy help\")\n"
	      "  link { add | del | list | help }\n"
	      "                      the module's virtual interfaces (see \"nfipsecctl link help\")\n"
	      "  stats [ reset ]     drop counters by reason, packet counters\n"
	      "  monitor             print events (acquire, expire, ...) as they come\n"
	      "  version             tool and module versions\n"
	      "  algs                algorithms the running kernel supports\n"
	      "  help                this text\n"
	      "\n"
	      "options:\n"
	      "  -j, --json          JSON output\n"
	      "  -p, --pretty        indented JSON\n"
	      "  -s, --stats         include statistics in listings\n"
	      "  -k, --keys          show key material in listings\n"
	      "  -b, --batch FILE    run the commands of FILE (- for stdin), one a line\n"
	      "  -f, -force, --force in a batch, go on after a failing command\n"
	      "  -n, --dry-run       print the netlink requests instead of sending them\n"
	      "                      (also: NFIPSECCTL_DRY_RUN=1)\n",
	      f);
}

struct command {
	const char *name;
	int (*run)(struct nl_ctx *ctx, int argc, char **argv);
};

static const struct command commands[] = {
	{ "sa", cmd_sa },
	{ "policy", cmd_policy },
	{ "link", cmd_link },
	{ "stats", cmd_stats },
	{ "monitor", cmd_monitor },
	{ "version", cmd_version },
	{ "algs", cmd_algs },
};

int run_command(struct nl_ctx *ctx, int argc, char **argv)
{
	unsigned int i;

	if (!strcmp(argv[0], "help") || !strcmp(argv[0], "-h") ||
	    !strcmp(argv[0], "--help")) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[0], commands[i].name))
			return commands[i].run(ctx, argc, argv);
	fprintf(stderr, "nfipsecctl: %sunknown object \"%s\"; try \"nfipsecctl help\"\n",
		line_prefix(), argv[0]);
	return 1;
}

int main(int argc, char **argv)
{
	const char *batch = NULL, *env = getenv("NFIPSECCTL_DRY_RUN");
	struct nl_ctx *ctx;
	bool dry_run = env && *env && strcmp(env, "0");
	int i, ret;

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
		else if (!strcmp(o, "-f") || !strcmp(o, "-force") ||
			 !strcmp(o, "--force"))
			opts.force = true;
		else if (!strcmp(o, "-n") || !strcmp(o, "--dry-run"))
			dry_run = true;
		else if (!strcmp(o, "-b") || !strcmp(o, "-batch") ||
			 !strcmp(o, "--batch")) {
			if (++i == argc) {
				fprintf(stderr, "nfipsecctl: \"%s\" needs a file name (or -)\n",
					o);
				return 1;
			}
			batch = argv[i];
		} else if (!strcmp(o, "-h") || !strcmp(o, "--help")) {
			usage(stdout);
			return 0;
		} else {
			fprintf(stderr, "nfipsecctl: unknown option \"%s\"; try \"nfipsecctl help\"\n",
				o);
			return 1;
		}
	}
	if (batch && i < argc) {
		fprintf(stderr, "nfipsecctl: -b takes no command (\"%s\")\n",
			argv[i]);
		return 1;
	}
	if (!batch && i == argc) {
		usage(stderr);
		return 1;
	}
	ctx = calloc(1, sizeof(*ctx));
	if (!ctx) {
		fprintf(stderr, "nfipsecctl: %s\n", strerror(errno));
		return 1;
	}
	ctx->dry_run = dry_run;
	if (batch)
		ret = run_batch(ctx, batch);
	else
		ret = run_command(ctx, argc - i, argv + i);
	nl_close(ctx);
	wipe(ctx, sizeof(*ctx));
	free(ctx);
	return ret;
}
