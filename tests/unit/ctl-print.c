// SPDX-License-Identifier: GPL-2.0
/*
 * Feeds nfipsecctl's listing callbacks with replies built here as the
 * uapi header describes them, so the human and JSON layouts are tested on
 * the host. Includes sa.c and policy.c to reach their static callbacks.
 * Usage: ctl-print {sa|policy} [-j] [-k] [-s]
 */
#include "../../ctl/sa.c"
#include "../../ctl/policy.c"

struct opts opts;

const char *line_prefix(void)
{
	return "";
}

int fail(const char *cmd, const char *fmt, ...)
{
	(void)cmd;
	(void)fmt;
	return 1;
}

static char buf[8192];

static struct nlmsghdr *reply(uint8_t cmd)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));

	g->cmd = cmd;
	return nlh;
}

static void put_addr4(struct nlmsghdr *nlh, uint16_t type, const char *s)
{
	uint8_t a[4];

	inet_pton(AF_INET, s, a);
	mnl_attr_put(nlh, type, 4, a);
}

static void sa_reply(void)
{
	struct nlmsghdr *nlh = reply(NFIPSEC_CMD_SA_GET);
	struct nlattr *sa, *n;
	uint8_t key[20];
	struct sa_list l = { 0 };

	memset(key, 0xab, sizeof(key));
	sa = mnl_attr_nest_start(nlh, NFIPSEC_A_SA);
	mnl_attr_put_u32(nlh, NFIPSEC_SA_A_SPI, htonl(0x1001));
	mnl_attr_put_u8(nlh, NFIPSEC_SA_A_PROTO, IPPROTO_ESP);
	mnl_attr_put_u8(nlh, NFIPSEC_SA_A_MODE, NFIPSEC_MODE_TUNNEL);
	mnl_attr_put_u16(nlh, NFIPSEC_SA_A_FAMILY, AF_INET);
	put_addr4(nlh, NFIPSEC_SA_A_SRC, "3.3.3.1");
	put_addr4(nlh, NFIPSEC_SA_A_DST, "5.5.5.1");
	mnl_attr_put_u32(nlh, NFIPSEC_SA_A_REQID, 1);
	mnl_attr_put_u32(nlh, NFIPSEC_SA_A_REPLAY_WINDOW, 128);
	mnl_attr_put_u32(nlh, NFIPSEC_SA_A_FLAGS, NFIPSEC_SA_F_ESN);
	n = mnl_attr_nest_start(nlh, NFIPSEC_SA_A_AEAD);
	mnl_attr_put_strz(nlh, NFIPSEC_ALG_A_NAME, "rfc4106(gcm(aes))");
	if (opts.keys)
		mnl_attr_put(nlh, NFIPSEC_ALG_A_KEY, sizeof(key), key);
	mnl_attr_put_u32(nlh, NFIPSEC_ALG_A_ICV_BITS, 128);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_put_u64(nlh, NFIPSEC_SA_A_SEQ_OUT, 0x100000005ULL);
	mnl_attr_put_u64(nlh, NFIPSEC_SA_A_SEQ_IN, 7);
	n = mnl_attr_nest_start(nlh, NFIPSEC_SA_A_SEL);
	mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_FAMILY, AF_INET);
	put_addr4(nlh, NFIPSEC_SEL_A_SRC, "3.3.3.0");
	mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_SRC_PLEN, 24);
	mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_PROTO, IPPROTO_TCP);
	mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_DPORT_MIN, 443);
	mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_DPORT_MAX, 443);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, NFIPSEC_SA_A_LIFETIME_HARD);
	mnl_attr_put_u64(nlh, NFIPSEC_LFT_A_ADD_SECS, 3600);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, NFIPSEC_SA_A_CUR);
	mnl_attr_put_u64(nlh, NFIPSEC_LFT_A_BYTES, 1500);
	mnl_attr_put_u64(nlh, NFIPSEC_LFT_A_PACKETS, 3);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, NFIPSEC_SA_A_STATS);
	mnl_attr_put_u64(nlh, NFIPSEC_SA_STAT_PACKETS_IN, 3);
	mnl_attr_put_u64(nlh, NFIPSEC_SA_STAT_ICV_FAIL, 1);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, NFIPSEC_SA_A_ENCAP);
	mnl_attr_put_u16(nlh, NFIPSEC_ENCAP_A_TYPE, 2);
	mnl_attr_put_u16(nlh, NFIPSEC_ENCAP_A_SPORT, htons(4500));
	mnl_attr_put_u16(nlh, NFIPSEC_ENCAP_A_DPORT, htons(4500));
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, sa);
	if (opts.json)
		json_arr(NULL);
	sa_list_cb(nlh, &l);
	sa_list_cb(nlh, &l);
	if (opts.json)
		json_end();
}

static void policy_reply(void)
{
	struct nlmsghdr *nlh = reply(NFIPSEC_CMD_POLICY_GET);
	struct nlattr *p, *n, *t;
	struct pol_list l = { 0 };

	p = mnl_attr_nest_start(nlh, NFIPSEC_A_POLICY);
	mnl_attr_put_u32(nlh, NFIPSEC_POLICY_A_INDEX, 8);
	mnl_attr_put_u8(nlh, NFIPSEC_POLICY_A_DIR, NFIPSEC_DIR_OUT);
	mnl_attr_put_u32(nlh, NFIPSEC_POLICY_A_PRIORITY, 5);
	mnl_attr_put_u8(nlh, NFIPSEC_POLICY_A_ACTION, NFIPSEC_ACT_PROTECT);
	n = mnl_attr_nest_start(nlh, NFIPSEC_POLICY_A_SEL);
	mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_FAMILY, AF_INET);
	put_addr4(nlh, NFIPSEC_SEL_A_SRC, "3.3.3.0");
	mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_SRC_PLEN, 24);
	put_addr4(nlh, NFIPSEC_SEL_A_DST, "5.5.5.0");
	mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_DST_PLEN, 24);
	mnl_attr_nest_end(nlh, n);
	n = mnl_attr_nest_start(nlh, NFIPSEC_POLICY_A_TMPLS);
	t = mnl_attr_nest_start(nlh, NFIPSEC_POLICY_A_TMPL);
	mnl_attr_put_u8(nlh, NFIPSEC_TMPL_A_PROTO, IPPROTO_ESP);
	mnl_attr_put_u8(nlh, NFIPSEC_TMPL_A_MODE, NFIPSEC_MODE_TUNNEL);
	mnl_attr_put_u16(nlh, NFIPSEC_TMPL_A_FAMILY, AF_INET);
	put_addr4(nlh, NFIPSEC_TMPL_A_SRC, "3.3.3.1");
	put_addr4(nlh, NFIPSEC_TMPL_A_DST, "5.5.5.1");
	mnl_attr_nest_end(nlh, t);
	mnl_attr_nest_end(nlh, n);
	mnl_attr_nest_end(nlh, p);
	if (opts.json)
		json_arr(NULL);
	policy_list_cb(nlh, &l);
	if (opts.json)
		json_end();
}

int main(int argc, char **argv)
{
	int i;

	for (i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "-j"))
			opts.json = true;
		else if (!strcmp(argv[i], "-p"))
			opts.json = opts.pretty = true;
		else if (!strcmp(argv[i], "-k"))
			opts.keys = true;
		else if (!strcmp(argv[i], "-s"))
			opts.stats = true;
	}
	if (argc > 1 && !strcmp(argv[1], "sa"))
		sa_reply();
	else if (argc > 1 && !strcmp(argv[1], "policy"))
		policy_reply();
	else
		return 2;
	return 0;
}
