// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl -b FILE: many commands over one netlink socket. One command a
 * line, words as a shell splits them ('...', "...", backslash), a trailing
 * backslash continues the line, # starts a comment, blank lines are
 * skipped. The first failure stops the batch unless -force is given.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nfipsecctl.h"

#define MAX_WORDS 256

/*
 * Splits @line in place into @argv; returns the count, or -1 (printed)
 * for an unterminated quote or too many words.
 */
static int split(char *line, char **argv, unsigned int lineno)
{
	char *r = line, *w = line;
	int argc = 0;

	for (;;) {
		while (*r == ' ' || *r == '\t' || *r == '\r' || *r == '\n')
			r++;
		if (!*r || *r == '#')
			break;
		if (argc == MAX_WORDS) {
			fprintf(stderr, "nfipsecctl: line %u: more than %d words\n",
				lineno, MAX_WORDS);
			return -1;
		}
		argv[argc++] = w;
		while (*r && *r != ' ' && *r != '\t' && *r != '\r' &&
		       *r != '\n') {
			if (*r == '\'' || *r == '"') {
				char q = *r++;

				while (*r && *r != q) {
					if (q == '"' && *r == '\\' &&
					    (r[1] == '"' || r[1] == '\\'))
						r++;
					*w++ = *r++;
				}
				if (!*r) {
					fprintf(stderr, "nfipsecctl: line %u: unterminated %c quote\n",
						lineno, q);
					return -1;
				}
				r++;
			} else if (*r == '\\' && r[1]) {
				r++;
				*w++ = *r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w++ = 0;
	}
	return argc;
}

int run_batch(struct nl_ctx *ctx, const char *path)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	char *line = NULL, *cmd = NULL, *argv[MAX_WORDS];
	unsigned int lineno = 0, first = 0, failed = 0;
	size_t cap = 0, len = 0, n;
	ssize_t got;
	int argc, ret;

	if (!f) {
		fprintf(stderr, "nfipsecctl: batch file \"%s\": %s\n", path,
			strerror(errno));
		return 1;
	}
	while ((got = getline(&line, &cap, f)) >= 0) {
		bool more;
		char *grown;

		lineno++;
		n = got;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		more = n && line[n - 1] == '\\';
		if (more)
			n--;
		if (!len)
			first = lineno;
		grown = realloc(cmd, len + n + 2);
		if (!grown) {
			fprintf(stderr, "nfipsecctl: line %u: out of memory\n",
				lineno);
			failed++;
			break;
		}
		cmd = grown;
		memcpy(cmd + len, line, n);
		len += n;
		cmd[len++] = ' ';
		cmd[len] = 0;
		if (more)
			continue;
		len = 0;
		argc = split(cmd, argv, first);
		if (argc < 0) {
			failed++;
			if (!opts.force)
				break;
			continue;
		}
		if (argc && !strcmp(argv[0], "nfipsecctl")) {
			memmove(argv, argv + 1, --argc * sizeof(*argv));
		}
		if (!argc)
			continue;
		opts.line = first;
		ret = run_command(ctx, argc, argv);
		opts.line = 0;
		if (ret) {
			failed++;
			if (!opts.force)
				break;
		}
	}
	if (cmd) {
		wipe(cmd, strlen(cmd));
		free(cmd);
	}
	if (line) {
		wipe(line, cap);
		free(line);
	}
	if (f != stdin)
		fclose(f);
	return failed ? 1 : 0;
}
