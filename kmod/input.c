// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: ESP input (RFC 4303 section 3.4), from the PRE_ROUTING hook.
 *
 * In order: length and alignment checks, the replay check (before
 * decryption, so replays cost no crypto), decryption and ICV verification
 * (possibly asynchronous), then the replay window advances (only now: a
 * forged packet must not move it), padding and next header are checked,
 * the packet is decapsulated (tunnel: the inner packet, ECN per RFC 6040;
 * transport: the IP header is moved up over ESP), and the result must
 * match the SA's selector and the in (local destination) or fwd policy: a
 * protect policy must name this SA. It then enters the stack through
 * nfipsec0 (dev.c). Each drop is counted under its reason and, where it
 * concerns one, on the SA.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/addrconf.h>
#include <net/dsfield.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "nfipsec.h"
#include "compat.h"
#include "esp.h"

static void in_drop(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		    struct sk_buff *skb, int reason)
{
	int stat = NFIPSEC_SA_STAT_ERRORS;

	nfipsec_drop_inc(nn, reason);
	if (reason == NFIPSEC_DROP_REPLAY)
		stat = NFIPSEC_SA_STAT_REPLAY;
	else if (reason == NFIPSEC_DROP_ICV)
		stat = NFIPSEC_SA_STAT_ICV_FAIL;
	nfipsec_sa_stat_add(sa, stat, 1);
	net_dbg_ratelimited("in SPI 0x%08x: drop, reason %d\n",
			    ntohl(sa->spi), reason);
	kfree_skb(skb);
}

/* Offset of the next-header byte that names ESP (IPv6, linear skb). */
static int ipv6_esp_nhoff(struct sk_buff *skb, unsigned int esp_off)
{
	unsigned int off = sizeof(struct ipv6hdr);
	unsigned int nhoff = offsetof(struct ipv6hdr, nexthdr);

	while (off < esp_off) {
		const u8 *p = skb->data + off;
		u8 nh = skb->data[nhoff];

		nhoff = off;
		if (nh == NEXTHDR_AUTH)
			off += (p[1] + 2) * 4;
		else
			off += (p[1] + 1) * 8;
	}
	return off == esp_off ? nhoff : -EINVAL;
}

static bool inner_is_local(struct net *net, const struct nfipsec_pkt *pkt)
{
	if (pkt->family == AF_INET)
		return inet_addr_type(net, pkt->dst.ip) == RTN_LOCAL;
	return ipv6_chk_addr(net, &pkt->dst.in6, NULL, 0);
}

/* The in/fwd policy must allow what the SA brought. */
static int check_policy(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			const struct nfipsec_pkt *pkt)
{
	u8 dir = inner_is_local(nn->net, pkt) ? NFIPSEC_DIR_IN :
						NFIPSEC_DIR_FWD;
	struct nfipsec_policy *p;
	int i;

	if (!READ_ONCE(nn->npol[dir]))
		return 0;
	p = nfipsec_spd_lookup(nn, dir, pkt);
	if (!p || p->action == NFIPSEC_ACT_BYPASS)
		return 0;
	if (p->action == NFIPSEC_ACT_DISCARD)
		return NFIPSEC_DROP_POLICY_DISCARD;
	for (i = 0; i < p->ntmpl; i++)
		if (nfipsec_tmpl_match_sa(&p->tmpl[i], sa, pkt))
			return 0;
	return NFIPSEC_DROP_POLICY_MISMATCH;
}

static int decap_tunnel(struct nfipsec_sa *sa, struct sk_buff *skb,
			unsigned int off, u8 nh)
{
	u8 outer_dsf, inner_dsf;

	if (nh != IPPROTO_IPIP && nh != IPPROTO_IPV6)
		return NFIPSEC_DROP_BAD_NEXTHDR;
	outer_dsf = sa->family == AF_INET ? ipv4_get_dsfield(ip_hdr(skb)) :
					    ipv6_get_dsfield(ipv6_hdr(skb));
	skb_pull(skb, off);
	skb_reset_network_header(skb);
	if (nh == IPPROTO_IPIP) {
		struct iphdr *iph = ip_hdr(skb);
		unsigned int tot;

		if (skb->len < sizeof(*iph) || iph->version != 4 ||
		    iph->ihl < 5)
			return NFIPSEC_DROP_MALFORMED;
		tot = ntohs(iph->tot_len);
		if (tot < iph->ihl * 4 || tot > skb->len ||
		    pskb_trim(skb, tot))
			return NFIPSEC_DROP_MALFORMED;
		skb->protocol = htons(ETH_P_IP);
		inner_dsf = ipv4_get_dsfield(iph);
		if ((sa->flags & NFIPSEC_SA_F_DECAP_DSCP))
			ipv4_change_dsfield(iph, INET_ECN_MASK,
					    outer_dsf & ~INET_ECN_MASK);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);
		unsigned int tot;

		if (skb->len < sizeof(*ip6h) || ip6h->version != 6)
			return NFIPSEC_DROP_MALFORMED;
		tot = ntohs(ip6h->payload_len) + sizeof(*ip6h);
		if (tot > skb->len || pskb_trim(skb, tot))
			return NFIPSEC_DROP_MALFORMED;
		skb->protocol = htons(ETH_P_IPV6);
		inner_dsf = ipv6_get_dsfield(ip6h);
		if ((sa->flags & NFIPSEC_SA_F_DECAP_DSCP))
			ipv6_change_dsfield(ip6h, INET_ECN_MASK,
					    outer_dsf & ~INET_ECN_MASK);
	}
	if (!(sa->flags & NFIPSEC_SA_F_NOECN) &&
	    INET_ECN_decapsulate(skb, outer_dsf, inner_dsf) == 2)
		return NFIPSEC_DROP_MALFORMED;
	return 0;
}

static int decap_transport(struct nfipsec_sa *sa, struct sk_buff *skb,
			   unsigned int esp_off, unsigned int hdr, u8 nh)
{
	if (sa->family == AF_INET) {
		struct iphdr *iph;

		memmove(skb->data + hdr, skb->data, esp_off);
		skb_pull(skb, hdr);
		skb_reset_network_header(skb);
		iph = ip_hdr(skb);
		iph->protocol = nh;
		iph->tot_len = htons(skb->len);
		ip_send_check(iph);
	} else {
		int nhoff = ipv6_esp_nhoff(skb, esp_off);

		if (nhoff < 0)
			return NFIPSEC_DROP_MALFORMED;
		memmove(skb->data + hdr, skb->data, esp_off);
		skb_pull(skb, hdr);
		skb_reset_network_header(skb);
		skb->data[nhoff] = nh;
		ipv6_hdr(skb)->payload_len =
			htons(skb->len - sizeof(struct ipv6hdr));
	}
	return 0;
}

static void esp_input_finish(struct nfipsec_esp_ctx *ctx, int err)
{
	struct nfipsec_net *nn = ctx->nn;
	struct nfipsec_sa *sa = ctx->sa;
	struct sk_buff *skb = ctx->skb;
	unsigned int hdr = NFIPSEC_ESP_HLEN + sa->ivlen;
	unsigned int elen, padlen, i;
	struct nfipsec_pkt pkt;
	const u8 *tl;
	int reason;
	u8 nh;

	if (err) {
		reason = err == -EBADMSG ? NFIPSEC_DROP_ICV : NFIPSEC_DROP_CRYPTO;
		goto drop;
	}
	reason = NFIPSEC_DROP_REPLAY;
	if (!nfipsec_replay_advance(&sa->replay, ctx->seq,
				    sa->flags & NFIPSEC_SA_F_ESN))
		goto drop;
	if (ctx->encap)
		nfipsec_encap_mapping(nn, sa, skb, ctx->encap_sport);

	elen = skb->len - ctx->esp_off - hdr - sa->icvlen;
	tl = skb->data + skb->len - sa->icvlen - 2;
	padlen = tl[0];
	nh = tl[1];
	reason = NFIPSEC_DROP_BAD_PADDING;
	if (padlen + 2 > elen)
		goto drop;
	for (i = 0; i < padlen; i++)
		if (tl[(int)i - (int)padlen] != i + 1)
			goto drop;
	reason = NFIPSEC_DROP_MALFORMED;
	if (pskb_trim(skb, skb->len - sa->icvlen - 2 - padlen))
		goto drop;

	if (nh == NEXTHDR_NONE) {
		/* RFC 4303 section 2.6: a dummy packet, silently dropped */
		consume_skb(skb);
		goto out;
	}
	if (sa->mode == NFIPSEC_MODE_TUNNEL)
		reason = decap_tunnel(sa, skb, ctx->esp_off + hdr, nh);
	else
		reason = decap_transport(sa, skb, ctx->esp_off, hdr, nh);
	if (reason)
		goto drop;

	reason = NFIPSEC_DROP_MALFORMED;
	if (nfipsec_pkt_parse(skb, skb->protocol == htons(ETH_P_IP) ?
			      AF_INET : AF_INET6, &pkt))
		goto drop;
	reason = NFIPSEC_DROP_SELECTOR;
	if (sa->has_sel && !nfipsec_sel_match(&sa->sel, &pkt))
		goto drop;
	rcu_read_lock();
	reason = check_policy(nn, sa, &pkt);
	rcu_read_unlock();
	if (reason)
		goto drop;
	reason = NFIPSEC_DROP_NOMEM;
	if (!nn->dev)
		goto drop;
	reason = NFIPSEC_DROP_EXPIRED;
	if (!nfipsec_sa_lft_use(sa, skb->len))
		goto drop;

	nfipsec_sa_stat_add(sa, NFIPSEC_SA_STAT_PACKETS_IN, 1);
	nfipsec_sa_stat_add(sa, NFIPSEC_SA_STAT_BYTES_IN, skb->len);
	nfipsec_cnt_inc(nn, NFIPSEC_CNT_IN_PACKETS);
	/*
	 * RFC 3948 section 3.1.2: behind a NAT the inner TCP/UDP checksum of
	 * transport mode covers addresses that are no longer the packet's;
	 * the ICV has vouched for the payload (XFRM does the same).
	 */
	skb->ip_summed = ctx->encap && sa->mode == NFIPSEC_MODE_TRANSPORT ?
			 CHECKSUM_UNNECESSARY : CHECKSUM_NONE;
	nfipsec_dev_rx(nn->dev, skb);
	goto out;

drop:
	in_drop(nn, sa, skb, reason);
out:
	esp_ctx_done(ctx);
}

static void esp_input_done(void *data, int err)
{
	esp_input_finish(data, err);
}

NFIPSEC_CRYPTO_DONE(esp_input_done)

static void esp_input(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		      struct sk_buff *skb, unsigned int esp_off, bool encap,
		      __be16 sport)
{
	bool esn = sa->flags & NFIPSEC_SA_F_ESN;
	unsigned int hdr = NFIPSEC_ESP_HLEN + sa->ivlen;
	struct nfipsec_esp_ctx *ctx;
	struct aead_request *req;
	unsigned int alen;
	int elen, err;
	u8 *p;

	if (!refcount_inc_not_zero(&sa->ref)) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_NO_SA);
		kfree_skb(skb);
		return;
	}
	if (skb_linearize(skb) || skb_unclone(skb, GFP_ATOMIC)) {
		in_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
		goto put;
	}
	elen = (int)skb->len - (int)(esp_off + hdr + sa->icvlen);
	if (elen <= 0 || elen & (sa->blksize - 1)) {
		in_drop(nn, sa, skb, NFIPSEC_DROP_MALFORMED);
		goto put;
	}

	ctx = esp_ctx_alloc(sa);
	if (!ctx) {
		in_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
		goto put;
	}
	p = skb->data + esp_off;
	ctx->skb = skb;
	ctx->sa = sa;
	ctx->nn = nn;
	ctx->esp_off = esp_off;
	ctx->encap = encap;
	ctx->encap_sport = sport;
	ctx->seq = nfipsec_replay_infer(&sa->replay, get_unaligned_be32(p + 4),
					esn);
	if (!nfipsec_replay_check(&sa->replay, ctx->seq, esn)) {
		kfree(ctx);
		in_drop(nn, sa, skb, NFIPSEC_DROP_REPLAY);
		goto put;
	}
	atomic_inc(&nn->inflight);
	memcpy(ctx->iv, p + NFIPSEC_ESP_HLEN, sa->ivlen);
	alen = esp_fill_assoc(ctx);

	req = esp_ctx_req(ctx);
	aead_request_set_tfm(req, sa->aead);
	aead_request_set_callback(req, 0, esp_input_done_cb, ctx);
	sg_init_table(ctx->sg, 2);
	sg_set_buf(&ctx->sg[0], ctx->assoc, alen);
	sg_set_buf(&ctx->sg[1], p + NFIPSEC_ESP_HLEN,
		   skb->len - esp_off - NFIPSEC_ESP_HLEN);
	aead_request_set_crypt(req, ctx->sg, ctx->sg, elen + sa->icvlen,
			       ctx->iv);
	aead_request_set_ad(req, alen + sa->ivlen);

	err = crypto_aead_decrypt(req);
	if (err == -EINPROGRESS)
		return;
	esp_input_finish(ctx, err);
	return;

put:
	nfipsec_sa_put(sa);
}

/*
 * Consumes @skb, ESP for @sa at @esp_off from the network header (which
 * is skb->data: PRE_ROUTING). Called under RCU; takes its own reference.
 * An SA with ENCAP takes only ESP in UDP (nfipsec_input_encap), as XFRM.
 */
void nfipsec_input(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		   struct sk_buff *skb, unsigned int esp_off)
{
	if (sa->encap_type) {
		in_drop(nn, sa, skb, NFIPSEC_DROP_ENCAP_MISMATCH);
		return;
	}
	esp_input(nn, sa, skb, esp_off, false, 0);
}

/* The same, for ESP that came in UDP from port @sport (udp.c). */
void nfipsec_input_encap(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			 struct sk_buff *skb, unsigned int esp_off,
			 __be16 sport)
{
	esp_input(nn, sa, skb, esp_off, true, sport);
}
