// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the module's devices.
 *
 * "nfipsec0", one per netns, made by the module: decapsulated packets of
 * an SA that names no link enter the stack on it. A firewall tells them
 * apart by it (iifname nfipsec0). It is created with the netns and
 * deleted with it; it cannot be moved or deleted by a user.
 *
 * Links: devices of kind "nfipsec" that an operator adds with RTM_NEWLINK
 * (ip link add tun0 type nfipsec, or nfipsecctl link add tun0), the
 * seed's tun0. Decapsulated packets of an SA whose IFINDEX names the link
 * enter the stack on it. Traffic routed into a link is protected at
 * POST_ROUTING by the out policy like any other (output.c), before it
 * reaches the device; so whatever reaches a device's xmit was not taken
 * by a protect policy, and is dropped and counted (NFIPSEC_DROP_UNPROTECTED):
 * nothing routed into an nfipsec device leaves in clear. A link cannot be
 * moved to another netns (an SA names it by ifindex in its own netns). It
 * is deleted by RTM_DELLINK, with its netns (nfipsec_dev_destroy, before
 * the module's per-netns state goes) and at rmmod (rtnl_link_unregister,
 * before the per-netns state goes). An SA keeps the ifindex only, no
 * reference: once its link is gone or down, its inbound packets are
 * dropped as NFIPSEC_DROP_NO_LINK and the SA stays until deleted.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/if_arp.h>
#include <linux/netdevice.h>
#include <linux/rtnetlink.h>
#include <net/rtnetlink.h>
#include <net/dst.h>
#include <net/ip.h>
#include <net/ipv6.h>
#include <net/addrconf.h>
#include <net/if_inet6.h>
#include <net/gro_cells.h>

#include "nfipsec.h"
#include "compat.h"

/*
 * Decapsulated TCP that this host forwards enters through per-CPU GRO
 * cells, as the packets of the kernel's IP tunnels do: the segments of a
 * flow that one softirq decrypted are merged, so a gateway routes one GSO
 * packet and the host behind it acknowledges once per merged packet.
 * Everything else goes to netif_rx. Measured with scripts/bench under TCG
 * (nfipsec-gcm128-nogro, 5 runs): forwarded TCP 17 % faster through the
 * cells. Through them too, TCP to a local socket was 8 % slower, and
 * 64-byte UDP, which merges nothing, up to 15 % slower, so those stay
 * out. ethtool -K DEV gro off sends all to netif_rx.
 */
struct nfipsec_dev {
	struct gro_cells gro;
};

static int nfipsec_dev_init(struct net_device *dev)
{
	struct nfipsec_dev *nd = netdev_priv(dev);
	int err;

	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	if (!dev->tstats)
		return -ENOMEM;
	err = gro_cells_init(&nd->gro, dev);
	if (err) {
		free_percpu(dev->tstats);
		return err;
	}
	return 0;
}

/*
 * After the device was closed and a grace period passed (unregistering
 * does both), so no receiver can still queue into a cell.
 */
static void nfipsec_dev_uninit(struct net_device *dev)
{
	struct nfipsec_dev *nd = netdev_priv(dev);

	gro_cells_destroy(&nd->gro);
	free_percpu(dev->tstats);
}

static netdev_tx_t nfipsec_dev_xmit(struct sk_buff *skb,
				    struct net_device *dev)
{
	DEV_STATS_INC(dev, tx_dropped);
	nfipsec_drop_inc(nfipsec_pernet(dev_net(dev)),
			 NFIPSEC_DROP_UNPROTECTED);
	net_dbg_ratelimited("%s: no protect policy took this packet\n",
			    dev->name);
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
	dev->mtu = ETH_DATA_LEN;	/* links: NFIPSEC_LINK_MTU */
	dev->min_mtu = IPV6_MIN_MTU;
	dev->max_mtu = IP_MAX_MTU;
	dev->needs_free_netdev = true;
	nfipsec_dev_set_netns_local(dev);
}

/*
 * No IPv6 address generation: no link-local address, hence no router
 * solicitation of the stack's own routed into the device (it would count
 * as unprotected). Addresses may still be added, or another mode set.
 * Under RTNL, after register_netdevice() made the inet6_dev.
 */
static void nfipsec_dev_no_addrconf(struct net_device *dev)
{
#if IS_ENABLED(CONFIG_IPV6)
	struct inet6_dev *idev = __in6_dev_get(dev);

	if (idev)
		WRITE_ONCE(idev->cnf.addr_gen_mode, IN6_ADDR_GEN_MODE_NONE);
#endif
}

static void nfipsec_link_setup(struct net_device *dev)
{
	nfipsec_dev_setup(dev);
	/* room for ESP in UDP in a tunnel over IPv4 or IPv6, AES-CBC */
	dev->mtu = NFIPSEC_LINK_MTU;
}

static int nfipsec_link_validate(struct nlattr *tb[], struct nlattr *data[],
				 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		NL_SET_ERR_MSG_MOD(extack, "an nfipsec link has no address");
		return -EINVAL;
	}
	return 0;
}

static int nfipsec_link_newlink(struct net *src_net, struct net_device *dev,
				struct nlattr *tb[], struct nlattr *data[],
				struct netlink_ext_ack *extack)
{
	int err = register_netdevice(dev);

	if (err)
		return err;
	nfipsec_dev_no_addrconf(dev);
	return 0;
}

/* Links: the kind's ops, registered; ip link add/del work on them. */
static struct rtnl_link_ops nfipsec_link_ops __read_mostly = {
	.kind = "nfipsec",
	.priv_size = sizeof(struct nfipsec_dev),
	.setup = nfipsec_link_setup,
	.validate = nfipsec_link_validate,
	.newlink = nfipsec_link_newlink,
};

/*
 * nfipsec0's own ops, never registered: the same kind, so that ip -d link
 * shows what the device is, and no dellink, so that rtnetlink refuses to
 * delete it (EOPNOTSUPP).
 */
static struct rtnl_link_ops nfipsec0_link_ops __read_mostly = {
	.kind = "nfipsec",
	.priv_size = sizeof(struct nfipsec_dev),
	.setup = nfipsec_dev_setup,
};

bool nfipsec_dev_is_ours(const struct net_device *dev)
{
	return dev && dev->netdev_ops == &nfipsec_dev_ops;
}

bool nfipsec_dev_is_link(const struct net_device *dev)
{
	return dev && dev->rtnl_link_ops == &nfipsec_link_ops;
}

/*
 * The running link @ifindex of @net, or NULL; under RCU. Only links: an SA
 * is checked for naming one when it is added, but the ifindex may have
 * been taken since by another device.
 */
struct net_device *nfipsec_link_get_rcu(struct net *net, int ifindex)
{
	struct net_device *dev = dev_get_by_index_rcu(net, ifindex);

	return nfipsec_dev_is_link(dev) && netif_running(dev) ? dev : NULL;
}

int nfipsec_dev_create(struct nfipsec_net *nn)
{
	struct net_device *dev;
	int err;

	dev = alloc_netdev(sizeof(struct nfipsec_dev), "nfipsec0",
			   NET_NAME_PREDICTABLE, nfipsec_dev_setup);
	if (!dev)
		return -ENOMEM;
	dev_net_set(dev, nn->net);
	dev->rtnl_link_ops = &nfipsec0_link_ops;

	rtnl_lock();
	err = register_netdevice(dev);
	if (err) {
		rtnl_unlock();
		free_netdev(dev);
		return err;
	}
	nfipsec_dev_no_addrconf(dev);
	err = dev_open(dev, NULL);
	rtnl_unlock();
	if (err)
		pr_warn("cannot bring nfipsec0 up: %d\n", err);
	nn->dev = dev;
	return 0;
}

/*
 * With the netns: nfipsec0 and the links go before the module's state for
 * the netns (their xmit counts into it), not later with the netns' other
 * devices.
 */
void nfipsec_dev_destroy(struct nfipsec_net *nn)
{
	struct net_device *dev, *tmp;
	LIST_HEAD(list);

	rtnl_lock();
	for_each_netdev_safe(nn->net, dev, tmp)
		if (nfipsec_dev_is_link(dev))
			unregister_netdevice_queue(dev, &list);
	if (nn->dev)
		unregister_netdevice_queue(nn->dev, &list);
	unregister_netdevice_many(&list);
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

/* A TCP segment, not an IP fragment: at its network header, linear. */
static bool nfipsec_dev_is_tcp(const struct sk_buff *skb)
{
	if (skb->protocol == htons(ETH_P_IP))
		return skb_headlen(skb) >= sizeof(struct iphdr) &&
		       ip_hdr(skb)->protocol == IPPROTO_TCP &&
		       !ip_is_fragment(ip_hdr(skb));
	return skb_headlen(skb) >= sizeof(struct ipv6hdr) &&
	       ipv6_hdr(skb)->nexthdr == IPPROTO_TCP;
}

/*
 * Hand a decapsulated packet, at its network header, to the stack as
 * received on @dev; the caller says what its ip_summed is, and whether
 * its destination is another host (@fwd). Under RCU, in any context (an
 * asynchronous cipher may complete in a work item): the cells are per CPU
 * and scheduled with bottom halves off.
 */
void nfipsec_dev_rx(struct net_device *dev, struct sk_buff *skb, bool fwd)
{
	struct nfipsec_dev *nd = netdev_priv(dev);
	unsigned int len = skb->len;
	int res;

	skb->dev = dev;
	skb->pkt_type = PACKET_HOST;
	skb->mac_len = 0;
	skb_reset_network_header(skb);
	skb_reset_mac_header(skb);
	skb_reset_transport_header(skb);
	skb_dst_drop(skb);
	nf_reset_ct(skb);
	memset(skb->cb, 0, sizeof(skb->cb));
	local_bh_disable();
	if (fwd && nfipsec_dev_is_tcp(skb))
		res = gro_cells_receive(&nd->gro, skb);
	else
		res = netif_rx(skb);
	if (res == NET_RX_SUCCESS)
		dev_sw_netstats_rx_add(dev, len);
	local_bh_enable();
}
