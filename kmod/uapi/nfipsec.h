/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * nfipsec: the generic netlink interface of the nfipsec IPsec data plane.
 *
 * This header is the one description of the API; the module and nfipsecctl
 * both use it, and a key negotiator may copy it.
 *
 * Family, version and groups
 * --------------------------
 * Generic netlink family NFIPSEC_GENL_NAME ("nfipsec"), version
 * NFIPSEC_GENL_VERSION. Every request is answered in the network namespace
 * of the requesting socket. Events go to the multicast group
 * NFIPSEC_GENL_MCGRP_EVENTS ("events").
 *
 * Permissions
 * -----------
 * Every command that changes state, and every read that may return key
 * material (NFIPSEC_REQ_F_KEYS), needs CAP_NET_ADMIN in the user namespace
 * that owns the network namespace; without it the request fails with EPERM.
 * NFIPSEC_CMD_GET_VERSION and listings without keys are open to everyone.
 *
 * Errors
 * ------
 * A refused request returns a negative errno in the netlink ACK together
 * with an extended ACK message (NLMSGERR_ATTR_MSG) saying what was wrong
 * and, where it applies, the offending attribute (NLMSGERR_ATTR_OFFS).
 * Unknown attributes are refused (strict validation). Typical values:
 *   EINVAL     an attribute is malformed, out of range, or inconsistent
 *   ENOENT     the SA or policy named does not exist
 *   EEXIST     an SA with the same (SPI, destination, protocol), or a
 *              policy with the same direction, priority and selector exists
 *   ENOPROTOOPT  the kernel's crypto API has no such algorithm
 *   EPERM      the caller lacks CAP_NET_ADMIN
 *   ENOSPC     ALLOCSPI found no free SPI in the range
 *   ENOMEM     out of memory
 *
 * Commands
 * --------
 * NFIPSEC_CMD_GET_VERSION (do)
 *   Request: nothing. Reply: NFIPSEC_A_VERSION (string, the module
 *   version) and NFIPSEC_A_ALGS, a nest of NFIPSEC_A_ALG nests, one for
 *   each algorithm the module knows: NFIPSEC_ALG_A_NAME (crypto API name),
 *   NFIPSEC_ALG_A_TYPE (enum nfipsec_alg_type), NFIPSEC_ALG_A_AVAILABLE
 *   (u8, 1 if the running kernel's crypto API could instantiate it) and
 *   NFIPSEC_ALG_A_DRIVER (string, the driver that would be used).
 *
 * NFIPSEC_CMD_SA_ADD, NFIPSEC_CMD_SA_UPDATE (do)
 *   Request: NFIPSEC_A_SA, a nest of enum nfipsec_sa_attrs. Required: SPI,
 *   PROTO, FAMILY, SRC, DST, MODE and the algorithms: for ESP either AEAD,
 *   or ENC with AUTH (AUTH may be left out only with a non-NULL ENC, which
 *   is refused unless NFIPSEC_SA_F_NOAUTH is set: confidentiality without
 *   integrity is unsafe); for AH (RFC 4302), AUTH alone, its ICV_BITS the
 *   truncation (NFIPSEC_SA_F_ALIGN4 over IPv4 only). Optional: REQID (default 0),
 *   REPLAY_WINDOW in packets (0 to NFIPSEC_REPLAY_MAX; default 32; 0 turns
 *   replay checking off), FLAGS, SEQ_OUT and SEQ_IN (starting sequence
 *   numbers, 64 bit; the high half only with ESN), SEL (inner traffic
 *   selector; default: any), LIFETIME_SOFT and LIFETIME_HARD (0 in a
 *   field means no limit), ENCAP (ESP in UDP), DF (enum nfipsec_df),
 *   IFINDEX (an nfipsec link of the caller's netns, a device of rtnetlink
 *   kind "nfipsec" other than nfipsec0: the SA's decapsulated packets
 *   enter the stack on it instead of nfipsec0; 0: none; UPDATE cannot
 *   change it. Once the link is deleted or down, they are dropped as
 *   NFIPSEC_DROP_NO_LINK; the SA stays; so are those of SAs without a link
 *   while nfipsec0 is down). Outbound, a link is a route
 *   target: the out policy protects what is routed into it, and what
 *   reaches the device unprotected is dropped as NFIPSEC_DROP_UNPROTECTED.
 *   UPDATE names the SA by SPI, PROTO, FAMILY and DST, and either
 *   fills in a larval SA (see ALLOCSPI): then it carries everything ADD
 *   does, and the complete SA takes the reservation's place, counting as
 *   added now (ENCAP included); or it changes an installed SA in place:
 *   LIFETIME_SOFT, LIFETIME_HARD and DF, and for an SA with ENCAP its
 *   ENCAP ports and KEEPALIVE and its SRC (NAT traversal, below), keeping
 *   its sequence numbers, replay window, counters and lifetime usage; new
 *   soft limits re-arm the soft expiry.
 *   Every other attribute is optional there and, if given, must repeat
 *   the SA's value (a tool may send the whole SA, as ip xfrm does); a
 *   different SRC (without ENCAP), MODE, REQID, FLAGS, REPLAY_WINDOW,
 *   SEL, algorithm,
 *   ICV length or key is refused with EINVAL ("keys cannot change:
 *   install a new SA to rekey", "SA mode cannot change", ...), and so is
 *   any SEQ_IN or SEQ_OUT. Keys and algorithms change only by a new SA:
 *   that is a rekey. The endpoints stay (XFRM moves them only by
 *   migration, which nfipsec does not have; only an SA with ENCAP may
 *   take a new SRC); ENCAP on an SA without it is refused (EINVAL). An
 *   unknown SA is ENOENT.
 *   ADD of an SPI that ALLOCSPI reserved is refused (EEXIST, "SPI
 *   reserved by ALLOCSPI: fill the larval SA in with SA_UPDATE"), as XFRM
 *   does: ADD means a new SA, and a negotiator that reserved the SPI
 *   fills the reservation in, as strongSwan does with XFRM.
 *   EINVAL also when a soft limit is above the hard limit of the same kind
 *   (both not 0): it could never fire before the SA is deleted.
 *
 * Lifetimes
 * ---------
 * Limits in bytes, packets, seconds since the SA was added (ADD_SECS) and
 * seconds since its first packet (USE_SECS), enforced as Linux XFRM does.
 * Bytes and packets count both directions the SA is used in, bytes as the
 * per-SA byte counters count them (the inner packet in tunnel mode, the
 * payload after the IP header outbound in transport mode). A packet is
 * checked against the usage before it, then counted: a hard limit of N
 * packets lets N packets through; a byte limit lets through the packet
 * that crosses it. The first packet that finds a soft limit reached (or
 * the soft time passing) sends one NFIPSEC_CMD_EV_EXPIRE with
 * NFIPSEC_A_HARD 0; the SA keeps working. The first packet that finds a
 * hard limit reached is dropped, and (from a work item, as does the hard
 * time passing) one EXPIRE with NFIPSEC_A_HARD 1 is sent and the SA
 * deleted as SA_DEL does
 * (NFIPSEC_CMD_EV_SA_DEL follows); a packet that reaches the SA meanwhile
 * is dropped as NFIPSEC_DROP_EXPIRED, and once the SA is gone outbound
 * traffic takes the no-SA path (NFIPSEC_DROP_NO_OUT_SA and ACQUIRE): it is
 * never sent in clear. When soft and hard are reached together only the
 * hard EXPIRE is sent. Times run on the boot clock (wall clock changes do
 * not expire SAs) and are enforced to within a few jiffies of the second.
 *
 * NFIPSEC_CMD_SA_ALLOCSPI (do)
 *   A negotiator's first step for an inbound SA: an unused SPI for (DST,
 *   PROTO), reserved as a larval SA. Request: NFIPSEC_A_SA with PROTO,
 *   FAMILY, SRC and DST required; MODE and REQID optional (kept, shown in
 *   dumps); SPI_MIN and SPI_MAX (u32, host order, inclusive; default
 *   0x100 and 0xffffffff); LARVAL_SECS (u32, how long the reservation
 *   lasts unless filled in; default 30, at least 1). No other attribute
 *   (EINVAL). Refused with EINVAL: SPI_MIN below 256 ("SPIs 1 to 255 are
 *   reserved"), SPI_MIN above SPI_MAX; with ENOSPC: every SPI of the
 *   range taken for (DST, PROTO). The SPI is drawn at random in the
 *   range. Reply: NFIPSEC_A_SA with the larval SA's identity (SPI, PROTO,
 *   FAMILY, SRC, DST, MODE, REQID, LARVAL).
 *   A larval SA has no keys and matches no packet: an ESP packet with its
 *   SPI is an unknown SPI (NFIPSEC_DROP_NO_SA), output never uses it. It
 *   shows in dumps with LARVAL 1, its timeout as LIFETIME_HARD ADD_SECS;
 *   GET, DEL and FLUSH act on it as on any SA. SA_UPDATE fills it in (see
 *   above). When the timeout passes first, an EXPIRE (hard) event and an
 *   SA_DEL event, both with LARVAL 1, say that the reservation lapsed.
 *
 * NFIPSEC_CMD_SA_DEL, NFIPSEC_CMD_SA_GET (do)
 *   Request: NFIPSEC_A_SA with SPI, PROTO, FAMILY and DST. GET replies with
 *   one NFIPSEC_A_SA nest as in a dump.
 *
 * NFIPSEC_CMD_SA_GET (dump)
 *   One message per SA, each with NFIPSEC_A_SA holding every attribute
 *   above plus CUR (usage: bytes and packets counted for the lifetimes,
 *   seconds since add, seconds since first use or 0 if unused; unlike
 *   STATS, CUR is not reset by STATS_RESET) and STATS (per-SA counters).
 *   Keys are left out
 *   unless NFIPSEC_A_REQ_FLAGS carries NFIPSEC_REQ_F_KEYS (CAP_NET_ADMIN).
 *   Large tables are split across as many messages as needed.
 *
 * NFIPSEC_CMD_SA_FLUSH (do)
 *   Deletes every SA; NFIPSEC_A_SA with PROTO only restricts it to one
 *   protocol.
 *
 * NFIPSEC_CMD_POLICY_ADD, NFIPSEC_CMD_POLICY_UPDATE (do)
 *   Request: NFIPSEC_A_POLICY, a nest of enum nfipsec_policy_attrs.
 *   Required: DIR, SEL (its FAMILY at least). Optional: PRIORITY (lower
 *   wins; default 0), ACTION (default protect), TMPLS (required for
 *   protect: a nest of up to NFIPSEC_MAX_TMPLS NFIPSEC_POLICY_A_TMPL nests,
 *   innermost transform first, as ip xfrm lists them). The reply to ADD
 *   carries the policy's INDEX. UPDATE replaces the action and templates
 *   of the policy with the same direction, priority and selector.
 *   Several templates make a bundle: outbound, each transform is applied
 *   to what the one before produced (ESP, then AH over it: AH outermost),
 *   a transport template without SRC and DST taking the packet's
 *   addresses or those of the tunnel template before it; inbound, the
 *   packet must have carried exactly those transforms, outermost last in
 *   the list, or it is dropped as NFIPSEC_DROP_BUNDLE. A transport
 *   template with SRC and DST is of the family of the selector, or of the
 *   tunnel template before it.
 *
 * NFIPSEC_CMD_POLICY_DEL, NFIPSEC_CMD_POLICY_GET (do and dump),
 * NFIPSEC_CMD_POLICY_FLUSH
 *   DEL and GET name a policy by INDEX, or by DIR, PRIORITY and SEL.
 *   FLUSH removes every policy (or those of DIR if given). A dump lists
 *   the policies oldest first, split across messages (100,000 are
 *   tested). It is not a snapshot: while policies are deleted it may
 *   miss some that stay; list again for an exact view.
 *
 * NFIPSEC_CMD_STATS_GET (do)
 *   Reply: NFIPSEC_A_STATS, a nest with one u64 per enum nfipsec_drop
 *   reason (the attribute type is the reason) and NFIPSEC_A_COUNTERS with
 *   the global packet counters (enum nfipsec_counter).
 * NFIPSEC_CMD_STATS_RESET (do)
 *   Sets the global counters, and those of every SA, back to zero.
 *
 * Events (multicast group "events")
 * ---------------------------------
 * NFIPSEC_CMD_EV_ACQUIRE     a packet matched a protect policy for which
 *                            no SA exists: NFIPSEC_A_POLICY (INDEX, DIR),
 *                            NFIPSEC_A_TMPL (the first template without
 *                            an SA), NFIPSEC_A_SEL (the packet's
 *                            selector: its addresses as host prefixes,
 *                            protocol, ports or ICMP type and code).
 *                            Once per policy and selector while the
 *                            acquire is pending: 30 s, or until any
 *                            complete SA is installed; then the next
 *                            such packet sends another.
 * NFIPSEC_CMD_EV_EXPIRE      a lifetime limit was reached: NFIPSEC_A_SA
 *                            (identity) and NFIPSEC_A_HARD (u8, 0 soft,
 *                            1 hard; a hard expire deletes the SA).
 * NFIPSEC_CMD_EV_SA_DEL      an SA was removed (by DEL, FLUSH, a hard
 *                            expire or a larval timeout; not when UPDATE
 *                            fills a larval SA in).
 * Event SA nests carry the identity (SPI, PROTO, FAMILY, SRC, DST, MODE,
 * REQID) and LARVAL 1 for a larval SA.
 * NFIPSEC_CMD_EV_SEQ_EXHAUSTED  an outbound SA used its last sequence number.
 * NFIPSEC_CMD_EV_MAPPING     an authenticated ESP-in-UDP packet came from
 *                            another address or port than the SA's peer
 *                            (a NAT changed its mapping): NFIPSEC_A_SA
 *                            (identity) and NFIPSEC_A_MAPPING (old and
 *                            new address and port). At most one a second
 *                            per SA. The SA is not changed: the negotiator
 *                            updates it (SA_UPDATE with ENCAP).
 *
 * NAT traversal (ESP in UDP, RFC 3948)
 * ------------------------------------
 * ENCAP on an ESP SA (IPv4 only for now; refused for AH) holds TYPE (UDP_ENCAP_ESPINUDP,
 * the only one), SPORT and DPORT, both required, as in ip xfrm: the UDP
 * source and destination ports of the packets this SA carries. An outbound
 * SA's packets get [IP][UDP SPORT->DPORT, checksum 0][ESP]; an inbound
 * SA's DPORT is the local port they arrive on, its SPORT (with SRC) the
 * peer's, as a NAT maps it. Every DPORT of an SA in the netns is an
 * ESP-in-UDP port on every local address: a UDP packet to it is taken
 * before the socket. A payload of one byte 0xff is a NAT keepalive,
 * dropped and counted (NFIPSEC_DROP_NATT_KEEPALIVE); one that starts with
 * four zero bytes (the non-ESP marker) is IKE and goes on to the socket
 * untouched; anything else is ESP, looked up by SPI and destination:
 * shorter than SPI and sequence number, or a wrong UDP checksum, is
 * NFIPSEC_DROP_MALFORMED, an unknown SPI NFIPSEC_DROP_NO_SA, an SA
 * without ENCAP or with another DPORT NFIPSEC_DROP_ENCAP_MISMATCH (as is
 * plain ESP for an SA with ENCAP). In a bundle ESP in UDP is the
 * outermost transform: an inner SA with ENCAP is ENCAP_MISMATCH on input,
 * and NFIPSEC_DROP_BUNDLE on output. SA_UPDATE of a complete SA may
 * change its ports, but not add or remove ENCAP.
 * ALLOCSPI's larval SA takes ENCAP when SA_UPDATE fills it in.
 * KEEPALIVE (optional, 1 to NFIPSEC_KEEPALIVE_MAX seconds; 0 or absent at
 * ADD: none; absent at UPDATE: unchanged) makes the SA send a NAT
 * keepalive, one UDP byte 0xff from SRC:SPORT to DST:DPORT, every so
 * many seconds while it exists (RFC 3948 section 2.3: the side behind
 * the NAT keeps its mapping alive), counted as NFIPSEC_CNT_KEEPALIVES.
 */
#ifndef _UAPI_LINUX_NFIPSEC_H
#define _UAPI_LINUX_NFIPSEC_H

#include <linux/types.h>

#define NFIPSEC_GENL_NAME		"nfipsec"
#define NFIPSEC_GENL_VERSION		1
#define NFIPSEC_GENL_MCGRP_EVENTS	"events"

#define NFIPSEC_ALG_NAME_MAX		64	/* including the NUL */
#define NFIPSEC_KEY_MAX			128	/* bytes */
#define NFIPSEC_REPLAY_MAX		4096	/* packets */
#define NFIPSEC_MAX_TMPLS		4

enum nfipsec_cmd {
	NFIPSEC_CMD_UNSPEC,
	NFIPSEC_CMD_GET_VERSION,
	NFIPSEC_CMD_SA_ADD,
	NFIPSEC_CMD_SA_UPDATE,
	NFIPSEC_CMD_SA_DEL,
	NFIPSEC_CMD_SA_GET,
	NFIPSEC_CMD_SA_FLUSH,
	NFIPSEC_CMD_SA_ALLOCSPI,
	NFIPSEC_CMD_POLICY_ADD,
	NFIPSEC_CMD_POLICY_UPDATE,
	NFIPSEC_CMD_POLICY_DEL,
	NFIPSEC_CMD_POLICY_GET,
	NFIPSEC_CMD_POLICY_FLUSH,
	NFIPSEC_CMD_STATS_GET,
	NFIPSEC_CMD_STATS_RESET,
	NFIPSEC_CMD_EV_ACQUIRE,
	NFIPSEC_CMD_EV_EXPIRE,
	NFIPSEC_CMD_EV_SA_DEL,
	NFIPSEC_CMD_EV_SEQ_EXHAUSTED,
	NFIPSEC_CMD_EV_MAPPING,
	__NFIPSEC_CMD_MAX
};

#define NFIPSEC_CMD_MAX (__NFIPSEC_CMD_MAX - 1)

/* Top-level attributes. */
enum nfipsec_attrs {
	NFIPSEC_A_UNSPEC,
	NFIPSEC_A_VERSION,	/* string */
	NFIPSEC_A_ALGS,		/* nest of NFIPSEC_A_ALG */
	NFIPSEC_A_ALG,		/* nest of enum nfipsec_alg_attrs */
	NFIPSEC_A_SA,		/* nest of enum nfipsec_sa_attrs */
	NFIPSEC_A_POLICY,	/* nest of enum nfipsec_policy_attrs */
	NFIPSEC_A_TMPL,		/* nest of enum nfipsec_tmpl_attrs */
	NFIPSEC_A_SEL,		/* nest of enum nfipsec_sel_attrs */
	NFIPSEC_A_STATS,	/* nest: u64 per enum nfipsec_drop */
	NFIPSEC_A_COUNTERS,	/* nest: u64 per enum nfipsec_counter */
	NFIPSEC_A_REQ_FLAGS,	/* u32, NFIPSEC_REQ_F_* */
	NFIPSEC_A_HARD,		/* u8, in EXPIRE events */
	NFIPSEC_A_PAD,
	NFIPSEC_A_MAPPING,	/* nest of enum nfipsec_mapping_attrs */
	__NFIPSEC_A_MAX
};

#define NFIPSEC_A_MAX (__NFIPSEC_A_MAX - 1)

#define NFIPSEC_REQ_F_KEYS	(1U << 0)	/* dumps include key material */

enum nfipsec_alg_type {
	NFIPSEC_ALG_AEAD = 1,	/* ESP combined mode */
	NFIPSEC_ALG_ENC,	/* ESP cipher */
	NFIPSEC_ALG_AUTH,	/* integrity (ESP or AH) */
};

enum nfipsec_alg_attrs {
	NFIPSEC_ALG_A_UNSPEC,
	NFIPSEC_ALG_A_NAME,		/* string, crypto API name */
	NFIPSEC_ALG_A_TYPE,		/* u8, enum nfipsec_alg_type */
	NFIPSEC_ALG_A_AVAILABLE,	/* u8, reply only */
	NFIPSEC_ALG_A_DRIVER,		/* string, reply only */
	NFIPSEC_ALG_A_KEY,		/* binary, the key (and salt/nonce) */
	NFIPSEC_ALG_A_ICV_BITS,		/* u32, AEAD ICV or AUTH truncation */
	__NFIPSEC_ALG_A_MAX
};

#define NFIPSEC_ALG_A_MAX (__NFIPSEC_ALG_A_MAX - 1)

enum nfipsec_mode {
	NFIPSEC_MODE_TRANSPORT = 0,
	NFIPSEC_MODE_TUNNEL = 1,
};

enum nfipsec_df {
	NFIPSEC_DF_COPY = 0,	/* tunnel: copy DF from the inner header */
	NFIPSEC_DF_SET,
	NFIPSEC_DF_CLEAR,
};

#define NFIPSEC_SA_F_ESN	(1U << 0)	/* extended sequence numbers */
#define NFIPSEC_SA_F_NOECN	(1U << 1)	/* tunnel: no ECN propagation */
#define NFIPSEC_SA_F_DECAP_DSCP	(1U << 2)	/* tunnel: copy DSCP on decap */
#define NFIPSEC_SA_F_NOAUTH	(1U << 3)	/* allow ESP without integrity */
/*
 * AH over IPv4: pad the header (ICV included) to a multiple of 32 bits,
 * the least RFC 4302 section 2.6 allows. Without it, as XFRM without its
 * "align4", to 64 bits (also a multiple of 32). Input accepts either.
 */
#define NFIPSEC_SA_F_ALIGN4	(1U << 4)

enum nfipsec_sa_attrs {
	NFIPSEC_SA_A_UNSPEC,
	NFIPSEC_SA_A_SPI,		/* be32, not 0 */
	NFIPSEC_SA_A_PROTO,		/* u8, IPPROTO_ESP or IPPROTO_AH */
	NFIPSEC_SA_A_MODE,		/* u8, enum nfipsec_mode */
	NFIPSEC_SA_A_FAMILY,		/* u16, AF_INET or AF_INET6 (outer) */
	NFIPSEC_SA_A_SRC,		/* binary, 4 or 16 bytes */
	NFIPSEC_SA_A_DST,		/* binary, 4 or 16 bytes */
	NFIPSEC_SA_A_REQID,		/* u32 */
	NFIPSEC_SA_A_REPLAY_WINDOW,	/* u32, packets */
	NFIPSEC_SA_A_FLAGS,		/* u32, NFIPSEC_SA_F_* */
	NFIPSEC_SA_A_AEAD,		/* nest of enum nfipsec_alg_attrs */
	NFIPSEC_SA_A_ENC,		/* nest of enum nfipsec_alg_attrs */
	NFIPSEC_SA_A_AUTH,		/* nest of enum nfipsec_alg_attrs */
	NFIPSEC_SA_A_SEQ_OUT,		/* u64, next outbound is this + 1 */
	NFIPSEC_SA_A_SEQ_IN,		/* u64, highest inbound seen */
	NFIPSEC_SA_A_SEL,		/* nest of enum nfipsec_sel_attrs */
	NFIPSEC_SA_A_LIFETIME_SOFT,	/* nest of enum nfipsec_lft_attrs */
	NFIPSEC_SA_A_LIFETIME_HARD,	/* nest of enum nfipsec_lft_attrs */
	NFIPSEC_SA_A_CUR,		/* nest of enum nfipsec_lft_attrs, reply */
	NFIPSEC_SA_A_STATS,		/* nest of enum nfipsec_sa_stats, reply */
	NFIPSEC_SA_A_ENCAP,		/* nest of enum nfipsec_encap_attrs */
	NFIPSEC_SA_A_DF,		/* u8, enum nfipsec_df */
	NFIPSEC_SA_A_IFINDEX,		/* u32 */
	NFIPSEC_SA_A_PAD,
	NFIPSEC_SA_A_LARVAL,		/* u8, reply: 1 reserved by ALLOCSPI */
	NFIPSEC_SA_A_SPI_MIN,		/* u32, host order, ALLOCSPI only */
	NFIPSEC_SA_A_SPI_MAX,		/* u32, host order, ALLOCSPI only */
	NFIPSEC_SA_A_LARVAL_SECS,	/* u32, seconds, ALLOCSPI only */
	__NFIPSEC_SA_A_MAX
};

#define NFIPSEC_SA_A_MAX (__NFIPSEC_SA_A_MAX - 1)

/*
 * A traffic selector. FAMILY is required; a missing prefix length means 0
 * (any address); PROTO 0 means any protocol. Port ranges apply to TCP, UDP
 * and SCTP (host byte order, inclusive; missing: 0-65535); TYPE and CODE to
 * ICMP and ICMPv6 (missing: any).
 */
enum nfipsec_sel_attrs {
	NFIPSEC_SEL_A_UNSPEC,
	NFIPSEC_SEL_A_FAMILY,		/* u16 */
	NFIPSEC_SEL_A_SRC,		/* binary, 4 or 16 bytes */
	NFIPSEC_SEL_A_DST,		/* binary, 4 or 16 bytes */
	NFIPSEC_SEL_A_SRC_PLEN,		/* u8 */
	NFIPSEC_SEL_A_DST_PLEN,		/* u8 */
	NFIPSEC_SEL_A_PROTO,		/* u8 */
	NFIPSEC_SEL_A_SPORT_MIN,	/* u16 */
	NFIPSEC_SEL_A_SPORT_MAX,	/* u16 */
	NFIPSEC_SEL_A_DPORT_MIN,	/* u16 */
	NFIPSEC_SEL_A_DPORT_MAX,	/* u16 */
	NFIPSEC_SEL_A_TYPE,		/* u8 */
	NFIPSEC_SEL_A_CODE,		/* u8 */
	__NFIPSEC_SEL_A_MAX
};

#define NFIPSEC_SEL_A_MAX (__NFIPSEC_SEL_A_MAX - 1)

/* Lifetime limits and current usage; 0 in a limit means none. */
enum nfipsec_lft_attrs {
	NFIPSEC_LFT_A_UNSPEC,
	NFIPSEC_LFT_A_BYTES,		/* u64 */
	NFIPSEC_LFT_A_PACKETS,		/* u64 */
	NFIPSEC_LFT_A_ADD_SECS,		/* u64, seconds since add */
	NFIPSEC_LFT_A_USE_SECS,		/* u64, seconds since first use */
	NFIPSEC_LFT_A_PAD,
	__NFIPSEC_LFT_A_MAX
};

#define NFIPSEC_LFT_A_MAX (__NFIPSEC_LFT_A_MAX - 1)

enum nfipsec_encap_attrs {
	NFIPSEC_ENCAP_A_UNSPEC,
	NFIPSEC_ENCAP_A_TYPE,		/* u16, UDP_ENCAP_ESPINUDP (2) */
	NFIPSEC_ENCAP_A_SPORT,		/* be16 */
	NFIPSEC_ENCAP_A_DPORT,		/* be16 */
	NFIPSEC_ENCAP_A_KEEPALIVE,	/* u32, seconds; 0: none */
	__NFIPSEC_ENCAP_A_MAX
};

#define NFIPSEC_ENCAP_A_MAX (__NFIPSEC_ENCAP_A_MAX - 1)

/* In NFIPSEC_CMD_EV_MAPPING: the peer's address and port, as the SA has
 * them (OLD) and as the authenticated packet came (NEW).
 */
enum nfipsec_mapping_attrs {
	NFIPSEC_MAPPING_A_UNSPEC,
	NFIPSEC_MAPPING_A_OLD_ADDR,	/* binary, 4 or 16 bytes */
	NFIPSEC_MAPPING_A_OLD_PORT,	/* be16 */
	NFIPSEC_MAPPING_A_NEW_ADDR,	/* binary, 4 or 16 bytes */
	NFIPSEC_MAPPING_A_NEW_PORT,	/* be16 */
	__NFIPSEC_MAPPING_A_MAX
};

#define NFIPSEC_MAPPING_A_MAX (__NFIPSEC_MAPPING_A_MAX - 1)

enum nfipsec_sa_stats {
	NFIPSEC_SA_STAT_UNSPEC,
	NFIPSEC_SA_STAT_PACKETS_IN,	/* u64 */
	NFIPSEC_SA_STAT_BYTES_IN,	/* u64, inner bytes */
	NFIPSEC_SA_STAT_PACKETS_OUT,	/* u64 */
	NFIPSEC_SA_STAT_BYTES_OUT,	/* u64 */
	NFIPSEC_SA_STAT_REPLAY,		/* u64, replayed or too old */
	NFIPSEC_SA_STAT_ICV_FAIL,	/* u64 */
	NFIPSEC_SA_STAT_ERRORS,		/* u64, any other drop */
	NFIPSEC_SA_STAT_PAD,
	__NFIPSEC_SA_STAT_MAX
};

#define NFIPSEC_SA_STAT_MAX (__NFIPSEC_SA_STAT_MAX - 1)

enum nfipsec_dir {
	NFIPSEC_DIR_IN = 0,
	NFIPSEC_DIR_OUT = 1,
	NFIPSEC_DIR_FWD = 2,
};

enum nfipsec_action {
	NFIPSEC_ACT_PROTECT = 0,
	NFIPSEC_ACT_BYPASS = 1,
	NFIPSEC_ACT_DISCARD = 2,
};

enum nfipsec_policy_attrs {
	NFIPSEC_POLICY_A_UNSPEC,
	NFIPSEC_POLICY_A_INDEX,		/* u32, assigned by the kernel */
	NFIPSEC_POLICY_A_DIR,		/* u8, enum nfipsec_dir */
	NFIPSEC_POLICY_A_PRIORITY,	/* u32, lower wins */
	NFIPSEC_POLICY_A_ACTION,	/* u8, enum nfipsec_action */
	NFIPSEC_POLICY_A_SEL,		/* nest of enum nfipsec_sel_attrs */
	NFIPSEC_POLICY_A_TMPLS,		/* nest of NFIPSEC_POLICY_A_TMPL */
	NFIPSEC_POLICY_A_TMPL,		/* nest of enum nfipsec_tmpl_attrs */
	NFIPSEC_POLICY_A_STATS,		/* nest: u64 packets, u64 bytes */
	NFIPSEC_POLICY_A_PAD,
	__NFIPSEC_POLICY_A_MAX
};

#define NFIPSEC_POLICY_A_MAX (__NFIPSEC_POLICY_A_MAX - 1)

/*
 * A template says which SA protects the traffic: PROTO and MODE required;
 * tunnel mode needs FAMILY, SRC and DST (the outer endpoints); transport
 * mode takes the packet's own addresses. REQID 0 matches any SA; SPI 0
 * any SPI.
 */
enum nfipsec_tmpl_attrs {
	NFIPSEC_TMPL_A_UNSPEC,
	NFIPSEC_TMPL_A_PROTO,		/* u8 */
	NFIPSEC_TMPL_A_MODE,		/* u8, enum nfipsec_mode */
	NFIPSEC_TMPL_A_FAMILY,		/* u16 */
	NFIPSEC_TMPL_A_SRC,		/* binary, 4 or 16 bytes */
	NFIPSEC_TMPL_A_DST,		/* binary, 4 or 16 bytes */
	NFIPSEC_TMPL_A_REQID,		/* u32 */
	NFIPSEC_TMPL_A_SPI,		/* be32 */
	__NFIPSEC_TMPL_A_MAX
};

#define NFIPSEC_TMPL_A_MAX (__NFIPSEC_TMPL_A_MAX - 1)

/* Why a packet was dropped: the attribute types of NFIPSEC_A_STATS. */
enum nfipsec_drop {
	NFIPSEC_DROP_UNSPEC,
	NFIPSEC_DROP_NO_SA,		/* inbound: unknown SPI */
	NFIPSEC_DROP_NO_OUT_SA,		/* outbound: protect, no usable SA */
	NFIPSEC_DROP_POLICY_DISCARD,	/* a discard policy matched */
	NFIPSEC_DROP_CLEARTEXT,		/* cleartext matched an in protect */
	NFIPSEC_DROP_ICV,		/* integrity check failed */
	NFIPSEC_DROP_REPLAY,		/* replayed or outside the window */
	NFIPSEC_DROP_BAD_PADDING,	/* ESP padding or pad length wrong */
	NFIPSEC_DROP_BAD_NEXTHDR,	/* inner protocol not as the mode says */
	NFIPSEC_DROP_MALFORMED,		/* truncated or inconsistent header */
	NFIPSEC_DROP_SELECTOR,		/* inner packet outside SA selector */
	NFIPSEC_DROP_POLICY_MISMATCH,	/* decapsulated, but no policy fits */
	NFIPSEC_DROP_SEQ_OVERFLOW,	/* outbound SA exhausted its numbers */
	NFIPSEC_DROP_EXPIRED,		/* SA past its hard lifetime */
	NFIPSEC_DROP_NOMEM,		/* allocation failed */
	NFIPSEC_DROP_CRYPTO,		/* crypto API error other than ICV */
	NFIPSEC_DROP_MTU,		/* too big with DF set: ICMP sent */
	NFIPSEC_DROP_ROUTE,		/* no route to the tunnel peer */
	NFIPSEC_DROP_BUNDLE,		/* transforms missing or out of order */
	NFIPSEC_DROP_NATT_KEEPALIVE,	/* NAT keepalive (RFC 3948 2.3), not an error */
	NFIPSEC_DROP_ENCAP_MISMATCH,	/* ESP in UDP or not, port, as SA says not */
	NFIPSEC_DROP_UNPROTECTED,	/* routed into an nfipsec device, no protect */
	NFIPSEC_DROP_NO_LINK,		/* its link (or nfipsec0) gone or down */
	NFIPSEC_DROP_CONNTRACK,		/* conntrack refused to confirm the flow */
	__NFIPSEC_DROP_MAX
};

#define NFIPSEC_DROP_MAX (__NFIPSEC_DROP_MAX - 1)

/* Global packet counters: the attribute types of NFIPSEC_A_COUNTERS. */
enum nfipsec_counter {
	NFIPSEC_CNT_UNSPEC,
	NFIPSEC_CNT_IN_PACKETS,		/* decapsulated and accepted */
	NFIPSEC_CNT_OUT_PACKETS,	/* encapsulated and sent */
	NFIPSEC_CNT_BYPASS,		/* passed by a bypass policy */
	NFIPSEC_CNT_PMTU_UPDATES,	/* ICMP quoting our ESP lowered a path MTU */
	NFIPSEC_CNT_PAD,
	NFIPSEC_CNT_KEEPALIVES,		/* NAT keepalives sent */
	__NFIPSEC_CNT_MAX
};

#define NFIPSEC_CNT_MAX (__NFIPSEC_CNT_MAX - 1)

#define NFIPSEC_KEEPALIVE_MAX		3600	/* seconds */

#endif /* _UAPI_LINUX_NFIPSEC_H */
