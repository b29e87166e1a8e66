// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: the algorithms an SA may name, by crypto API name, with the key
 * and ICV lengths RFC 4106, 4543, 7634, 3602, 3686, 2404, 4868 and 2403 give.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <crypto/aead.h>
#include <crypto/hash.h>
#include <crypto/skcipher.h>
#include <linux/err.h>
#include <linux/string.h>

#include "nfipsec.h"

#define ICV(bits) (1U << ((bits) / 32))

/*
 * The AUTH defaults follow Linux XFRM so that a command copied from an
 * ip xfrm line behaves the same: plain "auth hmac(sha256) KEY" truncates to
 * 96 bits there (the pre-RFC 4868 draft); auth-trunc picks another length.
 */
static const struct nfipsec_alg nfipsec_algs[] = {
	{ "rfc4106(gcm(aes))", NFIPSEC_ALG_AEAD, 160, 288, 128,
	  ICV(64) | ICV(96) | ICV(128), 4, 8, false,
	  "AEAD key for rfc4106(gcm(aes)) must be 160, 224 or 288 bits",
	  "ICV for rfc4106(gcm(aes)) must be 64, 96 or 128 bits" },
	{ "rfc7539esp(chacha20,poly1305)", NFIPSEC_ALG_AEAD, 288, 288, 128,
	  ICV(128), 4, 8, false,
	  "AEAD key for rfc7539esp(chacha20,poly1305) must be 288 bits",
	  "ICV for rfc7539esp(chacha20,poly1305) must be 128 bits" },
	{ "rfc4543(gcm(aes))", NFIPSEC_ALG_AEAD, 160, 288, 128,
	  ICV(128), 4, 8, false,
	  "AEAD key for rfc4543(gcm(aes)) must be 160, 224 or 288 bits",
	  "ICV for rfc4543(gcm(aes)) must be 128 bits" },
	{ "cbc(aes)", NFIPSEC_ALG_ENC, 128, 256, 0, 0, 16, 16, false,
	  "key for cbc(aes) must be 128, 192 or 256 bits", NULL },
	{ "rfc3686(ctr(aes))", NFIPSEC_ALG_ENC, 160, 288, 0, 0, 4, 8, false,
	  "key for rfc3686(ctr(aes)) must be 160, 224 or 288 bits", NULL },
	{ "ecb(cipher_null)", NFIPSEC_ALG_ENC, 0, 0, 0, 0, 4, 0, false,
	  "ecb(cipher_null) takes no key (0 bits)", NULL },
	{ "hmac(sha1)", NFIPSEC_ALG_AUTH, 160, 160, 96,
	  ICV(96) | ICV(128) | ICV(160), 0, 0, false,
	  "key for hmac(sha1) must be 160 bits",
	  "truncation for hmac(sha1) must be 96, 128 or 160 bits" },
	{ "hmac(sha256)", NFIPSEC_ALG_AUTH, 256, 256, 96,
	  ICV(96) | ICV(128) | ICV(256), 0, 0, false,
	  "key for hmac(sha256) must be 256 bits",
	  "truncation for hmac(sha256) must be 96, 128 or 256 bits" },
	{ "hmac(sha384)", NFIPSEC_ALG_AUTH, 384, 384, 192,
	  ICV(192) | ICV(384), 0, 0, false,
	  "key for hmac(sha384) must be 384 bits",
	  "truncation for hmac(sha384) must be 192 or 384 bits" },
	{ "hmac(sha512)", NFIPSEC_ALG_AUTH, 512, 512, 256,
	  ICV(256) | ICV(512), 0, 0, false,
	  "key for hmac(sha512) must be 512 bits",
	  "truncation for hmac(sha512) must be 256 or 512 bits" },
	{ "hmac(md5)", NFIPSEC_ALG_AUTH, 128, 128, 96,
	  ICV(96) | ICV(128), 0, 0, true,
	  "key for hmac(md5) must be 128 bits",
	  "truncation for hmac(md5) must be 96 or 128 bits" },
};

const struct nfipsec_alg *nfipsec_alg_at(unsigned int i)
{
	return i < ARRAY_SIZE(nfipsec_algs) ? &nfipsec_algs[i] : NULL;
}

/* AES keys come in 128, 192 and 256 bits, each plus the same salt. */
bool nfipsec_alg_key_ok(const struct nfipsec_alg *alg, unsigned int bits)
{
	if (alg->key_bits_min == alg->key_bits_max)
		return bits == alg->key_bits_min;
	return bits == alg->key_bits_min || bits == alg->key_bits_min + 64 ||
	       bits == alg->key_bits_max;
}

const struct nfipsec_alg *nfipsec_alg_find(const char *name, u8 type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(nfipsec_algs); i++)
		if (nfipsec_algs[i].type == type &&
		    !strcmp(nfipsec_algs[i].name, name))
			return &nfipsec_algs[i];
	return NULL;
}

/*
 * Instantiate the algorithm once to learn whether the running kernel has it
 * and which driver it would bind; fills @driver. Returns 0 or -errno.
 */
int nfipsec_alg_probe(const struct nfipsec_alg *alg, char *driver,
		      size_t len)
{
	struct crypto_tfm *tfm;
	int err = 0;

	switch (alg->type) {
	case NFIPSEC_ALG_AEAD: {
		struct crypto_aead *aead = crypto_alloc_aead(alg->name, 0, 0);

		if (IS_ERR(aead))
			return PTR_ERR(aead);
		tfm = crypto_aead_tfm(aead);
		strscpy(driver, crypto_tfm_alg_driver_name(tfm), len);
		crypto_free_aead(aead);
		break;
	}
	case NFIPSEC_ALG_ENC: {
		struct crypto_skcipher *sk = crypto_alloc_skcipher(alg->name,
								   0, 0);

		if (IS_ERR(sk))
			return PTR_ERR(sk);
		tfm = crypto_skcipher_tfm(sk);
		strscpy(driver, crypto_tfm_alg_driver_name(tfm), len);
		crypto_free_skcipher(sk);
		break;
	}
	case NFIPSEC_ALG_AUTH: {
		struct crypto_ahash *ah = crypto_alloc_ahash(alg->name, 0, 0);

		if (IS_ERR(ah))
			return PTR_ERR(ah);
		tfm = crypto_ahash_tfm(ah);
		strscpy(driver, crypto_tfm_alg_driver_name(tfm), len);
		crypto_free_ahash(ah);
		break;
	}
	default:
		err = -EINVAL;
	}
	return err;
}
