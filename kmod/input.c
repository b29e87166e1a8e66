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
 *
 * Bundles: what comes out of a transform (this ESP, or AH: ah.c) may be
 * ESP or AH for this host again, as AH over ESP is. Then the next
 * transform is applied to it at once (nfipsec_input_decapped), and the
 * SAs removed are collected in order, outermost first, in the request's
 * struct nfipsec_xfrms. Only the last packet is checked against the
 * policy, which must list exactly those SAs: its templates, read from the
 * outermost back, name them one for one (NFIPSEC_DROP_BUNDLE if not), as
 * XFRM's policy check walks its secpath. Every SA's selector must match
 * that packet too.
 *
 * ESP in UDP (udp.c) is the outermost transform of a bundle: the UDP
 * header is gone when the packet comes here (nfipsec_input_encap), and
 * the bundle remembers that it came in UDP, and from which port, for the
 * mapping check. Only x->sa[0] may have ENCAP, and only then.
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

void nfipsec_in_drop(struct nfipsec_net *nn, struct nfipsec_sa *sa,
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

/*
 * Offset of the next-header byte that names the header at @esp_off
 * (IPv6, linear skb, the headers before it walked as they were checked).
 */
int nfipsec_ipv6_nhoff(struct sk_buff *skb, unsigned int esp_off)
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

/*
 * The in/fwd policy must allow what the SAs brought: templates, innermost
 * first, against the SAs removed, outermost first.
 */
static int check_policy(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
			const struct nfipsec_pkt *pkt, u8 dir)
{
	struct nfipsec_policy *p;
	int i;

	if (!READ_ONCE(nn->npol[dir]))
		return 0;
	p = nfipsec_spd_lookup(nn, dir, pkt);
	if (!p || p->action == NFIPSEC_ACT_BYPASS)
		return 0;
	if (p->action == NFIPSEC_ACT_DISCARD)
		return NFIPSEC_DROP_POLICY_DISCARD;
	if (x->n == p->ntmpl) {
		for (i = 0; i < x->n; i++)
			if (!nfipsec_tmpl_match_sa(&p->tmpl[p->ntmpl - 1 - i],
						   x->sa[i], x->sa[i]->family))
				break;
		if (i == x->n)
			return 0;
	}
	return x->n > 1 || p->ntmpl > 1 ? NFIPSEC_DROP_BUNDLE :
					  NFIPSEC_DROP_POLICY_MISMATCH;
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
		int nhoff = nfipsec_ipv6_nhoff(skb, esp_off);

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

/*
 * Remove the ESP or AH header of @sa, @hdr bytes at @off from the network
 * header, and in tunnel mode the outer header; @nh is the protocol that
 * follows. Returns 0 or the drop reason.
 */
int nfipsec_decap(struct nfipsec_sa *sa, struct sk_buff *skb,
		  unsigned int off, unsigned int hdr, u8 nh)
{
	if (sa->mode == NFIPSEC_MODE_TUNNEL)
		return decap_tunnel(sa, skb, off + hdr, nh);
	return decap_transport(sa, skb, off, hdr, nh);
}

static void esp_input_finish(struct nfipsec_esp_ctx *ctx, int err)
{
	struct nfipsec_net *nn = ctx->nn;
	struct nfipsec_sa *sa = ctx->sa;
	struct sk_buff *skb = ctx->skb;
	unsigned int hdr = NFIPSEC_ESP_HLEN + sa->ivlen;
	unsigned int elen, padlen, i;
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
	if (ctx->x.encap && ctx->x.n == 1)
		nfipsec_encap_mapping(nn, sa, skb, ctx->x.encap_sport);

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
	reason = nfipsec_decap(sa, skb, ctx->esp_off, hdr, nh);
	if (reason)
		goto drop;
	nfipsec_input_decapped(nn, &ctx->x, skb);
	goto out;

drop:
	nfipsec_in_drop(nn, sa, skb, reason);
out:
	esp_ctx_done(ctx);
}

static void esp_input_done(void *data, int err)
{
	esp_input_finish(data, err);
}

NFIPSEC_CRYPTO_DONE(esp_input_done)

/*
 * Consumes @skb, ESP for x->sa[x->n - 1] at @esp_off from the network
 * header (which is skb->data: PRE_ROUTING, or a transform just removed).
 * The caller keeps its references; the request takes its own.
 */
void nfipsec_esp_input(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		       struct sk_buff *skb, unsigned int esp_off)
{
	struct nfipsec_sa *sa = x->sa[x->n - 1];
	bool esn = sa->flags & NFIPSEC_SA_F_ESN;
	unsigned int hdr = NFIPSEC_ESP_HLEN + sa->ivlen;
	struct nfipsec_esp_ctx *ctx;
	struct aead_request *req;
	unsigned int alen;
	int elen, err;
	u8 *p;

	/* an SA with ENCAP takes only ESP in UDP, as the outermost SA */
	if (!!sa->encap_type != (x->encap && x->n == 1)) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_ENCAP_MISMATCH);
		return;
	}
	if (skb_linearize(skb) || skb_unclone(skb, GFP_ATOMIC)) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
		return;
	}
	elen = (int)skb->len - (int)(esp_off + hdr + sa->icvlen);
	if (elen <= 0 || elen & (sa->blksize - 1)) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_MALFORMED);
		return;
	}

	ctx = esp_ctx_alloc(sa);
	if (!ctx) {
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_NOMEM);
		return;
	}
	p = skb->data + esp_off;
	ctx->skb = skb;
	ctx->sa = sa;
	ctx->nn = nn;
	ctx->esp_off = esp_off;
	ctx->seq = nfipsec_replay_infer(&sa->replay, get_unaligned_be32(p + 4),
					esn);
	if (!nfipsec_replay_check(&sa->replay, ctx->seq, esn)) {
		kfree(ctx);
		nfipsec_in_drop(nn, sa, skb, NFIPSEC_DROP_REPLAY);
		return;
	}
	nfipsec_xfrms_copy(&ctx->x, x);
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
}

static void input_step(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		       struct sk_buff *skb, unsigned int off)
{
	if (x->sa[x->n - 1]->proto == IPPROTO_AH)
		nfipsec_ah_input(nn, x, skb, off);
	else
		nfipsec_esp_input(nn, x, skb, off);
}

/*
 * IPv6: where the ESP or AH header is, after the hop-by-hop, routing and
 * destination options headers that may precede it (RFC 4302 section
 * 3.1.1, RFC 4303 section 3.1.1; ipv6_skip_exthdr would skip AH too).
 * @off is where the header of next-header value @nh starts. Sets *proto;
 * -1 if neither is there within 8 headers.
 */
int nfipsec_ipv6_ipsec_off(const struct sk_buff *skb, int off, u8 nh,
			   u8 *proto)
{
	const u8 *p;
	u8 buf[2];
	int i;

	for (i = 0; i < 8; i++) {
		if (nh == IPPROTO_ESP || nh == IPPROTO_AH) {
			*proto = nh;
			return off;
		}
		if (nh != NEXTHDR_HOP && nh != NEXTHDR_ROUTING &&
		    nh != NEXTHDR_DEST)
			return -1;
		p = skb_header_pointer(skb, off, sizeof(buf), buf);
		if (!p)
			return -1;
		nh = p[0];
		off += (p[1] + 1) * 8;
	}
	return -1;
}

/*
 * Where the ESP or AH header of the packet at skb->data (its network
 * header) is: IPv4, right after the header unless the packet is a
 * fragment; IPv6, see nfipsec_ipv6_ipsec_off. Sets *proto; -1 if the
 * packet carries neither there.
 */
int nfipsec_ipsec_off(struct sk_buff *skb, u16 family, u8 *proto)
{
	if (family == AF_INET) {
		const struct iphdr *iph = ip_hdr(skb);

		if ((iph->protocol != IPPROTO_ESP &&
		     iph->protocol != IPPROTO_AH) || ip_is_fragment(iph))
			return -1;
		*proto = iph->protocol;
		return ip_hdrlen(skb);
	}
	return nfipsec_ipv6_ipsec_off(skb, sizeof(struct ipv6hdr),
				      ipv6_hdr(skb)->nexthdr, proto);
}

/* The SA of the ESP or AH at @off of the packet, for this host; under RCU. */
static struct nfipsec_sa *next_sa(struct nfipsec_net *nn, struct sk_buff *skb,
				  u16 family, u8 proto, unsigned int off)
{
	union nf_inet_addr dst = {};

	if (family == AF_INET) {
		dst.ip = ip_hdr(skb)->daddr;
		if (inet_addr_type(nn->net, dst.ip) != RTN_LOCAL)
			return NULL;
	} else {
		dst.in6 = ipv6_hdr(skb)->daddr;
		if (!ipv6_chk_addr(nn->net, &dst.in6, NULL, 0))
			return NULL;
	}
	return nfipsec_sa_lookup(nn, get_unaligned((__be32 *)(skb->data + off +
					(proto == IPPROTO_AH ? 4 : 0))),
				 &dst, proto, family);
}

/*
 * The device a decapsulated packet of @x enters on, under RCU: the link of
 * the first SA of the bundle that names one, or nfipsec0; it must be there
 * and up. NULL: drop, for *reason, counted on *sa.
 */
static struct net_device *in_dev(struct nfipsec_net *nn,
				 const struct nfipsec_xfrms *x,
				 struct nfipsec_sa **sa, int *reason)
{
	struct net_device *dev;
	int i;

	for (i = 0; i < x->n; i++)
		if (x->sa[i]->ifindex)
			break;
	if (i == x->n) {
		dev = READ_ONCE(nn->dev);
		if (!dev) {
			*reason = NFIPSEC_DROP_NOMEM;
			return NULL;
		}
		if (!netif_running(dev)) {
			*reason = NFIPSEC_DROP_NO_LINK;
			net_dbg_ratelimited("in: nfipsec0 is down\n");
			return NULL;
		}
		return dev;
	}
	dev = nfipsec_link_get_rcu(nn->net, x->sa[i]->ifindex);
	if (!dev) {
		*sa = x->sa[i];
		*reason = NFIPSEC_DROP_NO_LINK;
		net_dbg_ratelimited("in: SA 0x%08x: link %d gone or down\n",
				    ntohl(x->sa[i]->spi), x->sa[i]->ifindex);
	}
	return dev;
}

/*
 * A transform of @x (the request's copy, freed by the caller afterwards)
 * was removed from @skb, now at its network header: apply the next one
 * the packet carries for this host, or check and deliver the packet.
 */
void nfipsec_input_decapped(struct nfipsec_net *nn, struct nfipsec_xfrms *x,
			    struct sk_buff *skb)
{
	u16 family = skb->protocol == htons(ETH_P_IP) ? AF_INET : AF_INET6;
	struct nfipsec_sa *last = x->sa[x->n - 1], *sa;
	struct net_device *dev;
	struct nfipsec_pkt pkt;
	int reason, off, i;
	bool local;
	u8 proto;

	x->len[x->n - 1] = skb->len;
	off = nfipsec_ipsec_off(skb, family, &proto);
	if (off >= 0) {
		reason = NFIPSEC_DROP_MALFORMED;
		if (skb->len < off + (proto == IPPROTO_AH ? 12 : 8))
			goto drop;
		rcu_read_lock();
		sa = next_sa(nn, skb, family, proto, off);
		if (sa && !refcount_inc_not_zero(&sa->ref))
			sa = NULL;
		rcu_read_unlock();
		if (sa) {
			reason = NFIPSEC_DROP_BUNDLE;
			if (x->n == NFIPSEC_MAX_TMPLS) {
				nfipsec_sa_put(sa);
				goto drop;
			}
			x->sa[x->n++] = sa;
			input_step(nn, x, skb, off);
			return;
		}
	}

	reason = NFIPSEC_DROP_MALFORMED;
	if (nfipsec_pkt_parse(skb, family, &pkt))
		goto drop;
	reason = NFIPSEC_DROP_SELECTOR;
	for (i = 0; i < x->n; i++)
		if (x->sa[i]->has_sel && !nfipsec_sel_match(&x->sa[i]->sel, &pkt))
			goto drop;
	rcu_read_lock();
	local = inner_is_local(nn->net, &pkt);
	reason = check_policy(nn, x, &pkt,
			      local ? NFIPSEC_DIR_IN : NFIPSEC_DIR_FWD);
	rcu_read_unlock();
	if (reason)
		goto drop;
	reason = NFIPSEC_DROP_EXPIRED;
	for (i = 0; i < x->n; i++) {
		last = x->sa[i];
		if (!nfipsec_sa_lft_use(last, x->len[i]))
			goto drop;
	}

	rcu_read_lock();
	dev = in_dev(nn, x, &last, &reason);
	if (!dev) {
		rcu_read_unlock();
		goto drop;
	}
	for (i = 0; i < x->n; i++) {
		nfipsec_sa_stat_add(x->sa[i], NFIPSEC_SA_STAT_PACKETS_IN, 1);
		nfipsec_sa_stat_add(x->sa[i], NFIPSEC_SA_STAT_BYTES_IN,
				    x->len[i]);
	}
	nfipsec_cnt_inc(nn, NFIPSEC_CNT_IN_PACKETS);
	/*
	 * RFC 3948 section 3.1.2: behind a NAT the inner TCP/UDP checksum of
	 * transport mode covers addresses that are no longer the packet's;
	 * the ICV has vouched for the payload (XFRM does the same).
	 */
	skb->ip_summed = CHECKSUM_NONE;
	if (x->encap) {
		for (i = 0; i < x->n; i++)
			if (x->sa[i]->mode == NFIPSEC_MODE_TUNNEL)
				break;
		if (i == x->n)
			skb->ip_summed = CHECKSUM_UNNECESSARY;
	}
	nfipsec_dev_rx(dev, skb, !local);
	rcu_read_unlock();
	return;

drop:
	nfipsec_in_drop(nn, last, skb, reason);
}

/*
 * From the PRE_ROUTING hook, under RCU: consumes @skb, ESP or AH for @sa
 * at @off from the network header (skb->data).
 */
static void input_first(struct nfipsec_net *nn, struct nfipsec_xfrms *x,
			struct sk_buff *skb, unsigned int off)
{
	if (!refcount_inc_not_zero(&x->sa[0]->ref)) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_NO_SA);
		kfree_skb(skb);
		return;
	}
	input_step(nn, x, skb, off);
	nfipsec_xfrms_put(x);
}

void nfipsec_input(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		   struct sk_buff *skb, unsigned int off)
{
	struct nfipsec_xfrms x = { .n = 1, .sa = { sa } };

	input_first(nn, &x, skb, off);
}

/*
 * The same for ESP that came in UDP from port @sport (udp.c), the UDP
 * header already taken out: @sa is the outermost SA of the bundle.
 */
void nfipsec_input_encap(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			 struct sk_buff *skb, unsigned int esp_off,
			 __be16 sport)
{
	struct nfipsec_xfrms x = {
		.n = 1, .sa = { sa }, .encap = true, .encap_sport = sport,
	};

	input_first(nn, &x, skb, esp_off);
}
