/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsecctl: output helpers: a small JSON writer (compact, or indented
 * with -p), address and key formatting, and the dry-run request printer.
 */
#ifndef NFIPSECCTL_OUTPUT_H
#define NFIPSECCTL_OUTPUT_H

#include <libmnl/libmnl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "parse.h"

/*
 * JSON: @key is the member name inside an object, NULL inside an array or
 * at the top. A value closed at the top ends the line and flushes stdout.
 */
void json_obj(const char *key);
void json_arr(const char *key);
void json_end(void);
void json_str(const char *key, const char *v);
void json_uint(const char *key, uint64_t v);
void json_bool(const char *key, bool v);

/* From a 4- or 16-byte attribute; anything else leaves family 0. */
void attr_addr(const struct nlattr *a, struct addr *out);
void addr_any(struct addr *a, uint16_t family);
const char *addr_str(const struct addr *a, char *buf, size_t len);
/* "10.0.0.0/24" */
const char *prefix_str(const struct addr *a, char *buf, size_t len);
/* "0x0011..", at most 2 * NFIPSEC_KEY_MAX digits */
const char *hex_str(const uint8_t *b, size_t len, char *buf, size_t buflen);

/*
 * The dry-run form of a request: "cmd NAME [dump]", then one line per
 * attribute, "PATH VALUE", nests written as PATH/CHILD and list elements as
 * NAME#i, keys included. Stable: tests/unit/ctl-parse.sh reads it.
 */
void print_request(const struct nlmsghdr *nlh);

#endif
