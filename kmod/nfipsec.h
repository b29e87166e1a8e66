/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsec: declarations shared by the module's files.
 */
#ifndef _NFIPSEC_H
#define _NFIPSEC_H

#include <linux/types.h>
#include <linux/percpu.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <net/genetlink.h>

#include "uapi/nfipsec.h"

#define NFIPSEC_VERSION "0.1.0"

/* Per network namespace state. */
struct nfipsec_net {
	struct net *net;
	bool hooks_registered;
};

extern unsigned int nfipsec_net_id;

static inline struct nfipsec_net *nfipsec_pernet(const struct net *net)
{
	return net_generic(net, nfipsec_net_id);
}

/* netlink.c */
int nfipsec_genl_init(void);
void nfipsec_genl_exit(void);

/* hooks.c */
int nfipsec_hooks_register(struct net *net);
void nfipsec_hooks_unregister(struct net *net);

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
};

const struct nfipsec_alg *nfipsec_alg_find(const char *name, u8 type);
const struct nfipsec_alg *nfipsec_alg_at(unsigned int i);
int nfipsec_alg_probe(const struct nfipsec_alg *alg, char *driver,
		      size_t len);

#endif /* _NFIPSEC_H */
