// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: ESP in UDP (RFC 3948), the receiving side and the port set.
 *
 * Every SA with ENCAP names a DPORT; the netns keeps the set of those
 * ports as a bitmap of 2^16 bits (allocated with the first such SA, freed
 * with the netns) for the PRE_ROUTING hook, and a count per port, under
 * nn->lock, to know when the last SA of a port goes. A UDP packet to a
 * local address whose destination port is in the set is looked at before
 * the socket (RFC 3948 section 3): a one-byte 0xff payload is a NAT
 * keepalive (section 2.3), dropped and counted; a payload starting with
 * four zero bytes (the non-ESP marker, section 2.2) is IKE and goes on to
 * the socket; anything else is ESP. The UDP header is then taken out (the
 * IP header moved over it, as for ESP transport decapsulation) and the
 * packet goes through the ESP input path (input.c) with the UDP source
 * port remembered: once the packet has authenticated, a source address or
 * port other than the SA's peer sends a MAPPING event, as XFRM's
 * km_new_mapping does. The SA is not changed; that is the negotiator's
 * decision (an attacker can replay a packet from another address).
 *
 * The set holds the DPORT of outbound SAs too (whose DPORT is the peer's
 * port): that port then is an ESP-in-UDP port on this host as well. Only
 * inbound SAs need to be in the set, but an SA's direction is not known
 * here. NAT keepalives are sent from a timer per SA (the end).
 * TODO: IPv6 (a real UDP checksum; RFC 3948 section 2.1 allows 0 for v4).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/slab.h>
#include <linux/timer.h>
#include <linux/udp.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/route.h>

#include "nfipsec.h"
#include "compat.h"

#define NFIPSEC_NON_ESP_MARKER	4	/* zero bytes before IKE */
#define NFIPSEC_KEEPALIVE	0xff

struct encap_ref {
	struct hlist_node node;
	__be16 port;
	unsigned int n;
};

static struct encap_ref *ref_find(struct nfipsec_net *nn, __be16 port)
{
	struct encap_ref *r;

	hlist_for_each_entry(r, &nn->encap_refs, node)
		if (r->port == port)
			return r;
	return NULL;
}

/* Another SA receives on @port. */
int nfipsec_encap_port_get(struct nfipsec_net *nn, __be16 port)
{
	struct encap_ref *r;

	lockdep_assert_held(&nn->lock);

	if (!nn->encap_ports) {
		unsigned long *bm = bitmap_zalloc(1 << 16, GFP_KERNEL);

		if (!bm)
			return -ENOMEM;
		/* readers find the bitmap zeroed */
		smp_store_release(&nn->encap_ports, bm);
	}
	r = ref_find(nn, port);
	if (!r) {
		r = kzalloc(sizeof(*r), GFP_KERNEL);
		if (!r)
			return -ENOMEM;
		r->port = port;
		hlist_add_head(&r->node, &nn->encap_refs);
		set_bit(ntohs(port), nn->encap_ports);
	}
	r->n++;
	WRITE_ONCE(nn->nencap, nn->nencap + 1);
	return 0;
}

void nfipsec_encap_port_put(struct nfipsec_net *nn, __be16 port)
{
	struct encap_ref *r;

	lockdep_assert_held(&nn->lock);

	r = ref_find(nn, port);
	if (WARN_ON_ONCE(!r))
		return;
	WRITE_ONCE(nn->nencap, nn->nencap - 1);
	if (--r->n)
		return;
	clear_bit(ntohs(port), nn->encap_ports);
	hlist_del(&r->node);
	kfree(r);
}

/* After the SAD is flushed and the hooks are gone. */
void nfipsec_encap_exit(struct nfipsec_net *nn)
{
	WARN_ON_ONCE(!hlist_empty(&nn->encap_refs));
	bitmap_free(nn->encap_ports);
	nn->encap_ports = NULL;
}

static unsigned int udp_drop(struct nfipsec_net *nn, int reason,
			     struct sk_buff *skb, unsigned int ihl)
{
	const struct iphdr *iph = ip_hdr(skb);
	const struct udphdr *uh = (const void *)(skb->data + ihl);

	nfipsec_drop_inc(nn, reason);
	if (reason != NFIPSEC_DROP_NATT_KEEPALIVE)
		net_dbg_ratelimited("udp in %pI4:%u -> %pI4:%u: drop, reason %d\n",
				    &iph->saddr, ntohs(uh->source),
				    &iph->daddr, ntohs(uh->dest), reason);
	return NF_DROP;
}

/*
 * PRE_ROUTING, an unfragmented IPv4 UDP packet, under RCU. NF_ACCEPT for
 * what is not ours (or is IKE), NF_DROP, or NF_STOLEN into ESP input.
 */
unsigned int nfipsec_udp_in4(struct nfipsec_net *nn, struct sk_buff *skb)
{
	/* pairs with the release in nfipsec_encap_port_get() */
	unsigned long *ports = smp_load_acquire(&nn->encap_ports);
	unsigned int ihl = ip_hdrlen(skb), ulen, plen;
	union nf_inet_addr dst = {};
	const struct udphdr *uh;
	struct nfipsec_sa *sa;
	struct iphdr *iph;
	__be16 sport;
	const u8 *p;

	if (!ports || !pskb_may_pull(skb, ihl + sizeof(*uh)))
		return NF_ACCEPT;
	iph = ip_hdr(skb);
	uh = (const struct udphdr *)(skb->data + ihl);
	if (!test_bit(ntohs(uh->dest), ports) ||
	    inet_addr_type(nn->net, iph->daddr) != RTN_LOCAL)
		return NF_ACCEPT;

	ulen = ntohs(uh->len);
	if (ulen < sizeof(*uh) || ulen > skb->len - ihl)
		return udp_drop(nn, NFIPSEC_DROP_MALFORMED, skb, ihl);
	plen = ulen - sizeof(*uh);
	if (!pskb_may_pull(skb, ihl + sizeof(*uh) + min(plen, 8U)))
		return udp_drop(nn, NFIPSEC_DROP_NOMEM, skb, ihl);
	iph = ip_hdr(skb);
	uh = (const struct udphdr *)(skb->data + ihl);
	p = (const u8 *)(uh + 1);
	if (plen == 1 && p[0] == NFIPSEC_KEEPALIVE)
		return udp_drop(nn, NFIPSEC_DROP_NATT_KEEPALIVE, skb, ihl);
	if (plen >= NFIPSEC_NON_ESP_MARKER && !get_unaligned((u32 *)p))
		return NF_ACCEPT;
	if (plen < 8)
		return udp_drop(nn, NFIPSEC_DROP_MALFORMED, skb, ihl);
	/* RFC 768: 0 means no checksum; RFC 3948 section 2.1 allows it */
	if (uh->check && !skb_csum_unnecessary(skb) &&
	    csum_tcpudp_magic(iph->saddr, iph->daddr, ulen, IPPROTO_UDP,
			      skb_checksum(skb, ihl, ulen, 0)))
		return udp_drop(nn, NFIPSEC_DROP_MALFORMED, skb, ihl);

	dst.ip = iph->daddr;
	sa = nfipsec_sa_lookup(nn, get_unaligned((__be32 *)p), &dst,
			       IPPROTO_ESP, AF_INET);
	if (!sa) {
		net_dbg_ratelimited("udp in: unknown SPI 0x%08x\n",
				    get_unaligned_be32(p));
		return udp_drop(nn, NFIPSEC_DROP_NO_SA, skb, ihl);
	}
	if (!sa->encap_type || READ_ONCE(sa->encap_dport) != uh->dest) {
		nfipsec_sa_stat_add(sa, NFIPSEC_SA_STAT_ERRORS, 1);
		return udp_drop(nn, NFIPSEC_DROP_ENCAP_MISMATCH, skb, ihl);
	}
	sport = uh->source;

	/* [IP][UDP][ESP] becomes [IP][ESP] */
	if (pskb_trim_rcsum(skb, ihl + ulen) || skb_unclone(skb, GFP_ATOMIC))
		return udp_drop(nn, NFIPSEC_DROP_NOMEM, skb, ihl);
	memmove(skb->data + sizeof(*uh), skb->data, ihl);
	__skb_pull(skb, sizeof(*uh));
	skb_reset_network_header(skb);
	skb->ip_summed = CHECKSUM_NONE;
	iph = ip_hdr(skb);
	iph->protocol = IPPROTO_ESP;
	iph->tot_len = htons(skb->len);
	ip_send_check(iph);

	nfipsec_input_encap(nn, sa, skb, ihl, sport);
	return NF_STOLEN;
}

/*
 * An authenticated packet of @sa came from the outer source of @skb (an
 * IPv4 header at skb->data) and UDP port @sport: tell the negotiator if
 * that is not the peer the SA names, at most once a second per SA.
 */
void nfipsec_encap_mapping(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			   const struct sk_buff *skb, __be16 sport)
{
	union nf_inet_addr addr = {};
	unsigned long next;

	addr.ip = ip_hdr(skb)->saddr;
	if (addr.ip == sa->src.ip && sport == READ_ONCE(sa->encap_sport))
		return;
	next = READ_ONCE(sa->mapping_next);
	if (time_before(jiffies, next) ||
	    cmpxchg(&sa->mapping_next, next, jiffies + HZ) != next)
		return;
	net_dbg_ratelimited("in SPI 0x%08x: peer now %pI4:%u\n",
			    ntohl(sa->spi), &addr.ip, ntohs(sport));
	nfipsec_ev_mapping(nn, sa, &addr, sport);
}

/*
 * NAT keepalive (RFC 3948 section 2.3): one UDP byte 0xff from the SA's
 * source and port to its peer, sent from the SA's timer every ka_secs
 * while the SA is in the SAD. Our own POST_ROUTING hook lets it pass (it
 * must not be taken for cleartext of a protected flow).
 */
static void ka_send(struct nfipsec_sa *sa)
{
	struct net *net = sa->nn->net;
	struct flowi4 fl4 = {
		.daddr = sa->dst.ip,
		.saddr = sa->src.ip,
		.flowi4_proto = IPPROTO_UDP,
		.fl4_sport = READ_ONCE(sa->encap_sport),
		.fl4_dport = READ_ONCE(sa->encap_dport),
	};
	unsigned int len = sizeof(struct iphdr) + sizeof(struct udphdr) + 1;
	struct udphdr *uh;
	struct iphdr *iph;
	struct sk_buff *skb;
	struct rtable *rt;
	int hroom;

	rt = ip_route_output_key(net, &fl4);
	if (IS_ERR(rt))
		return;
	hroom = LL_RESERVED_SPACE(rt->dst.dev);
	skb = alloc_skb(hroom + len, GFP_ATOMIC);
	if (!skb) {
		ip_rt_put(rt);
		return;
	}
	skb_reserve(skb, hroom);
	skb_put(skb, len);
	skb_reset_network_header(skb);
	skb_set_transport_header(skb, sizeof(*iph));
	skb_dst_set(skb, &rt->dst);
	skb->protocol = htons(ETH_P_IP);

	iph = ip_hdr(skb);
	iph->version = 4;
	iph->ihl = 5;
	iph->tos = 0;
	iph->tot_len = htons(len);
	iph->frag_off = htons(IP_DF);
	iph->ttl = ip4_dst_hoplimit(&rt->dst);
	iph->protocol = IPPROTO_UDP;
	iph->saddr = fl4.saddr;
	iph->daddr = fl4.daddr;
	ip_select_ident(net, skb, NULL);
	uh = udp_hdr(skb);
	uh->source = fl4.fl4_sport;
	uh->dest = fl4.fl4_dport;
	uh->len = htons(sizeof(*uh) + 1);
	uh->check = 0;
	*(u8 *)(uh + 1) = NFIPSEC_KEEPALIVE;

	nfipsec_cnt_inc(sa->nn, NFIPSEC_CNT_KEEPALIVES);
	local_bh_disable();
	__this_cpu_write(nfipsec_in_xmit, true);
	ip_local_out(net, NULL, skb);
	__this_cpu_write(nfipsec_in_xmit, false);
	local_bh_enable();
}

static void ka_timer_fn(struct timer_list *t)
{
	struct nfipsec_sa *sa = from_timer(sa, t, ka_timer);
	u32 secs = READ_ONCE(sa->ka_secs);

	/* nfipsec_ka_stop() sets dead first, then waits for us */
	if (READ_ONCE(sa->dead) || !secs)
		return;
	ka_send(sa);
	mod_timer(&sa->ka_timer, jiffies + secs * HZ);
}

void nfipsec_ka_init(struct nfipsec_sa *sa)
{
	timer_setup(&sa->ka_timer, ka_timer_fn, 0);
}

/*
 * The SA is in the SAD (nn->lock held), or its interval changed: the first
 * one goes out now. With the interval 0 the timer does not re-arm.
 */
void nfipsec_ka_start(struct nfipsec_sa *sa)
{
	if (sa->encap_type && sa->ka_secs)
		mod_timer(&sa->ka_timer, jiffies);
}

/* sa->dead is set: the timer does not re-arm itself after this. */
void nfipsec_ka_stop(struct nfipsec_sa *sa)
{
	del_timer_sync(&sa->ka_timer);
}
