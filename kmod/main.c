// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: module entry, per network namespace state.
 *
 * Teardown of a netns: the hooks go first (nf_unregister_net_hooks waits
 * for packets inside them), then we wait for packets still inside async
 * crypto (nn->inflight), and only then remove nfipsec0, the SPD and the
 * SAD, whose last references are dropped there. Module unload then waits
 * for the RCU callbacks and the SA free work.
 *
 * The ops are pernet "device" ops, not subsys: nfipsec0 must be created
 * after the netns' loopback (which must get ifindex 1) and removed before
 * the generic device teardown.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/init.h>
#include <linux/wait_bit.h>
#include <net/net_namespace.h>
#include <net/netfilter/ipv4/nf_defrag_ipv4.h>
#include <net/netfilter/ipv6/nf_defrag_ipv6.h>

#include "nfipsec.h"

unsigned int nfipsec_net_id __read_mostly;
struct workqueue_struct *nfipsec_wq;

static int __net_init nfipsec_net_init(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_pernet(net);
	int err;

	nn->net = net;
	mutex_init(&nn->lock);
	atomic_set(&nn->inflight, 0);
	nfipsec_acquire_init(nn);
	nn->stats = alloc_percpu(struct nfipsec_pcpu_stats);
	if (!nn->stats)
		return -ENOMEM;
	err = nfipsec_sad_init(nn);
	if (err)
		goto err_stats;
	err = nfipsec_spd_init(nn);
	if (err)
		goto err_sad;
	err = nfipsec_dev_create(nn);
	if (err)
		goto err_spd;
	err = nfipsec_hooks_register(net);
	if (err)
		goto err_dev;
	nn->hooks_registered = true;
	return 0;

err_dev:
	nfipsec_dev_destroy(nn);
err_spd:
	nfipsec_spd_exit(nn);
err_sad:
	nfipsec_sad_exit(nn);
err_stats:
	free_percpu(nn->stats);
	return err;
}

static void __net_exit nfipsec_net_exit(struct net *net)
{
	struct nfipsec_net *nn = nfipsec_pernet(net);

	if (nn->hooks_registered)
		nfipsec_hooks_unregister(net);
	nn->hooks_registered = false;
	wait_var_event(&nn->inflight, !atomic_read(&nn->inflight));
	nfipsec_dev_destroy(nn);
	nfipsec_spd_exit(nn);
	nfipsec_sad_exit(nn);
	nfipsec_acquire_flush(nn);
	if (nn->defrag4)
		nf_defrag_ipv4_disable(net);
	if (nn->defrag6)
		nf_defrag_ipv6_disable(net);
	rcu_barrier();
	free_percpu(nn->stats);
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

	err = nfipsec_replay_selftest();
	if (err) {
		pr_err("replay window self-test failed\n");
		return err;
	}
	nfipsec_wq = alloc_workqueue("nfipsec", 0, 0);
	if (!nfipsec_wq)
		return -ENOMEM;
	err = nfipsec_dev_register();
	if (err)
		goto err_wq;
	err = register_pernet_device(&nfipsec_net_ops);
	if (err)
		goto err_dev;
	err = nfipsec_genl_init();
	if (err)
		goto err_pernet;
	pr_info("version %s loaded\n", NFIPSEC_VERSION);
	return 0;

err_pernet:
	unregister_pernet_device(&nfipsec_net_ops);
err_dev:
	nfipsec_dev_unregister();
err_wq:
	destroy_workqueue(nfipsec_wq);
	return err;
}

static void __exit nfipsec_exit(void)
{
	nfipsec_genl_exit();
	/* the links first: their xmit counts into the per-netns state */
	nfipsec_dev_unregister();
	unregister_pernet_device(&nfipsec_net_ops);
	rcu_barrier();
	destroy_workqueue(nfipsec_wq);
}

module_init(nfipsec_init);
module_exit(nfipsec_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("IPsec (ESP, AH) data plane on netfilter hooks");
MODULE_VERSION(NFIPSEC_VERSION);
MODULE_ALIAS_GENL_FAMILY(NFIPSEC_GENL_NAME);
