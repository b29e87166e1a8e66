// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: "nfipsec0", the per-netns device on which decapsulated packets
 * enter the stack. A firewall tells them apart by it (iifname nfipsec0),
 * as the seed's tun0. It only receives: anything routed to it is dropped.
 * It is created with the netns and deleted with it; it cannot be moved.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>

#include "nfipsec.h"
#include "compat.h"

static int nfipsec_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

static void nfipsec_dev_uninit(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static netdev_tx_t nfipsec_dev_xmit(struct sk_buff *skb,
				    struct net_device *dev)
{
	dev->stats.tx_dropped++;
	kfree_skb(skb);
	return NETDEV_TX_OK;
}

static const struct net_device_ops nfipsec_dev_ops = {
	.ndo_init = nfipsec_dev_init,
	.ndo_uninit = nfipsec_dev_uninit,
	.ndo_start_xmit = nfipsec_dev_xmit,
	.ndo_get_stats64 = dev_get_tstats64,
};

static void nfipsec_dev_setup(struct net_device *dev)
{
	dev->netdev_ops = &nfipsec_dev_ops;
	dev->type = ARPHRD_NONE;
	dev->flags = IFF_NOARP | IFF_POINTOPOINT;
	dev->priv_flags |= IFF_NO_QUEUE;
	dev->hard_header_len = 0;
	dev->addr_len = 0;
	dev->mtu = ETH_DATA_LEN;
	dev->min_mtu = IPV6_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU;
	dev->needs_free_netdev = true;
	nfipsec_dev_set_netns_local(dev);
}

/*
 * The kind exists so that ip -d link shows what the device is; there is one
 * per netns, made by the module, and no user may add or delete one (no
 * dellink: rtnetlink answers EOPNOTSUPP).
 */
static int nfipsec_dev_validate(struct nlattr *tb[], struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	NL_SET_ERR_MSG_MOD(extack,
			   "nfipsec0 is made by the module in every netns");
	return -EOPNOTSUPP;
}

static struct rtnl_link_ops nfipsec_link_ops __read_mostly = {
	.kind = "nfipsec",
	.setup = nfipsec_dev_setup,
	.validate = nfipsec_dev_validate,
};

int nfipsec_dev_create(struct nfipsec_net *nn)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(0, "nfipsec0", NET_NAME_PREDICTABLE,
			   nfipsec_dev_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, nn->net);
	dev->rtnl_link_ops = &nfipsec_link_ops;

	rtnl_lock();
	err = register_netdevice(dev);
	if (err) {
		rtnl_unlock();
		free_netdev(dev);
		return err;
	}
	err = dev_open(dev, NULL);
	rtnl_unlock();
	if (err)
		pr_warn("cannot bring nfipsec0 up: %d\n", err);
	nn->dev = dev;
	return 0;
}

void nfipsec_dev_destroy(struct nfipsec_net *nn)
{
	if (!nn->dev)
		return;
	rtnl_lock();
	unregister_netdevice(nn->dev);
	rtnl_unlock();
	nn->dev = NULL;
}

int nfipsec_dev_register(void)
{
	return rtnl_link_register(&nfipsec_link_ops);
}

void nfipsec_dev_unregister(void)
{
	rtnl_link_unregister(&nfipsec_link_ops);
}

/*
 * Hand a decapsulated packet to the stack as received on @dev; the caller
 * says what its ip_summed is.
 */
void nfipsec_dev_rx(struct net_device *dev, struct sk_buff *skb)
{
	unsigned int len = skb->len;

	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb->mac_len = 0;
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	if (netif_rx(skb) == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
}
