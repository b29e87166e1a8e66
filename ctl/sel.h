/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsecctl: traffic selectors, shared by SAs ("sel ...") and policies.
 */
#ifndef NFIPSECCTL_SEL_H
#define NFIPSECCTL_SEL_H

#include <libmnl/libmnl.h>
#include "parse.h"

struct sel {
	uint16_t family;
	struct addr src, dst;	/* family 0: any */
	uint8_t proto;		/* 0: any */
	bool sport_set, dport_set, type_set, code_set;
	uint16_t sport[2], dport[2];
	uint8_t type, code;
};

/*
 * If @kw is a selector keyword (src dst proto sport dport type code), takes
 * its value into @s: 1. Not a selector keyword: 0. A bad value: -1.
 */
int sel_word(struct args *a, const char *kw, struct sel *s);
/*
 * Checks what was parsed and sets s->family from the addresses, else from
 * @family (0: one address is required). 0 or -1 (printed).
 */
int sel_check(const char *cmd, struct sel *s, uint16_t family);
void sel_put(struct nlmsghdr *nlh, uint16_t type, const struct sel *s);
void sel_get(const struct nlattr *nest, struct sel *s);
/* "src 10.0.0.0/24 dst 0.0.0.0/0 proto tcp dport 443" */
void sel_print(const struct sel *s);
void sel_json(const char *key, const struct sel *s);

#endif
