// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: ACQUIRE events, one per pending acquire.
 *
 * A packet that hits an out protect policy with no SA asks the negotiator
 * for one (NFIPSEC_CMD_EV_ACQUIRE with the policy, its template and the
 * packet's selector). While that negotiation is pending, further packets
 * of the same flow must not flood the events group: as XFRM keeps a
 * larval "acquire" state for XFRM_ACQ_EXPIRES seconds, the netns keeps a
 * small table of pending acquires keyed by the policy's index and the
 * packet's selector (family, protocol, addresses, ports or ICMP type and
 * code). A packet whose key is pending sends nothing; the entry ends when
 * NFIPSEC_ACQ_SECS pass (then the next packet sends again) or when any
 * complete SA is installed (nfipsec_sa_insert: the SA may be the one
 * asked for, and if it is not, the next packet asks again at once).
 *
 * The packet path takes nn->acq_lock (a spinlock, BH off) only on the
 * no-SA path, which drops the packet anyway. Expired entries are freed as
 * their bucket is walked. The table holds at most NFIPSEC_ACQ_MAX entries;
 * past that (a scan of many destinations) the old per-policy limit of one
 * event a second applies instead.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jhash.h>
#include <linux/slab.h>

#include "nfipsec.h"

#define NFIPSEC_ACQ_MAX		1024

struct nfipsec_acq {
	struct hlist_node node;
	u32 policy;
	struct nfipsec_pkt key;
	unsigned long expires;		/* jiffies */
};

static void acq_key(struct nfipsec_pkt *key, const struct nfipsec_pkt *pkt)
{
	memset(key, 0, sizeof(*key));
	key->family = pkt->family;
	key->proto = pkt->proto;
	key->src = pkt->src;
	key->dst = pkt->dst;
	key->has_ports = pkt->has_ports;
	if (pkt->has_ports) {
		key->sport = pkt->sport;
		key->dport = pkt->dport;
	}
}

void nfipsec_acquire_init(struct nfipsec_net *nn)
{
	spin_lock_init(&nn->acq_lock);
}

/* Forget every pending acquire: an SA appeared, or the netns goes. */
void nfipsec_acquire_flush(struct nfipsec_net *nn)
{
	struct nfipsec_acq *a;
	struct hlist_node *tmp;
	unsigned int i;

	spin_lock_bh(&nn->acq_lock);
	for (i = 0; i < ARRAY_SIZE(nn->acq_hash); i++)
		hlist_for_each_entry_safe(a, tmp, &nn->acq_hash[i], node) {
			hlist_del(&a->node);
			kfree(a);
		}
	nn->nacq = 0;
	spin_unlock_bh(&nn->acq_lock);
}

/* True if @p and @key have no pending acquire: it is recorded now. */
static bool acq_new(struct nfipsec_net *nn, struct nfipsec_policy *p,
		    const struct nfipsec_pkt *key)
{
	unsigned long now = jiffies, next;
	struct hlist_head *head;
	struct nfipsec_acq *a;
	struct hlist_node *tmp;
	bool fresh = true;
	u32 h;

	h = jhash(key, sizeof(*key), p->index);
	head = &nn->acq_hash[h % ARRAY_SIZE(nn->acq_hash)];
	spin_lock_bh(&nn->acq_lock);
	hlist_for_each_entry_safe(a, tmp, head, node) {
		if (time_after_eq(now, a->expires)) {
			hlist_del(&a->node);
			kfree(a);
			nn->nacq--;
			continue;
		}
		if (a->policy == p->index && !memcmp(&a->key, key, sizeof(*key)))
			fresh = false;
	}
	if (!fresh)
		goto out;
	a = nn->nacq < NFIPSEC_ACQ_MAX ? kmalloc(sizeof(*a), GFP_ATOMIC) :
					  NULL;
	if (!a) {
		/* table full: at most one event a second for the policy */
		next = READ_ONCE(p->acquire_next);
		fresh = time_after_eq(now, next) &&
			cmpxchg(&p->acquire_next, next, now + HZ) == next;
		goto out;
	}
	a->policy = p->index;
	a->key = *key;
	a->expires = now + NFIPSEC_ACQ_SECS * HZ;
	hlist_add_head(&a->node, head);
	nn->nacq++;
out:
	spin_unlock_bh(&nn->acq_lock);
	return fresh;
}

/* The packet path: @pkt matched @p, and no SA fits its template. */
void nfipsec_acquire(struct nfipsec_net *nn, struct nfipsec_policy *p,
		     const struct nfipsec_tmpl *t, const struct nfipsec_pkt *pkt)
{
	struct nfipsec_pkt key;

	acq_key(&key, pkt);
	if (acq_new(nn, p, &key))
		nfipsec_ev_acquire(nn, p, t, pkt);
}
