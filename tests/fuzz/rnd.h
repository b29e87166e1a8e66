/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The fuzzers' random numbers: xorshift64*, small, fast and the same on
 * every machine, so that a printed seed replays a run. Each fuzzer seeds
 * rs itself.
 */
#ifndef NFIPSEC_FUZZ_RND_H
#define NFIPSEC_FUZZ_RND_H

#include <stdint.h>

static uint64_t rs;

static inline uint64_t rnd(void)
{
	rs ^= rs >> 12;
	rs ^= rs << 25;
	rs ^= rs >> 27;
	return rs * 0x2545f4914f6cdd1dULL;
}

/* 0 to n - 1 (0 for n 0) */
static inline unsigned int rn(unsigned int n)
{
	return n ? rnd() % n : 0;
}

static inline void rbytes(uint8_t *p, unsigned int n)
{
	while (n--)
		*p++ = rnd();
}

#endif
