// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsecctl: parsing helpers shared by the subcommands: addresses,
 * prefixes, numbers, keys, and the algorithm table with its keywords.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nfipsecctl.h"
#include "parse.h"

void wipe(void *p, size_t len)
{
	volatile uint8_t *v = p;

	while (len--)
		*v++ = 0;
}

const char *args_next(struct args *a)
{
	return a->i < a->argc ? a->argv[a->i++] : NULL;
}

const char *args_peek(const struct args *a)
{
	return a->i < a->argc ? a->argv[a->i] : NULL;
}

const char *args_value(struct args *a, const char *kw)
{
	const char *v = args_next(a);

	if (!v)
		fail(a->cmd, "\"%s\" needs a value", kw);
	return v;
}

int parse_addr(const char *cmd, const char *s, struct addr *a)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET, s, a->b) == 1) {
		a->family = AF_INET;
		a->len = 4;
	} else if (inet_pton(AF_INET6, s, a->b) == 1) {
		a->family = AF_INET6;
		a->len = 16;
	} else {
		fail(cmd, "invalid address \"%s\"", s);
		return -1;
	}
	a->plen = a->len * 8;
	return 0;
}

int parse_prefix(const char *cmd, const char *s, struct addr *a)
{
	char buf[INET6_ADDRSTRLEN + 8];
	const char *slash = strchr(s, '/'), *p;
	uint32_t plen;

	if (!slash)
		return parse_addr(cmd, s, a);
	if ((size_t)(slash - s) >= sizeof(buf)) {
		fail(cmd, "invalid prefix \"%s\"", s);
		return -1;
	}
	memcpy(buf, s, slash - s);
	buf[slash - s] = 0;
	if (parse_addr(cmd, buf, a))
		return -1;
	plen = 0;
	for (p = slash + 1; isdigit((unsigned char)*p) && plen <= 128; p++)
		plen = plen * 10 + (*p - '0');
	if (p == slash + 1 || *p || plen > a->len * 8u) {
		fail(cmd, "invalid prefix \"%s\" (length 0 to %u)", s,
		     a->len * 8);
		return -1;
	}
	a->plen = plen;
	return 0;
}

int parse_u64(const char *cmd, const char *what, const char *s,
	      uint64_t min, uint64_t max, uint64_t *v)
{
	unsigned long long n;
	char *end;

	errno = 0;
	if (!isdigit((unsigned char)s[0]))
		goto bad;
	n = strtoull(s, &end, 0);
	if (errno || *end)
		goto bad;
	if (n < min || n > max) {
		fail(cmd, "%s \"%s\" out of range (%" PRIu64 " to %" PRIu64 ")",
		     what, s, min, max);
		return -1;
	}
	*v = n;
	return 0;
bad:
	fail(cmd, "invalid %s \"%s\"", what, s);
	return -1;
}

int parse_u32(const char *cmd, const char *what, const char *s,
	      uint32_t min, uint32_t max, uint32_t *v)
{
	uint64_t n;

	if (parse_u64(cmd, what, s, min, max, &n))
		return -1;
	*v = n;
	return 0;
}

int parse_port_range(const char *cmd, const char *what, const char *s,
		     uint16_t *lo, uint16_t *hi)
{
	char buf[16];
	const char *dash = strchr(s, '-');
	uint32_t a, b;

	if (!dash) {
		if (parse_u32(cmd, what, s, 0, 65535, &a))
			return -1;
		*lo = *hi = a;
		return 0;
	}
	if ((size_t)(dash - s) >= sizeof(buf)) {
		fail(cmd, "invalid %s \"%s\"", what, s);
		return -1;
	}
	memcpy(buf, s, dash - s);
	buf[dash - s] = 0;
	if (parse_u32(cmd, what, buf, 0, 65535, &a) ||
	    parse_u32(cmd, what, dash + 1, 0, 65535, &b))
		return -1;
	if (a > b) {
		fail(cmd, "%s range \"%s\" is empty", what, s);
		return -1;
	}
	*lo = a;
	*hi = b;
	return 0;
}

static const struct {
	const char *name;
	uint8_t proto;
} ipprotos[] = {
	{ "any", 0 }, { "icmp", IPPROTO_ICMP }, { "tcp", IPPROTO_TCP },
	{ "udp", IPPROTO_UDP }, { "gre", IPPROTO_GRE },
	{ "esp", IPPROTO_ESP }, { "ah", IPPROTO_AH },
	{ "ipv6-icmp", IPPROTO_ICMPV6 }, { "icmpv6", IPPROTO_ICMPV6 },
	{ "sctp", IPPROTO_SCTP },
};

int parse_ipproto(const char *cmd, const char *s, uint8_t *proto)
{
	uint32_t n;
	size_t i;

	for (i = 0; i < sizeof(ipprotos) / sizeof(ipprotos[0]); i++) {
		if (!strcmp(s, ipprotos[i].name)) {
			*proto = ipprotos[i].proto;
			return 0;
		}
	}
	if (!isdigit((unsigned char)s[0])) {
		fail(cmd, "unknown protocol \"%s\"", s);
		return -1;
	}
	if (parse_u32(cmd, "protocol", s, 0, 255, &n))
		return -1;
	*proto = n;
	return 0;
}

const char *ipproto_name(uint8_t proto)
{
	size_t i;

	for (i = 1; i < sizeof(ipprotos) / sizeof(ipprotos[0]); i++)
		if (ipprotos[i].proto == proto)
			return ipprotos[i].name;
	return NULL;
}

int parse_xfrm_proto(const char *cmd, const char *s, uint8_t *proto)
{
	if (!strcmp(s, "esp") || !strcmp(s, "50")) {
		*proto = IPPROTO_ESP;
	} else if (!strcmp(s, "ah") || !strcmp(s, "51")) {
		*proto = IPPROTO_AH;
	} else {
		fail(cmd, "unsupported proto \"%s\" (esp or ah)", s);
		return -1;
	}
	return 0;
}

int parse_mode(const char *cmd, const char *s, uint8_t *mode)
{
	if (!strcmp(s, "transport")) {
		*mode = NFIPSEC_MODE_TRANSPORT;
	} else if (!strcmp(s, "tunnel")) {
		*mode = NFIPSEC_MODE_TUNNEL;
	} else {
		fail(cmd, "unsupported mode \"%s\" (transport or tunnel)", s);
		return -1;
	}
	return 0;
}

const char *mode_name(uint8_t mode)
{
	return mode == NFIPSEC_MODE_TUNNEL ? "tunnel" :
	       mode == NFIPSEC_MODE_TRANSPORT ? "transport" : "?";
}

static const char *const dirs[] = {
	[NFIPSEC_DIR_IN] = "in",
	[NFIPSEC_DIR_OUT] = "out",
	[NFIPSEC_DIR_FWD] = "fwd",
};

int parse_dir(const char *cmd, const char *s, uint8_t *dir)
{
	uint8_t i;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (!strcmp(s, dirs[i])) {
			*dir = i;
			return 0;
		}
	}
	fail(cmd, "unknown dir \"%s\" (in, out or fwd)", s);
	return -1;
}

const char *dir_name(uint8_t dir)
{
	return dir < sizeof(dirs) / sizeof(dirs[0]) ? dirs[dir] : "?";
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* @hex without its 0x; @shown is what to quote in a refusal. */
static int parse_hex(const char *cmd, const char *hex, size_t n,
		     const char *shown, uint8_t *key, size_t max, size_t *len)
{
	size_t i;

	if (n % 2) {
		fail(cmd, "key \"%s\" has an odd number of hex digits", shown);
		return -1;
	}
	if (n / 2 > max) {
		fail(cmd, "key \"%s\" is longer than %zu bytes", shown, max);
		return -1;
	}
	for (i = 0; i < n; i += 2) {
		int hi = hexval(hex[i]), lo = hexval(hex[i + 1]);

		if (hi < 0 || lo < 0) {
			fail(cmd, "key \"%s\" is not hex", shown);
			wipe(key, i / 2);
			return -1;
		}
		key[i / 2] = hi << 4 | lo;
	}
	*len = n / 2;
	return 0;
}

static int parse_key_file(const char *cmd, const char *path, uint8_t *key,
			  size_t max, size_t *len)
{
	char buf[4 * NFIPSEC_KEY_MAX + 16], *p;
	ssize_t n;
	size_t l;
	int fd, ret;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fail(cmd, "key file \"%s\": %s", path, strerror(errno));
		return -1;
	}
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0) {
		fail(cmd, "key file \"%s\": %s", path, strerror(errno));
		return -1;
	}
	buf[n] = 0;
	p = buf;
	while (isspace((unsigned char)*p))
		p++;
	l = strlen(p);
	while (l && isspace((unsigned char)p[l - 1]))
		l--;
	if (l >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		p += 2;
		l -= 2;
	}
	ret = parse_hex(cmd, p, l, path, key, max, len);
	wipe(buf, sizeof(buf));
	return ret;
}

int parse_key(const char *cmd, const char *s, uint8_t *key, size_t max,
	      size_t *len)
{
	if (!s[0]) {
		*len = 0;
		return 0;
	}
	if (s[0] == '@')
		return parse_key_file(cmd, s + 1, key, max, len);
	if (!strncmp(s, "file:", 5))
		return parse_key_file(cmd, s + 5, key, max, len);
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		return parse_hex(cmd, s + 2, strlen(s + 2), s, key, max, len);
	fail(cmd, "key \"%s\" is not 0x-prefixed hex, @FILE or file:FILE", s);
	return -1;
}

/*
 * The algorithms of the module (kmod/crypto.c), with the key lengths and
 * ICV lengths RFC 4106, 4543, 7634, 3602, 3686, 2404, 4868 and 2403 allow.
 * icv_def is what plain "auth NAME" or "aead NAME KEY" without ICV gives:
 * Linux XFRM's default, so a copied ip xfrm line means the same.
 */
struct alg {
	const char *name;
	uint8_t type;
	uint16_t keys[3];	/* allowed key bits, salt/nonce included */
	uint16_t icvs[3];	/* allowed ICV bits (AEAD, AUTH) */
	uint16_t icv_def;
	const char *note;
};

static const struct alg algs[] = {
	{ "rfc4106(gcm(aes))", NFIPSEC_ALG_AEAD, { 160, 224, 288 },
	  { 64, 96, 128 }, 128, " (key plus 32-bit salt)" },
	{ "rfc4543(gcm(aes))", NFIPSEC_ALG_AEAD, { 160, 224, 288 },
	  { 128 }, 128, " (key plus 32-bit salt)" },
	{ "rfc7539esp(chacha20,poly1305)", NFIPSEC_ALG_AEAD, { 288 },
	  { 128 }, 128, " (key plus 32-bit salt)" },
	{ "cbc(aes)", NFIPSEC_ALG_ENC, { 128, 192, 256 }, { 0 }, 0, "" },
	{ "rfc3686(ctr(aes))", NFIPSEC_ALG_ENC, { 160, 224, 288 }, { 0 }, 0,
	  " (key plus 32-bit nonce)" },
	{ "ecb(cipher_null)", NFIPSEC_ALG_ENC, { 0 }, { 0 }, 0, "" },
	{ "hmac(sha1)", NFIPSEC_ALG_AUTH, { 160 }, { 96, 128, 160 }, 96, "" },
	{ "hmac(sha256)", NFIPSEC_ALG_AUTH, { 256 }, { 96, 128, 256 }, 96, "" },
	{ "hmac(sha384)", NFIPSEC_ALG_AUTH, { 384 }, { 192, 384 }, 192, "" },
	{ "hmac(sha512)", NFIPSEC_ALG_AUTH, { 512 }, { 256, 512 }, 256, "" },
	{ "hmac(md5)", NFIPSEC_ALG_AUTH, { 128 }, { 96, 128 }, 96, "" },
};

#define ANY_KEY 0xffff

/*
 * Keywords: ip xfrm's aliases (the kernel's compat names) and the IKE
 * proposal words. key_bits fixes the key length (ANY_KEY: whatever the
 * algorithm allows); icv_bits fixes the ICV or truncation (0: default).
 */
struct keyword {
	const char *word;
	const char *alg;
	uint16_t key_bits;
	uint16_t icv_bits;
};

static const struct keyword keywords[] = {
	{ "aes128gcm8", "rfc4106(gcm(aes))", 160, 64 },
	{ "aes128gcm12", "rfc4106(gcm(aes))", 160, 96 },
	{ "aes128gcm16", "rfc4106(gcm(aes))", 160, 128 },
	{ "aes192gcm8", "rfc4106(gcm(aes))", 224, 64 },
	{ "aes192gcm12", "rfc4106(gcm(aes))", 224, 96 },
	{ "aes192gcm16", "rfc4106(gcm(aes))", 224, 128 },
	{ "aes256gcm8", "rfc4106(gcm(aes))", 288, 64 },
	{ "aes256gcm12", "rfc4106(gcm(aes))", 288, 96 },
	{ "aes256gcm16", "rfc4106(gcm(aes))", 288, 128 },
	{ "aes128gmac", "rfc4543(gcm(aes))", 160, 128 },
	{ "aes192gmac", "rfc4543(gcm(aes))", 224, 128 },
	{ "aes256gmac", "rfc4543(gcm(aes))", 288, 128 },
	{ "chacha20poly1305", "rfc7539esp(chacha20,poly1305)", 288, 128 },
	{ "aes", "cbc(aes)", ANY_KEY, 0 },
	{ "aes128", "cbc(aes)", 128, 0 },
	{ "aes192", "cbc(aes)", 192, 0 },
	{ "aes256", "cbc(aes)", 256, 0 },
	{ "aes128ctr", "rfc3686(ctr(aes))", 160, 0 },
	{ "aes192ctr", "rfc3686(ctr(aes))", 224, 0 },
	{ "aes256ctr", "rfc3686(ctr(aes))", 288, 0 },
	{ "null", "ecb(cipher_null)", 0, 0 },
	{ "cipher_null", "ecb(cipher_null)", 0, 0 },
	{ "sha1", "hmac(sha1)", ANY_KEY, 96 },
	/* As in ip xfrm, whose "sha256" alias truncates to 96 bits. */
	{ "sha256", "hmac(sha256)", ANY_KEY, 96 },
	{ "sha256_96", "hmac(sha256)", ANY_KEY, 96 },
	{ "sha256_128", "hmac(sha256)", ANY_KEY, 128 },
	{ "sha384", "hmac(sha384)", ANY_KEY, 192 },
	{ "sha512", "hmac(sha512)", ANY_KEY, 256 },
	{ "md5", "hmac(md5)", ANY_KEY, 96 },
};

#define ARRAY_LEN(x) (sizeof(x) / sizeof((x)[0]))

static const struct alg *alg_by_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_LEN(algs); i++)
		if (!strcmp(algs[i].name, name))
			return &algs[i];
	return NULL;
}

unsigned int alg_type(const char *name)
{
	const struct alg *alg = alg_by_name(name);

	return alg ? alg->type : 0;
}

/* What the user wrote, resolved. */
struct choice {
	const char *word;
	const struct alg *alg;
	uint16_t key_bits;	/* ANY_KEY or fixed */
	uint16_t icv_bits;	/* 0: from the arguments or the default */
};

static bool resolve(const char *word, struct choice *c)
{
	size_t i;

	c->word = word;
	c->alg = alg_by_name(word);
	c->key_bits = ANY_KEY;
	c->icv_bits = 0;
	if (c->alg)
		return true;
	for (i = 0; i < ARRAY_LEN(keywords); i++) {
		if (!strcmp(keywords[i].word, word)) {
			c->alg = alg_by_name(keywords[i].alg);
			c->key_bits = keywords[i].key_bits;
			c->icv_bits = keywords[i].icv_bits;
			return true;
		}
	}
	return false;
}

static const char *type_word(unsigned int type)
{
	switch (type) {
	case NFIPSEC_ALG_AEAD:
		return "aead";
	case NFIPSEC_ALG_ENC:
		return "enc";
	case NFIPSEC_ALG_AUTH:
		return "auth";
	}
	return "?";
}

/* "160, 224 or 288" */
static void list_bits(char *buf, size_t len, const uint16_t *v, size_t n)
{
	size_t i, off = 0;

	buf[0] = 0;
	for (i = 0; i < n && off < len; i++)
		off += snprintf(buf + off, len - off, "%s%u",
				!i ? "" : i + 1 == n ? " or " : ", ", v[i]);
}

static size_t count_bits(const uint16_t *v, size_t max)
{
	size_t n = 1;

	while (n < max && v[n])
		n++;
	return n;
}

/* The key lengths @c allows, into @out; returns how many. */
static size_t allowed_keys(const struct choice *c, uint16_t *out)
{
	size_t n = count_bits(c->alg->keys, 3);

	if (c->key_bits != ANY_KEY) {
		out[0] = c->key_bits;
		return 1;
	}
	memcpy(out, c->alg->keys, n * sizeof(*out));
	return n;
}

static int check_key(const char *cmd, const struct choice *c, size_t len)
{
	uint16_t ok[3];
	size_t n = allowed_keys(c, ok), i;
	char list[64];

	for (i = 0; i < n; i++)
		if (ok[i] == len * 8)
			return 0;
	list_bits(list, sizeof(list), ok, n);
	fail(cmd, "key for %s is %zu bits; expected %s%s", c->word, len * 8,
	     list, c->alg->note);
	return -1;
}

static int check_icv(const char *cmd, const struct alg *alg, uint32_t bits)
{
	size_t n = count_bits(alg->icvs, 3), i;
	char list[64];

	for (i = 0; i < n; i++)
		if (alg->icvs[i] == bits)
			return 0;
	list_bits(list, sizeof(list), alg->icvs, n);
	fail(cmd, "ICV of %u bits is not valid for %s; expected %s", bits,
	     alg->name, list);
	return -1;
}

static void fill(struct alg_spec *s, const struct alg *alg,
		 const uint8_t *key, size_t len, uint32_t icv)
{
	memset(s, 0, sizeof(*s));
	s->set = true;
	snprintf(s->name, sizeof(s->name), "%s", alg->name);
	memcpy(s->key, key, len);
	s->keylen = len;
	s->key_known = true;
	s->icv_bits = icv;
}

static bool is_number(const char *s)
{
	if (!s || !isdigit((unsigned char)*s))
		return false;
	while (isdigit((unsigned char)*s))
		s++;
	return !*s;
}

/* "enc aes256-sha256 KEY": one key, the cipher's then the HMAC's. */
static int parse_combined(struct args *a, const char *word, struct alg_spec *enc,
			  struct alg_spec *auth)
{
	const char *dash = strrchr(word, '-'), *k;
	struct choice ce, ca;
	uint8_t key[2 * NFIPSEC_KEY_MAX];
	uint16_t eok[3], sums[3];
	char left[NFIPSEC_ALG_NAME_MAX], list[64];
	size_t len, n, i;
	int ret = -1;

	if (!dash || (size_t)(dash - word) >= sizeof(left))
		goto unknown;
	memcpy(left, word, dash - word);
	left[dash - word] = 0;
	if (!resolve(left, &ce) || ce.alg->type != NFIPSEC_ALG_ENC ||
	    !resolve(dash + 1, &ca) || ca.alg->type != NFIPSEC_ALG_AUTH)
		goto unknown;
	k = args_value(a, word);
	if (!k || parse_key(a->cmd, k, key, sizeof(key), &len))
		return -1;
	n = allowed_keys(&ce, eok);
	for (i = 0; i < n; i++) {
		sums[i] = eok[i] + ca.alg->keys[0];
		if (sums[i] == len * 8)
			break;
	}
	if (i == n) {
		list_bits(list, sizeof(list), sums, n);
		fail(a->cmd, "key for %s is %zu bits; expected %s (the %s key%s, then the %u-bit %s key)",
		     word, len * 8, list, ce.alg->name, ce.alg->note,
		     ca.alg->keys[0], ca.alg->name);
		goto out;
	}
	fill(enc, ce.alg, key, eok[i] / 8, 0);
	/* IKE proposal words: RFC 4868 truncation, whatever ip xfrm says. */
	fill(auth, ca.alg, key + eok[i] / 8, len - eok[i] / 8,
	     strcmp(ca.alg->name, "hmac(sha256)") ? ca.icv_bits : 128);
	ret = 0;
out:
	wipe(key, sizeof(key));
	return ret;
unknown:
	fail(a->cmd, "unknown algorithm \"%s\"", word);
	return -1;
}

/*
 * "pcrypt(NAME)" or "cryptd(NAME)" for an AEAD: the crypto API runs NAME
 * through that template (asynchronously). Copies NAME to @inner and
 * returns the template's name, or NULL for any other word.
 */
static const char *unwrap(const char *word, char *inner, size_t size)
{
	static const char *const wraps[] = { "pcrypt", "cryptd" };
	size_t i, n = strlen(word);

	for (i = 0; i < ARRAY_LEN(wraps); i++) {
		size_t w = strlen(wraps[i]);

		if (n > w + 2 && n - w - 2 < size &&
		    !strncmp(word, wraps[i], w) && word[w] == '(' &&
		    word[n - 1] == ')') {
			memcpy(inner, word + w + 1, n - w - 2);
			inner[n - w - 2] = 0;
			return wraps[i];
		}
	}
	return NULL;
}

int parse_alg(struct args *a, const char *slot, struct alg_spec *aead,
	      struct alg_spec *enc, struct alg_spec *auth)
{
	bool trunc = !strcmp(slot, "auth-trunc");
	unsigned int want = !strcmp(slot, "aead") ? NFIPSEC_ALG_AEAD :
			    !strcmp(slot, "enc") ? NFIPSEC_ALG_ENC :
			    NFIPSEC_ALG_AUTH;
	struct alg_spec *dst = want == NFIPSEC_ALG_AEAD ? aead :
			       want == NFIPSEC_ALG_ENC ? enc : auth;
	uint8_t key[NFIPSEC_KEY_MAX];
	char inner[NFIPSEC_ALG_NAME_MAX];
	const char *word, *k, *v, *wrap = NULL;
	struct choice c;
	uint32_t icv;
	size_t len;
	int ret = -1;

	word = args_value(a, slot);
	if (!word)
		return -1;
	if (dst->set) {
		fail(a->cmd, "\"%s\" given twice", want == NFIPSEC_ALG_AUTH ?
		     "auth" : slot);
		return -1;
	}
	if (want == NFIPSEC_ALG_AEAD)
		wrap = unwrap(word, inner, sizeof(inner));
	if (wrap) {
		if (!resolve(inner, &c) || c.alg->type != NFIPSEC_ALG_AEAD) {
			fail(a->cmd, "%s needs an AEAD algorithm, not \"%s\"",
			     wrap, inner);
			return -1;
		}
		c.word = word;	/* messages name what was typed */
	} else if (!resolve(word, &c)) {
		if (want == NFIPSEC_ALG_ENC && strchr(word, '-'))
			return parse_combined(a, word, enc, auth);
		fail(a->cmd, "unknown algorithm \"%s\"", word);
		return -1;
	}
	if (c.alg->type != want) {
		fail(a->cmd, "\"%s\" is an %s algorithm, not %s", word,
		     type_word(c.alg->type), slot);
		return -1;
	}
	k = args_value(a, word);
	if (!k || parse_key(a->cmd, k, key, sizeof(key), &len))
		return -1;
	if (check_key(a->cmd, &c, len))
		goto out;

	icv = c.icv_bits ? c.icv_bits : c.alg->icv_def;
	if (trunc) {
		v = args_value(a, "auth-trunc");
		if (!v || parse_u32(a->cmd, "truncation", v, 1, 4096, &icv))
			goto out;
	} else if (want == NFIPSEC_ALG_AEAD && !c.icv_bits &&
		   is_number(args_peek(a))) {
		/* ip xfrm: aead NAME KEY ICV_BITS; optional here. */
		if (parse_u32(a->cmd, "ICV length", args_next(a), 1, 4096,
			      &icv))
			goto out;
	}
	if (want != NFIPSEC_ALG_ENC && check_icv(a->cmd, c.alg, icv))
		goto out;
	fill(dst, c.alg, key, len, icv);
	if (wrap && (size_t)snprintf(dst->name, sizeof(dst->name), "%s(%s)",
				     wrap, c.alg->name) >= sizeof(dst->name)) {
		fail(a->cmd, "algorithm name \"%s(%s)\" is too long", wrap,
		     c.alg->name);
		goto out;
	}
	ret = 0;
out:
	wipe(key, sizeof(key));
	return ret;
}

void alg_help(void)
{
	size_t i;

	printf("algorithms (crypto API name, key bits, ICV bits):\n");
	for (i = 0; i < ARRAY_LEN(algs); i++) {
		char k[64], v[64];

		list_bits(k, sizeof(k), algs[i].keys,
			  count_bits(algs[i].keys, 3));
		list_bits(v, sizeof(v), algs[i].icvs,
			  count_bits(algs[i].icvs, 3));
		printf("  %-4s %-30s key %s%s", type_word(algs[i].type),
		       algs[i].name, k, algs[i].note);
		if (algs[i].type != NFIPSEC_ALG_ENC)
			printf(", ICV %s (default %u)", v, algs[i].icv_def);
		putchar('\n');
	}
	printf("keywords:\n");
	for (i = 0; i < ARRAY_LEN(keywords); i++) {
		printf("  %-17s %s", keywords[i].word, keywords[i].alg);
		if (keywords[i].key_bits != ANY_KEY)
			printf(", key %u", keywords[i].key_bits);
		if (keywords[i].icv_bits)
			printf(", ICV %u", keywords[i].icv_bits);
		putchar('\n');
	}
	printf("  ENC-AUTH          after enc, e.g. aes256-sha256: both, one key (cipher key first)\n");
}
