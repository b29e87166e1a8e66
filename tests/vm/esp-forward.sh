#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Gateway to gateway: hosts behind two gateways talk through an ESP tunnel
# between the gateways, IPv4 and IPv6 subnets. First nfipsec on g1 and
# Linux XFRM on g2, then nfipsec on both. Each case: a ping each way and
# 1 MiB of TCP each way from host to host, and the SA counters on the
# nfipsec side grow (so the traffic went through ESP, not around it).
#
#   h1 ---- g1 ================ g2 ---- h2
#   10.1.0.2   10.0.0.1    10.0.0.2    10.2.0.2
#   fd01::2    fd00::1     fd00::2     fd02::2
#
# g1 and g2 forward; h1 and h2 only have a default route. g1 merges the
# TCP segments it decrypts and forwards (GRO), unless told not to. With
# the SAs gone, a capture on the gateways' link shows no cleartext of the
# flow.
. "$(dirname "$0")/esp-lib.inc"

load_module || { fail load "insmod $NFIPSEC_KO"; finish; }
mkns h1 g1 g2 h2 || { fail setup mkns; finish; }
link h1 e0 g1 e1
link g1 w1 g2 w2
link g2 e2 h2 e0
addr h1 e0 10.1.0.2/24 fd01::2/64
addr g1 e1 10.1.0.1/24 fd01::1/64
addr g1 w1 10.0.0.1/24 fd00::1/64
addr g2 w2 10.0.0.2/24 fd00::2/64
addr g2 e2 10.2.0.1/24 fd02::1/64
addr h2 e0 10.2.0.2/24 fd02::2/64
ip -n h1 route add default via 10.1.0.1
ip -n h1 -6 route add default via fd01::1
ip -n h2 route add default via 10.2.0.1
ip -n h2 -6 route add default via fd02::1
ip -n g1 route add 10.2.0.0/24 via 10.0.0.2
ip -n g1 -6 route add fd02::/64 via fd00::2
ip -n g2 route add 10.1.0.0/24 via 10.0.0.1
ip -n g2 -6 route add fd01::/64 via fd00::1
for n in g1 g2; do
	forwarding $n
	nsx $n sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
nsx g1 ping -c1 -W2 10.0.0.2 >/dev/null
nsx g1 ping -6 -c1 -W2 fd00::2 >/dev/null

K1=0x$(hexkey 20)
K2=0x$(hexkey 20)

# gw_batch LOCAL PEER LNET RNET SPI_OUT SPI_IN KEY_OUT KEY_IN: one gateway's SAs
# and policies (out, fwd and in, as XFRM wants), in ip xfrm syntax without
# the leading "xfrm" (nfipsecctl's batch words are "sa"/"policy").
gw_batch() {
	local l=$1 r=$2 ln=$3 rn=$4 so=$5 si=$6 ko=$7 ki=$8
	local aead="aead rfc4106(gcm(aes))" d
	local t_out="tmpl src $l dst $r proto esp mode tunnel"
	local t_in="tmpl src $r dst $l proto esp mode tunnel"
	echo "state add src $l dst $r proto esp spi $so mode tunnel $aead $ko 128"
	echo "state add src $r dst $l proto esp spi $si mode tunnel $aead $ki 128"
	echo "policy add dir out src $ln dst $rn $t_out"
	for d in fwd in; do
		echo "policy add dir $d src $rn dst $ln $t_in"
	done
}

# configure G ENGINE: ENGINE "xfrm" or "nf"; both families.
configure() {
	local g=$1 eng=$2 f=$T_DIR/$1.batch
	if [ "$g" = g1 ]; then
		{ gw_batch 10.0.0.1 10.0.0.2 10.1.0.0/24 10.2.0.0/24 \
			0x4001 0x4002 "$K1" "$K2"
		  gw_batch fd00::1 fd00::2 fd01::/64 fd02::/64 \
			0x6001 0x6002 "$K1" "$K2"
		} >"$f"
	else
		{ gw_batch 10.0.0.2 10.0.0.1 10.2.0.0/24 10.1.0.0/24 \
			0x4002 0x4001 "$K2" "$K1"
		  gw_batch fd00::2 fd00::1 fd02::/64 fd01::/64 \
			0x6002 0x6001 "$K2" "$K1"
		} >"$f"
	fi
	if [ "$eng" = xfrm ]; then
		sed -i 's/^/xfrm /' "$f"
		ip -n "$g" -batch "$f"
	else
		sed -i 's/^state /sa /' "$f"
		nfctl "$g" -b "$f" >/dev/null
	fi
}

# pair ENGINE1 ENGINE2: g1 runs ENGINE1, g2 ENGINE2.
pair() { configure g1 "$1" && configure g2 "$2"; }

unconfigure() {
	printf '%s\n' "xfrm policy flush" "xfrm state flush" >"$T_DIR/flush"
	ip -n "$1" -batch "$T_DIR/flush"
	printf '%s\n' "policy flush" "sa flush" >"$T_DIR/flush"
	nfctl "$1" -b "$T_DIR/flush" >/dev/null
}

# hosts CASE ADDR1 ADDR2 SPI_OUT: traffic both ways between h1 (ADDR1) and
# h2 (ADDR2); g1's outbound SA SPI_OUT must count the packets.
hosts() {
	local name=$1 a1=$2 a2=$3 spi=$4 before after why=
	before=$(sa_stat g1 "$spi" packets_out)
	ping_any h1 "$a2" -c1 -W3 >/dev/null || why="ping h1->h2"
	[ -z "$why" ] && { ping_any h2 "$a1" -c1 -W3 >/dev/null ||
			   why="ping h2->h1"; }
	[ -z "$why" ] && { tcp_transfer h1 h2 "$a2" 1048576 ||
			   why="tcp h1->h2"; }
	[ -z "$why" ] && { tcp_transfer h2 h1 "$a1" 1048576 ||
			   why="tcp h2->h1"; }
	after=$(sa_stat g1 "$spi" packets_out)
	# 1 MiB is more than 700 full-size segments; ACKs come on top
	if [ -z "$why" ] && ! [ "${after:-0}" -ge $((${before:-0} + 700)) ]
	then
		why="g1's SA $spi counted ${before:-?} -> ${after:-?} packets"
	fi
	if [ -z "$why" ]; then ok "$name"; else fail "$name" "$why"; fi
}

check "g1 nfipsec, g2 XFRM: configure" pair nf xfrm
hosts "nf-xfrm: IPv4 subnets" 10.1.0.2 10.2.0.2 0x4001
hosts "nf-xfrm: IPv6 subnets" fd01::2 fd02::2 0x6001

# GRO (kmod/dev.c): XFRM on g2 sends one ESP packet per segment; g1
# merges the decrypted segments it forwards, so tcpdump on g1's nfipsec0
# (which sees what the stack gets) has packets longer than its MTU of
# 1500. With ethtool -K nfipsec0 gro off, none; the data arrives whole
# either way.
gro_case() {
	local name=$1 a1=$2 want=$3 n_all n_big
	cap_start g1 nfipsec0 || { fail "$name" "tcpdump"; return; }
	tcp_transfer h2 h1 "$a1" 1048576 || { cap_stop; fail "$name" "tcp h2->h1"; return; }
	cap_stop
	n_all=$(cap_count tcp)
	n_big=$(cap_count 'greater 1501')
	if [ "$want" = merged ] && [ "$n_big" -ge 1 ]; then
		ok "$name"
	elif [ "$want" = single ] && [ "$n_big" = 0 ] && [ "$n_all" -ge 500 ]; then
		ok "$name"
	else
		fail "$name" "$n_big of $n_all TCP packets on nfipsec0 above 1500 bytes"
	fi
}
gro_case "nf-xfrm: forwarded IPv4 TCP is merged (GRO)" 10.1.0.2 merged
gro_case "nf-xfrm: forwarded IPv6 TCP is merged (GRO)" fd01::2 merged
check "nf-xfrm: gro off" nsx g1 ethtool -K nfipsec0 gro off
gro_case "nf-xfrm: with GRO off, nothing is merged" 10.1.0.2 single
check "nf-xfrm: gro on" nsx g1 ethtool -K nfipsec0 gro on

# Cleartext into g1's protected subnet is not forwarded: g2 without
# policies routes h2's ping in the clear, and g1 drops it (fwd policy).
ip -n g2 xfrm policy flush
before=$(drop_count g1 cleartext)
check_fails "nf-xfrm: cleartext from g2 not forwarded" . \
	ping_any h2 10.1.0.2 -c1 -W2
after=$(drop_count g1 cleartext)
check_eq "nf-xfrm: that cleartext counted" $((${before:-0} + 1)) "${after:-?}"

unconfigure g1
unconfigure g2
check "nfipsec on both gateways: configure" pair nf nf
hosts "nf-nf: IPv4 subnets" 10.1.0.2 10.2.0.2 0x4001
hosts "nf-nf: IPv6 subnets" fd01::2 fd02::2 0x6001

# A stateful firewall on g1: flows may only start from h1's side, and
# replies are let in as "ct state established". The tunnelled request
# leaves through nfipsec's POST_ROUTING hook, which takes the packet
# before conntrack's own confirm hook: nfipsec confirms the entry itself,
# or every reply would look new and be dropped.
nsx g1 nft -f - <<-'EOF'
	table inet sf {
		chain gate {
			type filter hook forward priority 0; policy drop;
			ct state established,related accept
			iifname "e1" accept
		}
	}
	EOF
check "stateful g1: h1 pings h2, the reply is established" \
	ping_any h1 10.2.0.2 -c2 -W3
check "stateful g1: TCP from h1 through the tunnel" \
	tcp_transfer h1 h2 10.2.0.2 262144
check_fails "stateful g1: a new flow from h2 is dropped" . \
	ping_any h2 10.1.0.2 -c1 -W2
nsx g1 nft delete table inet sf

# DSCP and ECN (RFC 4301 5.1.2, RFC 6040 normal mode): a ping from h1
# marked EF with ECT(0) (TOS 0xba) leaves g1 with the same TOS on the
# outer header, arrives at h2 unchanged, and with TTL 62 (64, less g1
# and g2 forwarding it).
nsx g2 tcpdump -i w2 -nn -v -U -c 1 -w "$T_DIR/outer.pcap" esp \
	2>"$T_DIR/outer.err" &
opid=$!
nsx h2 tcpdump -i e0 -nn -v -U -c 1 -w "$T_DIR/inner.pcap" \
	'icmp[icmptype] == icmp-echo' 2>"$T_DIR/inner.err" &
ipid=$!
for _ in $(seq 50); do
	[[ $(<"$T_DIR/outer.err") == *listening* &&
	   $(<"$T_DIR/inner.err") == *listening* ]] && break
	sleep 0.2
done
nsx h1 ping -c1 -W2 -Q 0xba 10.2.0.2 >/dev/null
sleep 0.5
kill_tree $opid $ipid
outer=$(tcpdump -nn -v -r "$T_DIR/outer.pcap" 2>/dev/null | head -n1)
inner=$(tcpdump -nn -v -r "$T_DIR/inner.pcap" 2>/dev/null | head -n1)
if [[ $outer == *"tos 0xba"* ]]; then
	ok "nf-nf: DSCP and ECT(0) copied to the outer header"
else
	fail "nf-nf: DSCP and ECT(0) copied to the outer header" "outer: $outer"
fi
if [[ $inner == *"tos 0xba"*"ttl 62"* ]]; then
	ok "nf-nf: the inner header arrives with its TOS, TTL less two hops"
else
	fail "nf-nf: the inner header arrives with its TOS, TTL less two hops" \
		"inner: $inner"
fi

# The SAs go away mid-transfer: the policies stay, so what follows is
# dropped (no SA) and nothing of the flow crosses the link in the clear.
# The payload is a known text (32 MiB: longer than the second the transfer
# runs before the flush), so a capture can look for it.
yes "nfipsec-cleartext-marker" | head -c 33554432 >"$T_DIR/payload.marker"
nsx g2 tcpdump -i w2 -nn -U -w "$T_DIR/w2.pcap" 2>"$T_DIR/tcpdump.err" &
tdp=$!
for _ in $(seq 50); do
	[[ $(<"$T_DIR/tcpdump.err") == *listening* ]] && break
	sleep 0.2
done
nsx h2 timeout 60 socat -u TCP-LISTEN:5002,reuseaddr,bind=10.2.0.2 \
	OPEN:/dev/null &
spid=$!
nsx h1 timeout 60 socat -u OPEN:"$T_DIR/payload.marker" \
	TCP:10.2.0.2:5002,retry=50,interval=0.2 2>/dev/null &
cpid=$!
sleep 1
before=$(drop_count g1 no-out-sa)
printf '%s\n' "sa flush" >"$T_DIR/flush"
nfctl g1 -b "$T_DIR/flush" >/dev/null
sleep 2
after=$(drop_count g1 no-out-sa)
kill_tree $cpid $spid
sleep 1
kill_tree $tdp
if [ "${after:-0}" -gt "${before:-0}" ]; then
	ok "SA deleted mid-transfer: the flow is dropped (no-out-sa)"
else
	fail "SA deleted mid-transfer: the flow is dropped (no-out-sa)" \
		"no-out-sa count ${before:-?} -> ${after:-?}"
fi
n_esp=$(tcpdump -nn -r "$T_DIR/w2.pcap" esp 2>/dev/null | wc -l)
n_plain=$(tcpdump -nn -r "$T_DIR/w2.pcap" 'tcp port 5002' 2>/dev/null |
	  wc -l)
hits=$(grep -ac "nfipsec-cleartext-marker" "$T_DIR/w2.pcap")
if [ "$n_esp" -gt 10 ] && [ "$n_plain" = 0 ] && [ "$hits" = 0 ]; then
	ok "SA deleted mid-transfer: no cleartext on the wire"
else
	fail "SA deleted mid-transfer: no cleartext on the wire" \
		"$n_esp ESP packets, $n_plain plain TCP packets, $hits marker hits"
fi
finish
