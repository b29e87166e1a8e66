// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl link: the module's virtual interfaces (devices of kind
 * "nfipsec"), made and deleted with rtnetlink, as ip link does; an SA
 * names one with "link NAME" (sa.c). nfipsec0, the module's own device,
 * is listed by no command here and cannot be deleted.
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "nfipsecctl.h"
#include "output.h"

#define LINK_KIND	"nfipsec"
#define LINK_DEV0	"nfipsec0"

static struct nl_ctx *rt_open(const char *cmd)
{
	struct nl_ctx *r = calloc(1, sizeof(*r));
	int one = 1;

	if (!r) {
		fail(cmd, "%s", strerror(errno));
		return NULL;
	}
	r->nl = mnl_socket_open(NETLINK_ROUTE);
	if (!r->nl || mnl_socket_bind(r->nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		fail(cmd, "rtnetlink socket: %s", strerror(errno));
		if (r->nl)
			mnl_socket_close(r->nl);
		free(r);
		return NULL;
	}
	mnl_socket_setsockopt(r->nl, NETLINK_EXT_ACK, &one, sizeof(one));
	r->portid = mnl_socket_get_portid(r->nl);
	r->seq = time(NULL);
	return r;
}

static void rt_close(struct nl_ctx *r)
{
	if (!r)
		return;
	mnl_socket_close(r->nl);
	free(r);
}

static struct nlmsghdr *rt_request(struct nl_ctx *r, uint16_t type,
				   uint16_t flags)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(r->req);
	struct ifinfomsg *ifi;

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = NLM_F_REQUEST | flags;
	nlh->nlmsg_seq = ++r->seq;
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_family = AF_UNSPEC;
	return nlh;
}

struct link_info {
	char name[IF_NAMESIZE];
	uint32_t ifindex, mtu, flags;
	bool ours;
	struct rtnl_link_stats64 st;
	bool has_st;
};

static int linkinfo_attrs(const struct nlattr *nest, struct link_info *li)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest)
		if (mnl_attr_get_type(a) == IFLA_INFO_KIND &&
		    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING) &&
		    !strcmp(mnl_attr_get_str(a), LINK_KIND))
			li->ours = true;
	return 0;
}

static void link_parse(const struct nlmsghdr *nlh, struct link_info *li)
{
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(li, 0, sizeof(*li));
	li->ifindex = ifi->ifi_index;
	li->flags = ifi->ifi_flags;
	mnl_attr_for_each(a, nlh, sizeof(*ifi)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			if (!mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
				snprintf(li->name, sizeof(li->name), "%s",
					 mnl_attr_get_str(a));
			break;
		case IFLA_MTU:
			if (!mnl_attr_validate(a, MNL_TYPE_U32))
				li->mtu = mnl_attr_get_u32(a);
			break;
		case IFLA_LINKINFO:
			linkinfo_attrs(a, li);
			break;
		case IFLA_STATS64:
			if (mnl_attr_get_payload_len(a) >= sizeof(li->st)) {
				memcpy(&li->st, mnl_attr_get_payload(a),
				       sizeof(li->st));
				li->has_st = true;
			}
			break;
		}
	}
}

static int get_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWLINK)
		link_parse(nlh, data);
	return MNL_CB_OK;
}

static void link_print(const struct link_info *li)
{
	printf("%s ifindex %u mtu %u %s", li->name, li->ifindex, li->mtu,
	       (li->flags & IFF_UP) ? "up" : "down");
	if (li->has_st)
		printf(" rx %llu packets %llu bytes tx-dropped %llu",
		       (unsigned long long)li->st.rx_packets,
		       (unsigned long long)li->st.rx_bytes,
		       (unsigned long long)li->st.tx_dropped);
	putchar('\n');
}

static void link_json(const struct link_info *li)
{
	json_obj(NULL);
	json_str("name", li->name);
	json_uint("ifindex", li->ifindex);
	json_uint("mtu", li->mtu);
	json_bool("up", li->flags & IFF_UP);
	if (li->has_st) {
		json_uint("rx_packets", li->st.rx_packets);
		json_uint("rx_bytes", li->st.rx_bytes);
		json_uint("tx_packets", li->st.tx_packets);
		json_uint("tx_dropped", li->st.tx_dropped);
	}
	json_end();
}

static int list_cb(const struct nlmsghdr *nlh, void *data)
{
	const char *only = data;
	struct link_info li;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	link_parse(nlh, &li);
	if (!li.ours || !strcmp(li.name, LINK_DEV0) ||
	    (only && strcmp(li.name, only)))
		return MNL_CB_OK;
	if (opts.json)
		link_json(&li);
	else
		link_print(&li);
	return MNL_CB_OK;
}

/* 0: @name is a link of this netns, as *li says; else the exit status. */
static int link_get(struct nl_ctx *r, const char *cmd, const char *name,
		    struct link_info *li)
{
	struct nlmsghdr *nlh = rt_request(r, RTM_GETLINK, NLM_F_ACK);

	mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	memset(li, 0, sizeof(*li));
	if (nl_talk(r, nlh, get_cb, li))
		return fail(cmd, "no device \"%s\" in this netns: %s", name,
			    r->err);
	if (!strcmp(name, LINK_DEV0))
		return fail(cmd, "%s is the module's own device, not a link",
			    name);
	if (!li->ours)
		return fail(cmd, "\"%s\" is not an nfipsec link", name);
	return 0;
}

static int check_name(const char *cmd, const char *name)
{
	if (!*name || strlen(name) >= IF_NAMESIZE || strchr(name, '/') ||
	    strchr(name, ' ') || !strcmp(name, ".") || !strcmp(name, ".."))
		return fail(cmd, "bad device name \"%s\" (1 to %d characters, no / or space)",
			    name, IF_NAMESIZE - 1);
	return 0;
}

static int link_add(struct nl_ctx *r, int argc, char **argv)
{
	const char *cmd = "link add";
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;
	struct nlattr *nest;
	uint32_t mtu = 0;
	bool up = false;
	int i;

	if (argc < 1)
		return fail(cmd, "needs a NAME");
	if (check_name(cmd, argv[0]))
		return 1;
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "up")) {
			up = true;
		} else if (!strcmp(argv[i], "mtu")) {
			if (++i == argc)
				return fail(cmd, "\"mtu\" needs a value");
			if (parse_u32(cmd, "mtu", argv[i], 1280, 65535, &mtu))
				return 1;
		} else {
			return fail(cmd, "unknown argument \"%s\"", argv[i]);
		}
	}
	nlh = rt_request(r, RTM_NEWLINK,
			 NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL);
	ifi = mnl_nlmsg_get_payload(nlh);
	if (up) {
		ifi->ifi_flags = IFF_UP;
		ifi->ifi_change = IFF_UP;
	}
	mnl_attr_put_strz(nlh, IFLA_IFNAME, argv[0]);
	if (mtu)
		mnl_attr_put_u32(nlh, IFLA_MTU, mtu);
	nest = mnl_attr_nest_start(nlh, IFLA_LINKINFO);
	mnl_attr_put_strz(nlh, IFLA_INFO_KIND, LINK_KIND);
	mnl_attr_nest_end(nlh, nest);
	if (nl_talk(r, nlh, NULL, NULL))
		return fail(cmd, "%s: %s", argv[0], r->err);
	return 0;
}

static int link_del(struct nl_ctx *r, int argc, char **argv)
{
	const char *cmd = "link del";
	struct link_info li;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (argc != 1)
		return fail(cmd, "needs exactly one NAME");
	if (check_name(cmd, argv[0]) || link_get(r, cmd, argv[0], &li))
		return 1;
	nlh = rt_request(r, RTM_DELLINK, NLM_F_ACK);
	ifi = mnl_nlmsg_get_payload(nlh);
	ifi->ifi_index = li.ifindex;
	if (nl_talk(r, nlh, NULL, NULL))
		return fail(cmd, "%s: %s", argv[0], r->err);
	return 0;
}

static int link_list(struct nl_ctx *r, int argc, char **argv)
{
	const char *cmd = "link list", *only = NULL;
	struct nlmsghdr *nlh;
	struct link_info li;
	int ret;

	if (argc > 1)
		return fail(cmd, "takes at most one NAME");
	if (argc == 1) {
		only = argv[0];
		if (check_name(cmd, only) || link_get(r, cmd, only, &li))
			return 1;
	}
	nlh = rt_request(r, RTM_GETLINK, NLM_F_DUMP);
	if (opts.json)
		json_arr(NULL);
	ret = nl_talk(r, nlh, list_cb, (void *)only);
	if (opts.json)
		json_end();
	if (ret)
		return fail(cmd, "%s", r->err);
	return 0;
}

static void link_usage(void)
{
	fputs("usage: nfipsecctl link add NAME [ mtu N ] [ up ]\n"
	      "       nfipsecctl link del NAME\n"
	      "       nfipsecctl link [ list ] [ NAME ]\n"
	      "       nfipsecctl link help\n"
	      "A link is a device of kind \"nfipsec\" (ip link add NAME type nfipsec\n"
	      "makes one too). Traffic routed into it is protected by the out policy\n"
	      "or dropped (counted as \"unprotected\"); packets of an SA added with\n"
	      "\"link NAME\" come out of it after decapsulation.\n",
	      stdout);
}

int cmd_link(struct nl_ctx *ctx, int argc, char **argv)
{
	const char *sub = argc > 1 ? argv[1] : "list";
	struct nl_ctx *r;
	int ret;

	(void)ctx;
	if (!strcmp(sub, "help")) {
		link_usage();
		return 0;
	}
	if (strcmp(sub, "add") && strcmp(sub, "del") && strcmp(sub, "delete") &&
	    strcmp(sub, "list") && strcmp(sub, "show"))
		return fail("link", "unknown command \"%s\"; try \"nfipsecctl link help\"",
			    sub);
	if (ctx->dry_run) {
		/* rtnetlink requests: nothing of the nfipsec family to print */
		printf("link %s (rtnetlink, not sent in a dry run)\n", sub);
		return 0;
	}
	r = rt_open("link");
	if (!r)
		return 1;
	/* the words after "link SUB" (none after a bare "link") */
	argv += argc > 1 ? 2 : 1;
	argc -= argc > 1 ? 2 : 1;
	if (!strcmp(sub, "add"))
		ret = link_add(r, argc, argv);
	else if (!strcmp(sub, "del") || !strcmp(sub, "delete"))
		ret = link_del(r, argc, argv);
	else
		ret = link_list(r, argc, argv);
	rt_close(r);
	return ret;
}
