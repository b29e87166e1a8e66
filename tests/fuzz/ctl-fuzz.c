// SPDX-License-Identifier: GPL-2.0
/*
 * ctl-fuzz: a libFuzzer entry point for nfipsecctl's parsers. The tool's
 * own main() is compiled in as ctl_main (-Dmain=ctl_main, no change to
 * ctl/), in dry-run mode (NFIPSECCTL_DRY_RUN=1: requests are built and
 * printed, never sent), so every byte reaches the argument parser, the
 * key, address, selector and algorithm parsers and the request builder.
 *
 * The first input byte picks the way in:
 *   even  the rest is an argument vector, words separated by NUL bytes
 *         (at most 64 words), after "nfipsecctl"
 *   odd   the rest is a batch file, run with "nfipsecctl [-force] -b FILE"
 *         (bit 1: -force, so that later lines run after a failing one)
 * tests/unit/ctl-fuzz.sh builds it with clang -fsanitize=fuzzer,address,
 * undefined and runs it for a bounded time.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "nfipsecctl.h"

int ctl_main(int argc, char **argv);
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAXWORDS 64

static int batch_fd = -1;
static char batch_path[64];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	setenv("NFIPSECCTL_DRY_RUN", "1", 1);
	batch_fd = memfd_create("ctl-fuzz-batch", 0);
	if (batch_fd < 0) {
		perror("ctl-fuzz: memfd_create");
		exit(1);
	}
	snprintf(batch_path, sizeof(batch_path), "/proc/self/fd/%d", batch_fd);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAXWORDS + 4], *buf, *p;
	int argc = 0;
	size_t i;

	if (!size)
		return 0;
	memset(&opts, 0, sizeof(opts));
	argv[argc++] = "nfipsecctl";
	if (data[0] & 1) {
		if (ftruncate(batch_fd, 0) ||
		    pwrite(batch_fd, data + 1, size - 1, 0) != (ssize_t)(size - 1))
			return 0;
		if (data[0] & 2)
			argv[argc++] = "-force";
		argv[argc++] = "-b";
		argv[argc++] = batch_path;
		argv[argc] = NULL;
		ctl_main(argc, argv);
		return 0;
	}
	/* NUL-separated words; the copy ends in a NUL of its own */
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data + 1, size - 1);
	buf[size - 1] = 0;
	for (p = buf, i = 0; i < size && argc < MAXWORDS; i++) {
		if (buf[i])
			continue;
		argv[argc++] = p;
		p = buf + i + 1;
		if (p >= buf + size)
			break;
	}
	argv[argc] = NULL;
	ctl_main(argc, argv);
	free(buf);
	return 0;
}
