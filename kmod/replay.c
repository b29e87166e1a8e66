// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the inbound anti-replay window of RFC 4303 section 3.4.3, with
 * the high-order half of extended sequence numbers inferred as in its
 * Appendix A.
 *
 * The window is a circular bitmap: bit (seq % nbits) says whether seq was
 * seen, for the seq in (top - window, top]. A packet is checked before
 * decryption (cheap rejection of replays and of old numbers) and the window
 * is advanced only after its ICV verified, so that forged packets cannot
 * move it. Check and advance take a small per-SA spinlock: one SA's packets
 * can be received on several CPUs at once (RSS, async crypto completions),
 * and the 64-bit top plus the bitmap must change together; the critical
 * section is a few word operations, far cheaper than the AEAD between the
 * two calls, so the lock is not where the time goes.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/log2.h>
#include <linux/slab.h>

#include "nfipsec.h"

int nfipsec_replay_init(struct nfipsec_replay *r, u32 window, u64 top)
{
	spin_lock_init(&r->lock);
	r->window = window;
	r->top = top;
	r->nbits = window ? roundup_pow_of_two(max_t(u32, window,
						     BITS_PER_LONG)) : 0;
	r->bitmap = NULL;
	if (!window)
		return 0;
	r->bitmap = bitmap_zalloc(r->nbits, GFP_KERNEL);
	if (!r->bitmap)
		return -ENOMEM;
	/* Everything up to the imported top counts as seen. */
	if (top)
		bitmap_fill(r->bitmap, r->nbits);
	return 0;
}

void nfipsec_replay_free(struct nfipsec_replay *r)
{
	bitmap_free(r->bitmap);
	r->bitmap = NULL;
}

/*
 * RFC 4303 Appendix A2.2: choose the high half that puts seq_lo closest to
 * the window. Without a window the inference still needs a width; 32 is
 * what a sender would normally stay within.
 */
u64 nfipsec_replay_infer(struct nfipsec_replay *r, u32 seq_lo, bool esn)
{
	u64 top = READ_ONCE(r->top);
	u32 tl = lower_32_bits(top), th = upper_32_bits(top);
	u32 w = r->window ? r->window : 32;

	if (!esn)
		return seq_lo;
	if (tl >= w - 1) {
		if (seq_lo < tl - w + 1)
			th++;
	} else {
		if (seq_lo >= tl - w + 1 && th)
			th--;
	}
	return ((u64)th << 32) | seq_lo;
}

static bool replay_ok_locked(struct nfipsec_replay *r, u64 seq)
{
	if (seq > r->top)
		return true;
	if (r->top - seq >= r->window)
		return false;
	return !test_bit(seq & (r->nbits - 1), r->bitmap);
}

bool nfipsec_replay_check(struct nfipsec_replay *r, u64 seq, bool esn)
{
	bool ok;

	if (!esn && !seq)
		return false;	/* 0 is never sent (RFC 4303 3.3.3) */
	if (!r->window)
		return true;
	spin_lock_bh(&r->lock);
	ok = replay_ok_locked(r, seq);
	spin_unlock_bh(&r->lock);
	return ok;
}

/* Record seq as seen; false if another CPU recorded it meanwhile. */
bool nfipsec_replay_advance(struct nfipsec_replay *r, u64 seq, bool esn)
{
	u64 diff, i;
	bool ok = true;

	spin_lock_bh(&r->lock);
	if (!r->window) {
		if (seq > r->top)
			r->top = seq;
		goto out;
	}
	if (!replay_ok_locked(r, seq)) {
		ok = false;
		goto out;
	}
	if (seq > r->top) {
		diff = seq - r->top;
		if (diff >= r->nbits) {
			bitmap_zero(r->bitmap, r->nbits);
		} else {
			for (i = 1; i <= diff; i++)
				clear_bit((r->top + i) & (r->nbits - 1),
					  r->bitmap);
		}
		WRITE_ONCE(r->top, seq);
	}
	set_bit(seq & (r->nbits - 1), r->bitmap);
out:
	spin_unlock_bh(&r->lock);
	return ok;
}

/* Pure-logic self-test, run at module load: a few lines, no packets. */
int nfipsec_replay_selftest(void)
{
	struct nfipsec_replay r;
	int err = -EINVAL;

	if (nfipsec_replay_init(&r, 64, 0))
		return -ENOMEM;
	if (!nfipsec_replay_check(&r, 1, false) ||
	    !nfipsec_replay_advance(&r, 1, false) ||
	    nfipsec_replay_check(&r, 1, false) ||
	    !nfipsec_replay_advance(&r, 100, false) ||
	    !nfipsec_replay_check(&r, 50, false) ||
	    nfipsec_replay_check(&r, 36, false) ||
	    !nfipsec_replay_advance(&r, 50, false) ||
	    nfipsec_replay_advance(&r, 50, false) ||
	    nfipsec_replay_check(&r, 0, false))
		goto out;
	/* ESN: top just below 2^32, a small seq_lo means the next epoch. */
	r.top = 0xfffffff0ULL;
	if (nfipsec_replay_infer(&r, 5, true) != 0x100000005ULL ||
	    nfipsec_replay_infer(&r, 0xffffffe0U, true) != 0xffffffe0ULL)
		goto out;
	r.top = 0x100000002ULL;
	if (nfipsec_replay_infer(&r, 0xfffffffeU, true) != 0xfffffffeULL ||
	    nfipsec_replay_infer(&r, 7, true) != 0x100000007ULL)
		goto out;
	err = 0;
out:
	nfipsec_replay_free(&r);
	return err;
}
