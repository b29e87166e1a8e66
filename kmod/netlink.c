// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the generic netlink family "nfipsec".
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/crypto.h>
#include <net/genetlink.h>

#include "nfipsec.h"

static struct genl_family nfipsec_genl_family;

static const struct nla_policy nfipsec_policy[NFIPSEC_A_MAX + 1] = {
	[NFIPSEC_A_REQ_FLAGS] = { .type = NLA_U32 },
};

static int nfipsec_put_algs(struct sk_buff *skb)
{
	char driver[CRYPTO_MAX_ALG_NAME];
	const struct nfipsec_alg *alg;
	struct nlattr *algs, *a;
	unsigned int i;
	int err;

	algs = nla_nest_start(skb, NFIPSEC_A_ALGS);
	if (!algs)
		return -EMSGSIZE;
	for (i = 0; (alg = nfipsec_alg_at(i)); i++) {
		err = nfipsec_alg_probe(alg, driver, sizeof(driver));
		a = nla_nest_start(skb, NFIPSEC_A_ALG);
		if (!a ||
		    nla_put_string(skb, NFIPSEC_ALG_A_NAME, alg->name) ||
		    nla_put_u8(skb, NFIPSEC_ALG_A_TYPE, alg->type) ||
		    nla_put_u8(skb, NFIPSEC_ALG_A_AVAILABLE, !err) ||
		    (!err && nla_put_string(skb, NFIPSEC_ALG_A_DRIVER, driver)))
			return -EMSGSIZE;
		nla_nest_end(skb, a);
	}
	nla_nest_end(skb, algs);
	return 0;
}

static int nfipsec_get_version(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	void *hdr;
	int err;

	msg = nlmsg_new(NLMSG_GOODSIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	hdr = genlmsg_put_reply(msg, info, &nfipsec_genl_family, 0,
				NFIPSEC_CMD_GET_VERSION);
	if (!hdr) {
		err = -EMSGSIZE;
		goto err_free;
	}
	err = -EMSGSIZE;
	if (nla_put_string(msg, NFIPSEC_A_VERSION, NFIPSEC_VERSION))
		goto err_free;
	err = nfipsec_put_algs(msg);
	if (err)
		goto err_free;
	genlmsg_end(msg, hdr);
	return genlmsg_reply(msg, info);

err_free:
	nlmsg_free(msg);
	return err;
}

static const struct genl_small_ops nfipsec_genl_ops[] = {
	{
		.cmd = NFIPSEC_CMD_GET_VERSION,
		.doit = nfipsec_get_version,
	},
};

static const struct genl_multicast_group nfipsec_mcgrps[] = {
	{ .name = NFIPSEC_GENL_MCGRP_EVENTS },
};

static struct genl_family nfipsec_genl_family __ro_after_init = {
	.name = NFIPSEC_GENL_NAME,
	.version = NFIPSEC_GENL_VERSION,
	.maxattr = NFIPSEC_A_MAX,
	.policy = nfipsec_policy,
	.netnsok = true,
	.parallel_ops = true,
	.module = THIS_MODULE,
	.small_ops = nfipsec_genl_ops,
	.n_small_ops = ARRAY_SIZE(nfipsec_genl_ops),
	.mcgrps = nfipsec_mcgrps,
	.n_mcgrps = ARRAY_SIZE(nfipsec_mcgrps),
};

int __init nfipsec_genl_init(void)
{
	return genl_register_family(&nfipsec_genl_family);
}

void nfipsec_genl_exit(void)
{
	genl_unregister_family(&nfipsec_genl_family);
}
