// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: netfilter hooks, registered in every network namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv6.h>

#include "nfipsec.h"

static unsigned int nfipsec_hook(void *priv, struct sk_buff *skb,
				 const struct nf_hook_state *state)
{
	return NF_ACCEPT;
}

static const struct nf_hook_ops nfipsec_hook_ops[] = {
	{
		.hook = nfipsec_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP_PRI_MANGLE + 1,
	},
	{
		.hook = nfipsec_hook,
		.pf = NFPROTO_IPV4,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP_PRI_LAST - 1,
	},
	{
		.hook = nfipsec_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_PRE_ROUTING,
		.priority = NF_IP6_PRI_MANGLE + 1,
	},
	{
		.hook = nfipsec_hook,
		.pf = NFPROTO_IPV6,
		.hooknum = NF_INET_POST_ROUTING,
		.priority = NF_IP6_PRI_LAST - 1,
	},
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
