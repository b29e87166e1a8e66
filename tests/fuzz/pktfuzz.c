// SPDX-License-Identifier: GPL-2.0
/*
 * pktfuzz: malformed, truncated, replayed and valid ESP at a namespace
 * that runs nfipsec, from the peer's side of a veth, as whole Ethernet
 * frames (AF_PACKET, sendmmsg), so that every header byte is ours.
 *
 *   pktfuzz -S [-s SEED]            print the nfipsecctl batch that installs
 *                                   the fuzzed SAs (keys derived from SEED)
 *   pktfuzz -i IF -m MAC [-s SEED] [-n COUNT]
 *                                   send COUNT frames out of IF to MAC
 *
 * The same seed gives the same keys and the same packets: a failure is
 * replayed by running the test with its printed seed (NFIPSEC_FUZZ_SEED).
 *
 * Each packet is built for one expectation, and counted under it:
 *   ok     well-formed and authentic with a fresh sequence number: must be
 *          accepted (the SA's packets-in grows by at least these)
 *   drop   reaches ESP processing and must be dropped (replayed, old,
 *          bad ICV, bad padding, truncated, unknown SPI, bad inner
 *          header in tunnel mode...): the drop counters grow by at least
 *          these, and none of them may be accepted
 *   may    authentic but odd (IPv4 options, IPv6 extension chains,
 *          random inner protocol, ECN CE over Not-ECT, fragments):
 *          accepted or dropped, either is right
 *   other  may never reach ESP processing (bad outer checksum or
 *          length, overlapping or incomplete fragments, UDP 4500)
 * It prints the totals and, per SA, the ok and may counts, as lines
 * "PKTFUZZ key=value ..." that the test reads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <sched.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "rnd.h"

#define V4_NF 0x0a000001	/* 10.0.0.1: nfipsec's side */
#define V4_XF 0x0a000002	/* 10.0.0.2: ours */
#define V4_IN_NF 0x0a010001	/* 10.1.0.1, 10.2.0.1: tunnel inner */
#define V4_IN_XF 0x0a020001
static const uint8_t v6_nf[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6_xf[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };
static const uint8_t v6_in_nf[16] = { 0xfd, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6_in_xf[16] = { 0xfd, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };

enum kind { K_NULL, K_CBC, K_GCM, K_OPAQUE };
enum expect { E_OK, E_DROP, E_MAY, E_OTHER, E_MAX };
static const char *const expect_name[E_MAX] = { "ok", "drop", "may", "other" };

struct fsa {
	uint32_t spi;
	int v6, tunnel, esn;
	enum kind kind;
	const EVP_MD *(*md)(void);
	unsigned int eklen, aklen, icv, window;
	uint64_t start;		/* replay-seq at install */
	uint8_t ekey[36], akey[64];
	/* model */
	uint64_t top_any;	/* highest seq sent authentic */
	uint64_t top_ok;	/* highest seq sent as "ok" (accepted for sure) */
	uint8_t last[1600];	/* the last "ok" frame, for replays */
	unsigned int last_len;
	unsigned long n[E_MAX];
};

/*
 * The fuzzed SAs, nf's inbound from us. 0x1002 is the legitimate flow's
 * SA (its key is not ours): only bad-ICV and replay packets for it.
 */
static struct fsa sas[] = {
	{ .spi = 0x5001, .kind = K_NULL, .md = EVP_sha256, .aklen = 32, .icv = 16, .window = 64 },
	{ .spi = 0x5002, .tunnel = 1, .kind = K_NULL, .md = EVP_sha1, .aklen = 20, .icv = 12, .window = 32 },
	{ .spi = 0x5003, .kind = K_CBC, .md = EVP_sha256, .eklen = 16, .aklen = 32, .icv = 16, .window = 128 },
	{ .spi = 0x5004, .kind = K_GCM, .eklen = 20, .icv = 16, .window = 64 },
	{ .spi = 0x5005, .v6 = 1, .kind = K_NULL, .md = EVP_sha256, .aklen = 32, .icv = 16, .window = 64 },
	{ .spi = 0x5006, .v6 = 1, .tunnel = 1, .kind = K_GCM, .eklen = 20, .icv = 16, .window = 256 },
	{ .spi = 0x5007, .esn = 1, .kind = K_NULL, .md = EVP_sha256, .aklen = 32, .icv = 16, .window = 128,
	  .start = 0xffff0000ULL },
	{ .spi = 0x5008, .tunnel = 1, .kind = K_CBC, .md = EVP_sha1, .eklen = 16, .aklen = 20, .icv = 12, .window = 0 },
	{ .spi = 0x1002, .kind = K_OPAQUE, .icv = 16, .window = 32 },
};
#define NSAS (sizeof(sas) / sizeof(sas[0]))


static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static uint16_t csum(const uint8_t *p, unsigned int n)
{
	uint32_t s = 0;

	for (; n > 1; p += 2, n -= 2)
		s += p[0] << 8 | p[1];
	if (n)
		s += p[0] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return ~s;
}

static void hexout(const uint8_t *p, unsigned int n)
{
	printf("0x");
	while (n--)
		printf("%02x", *p++);
}

static void keys(uint64_t seed)
{
	unsigned int i;

	rs = seed * 0x9e3779b97f4a7c15ULL + 1;
	for (i = 0; i < NSAS; i++) {
		rbytes(sas[i].ekey, sizeof(sas[i].ekey));
		rbytes(sas[i].akey, sizeof(sas[i].akey));
		sas[i].top_any = sas[i].top_ok = sas[i].start;
	}
}

static void print_sas(void)
{
	unsigned int i;

	for (i = 0; i < NSAS; i++) {
		struct fsa *s = &sas[i];

		if (s->kind == K_OPAQUE)
			continue;
		printf("sa add src %s dst %s proto esp spi 0x%x mode %s ",
		       s->v6 ? "fd00::2" : "10.0.0.2",
		       s->v6 ? "fd00::1" : "10.0.0.1", s->spi,
		       s->tunnel ? "tunnel" : "transport");
		if (s->kind == K_GCM) {
			printf("aead 'rfc4106(gcm(aes))' ");
			hexout(s->ekey, s->eklen);
			printf(" %u", s->icv * 8);
		} else {
			printf("enc '%s' ", s->kind == K_NULL ?
			       "ecb(cipher_null)" : "cbc(aes)");
			if (s->kind == K_NULL)
				printf("\"\"");
			else
				hexout(s->ekey, s->eklen);
			printf(" auth-trunc 'hmac(%s)' ",
			       s->md == EVP_sha1 ? "sha1" : "sha256");
			hexout(s->akey, s->aklen);
			printf(" %u", s->icv * 8);
		}
		printf(" replay-window %u", s->window);
		if (s->esn)
			printf(" flag esn replay-seq 0x%x replay-seq-hi 0x%x",
			       (unsigned int)s->start,
			       (unsigned int)(s->start >> 32));
		else if (s->start)
			printf(" replay-seq %u", (unsigned int)s->start);
		printf("\n");
	}
}

/*
 * ESP for @s at @out: SPI, sequence (low half), IV, the encrypted
 * @pt (already padded, pad length and next header included) and ICV.
 * Returns the length.
 */
static unsigned int esp_seal(struct fsa *s, uint64_t seq, const uint8_t *pt,
			     unsigned int ptlen, uint8_t *out)
{
	unsigned int ivlen = s->kind == K_CBC ? 16 : s->kind == K_GCM ? 8 : 0;
	uint8_t *iv = out + 8, *ct = out + 8 + ivlen, mac[EVP_MAX_MD_SIZE];
	unsigned int maclen, n = 8 + ivlen + ptlen;
	EVP_CIPHER_CTX *c;
	int l;

	put32(out, s->spi);
	put32(out + 4, (uint32_t)seq);
	rbytes(iv, ivlen);
	if (s->kind == K_OPAQUE) {
		memcpy(ct, pt, ptlen);
		rbytes(out + n, s->icv);
		return n + s->icv;
	}
	if (s->kind == K_GCM) {
		uint8_t nonce[12], aad[12], hi[4];

		memcpy(nonce, s->ekey + s->eklen - 4, 4);
		memcpy(nonce + 4, iv, 8);
		put32(hi, seq >> 32);
		memcpy(aad, out, 4);
		if (s->esn) {
			memcpy(aad + 4, hi, 4);
			memcpy(aad + 8, out + 4, 4);
		} else {
			memcpy(aad + 4, out + 4, 4);
		}
		c = EVP_CIPHER_CTX_new();
		EVP_EncryptInit_ex(c, EVP_aes_128_gcm(), NULL, NULL, NULL);
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL);
		EVP_EncryptInit_ex(c, NULL, NULL, s->ekey, nonce);
		EVP_EncryptUpdate(c, NULL, &l, aad, s->esn ? 12 : 8);
		EVP_EncryptUpdate(c, ct, &l, pt, ptlen);
		EVP_EncryptFinal_ex(c, ct + l, &l);
		EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, s->icv, out + n);
		EVP_CIPHER_CTX_free(c);
		return n + s->icv;
	}
	if (s->kind == K_CBC) {
		c = EVP_CIPHER_CTX_new();
		EVP_EncryptInit_ex(c, EVP_aes_128_cbc(), NULL, s->ekey, iv);
		EVP_CIPHER_CTX_set_padding(c, 0);
		EVP_EncryptUpdate(c, ct, &l, pt, ptlen);
		EVP_CIPHER_CTX_free(c);
	} else {
		memcpy(ct, pt, ptlen);
	}
	if (s->esn) {
		put32(out + n, seq >> 32);
		HMAC(s->md(), s->akey, s->aklen, out, n + 4, mac, &maclen);
	} else {
		HMAC(s->md(), s->akey, s->aklen, out, n, mac, &maclen);
	}
	memcpy(out + n, mac, s->icv);
	return n + s->icv;
}

static unsigned int blksize(const struct fsa *s)
{
	return s->kind == K_CBC ? 16 : 4;
}

/* A small inner packet: UDP to the discard port, wrapped in IP in tunnel mode. */
static unsigned int inner(const struct fsa *s, uint8_t *p, uint8_t *nh,
			  unsigned int maxdata)
{
	unsigned int dlen = rn(maxdata), ulen = 8 + dlen, h;

	if (!s->tunnel) {
		put16(p, 1024 + rn(60000));
		put16(p + 2, 9);
		put16(p + 4, ulen);
		put16(p + 6, 0);
		rbytes(p + 8, dlen);
		*nh = 17;
		if (s->v6) {	/* a UDP checksum is required over IPv6 */
			uint8_t ph[40 + 8 + 1400];

			memcpy(ph, v6_xf, 16);
			memcpy(ph + 16, v6_nf, 16);
			put32(ph + 32, ulen);
			put32(ph + 36, 17);
			memcpy(ph + 40, p, ulen);
			h = csum(ph, 40 + ulen);
			put16(p + 6, h ? h : 0xffff);
		}
		return ulen;
	}
	if (!s->v6) {
		p[0] = 0x45;
		p[1] = 0;
		put16(p + 2, 20 + ulen);
		put16(p + 4, rnd());
		put16(p + 6, 0x4000);
		p[8] = 64;
		p[9] = 17;
		put16(p + 10, 0);
		put32(p + 12, V4_IN_XF);
		put32(p + 16, V4_IN_NF);
		put16(p + 10, csum(p, 20));
		h = 20;
		*nh = 4;
	} else {
		put32(p, 0x60000000);
		put16(p + 4, ulen);
		p[6] = 17;
		p[7] = 64;
		memcpy(p + 8, v6_in_xf, 16);
		memcpy(p + 24, v6_in_nf, 16);
		h = 40;
		*nh = 41;
	}
	put16(p + h, 1024 + rn(60000));
	put16(p + h + 2, 9);
	put16(p + h + 4, ulen);
	put16(p + h + 6, 0);
	rbytes(p + h + 8, dlen);
	if (s->v6) {
		uint8_t ph[40 + 8 + 1400];

		memcpy(ph, v6_in_xf, 16);
		memcpy(ph + 16, v6_in_nf, 16);
		put32(ph + 32, ulen);
		put32(ph + 36, 17);
		memcpy(ph + 40, p + h, ulen);
		dlen = csum(ph, 40 + ulen);
		put16(p + h + 6, dlen ? dlen : 0xffff);
	}
	return h + ulen;
}

/* Pads @pt (of @len, next header @nh) for @s; returns the padded length. */
static unsigned int pad(const struct fsa *s, uint8_t *pt, unsigned int len,
			uint8_t nh, unsigned int extra_blocks)
{
	unsigned int b = blksize(s), padlen, i;

	padlen = (b - (len + 2) % b) % b + b * extra_blocks;
	if (padlen > 255)
		padlen = (b - (len + 2) % b) % b;
	for (i = 0; i < padlen; i++)
		pt[len + i] = i + 1;
	pt[len + padlen] = padlen;
	pt[len + padlen + 1] = nh;
	return len + padlen + 2;
}

/* ---- outer headers ------------------------------------------------------ */

static uint8_t src_mac[6], dst_mac[6];

/* An Ethernet + IP frame around @l4 (protocol @proto); returns its length. */
struct outer {
	int v6;
	int bad_csum, bad_version, short_ihl;	/* IPv4 */
	int tot_delta;				/* tot_len / payload_len off by */
	unsigned int trailer;			/* bytes after the IP packet */
	unsigned int opt_len;			/* IPv4 options (NOPs, EOL) */
	int garbage_opts;
	unsigned int n_ext;			/* IPv6 extension headers */
	int atomic_frag, frag_reserved;
	uint8_t tos;
	uint16_t frag;				/* IPv4 frag_off field */
	uint16_t id;
};

static unsigned int frame(const struct outer *o, uint8_t proto,
			  const uint8_t *l4, unsigned int l4len, uint8_t *f)
{
	uint8_t *ip = f + 14;
	unsigned int hl, n, i, e;

	memcpy(f, dst_mac, 6);
	memcpy(f + 6, src_mac, 6);
	if (!o->v6) {
		put16(f + 12, ETH_P_IP);
		hl = 20 + ((o->opt_len + 3) & ~3U);
		if (hl > 60)
			hl = 60;
		memset(ip + 20, 1, hl - 20);	/* NOP */
		if (o->garbage_opts)
			rbytes(ip + 20, hl - 20);
		else if (hl > 20 && rn(2))
			ip[hl - 1] = 0;		/* EOL */
		ip[0] = (o->bad_version ? 5 + rn(11) : 4) << 4 |
			(o->short_ihl ? rn(5) : hl / 4);
		ip[1] = o->tos;
		put16(ip + 2, hl + l4len + o->tot_delta);
		put16(ip + 4, o->id);
		put16(ip + 6, o->frag);
		ip[8] = 64;
		ip[9] = proto;
		put16(ip + 10, 0);
		put32(ip + 12, V4_XF);
		put32(ip + 16, V4_NF);
		put16(ip + 10, csum(ip, hl) ^ (o->bad_csum ? 1 + rn(0xfffe) : 0));
	} else {
		uint8_t *nhp = ip + 6;

		put16(f + 12, ETH_P_IPV6);
		put32(ip, (o->bad_version ? 7U + rn(9) : 6U) << 28 |
		      (uint32_t)o->tos << 20);
		ip[7] = 64;
		memcpy(ip + 8, v6_xf, 16);
		memcpy(ip + 24, v6_nf, 16);
		hl = 40;
		for (e = 0; e < o->n_ext; e++) {
			uint8_t *x = ip + hl;
			unsigned int xl = 8 * (1 + rn(3));

			/* hop-by-hop only first; then destination options */
			*nhp = e == 0 && rn(2) ? 0 : 60;
			x[1] = xl / 8 - 1;
			x[2] = 1;		/* PadN */
			x[3] = xl - 4;
			memset(x + 4, 0, xl - 4);
			nhp = x;
			hl += xl;
		}
		if (o->atomic_frag) {
			uint8_t *x = ip + hl;

			*nhp = 44;
			x[1] = o->frag_reserved ? rnd() : 0;
			put16(x + 2, 0);
			put32(x + 4, rnd());
			nhp = x;
			hl += 8;
		}
		*nhp = proto;
		put16(ip + 4, hl - 40 + l4len + o->tot_delta);
	}
	n = 14 + hl;
	memcpy(f + n, l4, l4len);
	n += l4len;
	for (i = 0; i < o->trailer; i++)
		f[n++] = rnd();
	return n;
}

/* ---- the fuzzer --------------------------------------------------------- */

#define BATCH 64
#define FMAX 1514	/* what the link takes; a frame is built in 4 KiB */

static uint8_t frames[BATCH][4096];
static struct iovec iov[BATCH];
static struct mmsghdr msgs[BATCH];
static unsigned int nq;
static int fd;
static struct sockaddr_ll sll;
static unsigned long sent, count_e[E_MAX], send_err;
static unsigned long fragments, udp4500;

static void flush(void)
{
	unsigned int i, done = 0;
	int r;

	for (i = 0; i < nq; i++) {
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
	}
	while (done < nq) {
		r = sendmmsg(fd, msgs + done, nq - done, 0);
		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				usleep(1000);
				continue;
			}
			/* one frame refused (length): skip it, and say so */
			send_err++;
			done++;
			continue;
		}
		done += r;
	}
	sent += nq;
	nq = 0;
}

static uint8_t *slot(void)
{
	if (nq == BATCH)
		flush();
	return frames[nq];
}

static void queue(unsigned int len)
{
	if (len > FMAX)
		len = FMAX;
	iov[nq].iov_base = frames[nq];
	iov[nq].iov_len = len;
	nq++;
}

static void count(struct fsa *s, enum expect e)
{
	count_e[e]++;
	if (s)
		s->n[e]++;
}

static uint64_t fresh(struct fsa *s)
{
	uint64_t seq = s->top_any + 1;

	if (!rn(8))
		seq += rn(s->window * 2 + 2);
	if (!rn(64))		/* a far jump */
		seq += 1 + rn(1 << 20);
	if (!s->esn && seq > 0xfffffff0ULL)
		seq = s->top_any + 1;
	return seq;
}

/*
 * One ESP packet for @s. Returns its expectation. @esp receives it,
 * *len its length.
 */
enum mut {
	M_VALID, M_TRAILER, M_REPLAY, M_OLD, M_SEQ0, M_BADICV, M_BADPAD,
	M_PADLEN, M_TRUNC, M_RANDOM, M_ZERO, M_BADNH, M_BADINNER, M_RANDNH,
	M_ECN, M_DUMMY, M_V4OPT, M_V6EXT, M_FRAG, M_FRAG_BAD, M_UDP,
	M_BADOUTER, M_UNKNOWN_SPI, M_AH, M_BIG, M_MAX
};

static const char *const mut_name[M_MAX] = {
	"valid", "trailer", "replay", "old-seq", "seq-0", "bad-icv",
	"bad-pad", "bad-padlen", "truncated", "random-body", "zero-length",
	"bad-nexthdr", "bad-inner", "random-nexthdr", "ecn-ce", "dummy",
	"ipv4-options", "ipv6-ext-chain", "fragments", "bad-fragments",
	"udp-4500", "bad-outer", "unknown-spi", "ah", "big",
};
static unsigned long mut_n[M_MAX];

static void one(void)
{
	struct fsa *s = &sas[rn(NSAS)];
	uint8_t pt[1600], esp[1700], *f;
	struct outer o = { .v6 = s->v6, .id = rnd() };
	unsigned int len, elen, plen, i;
	enum expect e = E_DROP;
	enum mut m = rn(M_MAX);
	uint64_t seq;
	uint8_t nh;
	int authentic = 1;

	if (m == M_OLD && s->top_ok <= s->start + s->window + 1)
		m = M_BADICV;
	if (m == M_OLD && !s->window)
		m = M_BADICV;
	if (m == M_REPLAY && !s->last_len)
		m = M_VALID;
	if (m == M_REPLAY && !s->window)
		m = M_BADPAD;	/* no replay protection: a replay is accepted */
	if ((m == M_BADNH || m == M_BADINNER || m == M_ECN) && !s->tunnel)
		m = M_RANDNH;
	if (m == M_V4OPT && s->v6)
		m = M_V6EXT;
	if ((m == M_V6EXT || m == M_FRAG || m == M_FRAG_BAD) && !s->v6 &&
	    m == M_V6EXT)
		m = M_V4OPT;
	if (m == M_SEQ0 && s->esn)
		m = M_BADPAD;
	/* the legitimate flow's SA: we cannot make its ICV */
	if (s->kind == K_OPAQUE && m != M_BADICV && m != M_RANDOM &&
	    m != M_TRUNC)
		m = M_BADICV;
	mut_n[m]++;

	if (m == M_REPLAY) {
		f = slot();
		memcpy(f, s->last, s->last_len);
		queue(s->last_len);
		count(s, E_DROP);
		return;
	}

	seq = fresh(s);
	len = inner(s, pt, &nh, m == M_BIG ? 1300 : 64);
	switch (m) {
	case M_RANDNH:
		nh = rnd();
		if (nh == 59 || nh == 4 || nh == 41 || nh == 17)
			nh = 253;
		if (!s->tunnel) {
			len = rn(32);
			rbytes(pt, len);
		}
		e = E_MAY;
		break;
	case M_BADNH:
		do
			nh = rnd();
		while (nh == 4 || nh == 41 || nh == 59);
		break;
	case M_BADINNER:
		switch (rn(4)) {
		case 0:		/* not IPv4/IPv6 */
			pt[0] = (pt[0] & 0x0f) | (rn(4) << 4);
			break;
		case 1:		/* the inner length beyond the packet */
			if (s->v6)
				put16(pt + 4, len - 40 + 1 + rn(1000));
			else
				put16(pt + 2, len + 1 + rn(1000));
			break;
		case 2:		/* shorter than a header */
			len = rn(s->v6 ? 40 : 20);
			break;
		default:	/* IPv4 IHL below 5 / IPv6 as 4 */
			if (s->v6)
				pt[0] = 0x45;
			else
				pt[0] = 0x40 | rn(5);
			if (s->v6) {
				put16(pt + 2, 0xffff);
			}
			break;
		}
		break;
	case M_ECN:
		o.tos = 3;	/* CE over Not-ECT */
		e = E_MAY;
		break;
	case M_DUMMY:
		nh = 59;
		e = E_MAY;
		break;
	case M_V4OPT:
		o.opt_len = 4 * (1 + rn(10));
		e = E_MAY;
		break;
	case M_V6EXT:
		o.n_ext = 1 + rn(24);
		o.atomic_frag = !rn(3);
		o.frag_reserved = !rn(2);
		e = E_MAY;
		break;
	case M_VALID:
	case M_TRAILER:
	case M_BIG:
		e = E_OK;
		break;
	default:
		break;
	}
	plen = pad(s, pt, len, nh, m == M_VALID && !rn(4) ? rn(8) : 0);
	if (m == M_BADPAD) {
		/* a pad byte out of sequence: padding of at least one byte */
		if (pt[plen - 2] == 0) {
			memmove(pt + len + blksize(s), pt + len, 2);
			for (i = 0; i < blksize(s); i++)
				pt[len + i] = i + 1;
			plen += blksize(s);
			pt[plen - 2] = blksize(s);
		}
		pt[len + rn(pt[plen - 2])] ^= 1 + rn(255);
	} else if (m == M_PADLEN) {
		pt[plen - 2] = plen - 1 + rn(256 - (plen - 1 > 255 ? 255 : plen - 1));
	}
	if (m == M_SEQ0)
		seq = 0;
	if (m == M_OLD)
		seq = s->top_ok - s->window - rn(s->top_ok - s->window - s->start);
	elen = esp_seal(s, seq, pt, plen, esp);
	switch (m) {
	case M_BADICV:
		i = 4 + rn(elen - 4);
		esp[i] ^= 1 << rn(8);
		authentic = 0;
		break;
	case M_TRUNC:
		elen = rn(elen);
		authentic = 0;
		break;
	case M_RANDOM:
		elen = 8 + rn(400);
		rbytes(esp + 8, elen - 8);
		authentic = 0;
		break;
	case M_ZERO:
		elen = rn(2) ? 8 : rn(8);
		authentic = 0;
		break;
	case M_UNKNOWN_SPI:
		put32(esp, 0x9000 + rn(0x1000));
		authentic = 0;
		break;
	default:
		break;
	}
	if (authentic && seq && s->kind != K_OPAQUE && seq > s->top_any)
		s->top_any = seq;

	if (m == M_FRAG || m == M_FRAG_BAD) {
		/* IPv4: two or three fragments, in order or not; bad: overlapping or the last one missing */
		unsigned int cut1, cut2, k, nf;
		unsigned int offs[3], ends[3];

		if (s->v6) {
			/* IPv6 fragments: one fragment header, two pieces */
			uint8_t pkt[1700], *x;
			unsigned int c = 8 * (1 + rn((elen - 1) / 8 ? (elen - 1) / 8 : 1));

			if (c >= elen)
				c = 8;
			fragments++;
			for (k = 0; k < 2; k++) {
				unsigned int a = k ? c : 0, b = k ? elen : c;

				if (m == M_FRAG_BAD && k == 1 && rn(2))
					a -= 8;	/* overlapping */
				if (m == M_FRAG_BAD && k == 1 && !rn(3))
					continue;
				if (b <= a)
					continue;
				x = pkt;
				x[0] = 50;
				x[1] = 0;
				put16(x + 2, a | (k == 0));
				put32(x + 4, o.id);
				memcpy(x + 8, esp + a, b - a);
				f = slot();
				queue(frame(&o, 44, pkt, 8 + b - a, f));
			}
			count(s, m == M_FRAG && authentic ? E_MAY : E_OTHER);
			return;
		}
		fragments++;
		if (elen <= 16) {
			cut1 = cut2 = elen;
		} else if (elen < 24) {
			cut1 = 8;
			cut2 = elen;
		} else {
			cut1 = 8 * (1 + rn(elen / 16));
			cut2 = cut1 + 8 * rn((elen - cut1) / 8);
		}
		offs[0] = 0;
		ends[0] = cut1;
		offs[1] = cut1;
		ends[1] = cut2;
		offs[2] = cut2;
		ends[2] = elen;
		if (m == M_FRAG_BAD && rn(2) && cut1 >= 8)
			offs[1] -= 8;	/* overlap */
		nf = 0;
		for (k = 0; k < 3; k++) {
			unsigned int kk = rn(4) ? k : 2 - k;	/* sometimes reversed */

			if (ends[kk] <= offs[kk])
				continue;
			if (m == M_FRAG_BAD && kk == 2 && !rn(3))
				continue;	/* never completes */
			o.frag = offs[kk] / 8 | (kk < 2 && ends[kk] < elen ? 0x2000 : 0);
			f = slot();
			queue(frame(&o, 50, esp + offs[kk], ends[kk] - offs[kk], f));
			nf++;
		}
		count(s, m == M_FRAG && authentic ? E_MAY : E_OTHER);
		return;
	}
	if (m == M_UDP) {
		/* UDP 4500, with the non-ESP marker (IKE) or without (ESP) */
		uint8_t u[1800];
		unsigned int mk = rn(2) ? 4 : 0;

		udp4500++;
		put16(u, 4500);
		put16(u + 2, 4500);
		memset(u + 8, 0, mk);
		memcpy(u + 8 + mk, esp, elen);
		put16(u + 4, 8 + mk + elen);
		put16(u + 6, 0);
		if (!rn(4))
			put16(u + 4, rn(0x10000));
		f = slot();
		queue(frame(&o, 17, u, 8 + mk + elen, f));
		/* ESP in UDP for an SA without encapsulation: not for us to say */
		count(s, authentic && !mk ? E_MAY : E_OTHER);
		return;
	}
	if (m == M_BADOUTER) {
		switch (rn(6)) {
		case 0: o.bad_csum = !o.v6; o.bad_version = o.v6; break;
		case 1: o.bad_version = 1; break;
		case 2: o.short_ihl = !o.v6; o.tot_delta = o.v6; break;
		case 3: o.tot_delta = 1 + rn(2000); break;
		case 4: o.tot_delta = -(int)(1 + rn(59)); break;
		default:
			o.garbage_opts = !o.v6;
			o.opt_len = 4 + rn(36);
			o.tot_delta = 2000 * o.v6;
			break;
		}
		f = slot();
		queue(frame(&o, 50, esp, elen, f));
		/* random options may happen to be valid ones */
		count(s, authentic && o.garbage_opts ? E_MAY : E_OTHER);
		return;
	}
	if (m == M_AH) {
		f = slot();
		rbytes(esp + 8, elen > 8 ? elen - 8 : 0);
		queue(frame(&o, 51, esp, elen, f));
		/* IPv6 skips AH as an extension header and may find ESP */
		count(s, o.v6 ? E_OTHER : E_DROP);
		return;
	}
	if (m == M_TRAILER)
		o.trailer = 1 + rn(40);
	f = slot();
	len = frame(&o, 50, esp, elen, f);
	if (len > FMAX) {
		/* too big for the link: cut, the IP layer drops it */
		len = FMAX;
		e = E_OTHER;
	}
	queue(len);
	if (e == E_OK) {
		memcpy(s->last, f, len);
		s->last_len = len;
		s->top_ok = seq;
	}
	count(s, e);
}

static int parse_mac(const char *s, uint8_t *mac)
{
	unsigned int b[6], i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
		   &b[5]) != 6)
		return -1;
	for (i = 0; i < 6; i++)
		mac[i] = b[i];
	return 0;
}

int main(int argc, char **argv)
{
	const char *ifname = NULL, *mac = NULL;
	unsigned long n = 100000, i;
	uint64_t seed = 0;
	struct timespec t0, t1;
	struct ifreq ifr;
	int opt, print = 0;
	double secs;

	while ((opt = getopt(argc, argv, "Si:m:s:n:")) != -1) {
		switch (opt) {
		case 'S': print = 1; break;
		case 'i': ifname = optarg; break;
		case 'm': mac = optarg; break;
		case 's': seed = strtoull(optarg, NULL, 0); break;
		case 'n': n = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: pktfuzz -S [-s SEED] | -i IF -m MAC [-s SEED] [-n COUNT]\n");
			return 2;
		}
	}
	keys(seed);
	if (print) {
		print_sas();
		return 0;
	}
	if (!ifname || !mac || parse_mac(mac, dst_mac)) {
		fprintf(stderr, "pktfuzz: -i IF and -m MAC are required\n");
		return 2;
	}
	fd = socket(AF_PACKET, SOCK_RAW, 0);
	if (fd < 0) {
		perror("pktfuzz: AF_PACKET socket");
		return 1;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("pktfuzz: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(src_mac, ifr.ifr_hwaddr.sa_data, 6);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = if_nametoindex(ifname);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst_mac, 6);

	{
		/* one CPU: the frames are processed in the order sent */
		cpu_set_t cs;

		CPU_ZERO(&cs);
		CPU_SET(0, &cs);
		sched_setaffinity(0, sizeof(cs), &cs);
	}
	printf("# pktfuzz: seed %llu, %lu packet builds\n",
	       (unsigned long long)seed, n);
	fflush(stdout);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++)
		one();
	flush();
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = t1.tv_sec - t0.tv_sec + (t1.tv_nsec - t0.tv_nsec) / 1e9;

	printf("PKTFUZZ seed=%llu builds=%lu frames=%lu send_errors=%lu secs=%.1f",
	       (unsigned long long)seed, n, sent, send_err, secs);
	for (i = 0; i < E_MAX; i++)
		printf(" %s=%lu", expect_name[i], count_e[i]);
	printf(" fragmented=%lu udp4500=%lu\n", fragments, udp4500);
	for (i = 0; i < NSAS; i++)
		printf("PKTFUZZ_SA spi=0x%x ok=%lu drop=%lu may=%lu other=%lu\n",
		       sas[i].spi, sas[i].n[E_OK], sas[i].n[E_DROP],
		       sas[i].n[E_MAY], sas[i].n[E_OTHER]);
	printf("PKTFUZZ_MUT");
	for (i = 0; i < M_MAX; i++)
		printf(" %s=%lu", mut_name[i], mut_n[i]);
	printf("\n");
	return 0;
}
