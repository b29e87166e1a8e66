// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: outer path MTU learning, from the LOCAL_IN hook.
 *
 * An ICMP "fragmentation needed" (type 3 code 4) or ICMPv6 "packet too
 * big" addressed to this host that quotes one of our own ESP or AH packets
 * (the quoted source is the address the ICMP was sent to, the quoted SPI and
 * destination name one of this netns' SAs whose source is that address)
 * lowers the path MTU of the route to the SA's peer, through
 * ipv4_update_pmtu / ip6_update_pmtu, as esp4_err / esp6_err do for XFRM.
 * output.c then finds the lower MTU on its route to the peer and tells the
 * inner sender, or fragments the outer packet (see there).
 *
 * Nothing in the ICMP is trusted before it is checked: the lengths of the
 * ICMP and quoted headers, the ICMP checksum (this hook runs before
 * icmp_rcv validates it), the quoted addresses and SPI, and the MTU, which
 * must be at least 576 (IPv4, RFC 791's datagram every host accepts) or
 * 1280 (IPv6) and below the route's current MTU. IPv4 honours
 * net.ipv4.ip_no_pmtu_disc: 1 and 2 learn nothing, 3 learns (the SPI is
 * the tag it validates). The ICMP always continues into the stack
 * (NF_ACCEPT), so sockets and XFRM see it as before.
 *
 * ESP in UDP (NAT traversal) is not parsed here: the quoted packet must be
 * plain ESP or AH (the outermost header of a bundle). Runs under the RCU
 * read lock the netfilter hook holds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/icmp.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <net/checksum.h>
#include <net/ip.h>
#include <net/ip6_checksum.h>
#include <net/ip6_route.h>
#include <net/ipv6.h>
#include <net/route.h>
#include <net/sock.h>

#include "nfipsec.h"
#include "compat.h"
#include "esp.h"

#define NFIPSEC_PMTU_MIN4	576

/*
 * The SA of @spi and @dst whose source is @src, and the current MTU of its
 * route to the peer if @mtu is below it; else 0.
 */
static unsigned int pmtu_check_sa(struct nfipsec_net *nn, __be32 spi,
				  u8 proto, const union nf_inet_addr *src,
				  const union nf_inet_addr *dst, u16 family,
				  unsigned int mtu)
{
	struct nfipsec_sa *sa;
	struct dst_entry *rt;
	unsigned int cur;

	sa = nfipsec_sa_lookup(nn, spi, dst, proto, family);
	if (!sa || (family == AF_INET ? sa->src.ip != src->ip :
		    !ipv6_addr_equal(&sa->src.in6, &src->in6))) {
		net_dbg_ratelimited("pmtu: ICMP for unknown SPI 0x%08x ignored\n",
				    ntohl(spi));
		return 0;
	}
	rt = nfipsec_route_outer(nn->net, sa);
	if (IS_ERR(rt))
		return 0;
	cur = dst_mtu(rt);
	dst_release(rt);
	if (mtu >= cur)
		return 0;
	return cur;
}

static void pmtu_learned(struct nfipsec_net *nn, __be32 spi,
			 unsigned int cur, unsigned int mtu)
{
	nfipsec_cnt_inc(nn, NFIPSEC_CNT_PMTU_UPDATES);
	net_dbg_ratelimited("pmtu: SPI 0x%08x path MTU %u -> %u\n",
			    ntohl(spi), cur, mtu);
}

void nfipsec_pmtu_icmp4(struct nfipsec_net *nn, struct sk_buff *skb)
{
	unsigned int off = ip_hdrlen(skb), qoff, qhl, mtu, cur;
	union nf_inet_addr src = {}, dst = {};
	const struct icmphdr *ih;
	const struct iphdr *qh;
	struct icmphdr _ih;
	u8 nopmtu, proto;
	__be32 spi;

	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || ih->type != ICMP_DEST_UNREACH ||
	    ih->code != ICMP_FRAG_NEEDED)
		return;
	nopmtu = READ_ONCE(nn->net->ipv4.sysctl_ip_no_pmtu_disc);
	if (nopmtu == 1 || nopmtu == 2)
		return;
	mtu = ntohs(ih->un.frag.mtu);

	qoff = off + sizeof(struct icmphdr);
	if (!pskb_may_pull(skb, qoff + sizeof(struct iphdr)))
		return;
	qh = (const struct iphdr *)(skb->data + qoff);
	qhl = qh->ihl * 4;
	if (qh->version != 4 || qhl < sizeof(*qh) ||
	    (qh->protocol != IPPROTO_ESP && qh->protocol != IPPROTO_AH) ||
	    (qh->frag_off & htons(IP_OFFSET)) ||
	    qh->saddr != ip_hdr(skb)->daddr)
		return;
	if (!pskb_may_pull(skb, qoff + qhl + 8))
		return;
	qh = (const struct iphdr *)(skb->data + qoff);
	if (mtu < NFIPSEC_PMTU_MIN4) {
		net_dbg_ratelimited("pmtu: ICMP with MTU %u from %pI4 ignored\n",
				    mtu, &ip_hdr(skb)->saddr);
		return;
	}
	if (csum_fold(skb_checksum(skb, off, skb->len - off, 0)))
		return;

	proto = qh->protocol;
	spi = get_unaligned((__be32 *)(skb->data + qoff + qhl +
				       (proto == IPPROTO_AH ? 4 : 0)));
	src.ip = qh->saddr;
	dst.ip = qh->daddr;
	cur = pmtu_check_sa(nn, spi, proto, &src, &dst, AF_INET, mtu);
	if (!cur)
		return;
	/* ipv4_update_pmtu() reads the quoted header at skb->data */
	__skb_pull(skb, qoff);
	ipv4_update_pmtu(skb, nn->net, mtu, 0, proto);
	__skb_push(skb, qoff);
	pmtu_learned(nn, spi, cur, mtu);
}

void nfipsec_pmtu_icmp6(struct nfipsec_net *nn, struct sk_buff *skb)
{
	union nf_inet_addr src = {}, dst = {};
	const struct ipv6hdr *ip6h, *qh;
	const struct icmp6hdr *ih;
	unsigned int mtu, cur;
	struct icmp6hdr _ih;
	__be32 _spi, *spi;
	int off, qoff, eoff;
	__be16 frag_off;
	u8 nh;

	nh = ipv6_hdr(skb)->nexthdr;
	off = ipv6_skip_exthdr(skb, sizeof(struct ipv6hdr), &nh, &frag_off);
	if (off < 0 || nh != IPPROTO_ICMPV6)
		return;
	ih = skb_header_pointer(skb, off, sizeof(_ih), &_ih);
	if (!ih || ih->icmp6_type != ICMPV6_PKT_TOOBIG)
		return;
	mtu = ntohl(ih->icmp6_mtu);

	qoff = off + sizeof(struct icmp6hdr);
	if (!pskb_may_pull(skb, qoff + sizeof(struct ipv6hdr)))
		return;
	ip6h = ipv6_hdr(skb);
	qh = (const struct ipv6hdr *)(skb->data + qoff);
	if (qh->version != 6 || !ipv6_addr_equal(&qh->saddr, &ip6h->daddr))
		return;
	eoff = nfipsec_ipv6_ipsec_off(skb, qoff + sizeof(*qh), qh->nexthdr,
				      &nh);
	if (eoff < 0)
		return;
	spi = skb_header_pointer(skb, eoff + (nh == IPPROTO_AH ? 4 : 0),
				 sizeof(_spi), &_spi);
	if (!spi)
		return;
	if (mtu < IPV6_MIN_MTU) {
		net_dbg_ratelimited("pmtu: ICMPv6 with MTU %u from %pI6c ignored\n",
				    mtu, &ip6h->saddr);
		return;
	}
	if (csum_ipv6_magic(&ip6h->saddr, &ip6h->daddr, skb->len - off,
			    IPPROTO_ICMPV6,
			    skb_checksum(skb, off, skb->len - off, 0)))
		return;

	src.in6 = qh->saddr;
	dst.in6 = qh->daddr;
	cur = pmtu_check_sa(nn, *spi, nh, &src, &dst, AF_INET6, mtu);
	if (!cur)
		return;
	/* ip6_update_pmtu() reads the quoted header at skb->data */
	__skb_pull(skb, qoff);
	ip6_update_pmtu(skb, nn->net, htonl(mtu), 0, 0,
			sock_net_uid(nn->net, NULL));
	__skb_push(skb, qoff);
	pmtu_learned(nn, *spi, cur, mtu);
}
