/* SPDX-License-Identifier: GPL-2.0 */
/*
 * nfipsecctl: turning command-line words into values. Every helper that
 * refuses a word prints "nfipsecctl: <cmd>: ..." quoting it, and returns -1.
 */
#ifndef NFIPSECCTL_PARSE_H
#define NFIPSECCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nfipsec.h>

/* The words of one command, and where the parser is. */
struct args {
	const char *cmd;	/* "sa add": names the command in messages */
	int argc;
	char **argv;
	int i;
};

/* The next word, or NULL at the end. */
const char *args_next(struct args *a);
/* The value after keyword @kw; prints "<kw> needs a value" if none. */
const char *args_value(struct args *a, const char *kw);
/* The next word without taking it, or NULL. */
const char *args_peek(const struct args *a);

struct addr {
	uint16_t family;	/* AF_INET, AF_INET6, or 0: not given */
	uint8_t len;		/* 4 or 16 */
	uint8_t plen;		/* prefix length (addresses: full length) */
	uint8_t b[16];
};

int parse_addr(const char *cmd, const char *s, struct addr *a);
/* ADDR or ADDR/LEN; ADDR alone is a host prefix. */
int parse_prefix(const char *cmd, const char *s, struct addr *a);
int parse_u64(const char *cmd, const char *what, const char *s,
	      uint64_t min, uint64_t max, uint64_t *v);
int parse_u32(const char *cmd, const char *what, const char *s,
	      uint32_t min, uint32_t max, uint32_t *v);
/* N or N-M, 0 to 65535. */
int parse_port_range(const char *cmd, const char *what, const char *s,
		     uint16_t *lo, uint16_t *hi);
/* tcp, udp, icmp, ipv6-icmp/icmpv6, sctp, esp, ah, gre, any or a number. */
int parse_ipproto(const char *cmd, const char *s, uint8_t *proto);
/* esp or ah. */
int parse_xfrm_proto(const char *cmd, const char *s, uint8_t *proto);
int parse_mode(const char *cmd, const char *s, uint8_t *mode);
int parse_dir(const char *cmd, const char *s, uint8_t *dir);
const char *ipproto_name(uint8_t proto);	/* NULL if not named */
const char *mode_name(uint8_t mode);
const char *dir_name(uint8_t dir);

/*
 * A key: "0x" and hex digits, "" (an empty key, as ip xfrm takes it for
 * null encryption), or "@FILE" / "file:FILE" naming a file that holds the
 * hex (so the key stays out of ps). Fills @key with up to @max bytes.
 */
int parse_key(const char *cmd, const char *s, uint8_t *key, size_t max,
	      size_t *len);

/* An algorithm with its key, ready for NFIPSEC_SA_A_AEAD/ENC/AUTH. */
struct alg_spec {
	bool set;
	char name[NFIPSEC_ALG_NAME_MAX];
	uint8_t key[NFIPSEC_KEY_MAX];
	uint16_t keylen;	/* bytes */
	bool key_known;		/* false in a dump without keys */
	uint32_t icv_bits;	/* 0: not sent (the kernel's default) */
};

/*
 * Parses "ALGO KEY [ICV]" after the keyword @slot: "aead", "enc", "auth" or
 * "auth-trunc" (which takes BITS). ALGO may be a crypto API name, an ip xfrm
 * alias or an IKE keyword; a combined keyword after "enc" (aes256-sha256)
 * fills @enc and @auth from one key, the cipher key first. Checks the key
 * length and ICV against the algorithm.
 */
int parse_alg(struct args *a, const char *slot, struct alg_spec *aead,
	      struct alg_spec *enc, struct alg_spec *auth);

/* The crypto API name's type (enum nfipsec_alg_type), or 0 if unknown. */
unsigned int alg_type(const char *name);

/* The known algorithms and keywords, for "sa help". */
void alg_help(void);

void wipe(void *p, size_t len);

#endif
