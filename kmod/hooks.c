// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: netfilter hooks, registered in every network namespace.
 *
 *   PRE_ROUTING   ESP or AH for one of our SAs: decrypt or verify (input.c,
 *                 ah.c); ESP or AH for
 *                 a local address with an unknown SPI: drop (NO_SA), but
 *                 only in a netns where nfipsec has state, so that XFRM
 *                 keeps working elsewhere. Runs after defragmentation
 *                 (nf_defrag, enabled with the first SA). UDP to an
 *                 ESP-in-UDP port of an SA: udp.c.
 *   LOCAL_IN,     cleartext that an in (fwd) protect policy covers is
 *   FORWARD       dropped; what came out of nfipsec0 or a link was checked
 *                 already.
 *   LOCAL_IN      after the filter table: ICMP "fragmentation needed" /
 *                 ICMPv6 "packet too big" quoting our own ESP lowers the
 *                 path MTU to the SA's peer (pmtu.c); the ICMP goes on.
 *   POST_ROUTING  the out policy decides: bypass, discard, or protect with
 *                 the SAs its templates name (output.c). Our own ESP
 *                 packets pass through again, recognised by the per-CPU
 *                 nfipsec_in_xmit flag set around ip_local_out. This runs
 *                 just before conntrack's confirm hook, which a packet we
 *                 take never reaches: we confirm its entry ourselves.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>
#include <net/addrconf.h>
#include <net/netfilter/nf_conntrack_core.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/route.h>

#include "nfipsec.h"
#include "compat.h"

DEFINE_PER_CPU(bool, nfipsec_in_xmit);

static bool nn_active(const struct nfipsec_net *nn)
{
	return READ_ONCE(nn->nsa) || READ_ONCE(nn->npol[0]) ||
	       READ_ONCE(nn->npol[1]) || READ_ONCE(nn->npol[2]);
}

static unsigned int ipsec_in(struct nfipsec_net *nn, struct sk_buff *skb,
			     u16 family, u8 proto, unsigned int off,
			     const union nf_inet_addr *dst)
{
	unsigned int spi_off = proto == IPPROTO_AH ? 4 : 0;
	struct nfipsec_sa *sa;
	bool local;

	if (!pskb_may_pull(skb, off + spi_off + 8)) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_MALFORMED);
		return NF_DROP;
	}
	local = family == AF_INET ?
		inet_addr_type(nn->net, dst->ip) == RTN_LOCAL :
		ipv6_chk_addr(nn->net, &dst->in6, NULL, 0);
	if (!local)
		return NF_ACCEPT;
	sa = nfipsec_sa_lookup(nn, get_unaligned((__be32 *)(skb->data + off +
							  spi_off)),
			       dst, proto, family);
	if (!sa) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_NO_SA);
		net_dbg_ratelimited("in: unknown %s SPI 0x%08x\n",
				    proto == IPPROTO_AH ? "AH" : "ESP",
				    get_unaligned_be32(skb->data + off +
						       spi_off));
		return NF_DROP;
	}
	nfipsec_input(nn, sa, skb, off);
	return NF_STOLEN;
}

static unsigned int nfipsec_pre(void *priv, struct sk_buff *skb,
				const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_pernet(state->net);
	u16 family = state->pf == NFPROTO_IPV4 ? AF_INET : AF_INET6;
	union nf_inet_addr dst = {};
	int off;
	u8 proto;

	if (!nn_active(nn))
		return NF_ACCEPT;
	if (family == AF_INET && ip_hdr(skb)->protocol == IPPROTO_UDP &&
	    !ip_is_fragment(ip_hdr(skb)))
		return READ_ONCE(nn->nencap) ? nfipsec_udp_in4(nn, skb) :
					       NF_ACCEPT;
	off = nfipsec_ipsec_off(skb, family, &proto);
	if (off < 0)
		return NF_ACCEPT;
	if (family == AF_INET)
		dst.ip = ip_hdr(skb)->daddr;
	else
		dst.in6 = ipv6_hdr(skb)->daddr;
	return ipsec_in(nn, skb, family, proto, off, &dst);
}

static unsigned int nfipsec_clear(void *priv, struct sk_buff *skb,
				  const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_pernet(state->net);
	u8 dir = state->hook == NF_INET_LOCAL_IN ? NFIPSEC_DIR_IN :
						   NFIPSEC_DIR_FWD;
	struct nfipsec_policy *p;
	struct nfipsec_pkt pkt;

	if (!READ_ONCE(nn->npol[dir]) || !state->in ||
	    nfipsec_dev_is_ours(state->in) ||
	    (state->in->flags & IFF_LOOPBACK))
		return NF_ACCEPT;
	if (nfipsec_pkt_parse(skb, state->pf == NFPROTO_IPV4 ? AF_INET :
			      AF_INET6, &pkt)) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_MALFORMED);
		return NF_DROP;
	}
	p = nfipsec_spd_lookup(nn, dir, &pkt);
	if (!p || p->action == NFIPSEC_ACT_BYPASS)
		return NF_ACCEPT;
	if (p->action == NFIPSEC_ACT_DISCARD) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_POLICY_DISCARD);
		return NF_DROP;
	}
	nfipsec_drop_inc(nn, NFIPSEC_DROP_CLEARTEXT);
	net_dbg_ratelimited("cleartext for a protected flow, policy %u\n",
			    p->index);
	return NF_DROP;
}

static unsigned int nfipsec_icmp_in(void *priv, struct sk_buff *skb,
				    const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_pernet(state->net);

	if (!READ_ONCE(nn->nsa))
		return NF_ACCEPT;
	if (state->pf == NFPROTO_IPV4) {
		if (ip_hdr(skb)->protocol == IPPROTO_ICMP)
			nfipsec_pmtu_icmp4(nn, skb);
	} else {
		nfipsec_pmtu_icmp6(nn, skb);
	}
	return NF_ACCEPT;
}

/*
 * The SAs for @p's templates, innermost first, each with a reference. A
 * transport template without endpoints takes the packet's addresses, or
 * those of the tunnel before it (AH over an ESP tunnel protects the outer
 * header). Any template without a usable SA: ACQUIRE for it (at most once
 * a second per policy), count the drop, and -ENOENT.
 */
static int resolve_bundle(struct nfipsec_net *nn, struct nfipsec_policy *p,
			  const struct nfipsec_pkt *pkt,
			  struct nfipsec_xfrms *x)
{
	struct nfipsec_pkt lvl = *pkt;
	struct nfipsec_sa *sa;
	int i;

	memset(x, 0, sizeof(*x));
	x->ifamily = pkt->family;
	for (i = 0; i < p->ntmpl; i++) {
		sa = nfipsec_sa_find_out(nn, &p->tmpl[i], &lvl, pkt);
		if (!sa || !refcount_inc_not_zero(&sa->ref))
			goto missing;
		x->sa[x->n++] = sa;
		if (sa->mode == NFIPSEC_MODE_TUNNEL) {
			lvl.family = sa->family;
			lvl.src = sa->src;
			lvl.dst = sa->dst;
		}
	}
	return 0;

missing:
	nfipsec_xfrms_put(x);
	nfipsec_acquire(nn, p, &p->tmpl[i], pkt);
	nfipsec_drop_inc(nn, NFIPSEC_DROP_NO_OUT_SA);
	return -ENOENT;
}

static unsigned int nfipsec_post(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	struct nfipsec_net *nn = nfipsec_pernet(state->net);
	struct nfipsec_xfrms x;
	struct nfipsec_policy *p;
	struct nfipsec_pkt pkt;

	if (this_cpu_read(nfipsec_in_xmit) ||
	    !READ_ONCE(nn->npol[NFIPSEC_DIR_OUT]))
		return NF_ACCEPT;
	/* fail closed: what cannot be matched against the SPD is not sent */
	if (nfipsec_pkt_parse(skb, state->pf == NFPROTO_IPV4 ? AF_INET :
			      AF_INET6, &pkt)) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_MALFORMED);
		return NF_DROP;
	}
	p = nfipsec_spd_lookup(nn, NFIPSEC_DIR_OUT, &pkt);
	if (!p)
		return NF_ACCEPT;
	if (p->action == NFIPSEC_ACT_BYPASS) {
		nfipsec_cnt_inc(nn, NFIPSEC_CNT_BYPASS);
		return NF_ACCEPT;
	}
	if (p->action == NFIPSEC_ACT_DISCARD) {
		nfipsec_drop_inc(nn, NFIPSEC_DROP_POLICY_DISCARD);
		return NF_DROP;
	}
	if (resolve_bundle(nn, p, &pkt, &x))
		return NF_DROP;
	/*
	 * The flow's conntrack entry (when this netns tracks) is confirmed
	 * here, as the confirm hook after us would have done: the reply,
	 * decapsulated, then finds the flow established.
	 */
	if (nf_conntrack_confirm(skb) != NF_ACCEPT) {
		nfipsec_xfrms_put(&x);
		nfipsec_drop_inc(nn, NFIPSEC_DROP_CONNTRACK);
		return NF_DROP;
	}
	nfipsec_output(nn, &x, skb);
	nfipsec_xfrms_put(&x);
	return NF_STOLEN;
}

static const struct nf_hook_ops nfipsec_hook_ops[] = {
	{ .hook = nfipsec_pre, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = NF_IP_PRI_MANGLE + 1 },
	{ .hook = nfipsec_clear, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_IN, .priority = NF_IP_PRI_FILTER - 1 },
	{ .hook = nfipsec_clear, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_FORWARD, .priority = NF_IP_PRI_FILTER - 1 },
	{ .hook = nfipsec_icmp_in, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_LOCAL_IN, .priority = NF_IP_PRI_FILTER + 1 },
	{ .hook = nfipsec_post, .pf = NFPROTO_IPV4,
	  .hooknum = NF_INET_POST_ROUTING, .priority = NF_IP_PRI_LAST - 1 },
	{ .hook = nfipsec_pre, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_PRE_ROUTING, .priority = NF_IP6_PRI_MANGLE + 1 },
	{ .hook = nfipsec_clear, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_IN, .priority = NF_IP6_PRI_FILTER - 1 },
	{ .hook = nfipsec_clear, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_FORWARD, .priority = NF_IP6_PRI_FILTER - 1 },
	{ .hook = nfipsec_icmp_in, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_LOCAL_IN, .priority = NF_IP6_PRI_FILTER + 1 },
	{ .hook = nfipsec_post, .pf = NFPROTO_IPV6,
	  .hooknum = NF_INET_POST_ROUTING, .priority = NF_IP6_PRI_LAST - 1 },
};

int nfipsec_hooks_register(struct net *net)
{
	return nf_register_net_hooks(net, nfipsec_hook_ops,
				     ARRAY_SIZE(nfipsec_hook_ops));
}

void nfipsec_hooks_unregister(struct net *net)
{
	nf_unregister_net_hooks(net, nfipsec_hook_ops,
				ARRAY_SIZE(nfipsec_hook_ops));
}
