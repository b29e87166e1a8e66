// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: module entry, per network namespace state.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <net/net_namespace.h>

#include "nfipsec.h"

unsigned int nfipsec_net_id __read_mostly;

static int __net_init nfipsec_net_init(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_pernet(net);
	int err;

	nn->net = net;
	err = nfipsec_hooks_register(net);
	if (err)
		return err;
	nn->hooks_registered = true;
	return 0;
}

static void __net_exit nfipsec_net_exit(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_pernet(net);

	if (nn->hooks_registered)
		nfipsec_hooks_unregister(net);
	nn->hooks_registered = false;
}

static struct pernet_operations nfipsec_net_ops = {
	.init = nfipsec_net_init,
	.exit = nfipsec_net_exit,
	.id = &nfipsec_net_id,
	.size = sizeof(struct nfipsec_net),
};

static int __init nfipsec_init(void)
{
	int err;

	err = register_pernet_subsys(&nfipsec_net_ops);
	if (err)
		goto err_pernet;
	err = nfipsec_genl_init();
	if (err)
		goto err_genl;
	pr_info("version %s loaded\n", NFIPSEC_VERSION);
	return 0;

err_genl:
	unregister_pernet_subsys(&nfipsec_net_ops);
err_pernet:
	return err;
}

static void __exit nfipsec_exit(void)
{
	nfipsec_genl_exit();
	unregister_pernet_subsys(&nfipsec_net_ops);
}

module_init(nfipsec_init);
module_exit(nfipsec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPsec (ESP, AH) data plane on netfilter hooks");
MODULE_VERSION(NFIPSEC_VERSION);
MODULE_ALIAS_GENL_FAMILY(NFIPSEC_GENL_NAME);
