// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the security association database (SAD) of one netns.
 *
 * Two fixed-size hash tables of 2^NFIPSEC_SA_HASH_BITS buckets: by (SPI,
 * destination, protocol), the key of an inbound packet, and by
 * (destination, protocol), where output looks for the SA a template names
 * (newest first, so a rekeyed SA takes over as soon as it is added).
 * Readers on the packet path walk the chains under RCU; writers hold
 * nn->lock. An SA is refcounted: the tables hold one reference, each packet
 * in flight another. The last put frees it after a grace period from a
 * workqueue (crypto_free_aead may sleep), zeroing the keys.
 *
 * Lifetimes, as XFRM enforces them. Bytes and packets are counted in two
 * atomic64 per SA by nfipsec_sa_lft_use(), which output and input call
 * where they count a packet on the SA: the usage so far is checked before
 * the packet is counted, so a hard limit of N packets lets N packets
 * through and the next one expires the SA; a byte limit lets through the
 * packet that crosses it. Soft: one EXPIRE event (test_and_set_bit of
 * NFIPSEC_LFT_SOFT), sent from where it is noticed (GFP_ATOMIC). Hard: the
 * packet path only sets NFIPSEC_LFT_HARD (from then on every packet on the
 * SA is dropped as NFIPSEC_DROP_EXPIRED) and schedules the netns' lft_work
 * now; deletion needs nn->lock, a mutex. Time limits (since add, since
 * first use; boottime, so wall clock changes do not expire SAs) are also
 * found by lft_work, which runs when the earliest deadline is due: it
 * walks the SAD under nn->lock, sends the soft events due, and for every
 * SA past a hard limit sends the hard EXPIRE and unlinks it as SA_DEL
 * would (with the SA-deleted event). nn->lft_next, under nn->lft_lock,
 * remembers when lft_work is due, so arming only ever brings it forward.
 * lft_work is cancelled (synchronously) at netns exit, after the hooks
 * are gone and async crypto has drained, so nothing re-arms it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/authenc.h>
#include <crypto/hash.h>
#include <linux/jhash.h>
#include <linux/jiffies.h>
#include <linux/math64.h>
#include <linux/rtnetlink.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <linux/vmalloc.h>
#include <net/ipv6.h>

#include "nfipsec.h"

static u32 addr_hash(const union nf_inet_addr *a, u16 family)
{
	if (family == AF_INET)
		return (__force u32)a->ip;
	return jhash2((const u32 *)a->ip6, 4, 0);
}

static struct hlist_head *byspi_bucket(struct nfipsec_net *nn, __be32 spi,
				       const union nf_inet_addr *dst,
				       u8 proto, u16 family)
{
	u32 h = jhash_3words((__force u32)spi, addr_hash(dst, family), proto,
			     0);

	return &nn->sa_byspi[h >> (32 - NFIPSEC_SA_HASH_BITS)];
}

static struct hlist_head *bydst_bucket(struct nfipsec_net *nn,
				       const union nf_inet_addr *dst,
				       u8 proto, u16 family)
{
	u32 h = jhash_2words(addr_hash(dst, family), proto, family);

	return &nn->sa_bydst[h >> (32 - NFIPSEC_SA_HASH_BITS)];
}

static bool addr_eq(const union nf_inet_addr *a, const union nf_inet_addr *b,
		    u16 family)
{
	if (family == AF_INET)
		return a->ip == b->ip;
	return ipv6_addr_equal(&a->in6, &b->in6);
}

/* ---- lifetimes ---------------------------------------------------------- */

#define LFT_MAX_DELAY	(3600UL * HZ)	/* lft_work runs at least hourly */

static u64 lft_deadline(u64 start, u64 secs)
{
	if (!start || !secs || secs > div_u64(U64_MAX - start, NSEC_PER_SEC))
		return U64_MAX;
	return start + secs * NSEC_PER_SEC;
}

/* lft_work runs no later than @when (boottime ns). Any context. */
static void lft_schedule(struct nfipsec_net *nn, u64 when)
{
	unsigned long flags, delay = 0;
	u64 now;

	spin_lock_irqsave(&nn->lft_lock, flags);
	if (when < nn->lft_next) {
		nn->lft_next = when;
		now = ktime_get_boottime_ns();
		if (when > now)
			delay = min_t(u64, nsecs_to_jiffies64(when - now) + 1,
				      LFT_MAX_DELAY);
		mod_delayed_work(nfipsec_wq, &nn->lft_work, delay);
	}
	spin_unlock_irqrestore(&nn->lft_lock, flags);
}

/*
 * Under nn->lock: send what is due for @sa at @now, unlink it if past a
 * hard limit; returns when it is next due (U64_MAX: never by time).
 */
static u64 lft_check(struct nfipsec_net *nn, struct nfipsec_sa *sa, u64 now)
{
	u64 use = READ_ONCE(sa->use_ns), hard, soft;

	hard = min(lft_deadline(sa->add_ns, sa->hard.add_secs),
		   lft_deadline(use, sa->hard.use_secs));
	if (hard <= now)
		set_bit(NFIPSEC_LFT_HARD, &sa->lft_state);
	if (test_bit(NFIPSEC_LFT_HARD, &sa->lft_state)) {
		nfipsec_ev_expire(nn, sa, true);
		nfipsec_sa_unlink(nn, sa);
		return U64_MAX;
	}
	if (test_bit(NFIPSEC_LFT_SOFT, &sa->lft_state))
		return hard;
	soft = min(lft_deadline(sa->add_ns, sa->soft.add_secs),
		   lft_deadline(use, sa->soft.use_secs));
	if (soft > now)
		return min(soft, hard);
	if (!test_and_set_bit(NFIPSEC_LFT_SOFT, &sa->lft_state))
		nfipsec_ev_expire(nn, sa, false);
	return hard;
}

static void lft_work_fn(struct work_struct *work)
{
	struct nfipsec_net *nn = container_of(to_delayed_work(work),
					      struct nfipsec_net, lft_work);
	struct nfipsec_sa *sa, *tmp;
	u64 now, next = U64_MAX;
	unsigned long flags;

	/* from here on, any arming queues another run */
	spin_lock_irqsave(&nn->lft_lock, flags);
	nn->lft_next = U64_MAX;
	spin_unlock_irqrestore(&nn->lft_lock, flags);

	mutex_lock(&nn->lock);
	now = ktime_get_boottime_ns();
	list_for_each_entry_safe(sa, tmp, &nn->sa_list, list)
		next = min(next, lft_check(nn, sa, now));
	mutex_unlock(&nn->lock);
	lft_schedule(nn, next);
}

/* Under nn->lock, after the SA was added or its lifetimes changed. */
void nfipsec_sa_lft_arm(struct nfipsec_net *nn, struct nfipsec_sa *sa)
{
	lockdep_assert_held(&nn->lock);
	lft_schedule(nn, lft_check(nn, sa, ktime_get_boottime_ns()));
}

static void lft_first_use(struct nfipsec_sa *sa)
{
	u64 now = ktime_get_boottime_ns();

	if (test_and_set_bit(NFIPSEC_LFT_USED, &sa->lft_state))
		return;
	WRITE_ONCE(sa->use_ns, now);
	lft_schedule(sa->nn,
		     min(lft_deadline(now, READ_ONCE(sa->soft.use_secs)),
			 lft_deadline(now, READ_ONCE(sa->hard.use_secs))));
}

/*
 * The packet path, lock-free: count one packet of @bytes on @sa (bytes as
 * the per-SA byte counters count them). False: the SA is past its hard
 * lifetime, drop the packet as NFIPSEC_DROP_EXPIRED.
 */
bool nfipsec_sa_lft_use(struct nfipsec_sa *sa, unsigned int bytes)
{
	u64 p, b, hp, hb, sp, sb;

	if (unlikely(test_bit(NFIPSEC_LFT_HARD, &sa->lft_state)))
		return false;
	if (unlikely(!test_bit(NFIPSEC_LFT_USED, &sa->lft_state)))
		lft_first_use(sa);
	p = atomic64_fetch_add(1, &sa->lft_packets);
	b = atomic64_fetch_add(bytes, &sa->lft_bytes);
	hp = READ_ONCE(sa->hard.packets);
	hb = READ_ONCE(sa->hard.bytes);
	if (unlikely((hp && p >= hp) || (hb && b >= hb))) {
		if (!test_and_set_bit(NFIPSEC_LFT_HARD, &sa->lft_state)) {
			net_dbg_ratelimited("SPI 0x%08x: hard lifetime reached\n",
					    ntohl(sa->spi));
			lft_schedule(sa->nn, 0);
		}
		return false;
	}
	sp = READ_ONCE(sa->soft.packets);
	sb = READ_ONCE(sa->soft.bytes);
	if (unlikely((sp && p >= sp) || (sb && b >= sb)) &&
	    !test_bit(NFIPSEC_LFT_SOFT, &sa->lft_state) &&
	    !test_and_set_bit(NFIPSEC_LFT_SOFT, &sa->lft_state))
		nfipsec_ev_expire(sa->nn, sa, false);
	return true;
}

/* Current usage, for dumps. */
void nfipsec_sa_lft_cur(struct nfipsec_sa *sa, struct nfipsec_lft *cur)
{
	u64 now = ktime_get_boottime_ns(), use = READ_ONCE(sa->use_ns);

	cur->bytes = atomic64_read(&sa->lft_bytes);
	cur->packets = atomic64_read(&sa->lft_packets);
	cur->add_secs = div_u64(now - sa->add_ns, NSEC_PER_SEC);
	cur->use_secs = use ? div_u64(now - use, NSEC_PER_SEC) : 0;
}

int nfipsec_sad_init(struct nfipsec_net *nn)
{
	size_t sz = sizeof(struct hlist_head) << NFIPSEC_SA_HASH_BITS;

	INIT_LIST_HEAD(&nn->sa_list);
	INIT_DELAYED_WORK(&nn->lft_work, lft_work_fn);
	spin_lock_init(&nn->lft_lock);
	nn->lft_next = U64_MAX;
	nn->sa_byspi = kvzalloc(sz, GFP_KERNEL);
	nn->sa_bydst = kvzalloc(sz, GFP_KERNEL);
	if (!nn->sa_byspi || !nn->sa_bydst) {
		kvfree(nn->sa_byspi);
		kvfree(nn->sa_bydst);
		return -ENOMEM;
	}
	return 0;
}

void nfipsec_sad_exit(struct nfipsec_net *nn)
{
	cancel_delayed_work_sync(&nn->lft_work);
	nfipsec_sad_flush(nn, 0);
	nfipsec_encap_exit(nn);
	kvfree(nn->sa_byspi);
	kvfree(nn->sa_bydst);
}

struct nfipsec_sa *nfipsec_sa_alloc(void)
{
	struct nfipsec_sa *sa = kzalloc(sizeof(*sa), GFP_KERNEL);

	if (!sa)
		return NULL;
	sa->stats = alloc_percpu(struct nfipsec_sa_pcpu);
	if (!sa->stats) {
		kfree(sa);
		return NULL;
	}
	refcount_set(&sa->ref, 1);
	INIT_LIST_HEAD(&sa->list);
	nfipsec_ka_init(sa);
	sa->sel.type = -1;
	sa->sel.code = -1;
	return sa;
}

static void sa_free_work(struct work_struct *work)
{
	struct nfipsec_sa *sa = container_of(to_rcu_work(work),
					     struct nfipsec_sa, free_work);

	if (sa->aead)
		crypto_free_aead(sa->aead);
	if (sa->ahash)
		crypto_free_ahash(sa->ahash);
	nfipsec_replay_free(&sa->replay);
	free_percpu(sa->stats);
	kfree_sensitive(sa);
}

void nfipsec_sa_put(struct nfipsec_sa *sa)
{
	if (!refcount_dec_and_test(&sa->ref))
		return;
	INIT_RCU_WORK(&sa->free_work, sa_free_work);
	queue_rcu_work(nfipsec_wq, &sa->free_work);
}

/*
 * One crypto_aead per SA. ENC and AUTH are combined the way esp4 does it,
 * by the authenc template (authencesn with ESN, which moves the high
 * sequence half behind the payload for the ICV). The IV is not made by a
 * geniv template: output writes it itself (see output.c), so the AEAD is
 * always the bare one and the IV travels as associated data.
 */
/*
 * "pcrypt(NAME)" and "cryptd(NAME)" (an AEAD run asynchronously): NAME is
 * an algorithm name, which the template would look up again after its
 * own instance registered under that name, and so wrap itself until the
 * name is too long. Pin it instead to the driver of a synchronous NAME,
 * as "pcrypt(DRIVER)". Other names are left alone.
 */
static int resolve_wrapped(char *name, size_t size)
{
	static const char *const wraps[] = { "pcrypt(", "cryptd(" };
	char inner[CRYPTO_MAX_ALG_NAME];
	struct crypto_aead *aead;
	size_t n = strlen(name), i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(wraps); i++)
		if (!strncmp(name, wraps[i], 7))
			break;
	if (i == ARRAY_SIZE(wraps) || n < 9 || name[n - 1] != ')')
		return 0;
	strscpy(inner, name + 7, min(n - 7, sizeof(inner)));
	aead = crypto_alloc_aead(inner, 0, CRYPTO_ALG_ASYNC);
	if (IS_ERR(aead))
		return PTR_ERR(aead);
	ret = snprintf(name, size, "%s%s)", wraps[i],
		       crypto_tfm_alg_driver_name(crypto_aead_tfm(aead)));
	crypto_free_aead(aead);
	return ret >= size ? -ENAMETOOLONG : 0;
}

int nfipsec_sa_setup_crypto(struct nfipsec_sa *sa,
			    struct netlink_ext_ack *extack)
{
	bool esn = sa->flags & NFIPSEC_SA_F_ESN;
	char name[CRYPTO_MAX_ALG_NAME];
	struct crypto_authenc_key_param *param;
	struct crypto_aead *aead;
	unsigned int keylen;
	struct rtattr *rta;
	u8 *key, *p;
	int err;

	if (sa->proto == IPPROTO_AH)
		return nfipsec_ah_setup(sa, extack);
	if (sa->aead_alg) {
		strscpy(name, sa->aead_name, sizeof(name));
		err = resolve_wrapped(name, sizeof(name));
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "the kernel's crypto API has no synchronous algorithm to wrap");
			return err == -ENOENT ? -ENOPROTOOPT : err;
		}
	} else {
		const char *auth = sa->auth_alg ? sa->auth_alg->name :
						  "digest_null";

		if (snprintf(name, sizeof(name), "%s(%s,%s)",
			     esn ? "authencesn" : "authenc", auth,
			     sa->enc_alg->name) >= sizeof(name))
			return -ENAMETOOLONG;
	}

	aead = crypto_alloc_aead(name, 0, 0);
	if (IS_ERR(aead)) {
		err = PTR_ERR(aead);
		NL_SET_ERR_MSG_MOD(extack,
				   "the kernel's crypto API cannot instantiate this algorithm");
		return err == -ENOENT ? -ENOPROTOOPT : err;
	}

	if (sa->aead_alg) {
		err = crypto_aead_setkey(aead, sa->aead_key, sa->aead_keylen);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "AEAD refused the key");
			goto err_free;
		}
		err = crypto_aead_setauthsize(aead, sa->icv_bits / 8);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "AEAD refused the ICV length");
			goto err_free;
		}
	} else {
		keylen = RTA_SPACE(sizeof(*param)) + sa->auth_keylen +
			 sa->enc_keylen;
		key = kmalloc(keylen, GFP_KERNEL);
		if (!key) {
			err = -ENOMEM;
			goto err_free;
		}
		p = key;
		rta = (struct rtattr *)p;
		rta->rta_type = CRYPTO_AUTHENC_KEYA_PARAM;
		rta->rta_len = RTA_LENGTH(sizeof(*param));
		param = RTA_DATA(rta);
		param->enckeylen = cpu_to_be32(sa->enc_keylen);
		p += RTA_SPACE(sizeof(*param));
		memcpy(p, sa->auth_key, sa->auth_keylen);
		p += sa->auth_keylen;
		memcpy(p, sa->enc_key, sa->enc_keylen);
		err = crypto_aead_setkey(aead, key, keylen);
		kfree_sensitive(key);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "authenc refused the keys");
			goto err_free;
		}
		err = crypto_aead_setauthsize(aead, sa->auth_alg ?
					      sa->icv_bits / 8 : 0);
		if (err) {
			NL_SET_ERR_MSG_MOD(extack,
					   "authenc refused the truncation length");
			goto err_free;
		}
	}

	sa->aead = aead;
	sa->icvlen = crypto_aead_authsize(aead);
	sa->ivlen = crypto_aead_ivsize(aead);
	sa->blksize = ALIGN(crypto_aead_blocksize(aead), 4);
	return 0;

err_free:
	crypto_free_aead(aead);
	return err;
}

int nfipsec_sa_insert(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		      struct netlink_ext_ack *extack)
{
	struct nfipsec_sa *old;

	lockdep_assert_held(&nn->lock);

	old = nfipsec_sa_lookup_any(nn, sa->spi, &sa->dst, sa->proto,
				    sa->family);
	if (old) {
		if (old->larval)
			NL_SET_ERR_MSG_MOD(extack,
					   "SPI reserved by ALLOCSPI: fill the larval SA in with SA_UPDATE");
		else
			NL_SET_ERR_MSG_MOD(extack,
					   "SA with this SPI, destination and protocol exists");
		return -EEXIST;
	}
	if (sa->encap_type) {
		int err = nfipsec_encap_port_get(nn, sa->encap_dport);

		if (err) {
			NL_SET_ERR_MSG_MOD(extack, "no memory for the UDP port");
			return err;
		}
	}
	sa->nn = nn;
	sa->add_ns = ktime_get_boottime_ns();
	hlist_add_head_rcu(&sa->byspi, byspi_bucket(nn, sa->spi, &sa->dst,
						    sa->proto, sa->family));
	hlist_add_head_rcu(&sa->bydst, bydst_bucket(nn, &sa->dst, sa->proto,
						    sa->family));
	list_add_tail_rcu(&sa->list, &nn->sa_list);
	WRITE_ONCE(nn->nsa, nn->nsa + 1);
	nfipsec_ka_start(sa);
	nfipsec_sa_lft_arm(nn, sa);
	if (!sa->larval)
		nfipsec_acquire_flush(nn);
	return 0;
}

/*
 * Under RCU or nn->lock; the SA is valid until the read section ends.
 * Larval SAs (ALLOCSPI's reservations, see spi.c) are found too: the
 * control plane names them; the packet path uses nfipsec_sa_lookup.
 */
struct nfipsec_sa *nfipsec_sa_lookup_any(struct nfipsec_net *nn, __be32 spi,
					 const union nf_inet_addr *dst,
					 u8 proto, u16 family)
{
	struct nfipsec_sa *sa;

	hlist_for_each_entry_rcu(sa, byspi_bucket(nn, spi, dst, proto, family),
				 byspi, lockdep_is_held(&nn->lock)) {
		if (sa->spi == spi && sa->proto == proto &&
		    sa->family == family && addr_eq(&sa->dst, dst, family))
			return sa;
	}
	return NULL;
}

/* The packet path's lookup: a larval SA has no keys and matches nothing. */
struct nfipsec_sa *nfipsec_sa_lookup(struct nfipsec_net *nn, __be32 spi,
				     const union nf_inet_addr *dst,
				     u8 proto, u16 family)
{
	struct nfipsec_sa *sa = nfipsec_sa_lookup_any(nn, spi, dst, proto,
						      family);

	return sa && !sa->larval ? sa : NULL;
}

/*
 * Under RCU: the SA for template @t, for packet @pkt (its selector) at a
 * level whose addresses are @lvl's (transport templates take them).
 */
struct nfipsec_sa *nfipsec_sa_find_out(struct nfipsec_net *nn,
				       const struct nfipsec_tmpl *t,
				       const struct nfipsec_pkt *lvl,
				       const struct nfipsec_pkt *pkt)
{
	const union nf_inet_addr *dst = t->has_addrs ? &t->dst : &lvl->dst;
	u16 family = t->has_addrs ? t->family : lvl->family;
	struct nfipsec_sa *sa;

	hlist_for_each_entry_rcu(sa, bydst_bucket(nn, dst, t->proto, family),
				 bydst) {
		if (sa->proto != t->proto || sa->family != family ||
		    sa->larval || !addr_eq(&sa->dst, dst, family))
			continue;
		if (!t->has_addrs && !addr_eq(&sa->src, &lvl->src, family))
			continue;
		if (nfipsec_tmpl_match_sa(t, sa, family) &&
		    (!sa->has_sel || nfipsec_sel_match(&sa->sel, pkt)))
			return sa;
	}
	return NULL;
}

void nfipsec_sa_unlink(struct nfipsec_net *nn, struct nfipsec_sa *sa)
{
	lockdep_assert_held(&nn->lock);

	hlist_del_rcu(&sa->byspi);
	hlist_del_rcu(&sa->bydst);
	list_del_rcu(&sa->list);
	WRITE_ONCE(nn->nsa, nn->nsa - 1);
	if (sa->encap_type)
		nfipsec_encap_port_put(nn, sa->encap_dport);
	sa->dead = true;
	nfipsec_ka_stop(sa);
	nfipsec_ev_sa_del(nn, sa);
	nfipsec_sa_put(sa);
}

/*
 * Under nn->lock: @sa, complete, takes the place of @larval (same SPI,
 * destination and protocol). The reservation goes without an event: to a
 * negotiator it is the same SA, now with keys. @sa counts as added now.
 */
int nfipsec_sa_fill_larval(struct nfipsec_net *nn, struct nfipsec_sa *larval,
			   struct nfipsec_sa *sa, struct netlink_ext_ack *extack)
{
	lockdep_assert_held(&nn->lock);

	hlist_del_rcu(&larval->byspi);
	hlist_del_rcu(&larval->bydst);
	list_del_rcu(&larval->list);
	WRITE_ONCE(nn->nsa, nn->nsa - 1);
	larval->dead = true;
	nfipsec_sa_put(larval);
	return nfipsec_sa_insert(nn, sa, extack);
}

void nfipsec_sad_flush(struct nfipsec_net *nn, u8 proto)
{
	struct nfipsec_sa *sa, *tmp;

	mutex_lock(&nn->lock);
	list_for_each_entry_safe(sa, tmp, &nn->sa_list, list) {
		if (!proto || sa->proto == proto)
			nfipsec_sa_unlink(nn, sa);
		cond_resched();
	}
	mutex_unlock(&nn->lock);
}
