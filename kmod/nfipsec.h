/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsec: declarations shared by the module's files.
 */
#ifndef _NFIPSEC_H
#define _NFIPSEC_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/refcount.h>
#include <linux/netfilter.h>
#include <linux/workqueue.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/genetlink.h>

#include "uapi/nfipsec.h"

#define NFIPSEC_VERSION "0.1.0"

#define NFIPSEC_SA_HASH_BITS	11
#define NFIPSEC_POL_HASH_BITS	12

struct nfipsec_pcpu_stats {
	u64 drop[NFIPSEC_DROP_MAX + 1];
	u64 cnt[NFIPSEC_CNT_MAX + 1];
};

/* Per network namespace state. */
struct nfipsec_net {
	struct net *net;
	bool hooks_registered;
	bool defrag4, defrag6;
	struct mutex lock;		/* writers of SAD and SPD */

	/* SAD: by (SPI, dst, proto) for input, by (dst, proto) for output */
	struct hlist_head *sa_byspi;
	struct hlist_head *sa_bydst;
	struct list_head sa_list;	/* every SA, for dumps (RCU) */
	unsigned int nsa;

	/* SPD: see policy.c */
	struct hlist_head *pol_hash;
	struct hlist_head *pol_ihash;	/* by index */
	struct list_head pol_list;	/* every policy, for dumps (RCU) */
	struct list_head plens[3];	/* per direction: prefix groups */
	unsigned int npol[3];
	u32 pol_index;

	struct net_device *dev;		/* "nfipsec0": decapsulated traffic */
	struct nfipsec_pcpu_stats __percpu *stats;
	atomic_t inflight;		/* packets inside async crypto */

	/* lifetimes: see sa.c */
	struct delayed_work lft_work;	/* scans the SAD when one is due */
	spinlock_t lft_lock;		/* lft_next and arming lft_work */
	u64 lft_next;			/* boottime ns lft_work is due at */

	/* pending acquires: see acquire.c */
	spinlock_t acq_lock;
	struct hlist_head acq_hash[64];
	unsigned int nacq;

	/* ESP in UDP: see udp.c; writers hold lock */
	unsigned long *encap_ports;	/* bitmap: some SA's encap DPORT */
	struct hlist_head encap_refs;	/* SAs per port */
	unsigned int nencap;		/* SAs with ENCAP */
};

extern unsigned int nfipsec_net_id;
extern struct workqueue_struct *nfipsec_wq;

static inline struct nfipsec_net *nfipsec_pernet(const struct net *net)
{
	return net_generic(net, nfipsec_net_id);
}

static inline void nfipsec_drop_inc(struct nfipsec_net *nn, int reason)
{
	this_cpu_inc(nn->stats->drop[reason]);
}

static inline void nfipsec_cnt_inc(struct nfipsec_net *nn, int c)
{
	this_cpu_inc(nn->stats->cnt[c]);
}

/* A traffic selector; type/code -1 mean any. */
struct nfipsec_sel {
	u16 family;
	u8 splen, dplen;
	u8 proto;
	union nf_inet_addr src, dst;
	u16 sport_min, sport_max, dport_min, dport_max;
	s16 type, code;
};

/* What a packet offers to selectors. */
struct nfipsec_pkt {
	u16 family;
	u8 proto;
	union nf_inet_addr src, dst;
	u16 sport, dport;	/* or ICMP type, code */
	bool has_ports;
};

bool nfipsec_addr_match(const union nf_inet_addr *a,
			const union nf_inet_addr *b, u8 plen, u16 family);
bool nfipsec_sel_match(const struct nfipsec_sel *sel,
		       const struct nfipsec_pkt *pkt);
int nfipsec_pkt_parse(struct sk_buff *skb, u16 family,
		      struct nfipsec_pkt *pkt);

/* crypto.c: the algorithms of DESIGN.md, by crypto API name. */
struct nfipsec_alg {
	const char *name;
	u8 type;		/* enum nfipsec_alg_type */
	u16 key_bits_min;	/* key length range, salt or nonce included */
	u16 key_bits_max;
	u16 icv_bits_default;	/* AEAD ICV, or AUTH truncation */
	u32 icv_bits_mask;	/* allowed ICV lengths, bit (bits / 32) */
	u8 block;		/* cipher block size (ESP padding) */
	u8 iv;			/* IV bytes on the wire */
	bool legacy;		/* accept, but warn: RFC 8221 MUST NOT */
	const char *key_msg;	/* refusal text for a wrong key length */
	const char *icv_msg;	/* refusal text for a wrong ICV length */
};

const struct nfipsec_alg *nfipsec_alg_find(const char *name, u8 type);
const struct nfipsec_alg *nfipsec_alg_at(unsigned int i);
int nfipsec_alg_probe(const struct nfipsec_alg *alg, char *driver,
		      size_t len);
bool nfipsec_alg_key_ok(const struct nfipsec_alg *alg, unsigned int bits);

/* replay.c */
struct nfipsec_replay {
	spinlock_t lock;	/* top and bitmap change together */
	u32 window;		/* packets; 0: no replay check */
	u32 nbits;		/* bitmap size, a power of two >= window */
	u64 top;		/* highest sequence number accepted */
	unsigned long *bitmap;	/* bit (seq % nbits) set: seq seen */
};

int nfipsec_replay_init(struct nfipsec_replay *r, u32 window, u64 top);
void nfipsec_replay_free(struct nfipsec_replay *r);
u64 nfipsec_replay_infer(struct nfipsec_replay *r, u32 seq_lo, bool esn);
bool nfipsec_replay_check(struct nfipsec_replay *r, u64 seq, bool esn);
bool nfipsec_replay_advance(struct nfipsec_replay *r, u64 seq, bool esn);
int nfipsec_replay_selftest(void);

/* sa.c */
struct nfipsec_lft {
	u64 bytes, packets, add_secs, use_secs;
};

/* Bits of nfipsec_sa.lft_state. */
enum {
	NFIPSEC_LFT_USED,		/* first packet seen, use_ns set */
	NFIPSEC_LFT_SOFT,		/* soft EXPIRE sent */
	NFIPSEC_LFT_HARD,		/* hard limit reached: drop, delete */
};

struct nfipsec_sa_pcpu {
	u64 v[NFIPSEC_SA_STAT_MAX + 1];
};

struct nfipsec_sa {
	struct hlist_node byspi;
	struct hlist_node bydst;
	struct list_head list;
	refcount_t ref;
	struct rcu_work free_work;
	struct nfipsec_net *nn;
	bool dead;
	bool larval;			/* ALLOCSPI's reservation: no keys */

	__be32 spi;
	u8 proto, mode, df;
	u16 family;
	union nf_inet_addr src, dst;
	u32 reqid, flags;
	int ifindex;			/* link for inbound packets, 0: nfipsec0 */
	struct nfipsec_sel sel;
	bool has_sel;
	struct nfipsec_lft soft, hard;
	u64 add_ns, use_ns;		/* ktime_get_boottime_ns() */
	unsigned long lft_state;	/* NFIPSEC_LFT_* bits */
	atomic64_t lft_bytes, lft_packets;	/* usage, for the limits */

	const struct nfipsec_alg *aead_alg, *enc_alg, *auth_alg;
	char aead_name[NFIPSEC_ALG_NAME_MAX];	/* as asked (may wrap) */
	u8 aead_key[NFIPSEC_KEY_MAX], enc_key[NFIPSEC_KEY_MAX];
	u8 auth_key[NFIPSEC_KEY_MAX];
	u16 aead_keylen, enc_keylen, auth_keylen;	/* bytes */
	u16 icv_bits;

	struct crypto_aead *aead;	/* ESP */
	struct crypto_ahash *ahash;	/* AH */
	u8 ivlen, blksize, icvlen;
	u8 ah_hlen;			/* AH: header with ICV and padding */

	atomic64_t seq_out;		/* last number sent */
	unsigned long seq_exhausted;	/* bit 0: event sent */
	struct nfipsec_replay replay;
	struct nfipsec_sa_pcpu __percpu *stats;

	/* ESP in UDP (udp.c): ports change under nn->lock (SA_UPDATE) */
	u16 encap_type;			/* 0: none, or UDP_ENCAP_ESPINUDP */
	__be16 encap_sport, encap_dport;
	unsigned long mapping_next;	/* jiffies: next MAPPING event */
	u32 ka_secs;			/* NAT keepalive interval, 0: none */
	struct timer_list ka_timer;
};

static inline void nfipsec_sa_stat_add(struct nfipsec_sa *sa, int i, u64 n)
{
	this_cpu_add(sa->stats->v[i], n);
}

struct nfipsec_tmpl {
	u8 proto, mode;
	u16 family;
	union nf_inet_addr src, dst;
	bool has_addrs;
	u32 reqid;
	__be32 spi;
};

int nfipsec_sad_init(struct nfipsec_net *nn);
void nfipsec_sad_exit(struct nfipsec_net *nn);
struct nfipsec_sa *nfipsec_sa_alloc(void);
int nfipsec_sa_setup_crypto(struct nfipsec_sa *sa,
			    struct netlink_ext_ack *extack);
void nfipsec_sa_put(struct nfipsec_sa *sa);
static inline void nfipsec_sa_hold(struct nfipsec_sa *sa)
{
	refcount_inc(&sa->ref);
}

int nfipsec_sa_insert(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		      struct netlink_ext_ack *extack);
struct nfipsec_sa *nfipsec_sa_lookup(struct nfipsec_net *nn, __be32 spi,
				     const union nf_inet_addr *dst,
				     u8 proto, u16 family);
struct nfipsec_sa *nfipsec_sa_find_out(struct nfipsec_net *nn,
				       const struct nfipsec_tmpl *t,
				       const struct nfipsec_pkt *lvl,
				       const struct nfipsec_pkt *pkt);
void nfipsec_sa_unlink(struct nfipsec_net *nn, struct nfipsec_sa *sa);
struct nfipsec_sa *nfipsec_sa_lookup_any(struct nfipsec_net *nn, __be32 spi,
					 const union nf_inet_addr *dst,
					 u8 proto, u16 family);
int nfipsec_sa_fill_larval(struct nfipsec_net *nn, struct nfipsec_sa *larval,
			   struct nfipsec_sa *sa, struct netlink_ext_ack *extack);

/* spi.c */
#define NFIPSEC_SPI_MIN		0x100	/* below: reserved (RFC 4303) */
#define NFIPSEC_LARVAL_SECS	30	/* default ALLOCSPI reservation */
int nfipsec_spi_alloc(struct nfipsec_net *nn, struct nfipsec_sa *larval,
		      u32 min, u32 max, struct netlink_ext_ack *extack);
void nfipsec_sad_flush(struct nfipsec_net *nn, u8 proto);
bool nfipsec_sa_lft_use(struct nfipsec_sa *sa, unsigned int bytes);
void nfipsec_sa_lft_arm(struct nfipsec_net *nn, struct nfipsec_sa *sa);
void nfipsec_sa_lft_cur(struct nfipsec_sa *sa, struct nfipsec_lft *cur);

/* policy.c */
struct nfipsec_plen;

struct nfipsec_policy {
	struct hlist_node hnode;
	struct hlist_node inode;	/* in pol_ihash, by index */
	struct list_head list;
	struct rcu_head rcu;
	struct nfipsec_plen *pl;
	u32 index;
	u8 dir, action;
	u32 priority;
	struct nfipsec_sel sel;
	u8 ntmpl;
	struct nfipsec_tmpl tmpl[NFIPSEC_MAX_TMPLS];
	unsigned long acquire_next;	/* jiffies */
	u64 __percpu *hits;
};

int nfipsec_spd_init(struct nfipsec_net *nn);
void nfipsec_spd_exit(struct nfipsec_net *nn);
int nfipsec_policy_insert(struct nfipsec_net *nn, struct nfipsec_policy *p,
			  bool update, struct netlink_ext_ack *extack);
struct nfipsec_policy *nfipsec_policy_find(struct nfipsec_net *nn, u8 dir,
					   u32 priority,
					   const struct nfipsec_sel *sel);
struct nfipsec_policy *nfipsec_policy_by_index(struct nfipsec_net *nn,
					       u32 index);
void nfipsec_policy_unlink(struct nfipsec_net *nn, struct nfipsec_policy *p);
void nfipsec_spd_flush(struct nfipsec_net *nn, int dir);
struct nfipsec_policy *nfipsec_spd_lookup(struct nfipsec_net *nn, u8 dir,
					  const struct nfipsec_pkt *pkt);
bool nfipsec_tmpl_match_sa(const struct nfipsec_tmpl *t,
			   const struct nfipsec_sa *sa, u16 family);

/* acquire.c */
#define NFIPSEC_ACQ_SECS	30	/* an acquire stays pending this long */
void nfipsec_acquire_init(struct nfipsec_net *nn);
void nfipsec_acquire_flush(struct nfipsec_net *nn);
void nfipsec_acquire(struct nfipsec_net *nn, struct nfipsec_policy *p,
		     const struct nfipsec_tmpl *t, const struct nfipsec_pkt *pkt);

/* netlink.c */
int nfipsec_genl_init(void);
void nfipsec_genl_exit(void);
void nfipsec_ev_acquire(struct nfipsec_net *nn, struct nfipsec_policy *p,
			const struct nfipsec_tmpl *t,
			const struct nfipsec_pkt *pkt);
void nfipsec_ev_seq_exhausted(struct nfipsec_net *nn, struct nfipsec_sa *sa);
void nfipsec_ev_sa_del(struct nfipsec_net *nn, struct nfipsec_sa *sa);
void nfipsec_ev_expire(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		       bool hard);

/* hooks.c */
int nfipsec_hooks_register(struct net *net);
void nfipsec_hooks_unregister(struct net *net);
DECLARE_PER_CPU(bool, nfipsec_in_xmit);

/* dev.c */
int nfipsec_dev_create(struct nfipsec_net *nn);
void nfipsec_dev_destroy(struct nfipsec_net *nn);
int nfipsec_dev_register(void);
void nfipsec_dev_unregister(void);
void nfipsec_dev_rx(struct net_device *dev, struct sk_buff *skb, bool fwd);
bool nfipsec_dev_is_ours(const struct net_device *dev);
bool nfipsec_dev_is_link(const struct net_device *dev);
struct net_device *nfipsec_link_get_rcu(struct net *net, int ifindex);
#define NFIPSEC_LINK_MTU	1400

/*
 * The SAs of one packet in flight, with a reference on each (a bundle:
 * a policy's templates, or what input removed). Output: the SAs the
 * templates resolved to, innermost first, the order they are applied in;
 * @next is the one being applied. Input: the SAs removed so far,
 * outermost first, and the packet's length after each (for its counters).
 * Each crypto request carries its own copy (nfipsec_xfrms_copy).
 */
struct nfipsec_xfrms {
	struct nfipsec_sa *sa[NFIPSEC_MAX_TMPLS];
	unsigned int len[NFIPSEC_MAX_TMPLS];
	u8 n, next;
	u16 ifamily;		/* output: the packet's family as it came */
	bool frag_ok;		/* output: the outer packet may be fragmented */
	bool encap;		/* input: sa[0] came in UDP (RFC 3948) */
	__be16 encap_sport;	/* input: from this UDP source port */
};

static inline void nfipsec_xfrms_copy(struct nfipsec_xfrms *dst,
				      const struct nfipsec_xfrms *src)
{
	int i;

	*dst = *src;
	for (i = 0; i < dst->n; i++)
		nfipsec_sa_hold(dst->sa[i]);
}

static inline void nfipsec_xfrms_put(struct nfipsec_xfrms *x)
{
	int i;

	for (i = 0; i < x->n; i++)
		nfipsec_sa_put(x->sa[i]);
	x->n = 0;
}

/* output.c */
void nfipsec_output(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		    struct sk_buff *skb);
void nfipsec_output_next(struct nfipsec_net *nn, struct nfipsec_xfrms *x,
			 struct sk_buff *skb);
void nfipsec_output_done(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			 struct nfipsec_xfrms *x, struct sk_buff *skb,
			 unsigned int len);
void nfipsec_out_drop(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		      struct sk_buff *skb, int reason);
unsigned int nfipsec_overhead_after(const struct nfipsec_xfrms *x);
int nfipsec_tunnel_mtu(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		       struct sk_buff *skb, struct dst_entry *dst,
		       unsigned int total, unsigned int imtu, bool *frag_ok,
		       bool *df);
void nfipsec_build_outer(struct nfipsec_sa *sa, struct sk_buff *skb,
			 struct dst_entry *dst, u8 dsf, bool df,
			 unsigned int hlen, u8 proto);
struct dst_entry *nfipsec_route_outer(struct net *net,
				      const struct nfipsec_sa *sa);

/* input.c */
void nfipsec_input(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		   struct sk_buff *skb, unsigned int off);
void nfipsec_input_encap(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			 struct sk_buff *skb, unsigned int esp_off,
			 __be16 sport);
void nfipsec_input_decapped(struct nfipsec_net *nn, struct nfipsec_xfrms *x,
			    struct sk_buff *skb);
void nfipsec_in_drop(struct nfipsec_net *nn, struct nfipsec_sa *sa,
		     struct sk_buff *skb, int reason);
int nfipsec_decap(struct nfipsec_sa *sa, struct sk_buff *skb,
		  unsigned int off, unsigned int hdr, u8 nh);
int nfipsec_ipv6_nhoff(struct sk_buff *skb, unsigned int hdr_off);
int nfipsec_ipsec_off(struct sk_buff *skb, u16 family, u8 *proto);
int nfipsec_ipv6_ipsec_off(const struct sk_buff *skb, int off, u8 nh,
			   u8 *proto);
void nfipsec_esp_input(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		       struct sk_buff *skb, unsigned int esp_off);
void nfipsec_esp_output(struct nfipsec_net *nn,
			const struct nfipsec_xfrms *x, struct sk_buff *skb);

/* ah.c */
void nfipsec_ah_output(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		       struct sk_buff *skb);
void nfipsec_ah_input(struct nfipsec_net *nn, const struct nfipsec_xfrms *x,
		      struct sk_buff *skb, unsigned int ah_off);
int nfipsec_ah_setup(struct nfipsec_sa *sa, struct netlink_ext_ack *extack);

/* pmtu.c */
void nfipsec_pmtu_icmp4(struct nfipsec_net *nn, struct sk_buff *skb);
void nfipsec_pmtu_icmp6(struct nfipsec_net *nn, struct sk_buff *skb);

/* udp.c: ESP in UDP (RFC 3948) */
#define NFIPSEC_UDP_HLEN	8
int nfipsec_encap_port_get(struct nfipsec_net *nn, __be16 port);
void nfipsec_encap_port_put(struct nfipsec_net *nn, __be16 port);
void nfipsec_encap_exit(struct nfipsec_net *nn);
void nfipsec_ka_init(struct nfipsec_sa *sa);
void nfipsec_ka_start(struct nfipsec_sa *sa);
void nfipsec_ka_stop(struct nfipsec_sa *sa);
unsigned int nfipsec_udp_in4(struct nfipsec_net *nn, struct sk_buff *skb);
void nfipsec_encap_mapping(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			   const struct sk_buff *skb, __be16 sport);
void nfipsec_ev_mapping(struct nfipsec_net *nn, struct nfipsec_sa *sa,
			const union nf_inet_addr *addr, __be16 port);

#endif /* _NFIPSEC_H */
