#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Outer path MTU in tunnel mode: a router between nfipsec and its XFRM
# peer has a narrower link than nfipsec's first hop. nfipsec must learn
# the path MTU from the router's ICMP "fragmentation needed" / ICMPv6
# "packet too big" quoting its ESP (kmod/pmtu.c) and pass the inner MTU on
# to the sender, or fragment the outer packet where the inner sender
# cannot be asked (DF clear; IPv6 inner MTU below 1280); forged ICMP must
# change nothing. Every case moves 1 MiB over TCP each way and compares it.
#
#   +------ nf ------+        +------- r -------+        +------ xf ------+
#   | nfipsec        |  1500  | router          |  1400  | XFRM           |
#   | lo 10.1.0.1    +--------+ 10.0.1.2        +--------+ lo 10.2.0.1    |
#   |    fd01::1     | nv  rn | fd00:1::2       | rx  xv |    fd02::1     |
#   | nv 10.0.1.1    |        | 10.0.2.1        |        | xv 10.0.2.2    |
#   |    fd00:1::1   |        | fd00:2::1       |        |    fd00:2::2   |
#   +----------------+        +-----------------+        +----------------+
#
# xf's routes carry advmss for a 1500-byte link, so that its TCP offers a
# full-size MSS and only ICMP from r can tell nf that the path is narrower.
. "$(dirname "$0")/../lib.sh"

MIB=1048576

hexkey() { head -c "$1" /dev/urandom | od -An -tx1 | tr -d ' \n'; }

# nfstat NS NAME: a drop reason or counter of nfipsecctl stats.
nfstat() {
	nfctl "$1" stats 2>/dev/null | awk -v n="$2" '$1 == n { print $2; exit }'
}

# route_mtu NS ADDR: the MTU the route to ADDR has learned, or nothing.
route_mtu() {
	ip -n "$1" route get "$2" 2>/dev/null |
		awk '{ for (i = 1; i < NF; i++) if ($i == "mtu") { print $(i + 1); exit } }'
}

# snmp NS FILE NAME: a counter of /proc/net/snmp (Ip: table) or snmp6.
snmp() {
	if [ "$2" = snmp6 ]; then
		nsx "$1" awk -v n="$3" '$1 == n { print $2 }' /proc/net/snmp6
	else
		nsx "$1" awk -v n="$3" '$1 == "Ip:" && !h { for (i = 2; i <= NF; i++) if ($i == n) c = i; h = 1; next }
			$1 == "Ip:" && h { print $c; exit }' /proc/net/snmp
	fi
}

flush_caches() {
	ip -n nf route flush cache
	ip -n nf -6 route flush cache >/dev/null 2>&1
}

# xfer NAME INNER-NF INNER-XF: 1 MiB each way; one ok/FAIL line each.
xfer() {
	if tcp_transfer nf xf "$3" $MIB; then
		ok "$1-nf-to-xf"
	else
		fail "$1-nf-to-xf" "1 MiB TCP to $3 incomplete or corrupt"
	fi
	if tcp_transfer xf nf "$2" $MIB; then
		ok "$1-xf-to-nf"
	else
		fail "$1-xf-to-nf" "1 MiB TCP to $2 incomplete or corrupt"
	fi
}

# expect NAME DESCRIPTION TEST...: ok if the test (as for [ ]) holds.
expect() {
	local name=$1 what=$2
	shift 2
	if [ "$@" ] 2>/dev/null; then
		ok "$name"
	else
		fail "$name" "$what"
	fi
}

# ---- set-up ---------------------------------------------------------------

load_module || { fail load "insmod $NFIPSEC_KO"; finish; }
mkns nf r xf || { fail setup "mkns"; finish; }
link nf nv r rn
link r rx xf xv
ip -n r link set rx mtu 1400
ip -n xf link set xv mtu 1400
addr nf nv 10.0.1.1/24 fd00:1::1/64
addr r rn 10.0.1.2/24 fd00:1::2/64
addr r rx 10.0.2.1/24 fd00:2::1/64
addr xf xv 10.0.2.2/24 fd00:2::2/64
addr nf lo 10.1.0.1/32 fd01::1/128
addr xf lo 10.2.0.1/32 fd02::1/128
forwarding r
ip -n nf route add 10.0.2.0/24 via 10.0.1.2
ip -n nf route add 10.2.0.1/32 via 10.0.1.2 src 10.1.0.1
ip -n nf -6 route add fd00:2::/64 via fd00:1::2
ip -n nf -6 route add fd02::1/128 via fd00:1::2 src fd01::1
ip -n xf route add 10.0.1.0/24 via 10.0.2.1 advmss 1460
ip -n xf route add 10.1.0.1/32 via 10.0.2.1 src 10.2.0.1 advmss 1460
ip -n xf -6 route add fd00:1::/64 via fd00:2::1 advmss 1440
ip -n xf -6 route add fd01::1/128 via fd00:2::1 src fd02::1 advmss 1440
for n in nf r xf; do
	nsx $n sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
nsx nf sysctl -qw net.ipv4.conf.nfipsec0.rp_filter=0
# neighbours resolved once, before any policy
nsx nf ping -c1 -W2 10.0.2.2 >/dev/null &&
	nsx nf ping -6 -c1 -W2 fd00:2::2 >/dev/null ||
	{ fail setup "no outer connectivity nf-r-xf"; finish; }

GCM4=(aead 'rfc4106(gcm(aes))' "0x$(hexkey 20)" 128)
GCM6=(aead 'rfc4106(gcm(aes))' "0x$(hexkey 20)" 128)

# Both tunnels at once, IPv4 (SPIs 0x1001 out, 0x1002 in, seen from nf) and
# IPv6 (0x2001, 0x2002); inner traffic takes the one of its family.
setup_tunnels() {
	nfctl nf sa add src 10.0.1.1 dst 10.0.2.2 proto esp spi 0x1001 \
		mode tunnel "${GCM4[@]}" &&
	nfctl nf sa add src 10.0.2.2 dst 10.0.1.1 proto esp spi 0x1002 \
		mode tunnel "${GCM4[@]}" &&
	nfctl nf sa add src fd00:1::1 dst fd00:2::2 proto esp spi 0x2001 \
		mode tunnel "${GCM6[@]}" &&
	nfctl nf sa add src fd00:2::2 dst fd00:1::1 proto esp spi 0x2002 \
		mode tunnel "${GCM6[@]}" &&
	nfctl nf policy add dir out src 10.1.0.1/32 dst 10.2.0.1/32 \
		tmpl src 10.0.1.1 dst 10.0.2.2 proto esp mode tunnel &&
	nfctl nf policy add dir in src 10.2.0.1/32 dst 10.1.0.1/32 \
		tmpl src 10.0.2.2 dst 10.0.1.1 proto esp mode tunnel &&
	nfctl nf policy add dir out src fd01::1/128 dst fd02::1/128 \
		tmpl src fd00:1::1 dst fd00:2::2 proto esp mode tunnel &&
	nfctl nf policy add dir in src fd02::1/128 dst fd01::1/128 \
		tmpl src fd00:2::2 dst fd00:1::1 proto esp mode tunnel &&
	ip -n xf xfrm state add src 10.0.1.1 dst 10.0.2.2 proto esp \
		spi 0x1001 mode tunnel "${GCM4[@]}" &&
	ip -n xf xfrm state add src 10.0.2.2 dst 10.0.1.1 proto esp \
		spi 0x1002 mode tunnel "${GCM4[@]}" &&
	ip -n xf xfrm state add src fd00:1::1 dst fd00:2::2 proto esp \
		spi 0x2001 mode tunnel "${GCM6[@]}" &&
	ip -n xf xfrm state add src fd00:2::2 dst fd00:1::1 proto esp \
		spi 0x2002 mode tunnel "${GCM6[@]}" &&
	ip -n xf xfrm policy add dir out src 10.2.0.1/32 dst 10.1.0.1/32 \
		tmpl src 10.0.2.2 dst 10.0.1.1 proto esp mode tunnel &&
	ip -n xf xfrm policy add dir in src 10.1.0.1/32 dst 10.2.0.1/32 \
		tmpl src 10.0.1.1 dst 10.0.2.2 proto esp mode tunnel &&
	ip -n xf xfrm policy add dir out src fd02::1/128 dst fd01::1/128 \
		tmpl src fd00:2::2 dst fd00:1::1 proto esp mode tunnel &&
	ip -n xf xfrm policy add dir in src fd01::1/128 dst fd02::1/128 \
		tmpl src fd00:1::1 dst fd00:2::2 proto esp mode tunnel
}
out=$(setup_tunnels 2>&1 >/dev/null) ||
	{ fail setup "SAs and policies: $out"; finish; }

# ---- 1. IPv4 outer, inner DF: the path MTU is learned from r's ICMP -------

say "1: IPv4 in IPv4, inner DF set, r-xf link 1400"
flush_caches
pm0=$(nfstat nf pmtu-updates)
md0=$(nfstat nf mtu)
xfer v4-df 10.1.0.1 10.2.0.1
m=$(route_mtu nf 10.0.2.2)
expect v4-df-route-mtu "route to the peer: mtu '$m', expected 1400" \
	"$m" = 1400
pm1=$(nfstat nf pmtu-updates)
md1=$(nfstat nf mtu)
expect v4-df-pmtu-counted "pmtu-updates $pm0 -> $pm1" \
	"${pm1:-0}" -gt "${pm0:-0}"
expect v4-df-sender-told "mtu drops (ICMP to the sender) $md0 -> $md1" \
	"${md1:-0}" -gt "${md0:-0}"

# ---- 2. IPv4 outer, DF clear on the SA: r fragments, xf reassembles -------

say "2: IPv4 in IPv4, SA df clear: the outer packet is fragmented by r"
flush_caches
nfctl nf sa add src 10.0.1.1 dst 10.0.2.2 proto esp spi 0x1003 \
	mode tunnel "${GCM4[@]}" df clear &&
	ip -n xf xfrm state add src 10.0.1.1 dst 10.0.2.2 proto esp \
		spi 0x1003 mode tunnel "${GCM4[@]}" &&
	nfctl nf sa del src 10.0.1.1 dst 10.0.2.2 proto esp spi 0x1001 ||
	fail v4-dfclear-setup "SA 0x1003 with df clear"
pm0=$(nfstat nf pmtu-updates)
fc0=$(snmp r snmp FragCreates)
xfer v4-dfclear 10.1.0.1 10.2.0.1
fc1=$(snmp r snmp FragCreates)
pm1=$(nfstat nf pmtu-updates)
m=$(route_mtu nf 10.0.2.2)
expect v4-dfclear-fragmented-by-r "r FragCreates $fc0 -> $fc1" \
	"${fc1:-0}" -gt "${fc0:-0}"
expect v4-dfclear-no-icmp "route mtu '$m', pmtu-updates $pm0 -> $pm1" \
	-z "$m" -a "${pm1:-0}" = "${pm0:-0}"
# back to DF copied from the inner packet, for case 5
nfctl nf sa add src 10.0.1.1 dst 10.0.2.2 proto esp spi 0x1004 \
	mode tunnel "${GCM4[@]}" &&
	ip -n xf xfrm state add src 10.0.1.1 dst 10.0.2.2 proto esp \
		spi 0x1004 mode tunnel "${GCM4[@]}" &&
	nfctl nf sa del src 10.0.1.1 dst 10.0.2.2 proto esp spi 0x1003 ||
	fail v4-df-setup "SA 0x1004"

# ---- 3. IPv6 outer: packet too big from r ---------------------------------

say "3: IPv6 in IPv6, r-xf link 1400"
flush_caches
pm0=$(nfstat nf pmtu-updates)
xfer v6 fd01::1 fd02::1
m=$(route_mtu nf fd00:2::2)
pm1=$(nfstat nf pmtu-updates)
expect v6-route-mtu "route to the peer: mtu '$m', expected 1400" \
	"$m" = 1400
expect v6-pmtu-counted "pmtu-updates $pm0 -> $pm1" \
	"${pm1:-0}" -gt "${pm0:-0}"

# ---- 4. IPv6 outer, inner MTU below 1280: nf fragments the outer packet ---

say "4: IPv6 in IPv6, r-xf link 1300: outer fragmented by nf"
ip -n r link set rx mtu 1300
ip -n xf link set xv mtu 1300
flush_caches
fc0=$(snmp nf snmp6 Ip6FragCreates)
ra0=$(snmp xf snmp6 Ip6ReasmOKs)
xfer v6-frag fd01::1 fd02::1
fc1=$(snmp nf snmp6 Ip6FragCreates)
ra1=$(snmp xf snmp6 Ip6ReasmOKs)
m=$(route_mtu nf fd00:2::2)
expect v6-frag-route-mtu "route to the peer: mtu '$m', expected 1300" \
	"$m" = 1300
expect v6-frag-fragmented "nf Ip6FragCreates $fc0 -> $fc1, xf Ip6ReasmOKs $ra0 -> $ra1" \
	"${fc1:-0}" -gt "${fc0:-0}" -a "${ra1:-0}" -gt "${ra0:-0}"
ip -n r link set rx mtu 1400
ip -n xf link set xv mtu 1400

# ---- 5. forged ICMP: ignored unless it is right ---------------------------

say "5: forged ICMP from r (scapy)"
flush_caches
pm0=$(nfstat nf pmtu-updates)
nfmac=$(nsx nf cat /sys/class/net/nv/address)
rmac=$(nsx r cat /sys/class/net/rn/address)
# In order: bad ones, then one good ICMP per family with an MTU above every
# bad one. Had a bad one been taken, the route would keep its lower MTU
# (or 552, locked, for MTU 68) and the good one would be ignored.
nsx r python3 - "$nfmac" "$rmac" 0x1004 0x2001 <<'EOF' 2>&1 | sed 's/^/# /'
import struct, sys
from scapy.all import Ether, IP, ICMP, IPv6, ICMPv6PacketTooBig, Raw, sendp, conf
conf.verb = 0
dmac, smac = sys.argv[1], sys.argv[2]
spi4, spi6 = int(sys.argv[3], 0), int(sys.argv[4], 0)

def esp(spi):
    return Raw(struct.pack('!II', spi, 7) + bytes(8))

def q4(spi, src='10.0.1.1', dst='10.0.2.2'):
    return IP(src=src, dst=dst, proto=50, flags='DF', len=1500) / esp(spi)

def q6(spi, src='fd00:1::1', dst='fd00:2::2'):
    return IPv6(src=src, dst=dst, nh=50, plen=1460) / esp(spi)

def e4(mtu, quote, bad=False):
    p = IP(bytes(IP(src='10.0.1.2', dst='10.0.1.1') /
                 ICMP(type=3, code=4, nexthopmtu=mtu) / quote))
    if bad:
        p[ICMP].chksum ^= 0x5a5a
    return Ether(dst=dmac, src=smac) / p

def e6(mtu, quote, bad=False):
    p = IPv6(bytes(IPv6(src='fd00:1::2', dst='fd00:1::1') /
                   ICMPv6PacketTooBig(mtu=mtu) / quote))
    if bad:
        p[ICMPv6PacketTooBig].cksum ^= 0x5a5a
    return Ether(dst=dmac, src=smac) / p

pkts = [
    e4(68, q4(spi4)),                       # below 576
    e4(0, q4(spi4)),                        # no MTU at all
    e4(600, q4(0xdead0001)),                # unknown SPI
    e4(620, q4(spi4), bad=True),            # wrong ICMP checksum
    e4(640, Raw(bytes(q4(spi4))[:12])),     # quoted IP header cut short
    e4(650, Raw(bytes(q4(spi4))[:24])),     # quoted ESP header cut short
    e4(660, q4(spi4, src='10.0.1.2')),      # quoted source not ours
    e4(670, q4(0x1002, '10.0.2.2', '10.0.1.1')),  # our inbound SA
    e6(1000, q6(spi6)),                     # below 1280
    e6(1290, q6(0xdead0002)),               # unknown SPI
    e6(1295, q6(spi6), bad=True),           # wrong ICMPv6 checksum
    e6(1297, Raw(bytes(q6(spi6))[:20])),    # quoted IPv6 header cut short
    e6(1299, Raw(bytes(q6(spi6))[:40])),    # no SPI
    e6(1301, q6(0x2002, 'fd00:2::2', 'fd00:1::1')),  # our inbound SA
    e4(1000, q4(spi4)),                     # good
    e6(1360, q6(spi6)),                     # good
]
sendp(pkts, iface='rn')
EOF
m4=$(route_mtu nf 10.0.2.2)
m6=$(route_mtu nf fd00:2::2)
pm1=$(nfstat nf pmtu-updates)
expect forged-v4-ignored "route mtu '$m4', expected 1000 (the good ICMP only)" \
	"$m4" = 1000
expect forged-v6-ignored "route mtu '$m6', expected 1360 (the good ICMP only)" \
	"$m6" = 1360
expect forged-counted-good-only "pmtu-updates $pm0 -> $pm1, expected +2" \
	"${pm1:-0}" = "$((${pm0:-0} + 2))"
# traffic goes on, the IPv4 one within the forged (but valid) MTU 1000
xfer forged-v4-traffic 10.1.0.1 10.2.0.1
xfer forged-v6-traffic fd01::1 fd02::1
finish
