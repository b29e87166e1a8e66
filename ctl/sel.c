// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl: traffic selectors: parsing, netlink, printing.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "nfipsecctl.h"
#include "output.h"
#include "sel.h"

static bool has_ports(uint8_t proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_SCTP;
}

static bool has_type(uint8_t proto)
{
	return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6;
}

int sel_word(struct args *a, const char *kw, struct sel *s)
{
	const char *v;
	uint32_t n;

	if (strcmp(kw, "src") && strcmp(kw, "dst") && strcmp(kw, "proto") &&
	    strcmp(kw, "sport") && strcmp(kw, "dport") &&
	    strcmp(kw, "type") && strcmp(kw, "code"))
		return 0;
	v = args_value(a, kw);
	if (!v)
		return -1;
	if (!strcmp(kw, "src"))
		return parse_prefix(a->cmd, v, &s->src) ? -1 : 1;
	if (!strcmp(kw, "dst"))
		return parse_prefix(a->cmd, v, &s->dst) ? -1 : 1;
	if (!strcmp(kw, "proto"))
		return parse_ipproto(a->cmd, v, &s->proto) ? -1 : 1;
	if (!strcmp(kw, "sport")) {
		s->sport_set = true;
		return parse_port_range(a->cmd, "sport", v, &s->sport[0],
					&s->sport[1]) ? -1 : 1;
	}
	if (!strcmp(kw, "dport")) {
		s->dport_set = true;
		return parse_port_range(a->cmd, "dport", v, &s->dport[0],
					&s->dport[1]) ? -1 : 1;
	}
	if (parse_u32(a->cmd, kw, v, 0, 255, &n))
		return -1;
	if (!strcmp(kw, "type")) {
		s->type_set = true;
		s->type = n;
	} else {
		s->code_set = true;
		s->code = n;
	}
	return 1;
}

int sel_check(const char *cmd, struct sel *s, uint16_t family)
{
	if (s->src.family && s->dst.family &&
	    s->src.family != s->dst.family)
		return fail(cmd, "selector src and dst are of different address families"), -1;
	s->family = s->src.family ? s->src.family :
		    s->dst.family ? s->dst.family : family;
	if (!s->family)
		return fail(cmd, "selector needs src or dst (an address family)"), -1;
	if ((s->sport_set || s->dport_set) && !has_ports(s->proto))
		return fail(cmd, "sport and dport need proto tcp, udp or sctp"), -1;
	if ((s->type_set || s->code_set) && !has_type(s->proto))
		return fail(cmd, "type and code need proto icmp or icmpv6"), -1;
	if (s->proto == IPPROTO_ICMP && s->family == AF_INET6)
		return fail(cmd, "proto icmp in an IPv6 selector; use icmpv6"), -1;
	return 0;
}

void sel_put(struct nlmsghdr *nlh, uint16_t type, const struct sel *s)
{
	struct nlattr *nest = mnl_attr_nest_start(nlh, type);

	mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_FAMILY, s->family);
	if (s->src.family) {
		mnl_attr_put(nlh, NFIPSEC_SEL_A_SRC, s->src.len, s->src.b);
		mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_SRC_PLEN, s->src.plen);
	}
	if (s->dst.family) {
		mnl_attr_put(nlh, NFIPSEC_SEL_A_DST, s->dst.len, s->dst.b);
		mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_DST_PLEN, s->dst.plen);
	}
	if (s->proto)
		mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_PROTO, s->proto);
	if (s->sport_set) {
		mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_SPORT_MIN, s->sport[0]);
		mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_SPORT_MAX, s->sport[1]);
	}
	if (s->dport_set) {
		mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_DPORT_MIN, s->dport[0]);
		mnl_attr_put_u16(nlh, NFIPSEC_SEL_A_DPORT_MAX, s->dport[1]);
	}
	if (s->type_set)
		mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_TYPE, s->type);
	if (s->code_set)
		mnl_attr_put_u8(nlh, NFIPSEC_SEL_A_CODE, s->code);
	mnl_attr_nest_end(nlh, nest);
}

void sel_get(const struct nlattr *nest, struct sel *s)
{
	const struct nlattr *a;
	uint8_t splen = 0, dplen = 0;
	bool smin = false, dmin = false;

	memset(s, 0, sizeof(*s));
	s->sport[1] = s->dport[1] = 65535;
	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case NFIPSEC_SEL_A_FAMILY:
			s->family = mnl_attr_get_u16(a);
			break;
		case NFIPSEC_SEL_A_SRC:
			attr_addr(a, &s->src);
			break;
		case NFIPSEC_SEL_A_DST:
			attr_addr(a, &s->dst);
			break;
		case NFIPSEC_SEL_A_SRC_PLEN:
			splen = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_SEL_A_DST_PLEN:
			dplen = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_SEL_A_PROTO:
			s->proto = mnl_attr_get_u8(a);
			break;
		case NFIPSEC_SEL_A_SPORT_MIN:
			s->sport[0] = mnl_attr_get_u16(a);
			smin = true;
			break;
		case NFIPSEC_SEL_A_SPORT_MAX:
			s->sport[1] = mnl_attr_get_u16(a);
			smin = true;
			break;
		case NFIPSEC_SEL_A_DPORT_MIN:
			s->dport[0] = mnl_attr_get_u16(a);
			dmin = true;
			break;
		case NFIPSEC_SEL_A_DPORT_MAX:
			s->dport[1] = mnl_attr_get_u16(a);
			dmin = true;
			break;
		case NFIPSEC_SEL_A_TYPE:
			s->type = mnl_attr_get_u8(a);
			s->type_set = true;
			break;
		case NFIPSEC_SEL_A_CODE:
			s->code = mnl_attr_get_u8(a);
			s->code_set = true;
			break;
		}
	}
	/* A missing prefix length means 0: any address. */
	if (!s->src.family)
		addr_any(&s->src, s->family);
	if (!s->dst.family)
		addr_any(&s->dst, s->family);
	s->src.plen = splen;
	s->dst.plen = dplen;
	s->sport_set = smin && !(s->sport[0] == 0 && s->sport[1] == 65535);
	s->dport_set = dmin && !(s->dport[0] == 0 && s->dport[1] == 65535);
}

static void port_str(char *buf, size_t len, const uint16_t *p)
{
	if (p[0] == p[1])
		snprintf(buf, len, "%u", p[0]);
	else
		snprintf(buf, len, "%u-%u", p[0], p[1]);
}

static void proto_str(char *buf, size_t len, uint8_t proto)
{
	const char *n = ipproto_name(proto);

	if (n)
		snprintf(buf, len, "%s", n);
	else
		snprintf(buf, len, "%u", proto);
}

void sel_print(const struct sel *s)
{
	char a[INET6_ADDRSTRLEN + 8], b[INET6_ADDRSTRLEN + 8], p[16];

	printf("src %s dst %s", prefix_str(&s->src, a, sizeof(a)),
	       prefix_str(&s->dst, b, sizeof(b)));
	if (s->proto) {
		proto_str(p, sizeof(p), s->proto);
		printf(" proto %s", p);
	}
	if (s->sport_set) {
		port_str(p, sizeof(p), s->sport);
		printf(" sport %s", p);
	}
	if (s->dport_set) {
		port_str(p, sizeof(p), s->dport);
		printf(" dport %s", p);
	}
	if (s->type_set)
		printf(" type %u", s->type);
	if (s->code_set)
		printf(" code %u", s->code);
}

void sel_json(const char *key, const struct sel *s)
{
	char a[INET6_ADDRSTRLEN + 8], p[16];

	json_obj(key);
	json_str("family", s->family == AF_INET6 ? "inet6" : "inet");
	json_str("src", prefix_str(&s->src, a, sizeof(a)));
	json_str("dst", prefix_str(&s->dst, a, sizeof(a)));
	if (s->proto) {
		proto_str(p, sizeof(p), s->proto);
		json_str("proto", p);
	}
	if (s->sport_set) {
		port_str(p, sizeof(p), s->sport);
		json_str("sport", p);
	}
	if (s->dport_set) {
		port_str(p, sizeof(p), s->dport);
		json_str("dport", p);
	}
	if (s->type_set)
		json_uint("type", s->type);
	if (s->code_set)
		json_uint("code", s->code);
	json_end();
}
