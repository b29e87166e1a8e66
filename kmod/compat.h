/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsec: the few kernel API differences between the supported kernels
 * (6.1 and 6.12), each hidden behind one helper so the code reads the same.
 */
#ifndef _NFIPSEC_COMPAT_H
#define _NFIPSEC_COMPAT_H

#include <linux/version.h>
#include <linux/netdevice.h>
#include <linux/crypto.h>
#include <net/genetlink.h>

#if KERNEL_VERSION(6, 5, 0) <= LINUX_VERSION_CODE
#include <net/gso.h>
#endif
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
#include <linux/unaligned.h>
#else
#include <asm/unaligned.h>
#endif

/*
 * Since 6.3 a crypto completion receives the request's data pointer; before
 * it received the request itself. NFIPSEC_CRYPTO_DONE(fn) defines fn_cb,
 * the callback to register, which calls fn(data, err).
 */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define NFIPSEC_CRYPTO_DONE(fn)					\
	static void fn##_cb(void *data, int err)		\
	{							\
		fn(data, err);					\
	}
#else
#define NFIPSEC_CRYPTO_DONE(fn)					\
	static void fn##_cb(struct crypto_async_request *req, int err) \
	{							\
		fn(req->data, err);				\
	}
#endif

/* 6.12 turned NETIF_F_NETNS_LOCAL into a bit of its own. */
static inline void nfipsec_dev_set_netns_local(struct net_device *dev)
{
#if KERNEL_VERSION(6, 12, 0) <= LINUX_VERSION_CODE
	dev->netns_local = true;
#else
	dev->features |= NETIF_F_NETNS_LOCAL;
#endif
}

/* 6.2 handed pre_doit a genl_split_ops instead of the genl_ops. */
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
#define nfipsec_genl_pre_ops genl_split_ops
#else
#define nfipsec_genl_pre_ops genl_ops
#endif

/* 6.2 put a whole genl_info into genl_dumpit_info. */
static inline struct nlattr **nfipsec_dump_attrs(struct netlink_callback *cb)
{
#if KERNEL_VERSION(6, 2, 0) <= LINUX_VERSION_CODE
	return genl_dumpit_info(cb)->info.attrs;
#else
	return genl_dumpit_info(cb)->attrs;
#endif
}

/*
 * Before 6.3 cryptd's AEAD ran the request through its child by changing
 * the caller's request; the crypto manager's self-test of each new
 * instance catches that with a WARNING (seen on 6.1). Refuse it there.
 */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define NFIPSEC_CRYPTD_AEAD_OK	1
#else
#define NFIPSEC_CRYPTD_AEAD_OK	0
#endif

#endif /* _NFIPSEC_COMPAT_H */
