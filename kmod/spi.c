// SPDX-License-Identifier: GPL-2.0
/*
 * nfipsec: SPI allocation (NFIPSEC_CMD_SA_ALLOCSPI).
 *
 * A negotiator picks the SPI of an inbound SA before it has keys: it asks
 * for a free one in a range and the module reserves it as a larval SA, an
 * nfipsec_sa with the identity (SPI, destination, protocol, family), the
 * source, mode and reqid the request gave, and no algorithms. A larval SA
 * sits in the SAD's tables and on sa_list like any other, so the SPI stays
 * taken, dumps show it, and SA_DEL and SA_FLUSH remove it; the packet
 * path's lookups (nfipsec_sa_lookup, nfipsec_sa_find_out) skip it, so an
 * ESP packet for it is an unknown SPI (NFIPSEC_DROP_NO_SA). SA_UPDATE with
 * every attribute an ADD needs replaces it with a complete SA
 * (nfipsec_sa_fill_larval). Otherwise its hard add-time lifetime, the
 * reservation's timeout, deletes it through the ordinary lifetime work,
 * with EXPIRE (hard) and SA_DEL events: the negotiator learns that its
 * SPI lapsed.
 *
 * The search starts at a random point of the range and walks it upwards,
 * wrapping, so SPIs are not predictable from one allocation to the next
 * (RFC 4303 asks for nothing more). Each probe is one hash lookup under
 * nn->lock; a walk is bounded by SPI_PROBES, which covers any range up to
 * that size completely, so a full small range is refused exactly. A
 * larger range is refused only when SPI_PROBES consecutive SPIs from the
 * random start are taken.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/random.h>

#include "nfipsec.h"

#define SPI_PROBES	65536U

/* Under nn->lock: give @larval a free SPI in [@min, @max] and insert it. */
int nfipsec_spi_alloc(struct nfipsec_net *nn, struct nfipsec_sa *larval,
		      u32 min, u32 max, struct netlink_ext_ack *extack)
{
	u32 n = max - min + 1, start, i, spi;

	lockdep_assert_held(&nn->lock);

	if (!n)			/* the whole 32-bit space: not reachable */
		n = U32_MAX;
	start = (u32)(((u64)get_random_u32() * n) >> 32);
	for (i = 0; i < min(n, SPI_PROBES); i++) {
		spi = min + (u32)(((u64)start + i) % n);
		if (nfipsec_sa_lookup_any(nn, htonl(spi), &larval->dst,
					  larval->proto, larval->family))
			continue;
		larval->spi = htonl(spi);
		larval->larval = true;
		return nfipsec_sa_insert(nn, larval, extack);
	}
	if (n <= SPI_PROBES)
		NL_SET_ERR_MSG_MOD(extack,
				   "no free SPI in the range: every SPI from min to max is in use");
	else
		NL_SET_ERR_MSG_MOD(extack,
				   "no free SPI found in the range; try a narrower or emptier one");
	return -ENOSPC;
}
