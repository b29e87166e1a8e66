// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the security policy database (SPD) of one netns, and selectors.
 *
 * Lookup is a tuple-space search. Policies are grouped by (direction,
 * family, source prefix length, destination prefix length); each group is
 * a "plen" entry on the direction's list. All policies sit in one hash
 * table keyed by the group and the masked source and destination. A lookup
 * hashes the packet's addresses once per group and walks one bucket, so
 * its cost grows with the number of distinct prefix-length pairs (a
 * handful in practice), not with the number of policies: 10,000 host or
 * subnet policies are as fast to search as ten. Inside a bucket, the
 * protocol, ports and ICMP type/code are compared; the lowest priority
 * wins, and among equal priorities the oldest policy (lowest index).
 *
 * The packet path walks the group list and the buckets under RCU; writers
 * hold nn->lock. Policies are freed with call_rcu.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/hash.h>
#include <linux/jhash.h>
#include <linux/icmp.h>
#include <linux/inetdevice.h>
#include <linux/icmpv6.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "nfipsec.h"
#include "compat.h"

struct nfipsec_plen {
	struct list_head list;
	struct rcu_head rcu;
	u16 family;
	u8 splen, dplen;
	unsigned int count;
};

static void addr_mask(union nf_inet_addr *out, const union nf_inet_addr *a,
		      u8 plen, u16 family)
{
	if (family == AF_INET) {
		out->all[1] = 0;
		out->all[2] = 0;
		out->all[3] = 0;
		out->ip = plen ? a->ip & inet_make_mask(plen) : 0;
	} else {
		ipv6_addr_prefix(&out->in6, &a->in6, plen);
	}
}

bool nfipsec_addr_match(const union nf_inet_addr *a,
			const union nf_inet_addr *b, u8 plen, u16 family)
{
	if (family == AF_INET)
		return !plen || !((a->ip ^ b->ip) & inet_make_mask(plen));
	return ipv6_prefix_equal(&a->in6, &b->in6, plen);
}

bool nfipsec_sel_match(const struct nfipsec_sel *sel,
		       const struct nfipsec_pkt *pkt)
{
	if (sel->family != pkt->family ||
	    !nfipsec_addr_match(&sel->src, &pkt->src, sel->splen, sel->family) ||
	    !nfipsec_addr_match(&sel->dst, &pkt->dst, sel->dplen, sel->family))
		return false;
	if (!sel->proto)
		return true;
	if (sel->proto != pkt->proto)
		return false;
	switch (sel->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		if (sel->sport_min == 0 && sel->sport_max == 0xffff &&
		    sel->dport_min == 0 && sel->dport_max == 0xffff)
			return true;
		return pkt->has_ports &&
		       pkt->sport >= sel->sport_min &&
		       pkt->sport <= sel->sport_max &&
		       pkt->dport >= sel->dport_min &&
		       pkt->dport <= sel->dport_max;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		if (sel->type < 0 && sel->code < 0)
			return true;
		return pkt->has_ports &&
		       (sel->type < 0 || sel->type == pkt->sport) &&
		       (sel->code < 0 || sel->code == pkt->dport);
	}
	return true;
}

static void parse_l4(struct sk_buff *skb, unsigned int off,
		     struct nfipsec_pkt *pkt)
{
	u8 buf[4];
	const u8 *p;

	switch (pkt->proto) {
	case IPPROTO_TCP:
	case IPPROTO_UDP:
	case IPPROTO_SCTP:
	case IPPROTO_UDPLITE:
		p = skb_header_pointer(skb, off, 4, buf);
		if (!p)
			return;
		pkt->sport = get_unaligned_be16(p);
		pkt->dport = get_unaligned_be16(p + 2);
		pkt->has_ports = true;
		break;
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		p = skb_header_pointer(skb, off, 2, buf);
		if (!p)
			return;
		pkt->sport = p[0];
		pkt->dport = p[1];
		pkt->has_ports = true;
		break;
	}
}

/*
 * ipv6_skip_exthdr() with one difference: a chain that ends in No Next
 * Header is a packet of protocol 59 (nothing follows), not a parse error.
 * As there, a fragment that is not the first stops the walk at its
 * fragment header. Each header is at least 8 bytes, so the walk ends
 * within the packet.
 */
static int skip_exthdr6(const struct sk_buff *skb, int off, u8 *nexthdrp,
			__be16 *frag_offp)
{
	u8 nexthdr = *nexthdrp;

	*frag_offp = 0;
	while (ipv6_ext_hdr(nexthdr) && nexthdr != NEXTHDR_NONE) {
		struct ipv6_opt_hdr _hdr;
		const struct ipv6_opt_hdr *hp;
		int len;

		hp = skb_header_pointer(skb, off, sizeof(_hdr), &_hdr);
		if (!hp)
			return -EINVAL;
		if (nexthdr == NEXTHDR_FRAGMENT) {
			__be16 _fo;
			const __be16 *fo;

			fo = skb_header_pointer(skb, off +
						offsetof(struct frag_hdr,
							 frag_off),
						sizeof(_fo), &_fo);
			if (!fo)
				return -EINVAL;
			*frag_offp = *fo;
			if (ntohs(*fo) & ~0x7)
				break;
			len = sizeof(struct frag_hdr);
		} else if (nexthdr == NEXTHDR_AUTH) {
			len = ipv6_authlen(hp);
		} else {
			len = ipv6_optlen(hp);
		}
		nexthdr = hp->nexthdr;
		off += len;
	}
	*nexthdrp = nexthdr;
	return off;
}

/* Fill @pkt from the IP packet at skb's network header. */
int nfipsec_pkt_parse(struct sk_buff *skb, u16 family,
		      struct nfipsec_pkt *pkt)
{
	unsigned int nhoff = skb_network_offset(skb);

	memset(pkt, 0, sizeof(*pkt));
	pkt->family = family;
	if (family == AF_INET) {
		struct iphdr _iph;
		const struct iphdr *iph;

		iph = skb_header_pointer(skb, nhoff, sizeof(_iph), &_iph);
		if (!iph || iph->ihl < 5)
			return -EINVAL;
		pkt->src.ip = iph->saddr;
		pkt->dst.ip = iph->daddr;
		pkt->proto = iph->protocol;
		if (!(iph->frag_off & htons(IP_OFFSET)))
			parse_l4(skb, nhoff + iph->ihl * 4, pkt);
	} else {
		struct ipv6hdr _ip6h;
		const struct ipv6hdr *ip6h;
		__be16 frag_off = 0;
		u8 nexthdr;
		int off;

		ip6h = skb_header_pointer(skb, nhoff, sizeof(_ip6h), &_ip6h);
		if (!ip6h)
			return -EINVAL;
		pkt->src.in6 = ip6h->saddr;
		pkt->dst.in6 = ip6h->daddr;
		nexthdr = ip6h->nexthdr;
		off = skip_exthdr6(skb, nhoff + sizeof(*ip6h), &nexthdr,
				   &frag_off);
		if (off < 0)
			return -EINVAL;
		pkt->proto = nexthdr;
		if (!(frag_off & htons(IP6_OFFSET)))
			parse_l4(skb, off, pkt);
	}
	return 0;
}

static u32 pol_hash(u8 dir, u16 family, u8 splen, u8 dplen,
		    const union nf_inet_addr *src,
		    const union nf_inet_addr *dst)
{
	union nf_inet_addr ms, md;
	u32 h;

	addr_mask(&ms, src, splen, family);
	addr_mask(&md, dst, dplen, family);
	h = jhash2(ms.all, 4, (dir << 24) | (splen << 16) | (dplen << 8) |
		   family);
	return jhash2(md.all, 4, h) >> (32 - NFIPSEC_POL_HASH_BITS);
}

int nfipsec_spd_init(struct nfipsec_net *nn)
{
	int i;

	INIT_LIST_HEAD(&nn->pol_list);
	for (i = 0; i < 3; i++)
		INIT_LIST_HEAD(&nn->plens[i]);
	nn->pol_hash = kvzalloc(sizeof(*nn->pol_hash) << NFIPSEC_POL_HASH_BITS,
				GFP_KERNEL);
	if (!nn->pol_hash)
		return -ENOMEM;
	nn->pol_ihash = kvzalloc(sizeof(*nn->pol_ihash) <<
				 NFIPSEC_POL_HASH_BITS, GFP_KERNEL);
	if (!nn->pol_ihash) {
		kvfree(nn->pol_hash);
		return -ENOMEM;
	}
	return 0;
}

void nfipsec_spd_exit(struct nfipsec_net *nn)
{
	nfipsec_spd_flush(nn, -1);
	kvfree(nn->pol_ihash);
	kvfree(nn->pol_hash);
}

static struct hlist_head *pol_ibucket(struct nfipsec_net *nn, u32 index)
{
	return &nn->pol_ihash[hash_32(index, NFIPSEC_POL_HASH_BITS)];
}

static bool sel_equal(const struct nfipsec_sel *a, const struct nfipsec_sel *b)
{
	return a->family == b->family && a->splen == b->splen &&
	       a->dplen == b->dplen && a->proto == b->proto &&
	       nfipsec_addr_match(&a->src, &b->src, a->splen, a->family) &&
	       nfipsec_addr_match(&a->dst, &b->dst, a->dplen, a->family) &&
	       a->sport_min == b->sport_min && a->sport_max == b->sport_max &&
	       a->dport_min == b->dport_min && a->dport_max == b->dport_max &&
	       a->type == b->type && a->code == b->code;
}

struct nfipsec_policy *nfipsec_policy_find(struct nfipsec_net *nn, u8 dir,
					   u32 priority,
					   const struct nfipsec_sel *sel)
{
	struct nfipsec_policy *p;
	u32 h = pol_hash(dir, sel->family, sel->splen, sel->dplen, &sel->src,
			 &sel->dst);

	hlist_for_each_entry_rcu(p, &nn->pol_hash[h], hnode,
				 lockdep_is_held(&nn->lock))
		if (p->dir == dir && p->priority == priority &&
		    sel_equal(&p->sel, sel))
			return p;
	return NULL;
}

/*
 * Under nn->lock or RCU. A policy found here is on pol_list too: writers
 * put it on the list before the index hash and take it off the hash
 * first, so a dump may go on from it (see nfipsec_policy_dump).
 */
struct nfipsec_policy *nfipsec_policy_by_index(struct nfipsec_net *nn,
					       u32 index)
{
	struct nfipsec_policy *p;

	hlist_for_each_entry_rcu(p, pol_ibucket(nn, index), inode,
				 lockdep_is_held(&nn->lock))
		if (p->index == index)
			return p;
	return NULL;
}

static void policy_free_rcu(struct rcu_head *head)
{
	struct nfipsec_policy *p = container_of(head, struct nfipsec_policy,
						rcu);

	free_percpu(p->hits);
	kfree(p);
}

/*
 * Insert @p, or with @update replace the action and templates of the
 * policy with the same direction, priority and selector (the new entry
 * takes the old one's place and index).
 */
int nfipsec_policy_insert(struct nfipsec_net *nn, struct nfipsec_policy *p,
			  bool update, struct netlink_ext_ack *extack)
{
	struct nfipsec_policy *old;
	struct nfipsec_plen *pl;
	u32 h;

	lockdep_assert_held(&nn->lock);

	old = nfipsec_policy_find(nn, p->dir, p->priority, &p->sel);
	if (old && !update) {
		NL_SET_ERR_MSG_MOD(extack,
				   "policy with this direction, priority and selector exists");
		return -EEXIST;
	}
	if (!old && update) {
		NL_SET_ERR_MSG_MOD(extack,
				   "no policy with this direction, priority and selector");
		return -ENOENT;
	}
	if (old) {
		p->index = old->index;
		p->pl = old->pl;
		hlist_replace_rcu(&old->hnode, &p->hnode);
		list_replace_rcu(&old->list, &p->list);
		hlist_replace_rcu(&old->inode, &p->inode);
		call_rcu(&old->rcu, policy_free_rcu);
		return 0;
	}

	list_for_each_entry(pl, &nn->plens[p->dir], list)
		if (pl->family == p->sel.family && pl->splen == p->sel.splen &&
		    pl->dplen == p->sel.dplen)
			goto found;
	pl = kzalloc(sizeof(*pl), GFP_KERNEL);
	if (!pl)
		return -ENOMEM;
	pl->family = p->sel.family;
	pl->splen = p->sel.splen;
	pl->dplen = p->sel.dplen;
	list_add_tail_rcu(&pl->list, &nn->plens[p->dir]);
found:
	pl->count++;
	p->pl = pl;
	do {
		p->index = ++nn->pol_index;
	} while (!p->index || nfipsec_policy_by_index(nn, p->index));
	h = pol_hash(p->dir, p->sel.family, p->sel.splen, p->sel.dplen,
		     &p->sel.src, &p->sel.dst);
	hlist_add_head_rcu(&p->hnode, &nn->pol_hash[h]);
	list_add_tail_rcu(&p->list, &nn->pol_list);
	hlist_add_head_rcu(&p->inode, pol_ibucket(nn, p->index));
	WRITE_ONCE(nn->npol[p->dir], nn->npol[p->dir] + 1);
	return 0;
}

void nfipsec_policy_unlink(struct nfipsec_net *nn, struct nfipsec_policy *p)
{
	lockdep_assert_held(&nn->lock);

	hlist_del_rcu(&p->inode);
	hlist_del_rcu(&p->hnode);
	list_del_rcu(&p->list);
	WRITE_ONCE(nn->npol[p->dir], nn->npol[p->dir] - 1);
	if (!--p->pl->count) {
		list_del_rcu(&p->pl->list);
		kfree_rcu(p->pl, rcu);
	}
	call_rcu(&p->rcu, policy_free_rcu);
}

/* dir < 0: every direction. */
void nfipsec_spd_flush(struct nfipsec_net *nn, int dir)
{
	struct nfipsec_policy *p, *tmp;

	mutex_lock(&nn->lock);
	list_for_each_entry_safe(p, tmp, &nn->pol_list, list) {
		if (dir < 0 || p->dir == dir)
			nfipsec_policy_unlink(nn, p);
		cond_resched();
	}
	mutex_unlock(&nn->lock);
}

/* Under RCU. */
struct nfipsec_policy *nfipsec_spd_lookup(struct nfipsec_net *nn, u8 dir,
					  const struct nfipsec_pkt *pkt)
{
	struct nfipsec_policy *p, *best = NULL;
	struct nfipsec_plen *pl;
	u32 h;

	list_for_each_entry_rcu(pl, &nn->plens[dir], list) {
		if (pl->family != pkt->family)
			continue;
		h = pol_hash(dir, pkt->family, pl->splen, pl->dplen, &pkt->src,
			     &pkt->dst);
		hlist_for_each_entry_rcu(p, &nn->pol_hash[h], hnode) {
			if (p->dir != dir || p->pl != pl ||
			    !nfipsec_sel_match(&p->sel, pkt))
				continue;
			if (!best || p->priority < best->priority ||
			    (p->priority == best->priority &&
			     p->index < best->index))
				best = p;
		}
	}
	if (best)
		this_cpu_inc(*best->hits);
	return best;
}

/* Does @sa satisfy template @t for a packet of @family at the template's
 * level (transport: the SA's endpoints are that packet's own)?
 */
bool nfipsec_tmpl_match_sa(const struct nfipsec_tmpl *t,
			   const struct nfipsec_sa *sa, u16 family)
{
	if (sa->proto != t->proto || sa->mode != t->mode ||
	    (t->reqid && sa->reqid != t->reqid) ||
	    (t->spi && sa->spi != t->spi))
		return false;
	if (t->has_addrs)
		return sa->family == t->family &&
		       nfipsec_addr_match(&sa->src, &t->src,
					  t->family == AF_INET ? 32 : 128,
					  t->family) &&
		       nfipsec_addr_match(&sa->dst, &t->dst,
					  t->family == AF_INET ? 32 : 128,
					  t->family);
	if (t->mode == NFIPSEC_MODE_TUNNEL)
		return true;
	/* transport: the SA's endpoints are the packet's (either way round
	 * is checked by the caller through the addresses it looked up)
	 */
	return sa->family == family;
}
