// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: AH (RFC 4302), transport and tunnel mode, IPv4 and IPv6, as a
 * stage of output.c's and input.c's bundles (alone, or over ESP).
 *
 *   transport v4  [IP header, options][AH][payload]
 *   transport v6  [IPv6][hop-by-hop, routing, ...][AH][payload]
 *   tunnel        [outer IP header][AH][inner IP packet]
 *   AH            next header, length (32-bit words - 2), reserved 0,
 *                 SPI, sequence number, ICV, padding
 *
 * In IPv6 transport mode AH goes where XFRM puts it (ip6_find_1stfragopt):
 * after hop-by-hop and routing headers, and after destination options
 * unless a routing header follows them.
 *
 * The ICV is an HMAC, truncated, over the whole IP packet with what may
 * change on the way set to zero (RFC 4302 section 3.3.3.1): IPv4 TOS,
 * flags and fragment offset, TTL, header checksum, and every option but
 * the immutable ones of appendix A.1 (security, extended and commercial
 * security, router alert, SDMDD), the whole option zeroed; IPv6 traffic
 * class, flow label, hop limit, and in the extension headers before AH the
 * data of every option whose type has the "may change" bit (RFC 8200
 * section 4.2). Fields that change predictably are given the value the
 * receiver will see: an IPv4 source route's final destination as the
 * destination address, an IPv6 routing header of type 0 or 2 as it will
 * be when segments left is 0 (other routing types are covered as they
 * are). The AH header is covered with its ICV zeroed, and with ESN the
 * high half of the sequence number follows the packet (section 3.3.3.3.1).
 *
 * The packet is linear and unshared: the headers before AH are saved in
 * the request, zeroed in place, hashed (possibly asynchronously), and put
 * back. ICVs are compared in constant time (crypto_memneq).
 *
 * Alignment: RFC 4302 section 2.6 wants the header a multiple of 32 bits
 * over IPv4 and of 64 over IPv6. XFRM pads to 64 bits over IPv4 too unless
 * its SA has "align4", and refuses the other length; so does this module
 * on output (NFIPSEC_SA_F_ALIGN4 is "align4"), and input accepts both.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/hash.h>
#include <crypto/algapi.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/dsfield.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "nfipsec.h"
#include "compat.h"

#define AH_HLEN		sizeof(struct ip_auth_hdr)	/* up to the ICV */
#define AH_DIGEST_MAX	64				/* SHA-512 */

/*
 * One per packet in flight, as esp.h's: a copy of the bundle with its
 * references, counted in nn->inflight. Behind it: the @hdr_len bytes of
 * headers before AH as they were, then the hash request.
 */
struct nfipsec_ah_ctx {
	struct sk_buff *skb;
	struct nfipsec_sa *sa;
	struct nfipsec_net *nn;
	struct nfipsec_xfrms x;
	u64 seq;
	unsigned int hdr_len;	/* the AH header's offset, from skb->data */
	unsigned int len;	/* for the SA's byte counters */
	__be32 seqhi;
	u8 icv[AH_DIGEST_MAX];	/* input: the ICV as it came */
	u8 digest[AH_DIGEST_MAX];
	struct scatterlist sg[2];
	u8 saved[];
};

static struct ahash_request *ah_ctx_req(struct nfipsec_ah_ctx *ctx)
{
	return (void *)PTR_ALIGN(ctx->saved + ctx->hdr_len,
				 crypto_tfm_ctx_alignment());
}

static struct nfipsec_ah_ctx *ah_ctx_alloc(struct nfipsec_sa *sa,
					   unsigned int hdr_len)
{
	struct nfipsec_ah_ctx *ctx;

	ctx = kmalloc(sizeof(*ctx) + hdr_len + crypto_tfm_ctx_alignment() +
		      sizeof(struct ahash_request) +
		      crypto_ahash_reqsize(sa->ahash), GFP_ATOMIC);
	if (ctx)
		ctx->hdr_len = hdr_len;
	return ctx;
}

static void ah_ctx_done(struct nfipsec_ah_ctx *ctx)
{
	struct nfipsec_net *nn = ctx->nn;

	nfipsec_xfrms_put(&ctx->x);
	kfree(ctx);
	if (atomic_dec_and_test(&nn->inflight))
		wake_up_var(&nn->inflight);
}

/* ---- what the ICV does not cover --------------------------------------- */

/*
 * IPv4 options, RFC 4302 appendix A.1: the immutable ones stay, every
 * other is zeroed whole. A source route's last address, the final
 * destination, goes to *daddr.
 */
static int ah4_clear_options(struct iphdr *iph, __be32 *daddr)
{
	u8 *p = (u8 *)(iph + 1);
	int l = iph->ihl * 4 - sizeof(*iph), optlen;

	while (l > 0) {
		if (*p == IPOPT_END)
			return 0;
		if (*p == IPOPT_NOOP) {
			l--;
			p++;
			continue;
		}
		if (l < 2)
			return -EINVAL;
		optlen = p[1];
		if (optlen < 2 || optlen > l)
			return -EINVAL;
		switch (*p) {
		case IPOPT_SEC:
		case 133:		/* extended security */
		case IPOPT_CIPSO:	/* commercial security */
		case IPOPT_RA:
		case 149:		/* SDMDD, RFC 1770 */
			break;
		case IPOPT_LSRR:
		case IPOPT_SSRR:
			if (optlen < 7)
				return -EINVAL;
			memcpy(daddr, p + optlen - 4, 4);
			fallthrough;
		default:
			memset(p, 0, optlen);
		}
		l -= optlen;
		p += optlen;
	}
	return 0;
}

static int ah4_clear_mutable(struct iphdr *iph, bool out)
{
	__be32 final;

	iph->tos = 0;
	iph->frag_off = 0;
	iph->ttl = 0;
	iph->check = 0;
	if (iph->ihl == 5)
		return 0;
	/* on input the destination is the final one already */
	return ah4_clear_options(iph, out ? &iph->daddr : &final);
}

/* Hop-by-hop or destination options: zero the data of those that may
 * change (RFC 8200 section 4.2, the third bit of the type).
 */
static int ah6_clear_tlvs(u8 *h, unsigned int len)
{
	unsigned int off = 2, olen;

	while (off < len) {
		if (h[off] == IPV6_TLV_PAD1) {
			off++;
			continue;
		}
		if (off + 2 > len)
			return -EINVAL;
		olen = h[off + 1];
		if (off + 2 + olen > len)
			return -EINVAL;
		if (h[off] & 0x20)
			memset(h + off + 2, 0, olen);
		off += 2 + olen;
	}
	return 0;
}

/*
 * A routing header of type 0 or 2 (a list of addresses after 8 bytes) as
 * the final destination sees it: segments left 0, the destination address
 * the last of the list, the list shifted by one with the current
 * destination first.
 */
static void ah6_rearrange_rthdr(struct ipv6hdr *ip6h, u8 *h, unsigned int len)
{
	unsigned int segs = h[1] / 2, left = h[3];
	struct in6_addr final;
	u8 *addrs = h + 8;

	if (!left || (h[2] != 0 && h[2] != 2) || left > segs ||
	    8 + segs * sizeof(final) > len)
		return;
	memcpy(&final, addrs + (segs - 1) * sizeof(final), sizeof(final));
	addrs += (segs - left) * sizeof(final);
	memmove(addrs + sizeof(final), addrs, (left - 1) * sizeof(final));
	memcpy(addrs, &ip6h->daddr, sizeof(final));
	ip6h->daddr = final;
	h[3] = 0;
}

static int ah6_clear_mutable(struct ipv6hdr *ip6h, unsigned int ah_off)
{
	unsigned int off = sizeof(*ip6h), hlen;
	u8 nh = ip6h->nexthdr, *h;

	ip6h->priority = 0;
	memset(ip6h->flow_lbl, 0, sizeof(ip6h->flow_lbl));
	ip6h->hop_limit = 0;
	while (off < ah_off) {
		h = (u8 *)ip6h + off;
		if (off + 2 > ah_off)
			return -EINVAL;
		hlen = (h[1] + 1) * 8;
		if (off + hlen > ah_off)
			return -EINVAL;
		switch (nh) {
		case NEXTHDR_HOP:
		case NEXTHDR_DEST:
			if (ah6_clear_tlvs(h, hlen))
				return -EINVAL;
			break;
		case NEXTHDR_ROUTING:
			ah6_rearrange_rthdr(ip6h, h, hlen);
			break;
		default:
			return -EINVAL;
		}
		nh = h[0];
		off += hlen;
	}
	return 0;
}

/* Save the headers before AH, zero what the ICV leaves out, and hash. */
static void ah_hash(struct nfipsec_ah_ctx *ctx, bool out,
		    void (*done)(struct nfipsec_ah_ctx *ctx, int err),
		    crypto_completion_t cb)
{
	struct sk_buff *skb = ctx->skb;
	struct nfipsec_sa *sa = ctx->sa;
	struct ahash_request *req = ah_ctx_req(ctx);
	unsigned int n = skb->len;
	int err;

	memcpy(ctx->saved, skb->data, ctx->hdr_len);
	if (skb->protocol == htons(ETH_P_IP))
		err = ah4_clear_mutable(ip_hdr(skb), out);
	else
		err = ah6_clear_mutable(ipv6_hdr(skb), ctx->hdr_len);
	if (err) {
		done(ctx, -EINVAL);
		return;
	}

	ahash_request_set_tfm(req, sa->ahash);
	ahash_request_set_callback(req, 0, cb, ctx);
	if (sa->flags & NFIPSEC_SA_F_ESN) {
		ctx->seqhi = htonl(upper_32_bits(ctx->seq));
		sg_init_table(ctx->sg, 2);
		sg_set_buf(&ctx->sg[1], &ctx->seqhi, sizeof(ctx->seqhi));
		n += sizeof(ctx->seqhi);
	} else {
		sg_init_table(ctx->sg, 1);
	}
	sg_set_buf(&ctx->sg[0], skb->data, skb->len);
	ahash_request_set_crypt(req, ctx->sg, ctx->digest, n);

	err = crypto_ahash_digest(req);
	if (err != -EINPROGRESS)
		done(ctx, err);
}

/* ---- output -------------------------------------------------------------- */

static void ah_output_finish(struct nfipsec_ah_ctx *ctx, int err)
{
	struct nfipsec_net *nn = ctx->nn;
	struct nfipsec_sa *sa = ctx->sa;
	struct sk_buff *skb = ctx->skb;
	struct ip_auth_hdr *ah = (void *)(skb->data + ctx->hdr_len);

	if (err) {
		nfipsec_out_drop(nn, sa, skb, err == -EINVAL ?
				 NFIPSEC_DROP_MALFORMED : NFIPSEC_DROP_CRYPTO);
		goto out;
	}
	memcpy(ah->auth_data, ctx->digest, sa->icvlen);
	memcpy(skb->data, ctx->saved, ctx->hdr_len);
	if (skb->protocol == htons(ETH_P_IP))
		ip_send_check(ip_hdr(skb));
	nfipsec_output_done(nn, sa, &ctx->x, skb, ctx->len);
out:
	ah_ctx_done(ctx);
}

static void ah_output_done(void *data, int err)
{
	ah_output_finish(data, err);
}

NFIPSEC_CRYPTO_DONE(ah_output_done)

/* Tunnel: route, outer fields and the path MTU, as ESP has them. */
static struct dst_entry *ah_tunnel_prepare(struct nfipsec_net *nn,
					   const struct nfipsec_xfrms *x,
					   struct sk_buff *skb, u8 *nexthdr,
					   u8 *dsf, bool *df, bool *frag_ok)
{
	struct nfipsec_sa *sa = x->sa[x->next];
	unsigned int outer = sa->family == AF_INET ? sizeof(struct iphdr) :
						     sizeof(struct ipv6hdr);
	unsigned int later = nfipsec_overhead_after(x);
	struct dst_entry *dst;

	dst = nfipsec_route_outer(nn->net, sa);
	if (IS_ERR(dst)) {
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_ROUTE);
		return NULL;
	}
	if (skb->protocol == htons(ETH_P_IP)) {
		*nexthdr = IPPROTO_IPIP;
		*dsf = ipv4_get_dsfield(ip_hdr(skb));
		*df = ip_hdr(skb)->frag_off & htons(IP_DF);
	} else {
		*nexthdr = IPPROTO_IPV6;
		*dsf = ipv6_get_dsfield(ipv6_hdr(skb));
		*df = true;
	}
	if (sa->df == NFIPSEC_DF_SET)
		*df = true;
	else if (sa->df == NFIPSEC_DF_CLEAR)
		*df = false;
	if (nfipsec_tunnel_mtu(nn, sa, skb, dst,
			       skb->len + outer + sa->ah_hlen + later,
			       max_t(int, dst_mtu(dst) - later - outer -
				     sa->ah_hlen, 0), frag_ok, df)) {
		dst_release(dst);
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_MTU);
		return NULL;
	}
	return dst;
}

/*
 * Transport: where AH goes (*off) and the next-header byte that will name
 * it (*nhoff), with the protocol it names now.
 */
static int ah_transport_place(struct sk_buff *skb, unsigned int *off,
			      int *nhoff, u8 *nexthdr)
{
	u8 *nhp;
	int ret;

	if (skb->protocol == htons(ETH_P_IP)) {
		*off = ip_hdrlen(skb);
		*nexthdr = ip_hdr(skb)->protocol;
		*nhoff = offsetof(struct iphdr, protocol);
	} else {
		ret = ip6_find_1stfragopt(skb, &nhp);
		if (ret < 0)
			return ret;
		*off = ret;
		*nexthdr = *nhp;
		*nhoff = nhp - skb_network_header(skb);
	}
	return *off <= skb->len ? 0 : -EINVAL;
}

/* Apply x->sa[x->next], an AH SA (see output.c for the bundle). */
void nfipsec_ah_output(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		       struct sk_buff *skb)
{
	struct nfipsec_sa *sa = x->sa[x->next];
	bool tunnel = sa->mode == NFIPSEC_MODE_TUNNEL;
	bool frag_ok = false, df = false;
	unsigned int off = 0, outer = 0, need_head;
	struct nfipsec_ah_ctx *ctx;
	struct ip_auth_hdr *ah;
	struct dst_entry *dst;
	u8 nexthdr, dsf = 0;
	int nhoff = 0;
	u64 seq;

	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop_nomem;
	if (skb_linearize(skb))
		goto drop_nomem;

	if (tunnel) {
		dst = ah_tunnel_prepare(nn, x, skb, &nexthdr, &dsf, &df,
					&frag_ok);
		if (!dst)
			return;
		outer = sa->family == AF_INET ? sizeof(struct iphdr) :
						sizeof(struct ipv6hdr);
		off = outer;
	} else {
		dst = dst_clone(skb_dst(skb));
		if (!dst) {
			nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_ROUTE);
			return;
		}
		if (ah_transport_place(skb, &off, &nhoff, &nexthdr)) {
			dst_release(dst);
			nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_MALFORMED);
			return;
		}
		frag_ok = x->next ? x->frag_ok : true;
	}

	seq = atomic64_inc_return(&sa->seq_out);
	if (!(sa->flags & NFIPSEC_SA_F_ESN) && seq > U32_MAX) {
		dst_release(dst);
		if (!test_and_set_bit(0, &sa->seq_exhausted))
			nfipsec_ev_seq_exhausted(nn, sa);
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_SEQ_OVERFLOW);
		return;
	}

	need_head = outer + sa->ah_hlen + LL_RESERVED_SPACE(dst->dev);
	if ((skb_cloned(skb) || skb_headroom(skb) < need_head) &&
	    pskb_expand_head(skb, max_t(int, need_head - skb_headroom(skb), 0),
			     0, GFP_ATOMIC)) {
		dst_release(dst);
		goto drop_nomem;
	}
	ctx = ah_ctx_alloc(sa, off);
	if (!ctx) {
		dst_release(dst);
		goto drop_nomem;
	}
	ctx->skb = skb;
	ctx->sa = sa;
	ctx->nn = nn;
	ctx->seq = seq;
	ctx->len = tunnel ? skb->len : skb->len - off;
	nfipsec_xfrms_copy(&ctx->x, x);
	ctx->x.frag_ok = frag_ok;
	atomic_inc(&nn->inflight);

	if (tunnel) {
		skb_push(skb, outer + sa->ah_hlen);
		skb_reset_network_header(skb);
		skb_dst_drop(skb);
		skb_dst_set(skb, dst);
		nfipsec_build_outer(sa, skb, dst, dsf, df, outer, IPPROTO_AH);
		nf_reset_ct(skb);
	} else {
		dst_release(dst);
		skb_push(skb, sa->ah_hlen);
		memmove(skb->data, skb->data + sa->ah_hlen, off);
		skb_reset_network_header(skb);
		skb->data[nhoff] = IPPROTO_AH;
		if (skb->protocol == htons(ETH_P_IP)) {
			ip_hdr(skb)->tot_len = htons(skb->len);
			if (!x->next)
				ip_hdr(skb)->frag_off &= ~htons(IP_DF);
		} else {
			ipv6_hdr(skb)->payload_len =
				htons(skb->len - sizeof(struct ipv6hdr));
		}
	}
	skb_set_transport_header(skb, off);

	ah = (void *)(skb->data + off);
	ah->nexthdr = nexthdr;
	ah->hdrlen = sa->ah_hlen / 4 - 2;
	ah->reserved = 0;
	ah->spi = sa->spi;
	ah->seq_no = htonl(lower_32_bits(seq));
	memset(ah->auth_data, 0, sa->ah_hlen - AH_HLEN);

	ah_hash(ctx, true, ah_output_finish, ah_output_done_cb);
	return;

drop_nomem:
	nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
}

/* ---- input --------------------------------------------------------------- */

static void ah_input_finish(struct nfipsec_ah_ctx *ctx, int err)
{
	struct nfipsec_net *nn = ctx->nn;
	struct nfipsec_sa *sa = ctx->sa;
	struct sk_buff *skb = ctx->skb;
	struct ip_auth_hdr *ah;
	unsigned int hlen;
	int reason;

	if (err) {
		reason = err == -EINVAL ? NFIPSEC_DROP_MALFORMED :
					  NFIPSEC_DROP_CRYPTO;
		goto drop;
	}
	reason = NFIPSEC_DROP_ICV;
	if (crypto_memneq(ctx->digest, ctx->icv, sa->icvlen))
		goto drop;
	reason = NFIPSEC_DROP_REPLAY;
	if (!nfipsec_replay_advance(&sa->replay, ctx->seq,
				    sa->flags & NFIPSEC_SA_F_ESN))
		goto drop;

	memcpy(skb->data, ctx->saved, ctx->hdr_len);
	ah = (void *)(skb->data + ctx->hdr_len);
	hlen = (ah->hdrlen + 2) * 4;
	reason = nfipsec_decap(sa, skb, ctx->hdr_len, hlen, ah->nexthdr);
	if (reason)
		goto drop;
	nfipsec_input_decapped(nn, &ctx->x, skb);
	goto out;

drop:
	nfipsec_in_drop(nn, sa, skb, reason);
out:
	ah_ctx_done(ctx);
}

static void ah_input_done(void *data, int err)
{
	ah_input_finish(data, err);
}

NFIPSEC_CRYPTO_DONE(ah_input_done)

/* The lengths the AH header of @sa may have on the wire. */
static bool ah_hlen_ok(const struct nfipsec_sa *sa, unsigned int hlen)
{
	unsigned int min = AH_HLEN + sa->icvlen;

	if (hlen == ALIGN(min, 8))
		return true;
	return sa->family == AF_INET && hlen == ALIGN(min, 4);
}

/*
 * Consumes @skb, AH for x->sa[x->n - 1] at @ah_off from the network
 * header (skb->data). The caller keeps its references.
 */
void nfipsec_ah_input(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		      struct sk_buff *skb, unsigned int ah_off)
{
	struct nfipsec_sa *sa = x->sa[x->n - 1];
	bool esn = sa->flags & NFIPSEC_SA_F_ESN;
	struct nfipsec_ah_ctx *ctx;
	struct ip_auth_hdr *ah;
	unsigned int hlen;

	if (skb_linearize(skb) || skb_unclone(skb, GFP_ATOMIC)) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
		return;
	}
	if (skb->len < ah_off + AH_HLEN) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_MALFORMED);
		return;
	}
	ah = (void *)(skb->data + ah_off);
	hlen = (ah->hdrlen + 2) * 4;
	if (!ah_hlen_ok(sa, hlen) || skb->len < ah_off + hlen) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_MALFORMED);
		return;
	}

	ctx = ah_ctx_alloc(sa, ah_off);
	if (!ctx) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
		return;
	}
	ctx->skb = skb;
	ctx->sa = sa;
	ctx->nn = nn;
	ctx->seq = nfipsec_replay_infer(&sa->replay, ntohl(ah->seq_no), esn);
	if (!nfipsec_replay_check(&sa->replay, ctx->seq, esn)) {
		kfree(ctx);
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_REPLAY);
		return;
	}
	nfipsec_xfrms_copy(&ctx->x, x);
	atomic_inc(&nn->inflight);
	memcpy(ctx->icv, ah->auth_data, sa->icvlen);
	memset(ah->auth_data, 0, sa->icvlen);

	ah_hash(ctx, false, ah_input_finish, ah_input_done_cb);
}

/* ---- SA set-up ----------------------------------------------------------- */

int nfipsec_ah_setup(struct nfipsec_sa *sa, struct netlink_ext_ack *extack)
{
	unsigned int align;
	struct crypto_ahash *ahash;
	int err;

	ahash = crypto_alloc_ahash(sa->auth_alg->name, 0, 0);
	if (IS_ERR(ahash)) {
		err = PTR_ERR(ahash);
		NL_SET_ERR_MSG_MOD(extack,
				   "the kernel's crypto API cannot instantiate this hash");
		return err == -ENOENT ? -ENOPROTOOPT : err;
	}
	err = crypto_ahash_setkey(ahash, sa->auth_key, sa->auth_keylen);
	if (err) {
		NL_SET_ERR_MSG_MOD(extack, "the hash refused the key");
		goto err_free;
	}
	if (sa->icv_bits / 8 > crypto_ahash_digestsize(ahash) ||
	    sa->icv_bits / 8 > AH_DIGEST_MAX) {
		NL_SET_ERR_MSG_MOD(extack, "truncation longer than the digest");
		err = -EINVAL;
		goto err_free;
	}
	sa->ahash = ahash;
	sa->icvlen = sa->icv_bits / 8;
	align = sa->family == AF_INET && (sa->flags & NFIPSEC_SA_F_ALIGN4) ?
		4 : 8;
	sa->ah_hlen = ALIGN(AH_HLEN + sa->icvlen, align);
	return 0;

err_free:
	crypto_free_ahash(ahash);
	return err;
}
