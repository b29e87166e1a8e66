#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal, ESP in UDP (RFC 3948), against XFRM's encap espinudp.
#
# 1. nf <-> xf directly, transport and tunnel, two algorithms: ping and
#    1 MiB of TCP each way; a capture on nf's wire shows UDP/4500 only (no
#    raw ESP, no cleartext). Plain ESP for an SA with encap is dropped.
# 2. Crafted UDP to nf's port 4500 (python3 in xf): a NAT keepalive 0xff
#    dropped and counted, an IKE packet (non-ESP marker) delivered to the
#    UDP socket listening on 4500 in nf, truncated ESP in UDP malformed,
#    an unknown SPI no-sa.
# 3. A client behind a NAT:
#
#   cl (XFRM) 10.0.1.2 --- 10.0.1.1 nat 10.0.2.1 --- 10.0.2.2 gw (nfipsec)
#   inner 10.9.0.1          masquerade                 inner 10.8.0.1
#                           udp sport 4500 -> 20000
#
#    gw's SAs name the mapped port 20000; the mapping then changes to
#    30000 mid-transfer (conntrack flushed): gw sends a MAPPING event with
#    the new port, the test (as the negotiator) updates both SAs, and the
#    transfer completes byte for byte.
#
# XFRM receives ESP in UDP only on a UDP socket with UDP_ENCAP set (an IKE
# daemon's job): a python3 process holds one on port 4500 in xf and cl.
. "$(dirname "$0")/esp-lib.inc"
esp_setup
modprobe nf_conntrack_netlink 2>/dev/null
ENCAP=(encap espinudp 4500 4500 0.0.0.0)

# encap_sock NS: a UDP socket on 4500 with UDP_ENCAP_ESPINUDP, as an IKE
# daemon holds one; ready when the file exists.
encap_sock() {
	ip netns exec "$1" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, 100, 2)   # UDP_ENCAP, UDP_ENCAP_ESPINUDP
s.bind(("0.0.0.0", 4500))
open(sys.argv[1], "w").close()
time.sleep(600)' "$T_DIR/encap.$1" &
	for _ in $(seq 1 50); do
		[ -e "$T_DIR/encap.$1" ] && return 0
		sleep 0.1
	done
	return 1
}

# cap_start NS IF / cap_stop: everything on the wire of IF in NS.
cap_start() {
	rm -f "$T_DIR/cap" "$T_DIR/cap.err"
	ip netns exec "$1" tcpdump -Z root -i "$2" -n -U -w "$T_DIR/cap" \
		2>"$T_DIR/cap.err" &
	CAP=$!
	for _ in $(seq 1 40); do
		[[ $(<"$T_DIR/cap.err") == *listening* ]] && return 0
		sleep 0.2
	done
	return 1
}
cap_stop() { sleep 0.3; kill "$CAP" 2>/dev/null; wait "$CAP" 2>/dev/null; }
cap_count() { tcpdump -n -r "$T_DIR/cap" "$1" 2>/dev/null | wc -l; }

encap_sock xf || { fail setup "encap socket in xf"; finish; }

# --- 1. interop --------------------------------------------------------
esp_algs_natt=(
	"aes128gcm16|aead rfc4106(gcm(aes)) 0x$(hexkey 20) 128"
	"aes256-sha256|enc cbc(aes) 0x$(hexkey 32) auth-trunc hmac(sha256) 0x$(hexkey 32) 128"
)
for mode in transport tunnel; do
	for e in "${esp_algs_natt[@]}"; do
		name=natt-$mode-${e%%|*}
		# shellcheck disable=SC2086
		if ! esp_case $mode 4 4 ${e#*|} "${ENCAP[@]}" \
			>"$T_DIR/case.log" 2>&1; then
			fail "$name" "setup: $(tr '\n' ' ' <"$T_DIR/case.log")"
			esp_flush
			continue
		fi
		cap_start nf nv || { fail "$name" "tcpdump"; esp_flush; continue; }
		why=$(esp_traffic 1048576 2>&1)
		rc=$?
		cap_stop
		if [ $rc = 0 ]; then ok "$name"; else fail "$name" "$why"; fi
		n_udp=$(cap_count 'udp port 4500')
		n_esp=$(cap_count 'ip proto 50')
		n_other=$(cap_count 'ip and not udp port 4500')
		if [ "$n_udp" -gt 100 ] && [ "$n_esp" = 0 ] && [ "$n_other" = 0 ]
		then
			ok "$name-wire-udp-only"
		else
			fail "$name-wire-udp-only" \
				"udp/4500 $n_udp, esp $n_esp, other ip $n_other"
		fi
		in=$(sa_stat nf 0x1002 packets_in)
		out=$(sa_stat nf 0x1001 packets_out)
		if [ "${in:-0}" -gt 100 ] && [ "${out:-0}" -gt 100 ]; then
			ok "$name-sa-counters"
		else
			fail "$name-sa-counters" "in $in out $out"
		fi
		esp_flush
	done
done

# nf's SAs with encap, xf's without: xf's plain ESP does not fit them
K=0x$(hexkey 20)
GCM=(aead 'rfc4106(gcm(aes))' $K 128)
esp_case tunnel 4 4 "${GCM[@]}" >/dev/null 2>&1
printf '%s\n' "sa flush" \
	"sa add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1001 mode tunnel ${GCM[*]} ${ENCAP[*]}" \
	"sa add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x1002 mode tunnel ${GCM[*]} ${ENCAP[*]}" \
	>"$T_DIR/nf.batch"
nfctl nf -b "$T_DIR/nf.batch"
before=$(drop_count nf encap-mismatch)
ping_any xf 10.1.0.1 -c1 -W1 >/dev/null
after=$(drop_count nf encap-mismatch)
check_eq plain-esp-for-encap-sa-dropped "$((before + 1))" "$after"

# configuration refusals, with the kernel's message
check_fails refuse-encap-ipv6 'ESP in UDP over IPv6 is not implemented yet' \
	nfctl nf sa add src fd00::1 dst fd00::2 proto esp spi 0x7001 \
	mode transport "${GCM[@]}" "${ENCAP[@]}"
nfctl nf sa add src 10.0.0.1 dst 10.0.0.3 proto esp spi 0x7002 \
	mode transport "${GCM[@]}"
check_fails refuse-update-adds-encap 'SA has no encapsulation; it cannot be added by UPDATE' \
	nfctl nf sa update src 10.0.0.1 dst 10.0.0.3 proto esp spi 0x7002 \
	mode transport "${GCM[@]}" "${ENCAP[@]}"
check_fails refuse-update-moves-plain-sa 'only an SA with encapsulation can change its source' \
	nfctl nf sa update src 10.0.0.9 dst 10.0.0.3 proto esp spi 0x7002 \
	mode transport "${GCM[@]}"
esp_flush

# --- 2. crafted UDP to port 4500 ---------------------------------------
esp_case tunnel 4 4 "${GCM[@]}" "${ENCAP[@]}" >/dev/null 2>&1
check natt-before-crafted ping_any nf 10.2.0.1 -c1 -W3
# an IKE responder's socket on nf's 4500 (a plain one: no UDP_ENCAP)
ip netns exec nf python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.1", 4500))
s.settimeout(15)
open(sys.argv[1] + ".ready", "w").close()
d, a = s.recvfrom(2048)
open(sys.argv[1], "wb").write(d)' "$T_DIR/ike" &
IKE=$!
for _ in $(seq 1 50); do [ -e "$T_DIR/ike.ready" ] && break; sleep 0.1; done
nfctl nf -j stats >"$T_DIR/st.before"
ip netns exec xf python3 -c '
import socket, struct, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.0.2", 4501))
d = ("10.0.0.1", 4500)
for p in (b"\xff",                             # NAT keepalive
	  b"\x01\x02",                         # too short for anything
	  b"\x00\x00\x10\x02\x00",             # not a marker, < SPI + seq
	  struct.pack(">II", 0x1002, 99999) + b"\x00" * 8,  # no room for ICV
	  struct.pack(">II", 0x4242, 1) + b"\x00" * 64,     # unknown SPI
	  b"\x00\x00\x00\x00" + b"IKE_SA_INIT nfipsec-natt"):
	s.sendto(p, d)
	time.sleep(0.05)'
wait $IKE
nfctl nf -j stats >"$T_DIR/st.after"
delta() {
	local b a
	b=$(jq -r ".drops.$1" "$T_DIR/st.before")
	a=$(jq -r ".drops.$1" "$T_DIR/st.after")
	echo $((a - b))
}
check_eq keepalive-dropped-counted 1 "$(delta natt_keepalive)"
check_eq truncated-dropped-malformed 3 "$(delta malformed)"
check_eq unknown-spi-in-udp-no-sa 1 "$(delta no_sa)"
check_eq ike-to-the-socket "IKE_SA_INIT nfipsec-natt" \
	"$(tail -c +5 "$T_DIR/ike" 2>/dev/null)"
check natt-after-crafted ping_any nf 10.2.0.1 -c1 -W3
esp_flush

# --- 3. behind a NAT, and the mapping changes --------------------------
mkns cl nat gw || { fail setup "mkns"; finish; }
link cl c0 nat n1
link nat n2 gw g0
addr cl c0 10.0.1.2/24
addr nat n1 10.0.1.1/24
addr nat n2 10.0.2.1/24
addr gw g0 10.0.2.2/24
addr cl lo 10.9.0.1/32
addr gw lo 10.8.0.1/32
forwarding nat
ip -n cl route add default via 10.0.1.1
ip -n cl route add 10.8.0.1/32 via 10.0.1.1 src 10.9.0.1
ip -n gw route add 10.9.0.1/32 via 10.0.2.1 src 10.8.0.1
for n in cl nat gw; do
	nsx $n sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
nsx gw sysctl -qw net.ipv4.conf.nfipsec0.rp_filter=0
# nat_port PORT: masquerade UDP from port 4500 to source port PORT
nat_port() {
	nsx nat nft -f - <<-EOF
	flush ruleset
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "n2" udp sport 4500 masquerade to :$1
		}
	}
	EOF
}
# ct_flush NS: delete every conntrack entry (ctnetlink, no tool needed)
ct_flush() {
	ip netns exec "$1" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETFILTER
# IPCTNL_MSG_CT_DELETE of subsystem CTNETLINK, no tuple: flush
s.send(struct.pack("=IHHII", 20, (1 << 8) | 2, 1 | 4, 1, 0) +
       struct.pack("=BBH", socket.AF_INET, 0, 0))
sys.exit(struct.unpack("=i", s.recv(4096)[16:20])[0] != 0)'
}
nat_port 20000 || { fail setup "nft"; finish; }
encap_sock cl || { fail setup "encap socket in cl"; finish; }
nsx nat ping -c1 -W2 10.0.2.2 >/dev/null
nsx nat ping -c1 -W2 10.0.1.2 >/dev/null
ct_flush nat
KA=0x$(hexkey 20)
KB=0x$(hexkey 20)
A=(aead 'rfc4106(gcm(aes))' $KA 128)
B=(aead 'rfc4106(gcm(aes))' $KB 128)
gw_sas() {
	printf '%s\n' \
	"sa $1 src 10.0.2.1 dst 10.0.2.2 proto esp spi 0x2001 mode tunnel ${A[*]} encap espinudp $2 4500 0.0.0.0" \
	"sa $1 src 10.0.2.2 dst 10.0.2.1 proto esp spi 0x2002 mode tunnel ${B[*]} encap espinudp 4500 $2 0.0.0.0"
}
{
	gw_sas add 20000
	echo "policy add dir out src 10.8.0.1/32 dst 10.9.0.1/32 tmpl src 10.0.2.2 dst 10.0.2.1 proto esp mode tunnel"
	echo "policy add dir in src 10.9.0.1/32 dst 10.8.0.1/32 tmpl src 10.0.2.1 dst 10.0.2.2 proto esp mode tunnel"
} >"$T_DIR/gw.batch"
printf '%s\n' \
	"xfrm state add src 10.0.1.2 dst 10.0.2.2 proto esp spi 0x2001 mode tunnel ${A[*]} ${ENCAP[*]}" \
	"xfrm state add src 10.0.2.2 dst 10.0.1.2 proto esp spi 0x2002 mode tunnel ${B[*]} ${ENCAP[*]}" \
	"xfrm policy add dir out src 10.9.0.1/32 dst 10.8.0.1/32 tmpl src 10.0.1.2 dst 10.0.2.2 proto esp mode tunnel" \
	"xfrm policy add dir in src 10.8.0.1/32 dst 10.9.0.1/32 tmpl src 10.0.2.2 dst 10.0.1.2 proto esp mode tunnel" \
	>"$T_DIR/cl.batch"
nfctl gw -b "$T_DIR/gw.batch" || fail setup "gw batch"
ip -n cl -batch "$T_DIR/cl.batch" || fail setup "cl batch"

# the monitor, joined before any traffic (a dummy SA's sa-del arrives)
ip netns exec gw "$CTL" monitor >>"$T_DIR/mon" 2>&1 &
MON=$!
for _ in $(seq 1 40); do
	nfctl gw -b - >/dev/null 2>&1 <<-EOF
	sa add src 10.0.2.9 dst 10.0.2.8 proto esp spi 0x9999 mode transport ${A[*]}
	sa del src 10.0.2.9 dst 10.0.2.8 proto esp spi 0x9999
	EOF
	[[ $(<"$T_DIR/mon") == *sa-del* ]] && break
	sleep 0.2
done
: >"$T_DIR/mon"

check nat-ping-cl-gw nsx cl ping -c2 -i0.3 -W3 10.8.0.1
check nat-ping-gw-cl nsx gw ping -c2 -i0.3 -W3 10.9.0.1
check nat-tcp-cl-gw tcp_transfer cl gw 10.8.0.1 1048576
check nat-tcp-gw-cl tcp_transfer gw cl 10.9.0.1 1048576
check_eq nat-no-mapping-event-while-it-holds "" \
	"$(grep mapping "$T_DIR/mon")"

# mid-transfer: the NAT forgets the flow and maps it to port 30000
head -c 4194304 /dev/urandom >"$T_DIR/payload.4194304"
tcp_transfer cl gw 10.8.0.1 4194304 5002 &
TP=$!
sleep 1
running=no
kill -0 $TP 2>/dev/null && running=yes
nat_port 30000
ct_flush nat
seen=
for _ in $(seq 1 50); do
	seen=$(grep -m1 ' mapping ' "$T_DIR/mon")
	[ -n "$seen" ] && break
	sleep 0.2
done
if [[ $seen == *"old 10.0.2.1 20000 new 10.0.2.1 30000"* ]]; then
	ok nat-mapping-event-new-port
else
	fail nat-mapping-event-new-port "monitor: '$seen'"
fi
# the negotiator's answer: both SAs follow the peer to its new port
gw_sas update 30000 >"$T_DIR/gw.batch"
check nat-sa-update nfctl gw -b "$T_DIR/gw.batch"
if wait $TP; then
	ok "nat-transfer-survives-mapping-change (running at the change: $running)"
else
	fail nat-transfer-survives-mapping-change "bytes differ or transfer failed"
fi
check_eq nat-sa-lists-new-port 30000 \
	"$(nfctl gw -j sa list | jq -r '.[] | select(.spi == 8194) | .encap.dport')"
check nat-ping-after-update nsx cl ping -c2 -i0.3 -W3 10.8.0.1
n_map=$(grep -c ' mapping ' "$T_DIR/mon")
: >"$T_DIR/mon"
check nat-tcp-after-update tcp_transfer gw cl 10.9.0.1 1048576
check_eq nat-no-event-once-updated "" "$(grep mapping "$T_DIR/mon")"
if [ "$n_map" -ge 1 ] && [ "$n_map" -le 12 ]; then
	ok "nat-mapping-events-rate-limited ($n_map)"
else
	fail nat-mapping-events-rate-limited "$n_map events"
fi
kill $MON 2>/dev/null
wait $MON 2>/dev/null
finish
