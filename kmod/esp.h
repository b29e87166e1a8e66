/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsec: what output.c and input.c share about an ESP packet in flight.
 */
#ifndef _NFIPSEC_ESP_H
#define _NFIPSEC_ESP_H

#include <crypto/aead.h>
#include <linux/scatterlist.h>

#include "nfipsec.h"

#define NFIPSEC_ESP_HLEN	8	/* SPI and sequence number */

/*
 * One per packet, from the hook until the crypto completes (maybe on
 * another CPU, from a crypto driver's callback). Its copy of the bundle
 * holds a reference on each SA (@sa is the one being applied), and it
 * counts in nn->inflight, which netns exit waits for.
 */
struct nfipsec_esp_ctx {
	struct sk_buff *skb;
	struct nfipsec_sa *sa;
	struct nfipsec_net *nn;
	struct nfipsec_xfrms x;
	u64 seq;
	unsigned int esp_off;	/* ESP header, from skb->data */
	unsigned int len;	/* inner length, for the counters */
	u8 assoc[12];		/* SPI, [seq hi,] seq lo */
	u8 iv[16];
	struct scatterlist sg[2];
};

static inline struct aead_request *esp_ctx_req(struct nfipsec_esp_ctx *ctx)
{
	return (void *)PTR_ALIGN((u8 *)(ctx + 1),
				 crypto_tfm_ctx_alignment());
}

static inline struct nfipsec_esp_ctx *esp_ctx_alloc(struct nfipsec_sa *sa)
{
	return kmalloc(sizeof(struct nfipsec_esp_ctx) +
		       crypto_tfm_ctx_alignment() +
		       sizeof(struct aead_request) +
		       crypto_aead_reqsize(sa->aead), GFP_ATOMIC);
}

/* Associated data: SPI and sequence number; with ESN the high half sits
 * between them, where authencesn and RFC 4106 section 5 want it.
 */
static inline unsigned int esp_fill_assoc(struct nfipsec_esp_ctx *ctx)
{
	__be32 *a = (__be32 *)ctx->assoc;

	a[0] = ctx->sa->spi;
	if (ctx->sa->flags & NFIPSEC_SA_F_ESN) {
		a[1] = htonl(upper_32_bits(ctx->seq));
		a[2] = htonl(lower_32_bits(ctx->seq));
		return 12;
	}
	a[1] = htonl(lower_32_bits(ctx->seq));
	return 8;
}

static inline void esp_ctx_done(struct nfipsec_esp_ctx *ctx)
{
	struct nfipsec_net *nn = ctx->nn;

	nfipsec_xfrms_put(&ctx->x);
	kfree(ctx);
	if (atomic_dec_and_test(&nn->inflight))
		wake_up_var(&nn->inflight);
}

#endif /* _NFIPSEC_ESP_H */
