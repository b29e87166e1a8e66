// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: ESP output (RFC 4303), transport and tunnel mode, from the
 * POST_ROUTING hook; and the bundle around it: the SAs a policy's templates
 * resolved to are applied one after the other, innermost first (ESP, then
 * AH over it: ah.c), each stage starting the next when its crypto is done
 * (nfipsec_output_next), the last one sending the packet.
 *
 * GSO packets are segmented first and partial checksums completed, since
 * the payload is about to be encrypted. Each packet is then laid out in
 * place (linear, unshared):
 *
 *   transport  [IP hdr][ESP][IV][payload][pad 1,2,3..][padlen][nh][ICV]
 *   tunnel     [outer][ESP][IV][inner IP packet][pad][padlen][nh][ICV]
 *
 * With ENCAP (RFC 3948) a UDP header sits between the IP header and ESP,
 * its 8 bytes counted in the headroom and the tunnel MTU.
 *
 * The AEAD request covers [assoc][IV ... ICV]; assoc (SPI, seq, with ESN
 * the high half) is built apart, so the ESP header on the wire keeps its
 * 8 bytes while authencesn and GCM see the 12 they want. The IV is the
 * 64-bit sequence number for counter-based modes (GCM, GMAC, CTR,
 * ChaCha20: unique per key, as RFC 4106 section 3.1 allows) and random
 * for CBC. The finished packet is sent with ip_local_out/ip6_local_out
 * while the per-CPU nfipsec_in_xmit flag tells our own hooks to let it
 * pass.
 *
 * Path MTU (tunnel): if the result would not fit the route to the peer and
 * the inner packet may not be fragmented (IPv4 DF, IPv6 unless the local
 * socket allows it), the sender gets ICMP "fragmentation needed" / ICMPv6
 * "packet too big" with the inner MTU that fits, and the packet is dropped
 * (NFIPSEC_DROP_MTU); a local TCP sender learns it through the ICMP as for
 * any router. Otherwise the outer packet is sent with DF clear and the
 * stack fragments it. Transport mode, and a tunnel whose peer is the inner
 * destination itself, cannot split "inner" from "outer" path MTU (it is
 * one route), so their outer packets are fragmented instead. The MTU is
 * that of the route to the peer: the first hop's, until a router further
 * on reports a narrower path with ICMP "fragmentation needed" / "packet
 * too big" quoting our ESP; pmtu.c checks such an ICMP and records the
 * path MTU on that route (ipv4_update_pmtu/ip6_update_pmtu), so the next
 * packet finds it here. An inner MTU below 576 (IPv4) or 1280 (IPv6)
 * cannot be asked of the sender; the outer packet is fragmented then.
 * The inner packet's conntrack entry was confirmed by the hook (hooks.c).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/random.h>
#include <linux/udp.h>
#include <net/dsfield.h>
#include <net/icmp.h>
#include <net/inet_ecn.h>
#include <net/ip.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "nfipsec.h"
#include "compat.h"
#include "esp.h"

void nfipsec_out_drop(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		      struct sk_buff *skb, int reason)
{
	nfipsec_drop_inc(nn, reason);
	if (sa)
		nfipsec_sa_stat_add(sa, NFIPSEC_SA_STAT_ERRORS, 1);
	net_dbg_ratelimited("out SPI 0x%08x: drop, reason %d\n",
			    sa ? ntohl(sa->spi) : 0, reason);
	kfree_skb(skb);
}

/* The route to the SA's peer; pmtu.c reads its MTU too. */
struct dst_entry *nfipsec_route_outer(struct net *net,
				      const struct nfipsec_sa *sa)
{
	if (sa->family == AF_INET) {
		struct flowi4 fl4 = {
			.daddr = sa->dst.ip,
			.saddr = sa->src.ip,
			.flowi4_proto = sa->proto,
		};
		struct rtable *rt = ip_route_output_key(net, &fl4);

		return IS_ERR(rt) ? ERR_CAST(rt) : &rt->dst;
	}
	{
		struct flowi6 fl6 = {
			.daddr = sa->dst.in6,
			.saddr = sa->src.in6,
			.flowi6_proto = sa->proto,
		};
		struct dst_entry *dst = ip6_route_output(net, NULL, &fl6);
		int err = dst->error;

		if (err) {
			dst_release(dst);
			return ERR_PTR(err);
		}
		return dst;
	}
}

/*
 * Where ESP goes in an IPv6 packet: after the hop-by-hop and routing
 * headers (RFC 4303 section 3.1.1). Returns that offset and sets *nhoff to
 * the next-header byte to rewrite. The skb is linear.
 */
static unsigned int ipv6_esp_offset(struct sk_buff *skb, unsigned int *nhoff,
				    u8 *nexthdr)
{
	unsigned int off = sizeof(struct ipv6hdr);
	u8 nh = ipv6_hdr(skb)->nexthdr;

	*nhoff = offsetof(struct ipv6hdr, nexthdr);
	while ((nh == NEXTHDR_HOP || nh == NEXTHDR_ROUTING) &&
	       off + 8 <= skb->len) {
		const u8 *p = skb->data + off;

		*nhoff = off;
		nh = p[0];
		off += (p[1] + 1) * 8;
	}
	*nexthdr = nh;
	return off;
}

/* Largest inner packet whose ESP tunnel packet fits @mtu. */
static unsigned int inner_mtu(const struct nfipsec_sa *sa, unsigned int mtu,
			      unsigned int outer_hlen)
{
	int room = mtu - outer_hlen - NFIPSEC_ESP_HLEN - sa->ivlen - sa->icvlen;

	if (room < 2 + sa->blksize)
		return 0;
	return rounddown(room, sa->blksize) - 2;
}

/* The last stage is done: send the packet. */
static void nfipsec_xmit(struct nfipsec_net *nn, struct nfipsec_xfrms *x,
			 struct sk_buff *skb)
{
	u16 family = skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6;
	struct sock *sk = family == x->ifamily ? skb->sk : NULL;

	nfipsec_cnt_inc(nn, NFIPSEC_CNT_OUT_PACKETS);
	if (x->frag_ok)
		skb->ignore_df = 1;
	local_bh_disable();
	__this_cpu_write(nfipsec_in_xmit, true);
	if (family == AF_INET) {
		memset(IPCB(skb), 0, sizeof(*IPCB(skb)));
		ip_local_out(nn->net, sk, skb);
	} else {
		memset(IP6CB(skb), 0, sizeof(*IP6CB(skb)));
		ip6_local_out(nn->net, sk, skb);
	}
	__this_cpu_write(nfipsec_in_xmit, false);
	local_bh_enable();
}

static void output_step(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
			struct sk_buff *skb)
{
	if (x->sa[x->next]->proto == IPPROTO_AH)
		nfipsec_ah_output(nn, x, skb);
	else
		nfipsec_esp_output(nn, x, skb);
}

/*
 * A stage applied x->sa[x->next] (@x is its request's copy, which it
 * frees afterwards): apply the next, or send. Consumes @skb.
 */
void nfipsec_output_next(struct nfipsec_net *nn, struct nfipsec_xfrms *x,
			 struct sk_buff *skb)
{
	if (++x->next < x->n)
		output_step(nn, x, skb);
	else
		nfipsec_xmit(nn, x, skb);
}

/* What the stages after x->next add at most, for their MTU. */
unsigned int nfipsec_overhead_after(const struct nfipsec_xfrms *x)
{
	unsigned int i, n = 0;

	for (i = x->next + 1; i < x->n; i++) {
		const struct nfipsec_sa *sa = x->sa[i];

		if (sa->mode == NFIPSEC_MODE_TUNNEL)
			n += sa->family == AF_INET ? sizeof(struct iphdr) :
						     sizeof(struct ipv6hdr);
		if (sa->encap_type)
			n += NFIPSEC_UDP_HLEN;
		if (sa->proto == IPPROTO_AH)
			n += sa->ah_hlen;
		else
			n += NFIPSEC_ESP_HLEN + sa->ivlen + sa->blksize + 1 +
			     sa->icvlen;
	}
	return n;
}

/*
 * @skb was transformed by @sa, stage of @x: count its @len payload bytes
 * against the SA's lifetime and counters, and pass it on (ESP and AH).
 */
void nfipsec_output_done(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			 struct nfipsec_xfrms *x, struct sk_buff *skb,
			 unsigned int len)
{
	if (!nfipsec_sa_lft_use(sa, len)) {
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_EXPIRED);
		return;
	}
	nfipsec_sa_stat_add(sa, NFIPSEC_SA_STAT_PACKETS_OUT, 1);
	nfipsec_sa_stat_add(sa, NFIPSEC_SA_STAT_BYTES_OUT, len);
	nfipsec_output_next(nn, x, skb);
}

static void esp_output_finish(struct nfipsec_esp_ctx *ctx, int err)
{
	struct nfipsec_net *nn = ctx->nn;
	struct nfipsec_sa *sa = ctx->sa;
	struct sk_buff *skb = ctx->skb;

	if (err)
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_CRYPTO);
	else
		nfipsec_output_done(nn, sa, &ctx->x, skb, ctx->len);
	esp_ctx_done(ctx);
}

static void esp_output_done(void *data, int err)
{
	esp_output_finish(data, err);
}

NFIPSEC_CRYPTO_DONE(esp_output_done)

void nfipsec_build_outer(struct nfipsec_sa *sa, struct sk_buff *skb,
			 struct dst_entry *dst, u8 dsf, bool df,
			 unsigned int hlen, u8 proto)
{
	u8 tos = dsf & ~INET_ECN_MASK;

	tos = sa->flags & NFIPSEC_SA_F_NOECN ? tos :
	      INET_ECN_encapsulate(tos, dsf);
	if (sa->family == AF_INET) {
		struct iphdr *iph = ip_hdr(skb);

		iph->version = 4;
		iph->ihl = 5;
		iph->tos = tos;
		iph->tot_len = htons(skb->len);
		iph->frag_off = df ? htons(IP_DF) : 0;
		iph->ttl = ip4_dst_hoplimit(dst);
		iph->protocol = proto;
		iph->saddr = sa->src.ip;
		iph->daddr = sa->dst.ip;
		skb->protocol = htons(ETH_P_IP);
		ip_select_ident(dev_net(dst->dev), skb, NULL);
	} else {
		struct ipv6hdr *ip6h = ipv6_hdr(skb);

		ip6_flow_hdr(ip6h, tos, 0);
		ip6h->payload_len = htons(skb->len - hlen);
		ip6h->nexthdr = proto;
		ip6h->hop_limit = ip6_dst_hoplimit(dst);
		ip6h->saddr = sa->src.in6;
		ip6h->daddr = sa->dst.in6;
		skb->protocol = htons(ETH_P_IPV6);
	}
}

/*
 * RFC 3948 section 2.1: [IP][UDP][ESP], checksum 0 (IPv4). The ports are
 * read once: SA_UPDATE may change them under traffic.
 */
static void esp_udp_header(struct nfipsec_sa *sa, struct sk_buff *skb,
			   unsigned int off)
{
	struct udphdr *uh = (struct udphdr *)(skb->data + off);

	uh->source = READ_ONCE(sa->encap_sport);
	uh->dest = READ_ONCE(sa->encap_dport);
	uh->len = htons(skb->len - off);
	uh->check = 0;
	ip_hdr(skb)->protocol = IPPROTO_UDP;
}

/*
 * Tunnel mode: may a packet that will be @total bytes on the wire leave
 * by @dst? 0: yes, as *frag_ok and *df say (see the top of this file);
 * -EMSGSIZE: the inner sender was told "too big" with @imtu, the largest
 * inner packet that fits, and the caller drops the packet.
 */
int nfipsec_tunnel_mtu(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		       struct sk_buff *skb, struct dst_entry *dst,
		       unsigned int total, unsigned int imtu, bool *frag_ok,
		       bool *df)
{
	u16 ifamily = skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6;
	bool self;

	if (total <= dst_mtu(dst))
		return 0;
	self = ifamily == sa->family &&
	       (ifamily == AF_INET ? ip_hdr(skb)->daddr == sa->dst.ip :
		ipv6_addr_equal(&ipv6_hdr(skb)->daddr, &sa->dst.in6));
	if (self || skb->ignore_df ||
	    (ifamily == AF_INET && !(ip_hdr(skb)->frag_off & htons(IP_DF))) ||
	    (ifamily == AF_INET6 && imtu < IPV6_MIN_MTU) ||
	    (ifamily == AF_INET && imtu < 576)) {
		*frag_ok = true;
		*df = false;
		return 0;
	}
	if (skb->sk)
		skb_dst_update_pmtu_no_confirm(skb, imtu);
	if (ifamily == AF_INET) {
		struct ip_options opt = {};

		__icmp_send(skb, ICMP_DEST_UNREACH, ICMP_FRAG_NEEDED,
			    htonl(imtu), &opt);
	} else {
		icmpv6_send(skb, ICMPV6_PKT_TOOBIG, 0, imtu);
	}
	return -EMSGSIZE;
}

/*
 * Apply x->sa[x->next], an ESP SA. A transport stage applied to the
 * packet as it came lets it be fragmented (its DF cleared); one over an
 * earlier stage keeps what that stage decided.
 */
void nfipsec_esp_output(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
			struct sk_buff *skb)
{
	u16 ifamily = skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6;
	struct nfipsec_sa *sa = x->sa[x->next];
	bool tunnel = sa->mode == NFIPSEC_MODE_TUNNEL;
	unsigned int ihl = 0, nhoff = 0, outer_hlen = 0, plen, clen, padlen;
	unsigned int hdrlen, tail, need_head, alen, i, later;
	unsigned int ulen = sa->encap_type ? NFIPSEC_UDP_HLEN : 0;
	struct nfipsec_esp_ctx *ctx;
	struct aead_request *req;
	struct dst_entry *dst;
	u8 nexthdr, dsf = 0, *p;
	bool frag_ok = false, df = false;
	u64 seq;
	int err;

	/* ESP in UDP only as the outermost stage: AH in UDP is not a thing */
	if (ulen && x->next != x->n - 1) {
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_BUNDLE);
		return;
	}
	if (skb->ip_summed == CHECKSUM_PARTIAL && skb_checksum_help(skb))
		goto drop_nomem;
	if (skb_linearize(skb))
		goto drop_nomem;

	if (tunnel) {
		dst = nfipsec_route_outer(nn->net, sa);
		if (IS_ERR(dst)) {
			nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_ROUTE);
			return;
		}
		outer_hlen = sa->family == AF_INET ? sizeof(struct iphdr) :
						     sizeof(struct ipv6hdr);
		plen = skb->len;
		if (ifamily == AF_INET) {
			nexthdr = IPPROTO_IPIP;
			dsf = ipv4_get_dsfield(ip_hdr(skb));
			df = ip_hdr(skb)->frag_off & htons(IP_DF);
		} else {
			nexthdr = IPPROTO_IPV6;
			dsf = ipv6_get_dsfield(ipv6_hdr(skb));
			df = true;
		}
		if (sa->df == NFIPSEC_DF_SET)
			df = true;
		else if (sa->df == NFIPSEC_DF_CLEAR)
			df = false;
	} else {
		dst = dst_clone(skb_dst(skb));
		if (!dst) {
			nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_ROUTE);
			return;
		}
		if (ifamily == AF_INET) {
			ihl = ip_hdrlen(skb);
			nexthdr = ip_hdr(skb)->protocol;
		} else {
			ihl = ipv6_esp_offset(skb, &nhoff, &nexthdr);
		}
		if (ihl > skb->len) {
			dst_release(dst);
			nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_MALFORMED);
			return;
		}
		plen = skb->len - ihl;
		frag_ok = x->next ? x->frag_ok : true;
	}

	clen = ALIGN(plen + 2, sa->blksize);
	padlen = clen - plen - 2;
	hdrlen = outer_hlen + ulen + NFIPSEC_ESP_HLEN + sa->ivlen;
	tail = padlen + 2 + sa->icvlen;

	later = nfipsec_overhead_after(x);
	if (tunnel &&
	    nfipsec_tunnel_mtu(nn, sa, skb, dst, skb->len + hdrlen + tail + later,
			       inner_mtu(sa, max_t(int, dst_mtu(dst) - later, 0),
					 outer_hlen + ulen),
			       &frag_ok, &df)) {
		dst_release(dst);
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_MTU);
		return;
	}

	seq = atomic64_inc_return(&sa->seq_out);
	if (!(sa->flags & NFIPSEC_SA_F_ESN) && seq > U32_MAX) {
		dst_release(dst);
		if (!test_and_set_bit(0, &sa->seq_exhausted))
			nfipsec_ev_seq_exhausted(nn, sa);
		nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_SEQ_OVERFLOW);
		return;
	}

	need_head = hdrlen + LL_RESERVED_SPACE(dst->dev);
	if (skb_cloned(skb) || skb_headroom(skb) < need_head ||
	    skb_tailroom(skb) < tail) {
		if (pskb_expand_head(skb,
				     max_t(int, need_head - skb_headroom(skb), 0),
				     max_t(int, tail - skb_tailroom(skb), 0),
				     GFP_ATOMIC)) {
			dst_release(dst);
			goto drop_nomem;
		}
	}

	ctx = esp_ctx_alloc(sa);
	if (!ctx) {
		dst_release(dst);
		goto drop_nomem;
	}
	ctx->skb = skb;
	ctx->sa = sa;
	ctx->nn = nn;
	ctx->seq = seq;
	ctx->len = plen;
	nfipsec_xfrms_copy(&ctx->x, x);
	ctx->x.frag_ok = frag_ok;
	atomic_inc(&nn->inflight);

	/* trailer: RFC 4303 section 2.4 padding 1, 2, 3, ... */
	p = skb_put(skb, tail);
	for (i = 0; i < padlen; i++)
		p[i] = i + 1;
	p[padlen] = padlen;
	p[padlen + 1] = nexthdr;

	if (tunnel) {
		skb_push(skb, hdrlen);
		skb_reset_network_header(skb);
		skb_dst_drop(skb);
		skb_dst_set(skb, dst);
		nfipsec_build_outer(sa, skb, dst, dsf, df, outer_hlen,
				    IPPROTO_ESP);
		nf_reset_ct(skb);
		ctx->esp_off = outer_hlen + ulen;
	} else {
		unsigned int esp_len = ulen + NFIPSEC_ESP_HLEN + sa->ivlen;

		dst_release(dst);
		skb_push(skb, esp_len);
		memmove(skb->data, skb->data + esp_len, ihl);
		skb_reset_network_header(skb);
		if (ifamily == AF_INET) {
			ip_hdr(skb)->protocol = IPPROTO_ESP;
			ip_hdr(skb)->tot_len = htons(skb->len);
			if (!x->next)
				ip_hdr(skb)->frag_off &= ~htons(IP_DF);
		} else {
			skb->data[nhoff] = IPPROTO_ESP;
			ipv6_hdr(skb)->payload_len =
				htons(skb->len - sizeof(struct ipv6hdr));
		}
		ctx->esp_off = ihl + ulen;
	}
	skb_set_transport_header(skb, ctx->esp_off - ulen);
	if (ulen)
		esp_udp_header(sa, skb, ctx->esp_off - ulen);

	p = skb->data + ctx->esp_off;
	put_unaligned(sa->spi, (__be32 *)p);
	put_unaligned_be32(lower_32_bits(seq), p + 4);
	if (sa->ivlen == 16)
		get_random_bytes(ctx->iv, 16);
	else if (sa->ivlen == 8)
		put_unaligned_be64(seq, ctx->iv);
	memcpy(p + NFIPSEC_ESP_HLEN, ctx->iv, sa->ivlen);

	alen = esp_fill_assoc(ctx);
	req = esp_ctx_req(ctx);
	aead_request_set_tfm(req, sa->aead);
	aead_request_set_callback(req, 0, esp_output_done_cb, ctx);
	sg_init_table(ctx->sg, 2);
	sg_set_buf(&ctx->sg[0], ctx->assoc, alen);
	sg_set_buf(&ctx->sg[1], p + NFIPSEC_ESP_HLEN,
		   sa->ivlen + clen + sa->icvlen);
	aead_request_set_crypt(req, ctx->sg, ctx->sg, clen, ctx->iv);
	aead_request_set_ad(req, alen + sa->ivlen);

	err = crypto_aead_encrypt(req);
	if (err == -EINPROGRESS)
		return;
	esp_output_finish(ctx, err);
	return;

drop_nomem:
	nfipsec_out_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
}

/*
 * Apply the bundle @x (x->next 0) to @skb; consumes @skb, the caller keeps
 * its references.
 */
void nfipsec_output(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		    struct sk_buff *skb)
{
	struct sk_buff *segs, *next;

	if (!skb_is_gso(skb)) {
		output_step(nn, x, skb);
		return;
	}
	segs = skb_gso_segment(skb, 0);
	if (IS_ERR_OR_NULL(segs)) {
		nfipsec_out_drop(nn, x->sa[0], skb, NFIPSEC_DROP_NOMEM);
		return;
	}
	consume_skb(skb);
	skb_list_walk_safe(segs, skb, next) {
		skb_mark_not_on_list(skb);
		output_step(nn, x, skb);
	}
}
