#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal, ESP in UDP (RFC 3948), against XFRM's encap espinudp.
#
# 1. nf <-> xf directly, transport (AES-GCM) and tunnel (AES-CBC with
#    HMAC-SHA256): ping and 1 MiB of TCP each way; a capture on nf's wire
#    shows UDP/4500 only (no raw ESP, no cleartext). Plain ESP for an SA
#    with encap is dropped. Refusals with the kernel's message.
# 2. Crafted UDP to nf's port 4500 (python3 in xf): a NAT keepalive 0xff
#    dropped and counted, an IKE packet (non-ESP marker) delivered to the
#    UDP socket listening on 4500 in nf, truncated ESP in UDP malformed,
#    an unknown SPI no-sa.
# 3. NAT keepalives from nf's outbound SA (natt-keepalive 1): one UDP byte
#    0xff a second on the wire, counted, switched off by an update.
# The NAT itself: esp-natt-nat.sh.
#
#   nf (nfipsec, 10.0.0.1) ----veth---- xf (XFRM, 10.0.0.2)
#
# XFRM receives ESP in UDP only on a UDP socket with UDP_ENCAP set (an IKE
# daemon's job): a python3 process holds one on port 4500 in xf, with the
# socket's own bypass policy, as IKE daemons set it (natt-lib.inc).
. "$(dirname "$0")/natt-lib.inc"
esp_setup
encap_sock xf || { fail setup "encap socket in xf"; finish; }

# --- 1. interop --------------------------------------------------------
# natt_case MODE NAME ALG-ARGS...: SAs with encap both sides, traffic,
# the wire and the counters.
natt_case() {
	local mode=$1 name=natt-$1-$2 why rc n_udp n_esp n_other in out
	shift 2
	if ! esp_case "$mode" 4 4 "$@" "${ENCAP[@]}" >"$T_DIR/case.log" 2>&1
	then
		fail "$name" "setup: $(tr '\n' ' ' <"$T_DIR/case.log")"
		return
	fi
	cap_start nf nv || { fail "$name" "tcpdump"; return; }
	why=$(esp_traffic 1048576 2>&1)
	rc=$?
	cap_stop
	if [ $rc = 0 ]; then ok "$name"; else fail "$name" "$why"; fi
	n_udp=$(cap_count 'udp port 4500')
	n_esp=$(cap_count 'ip proto 50')
	# transport mode fragments the outer packet: a fragment is UDP by its
	# protocol field, only the first one has the port
	n_other=$(( $(cap_count 'ip and not ip proto 17') +
		    $(cap_count 'ip proto 17 and ip[6:2] & 0x1fff = 0 and not udp port 4500') ))
	if [ "$n_udp" -gt 100 ] && [ "$n_esp" = 0 ] && [ "$n_other" = 0 ]; then
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
}
natt_case transport aes128gcm16 aead 'rfc4106(gcm(aes))' 0x$(hexkey 20) 128
esp_flush
say "t=$SECONDS"
natt_case tunnel aes256-sha256 enc 'cbc(aes)' 0x$(hexkey 32) \
	auth-trunc 'hmac(sha256)' 0x$(hexkey 32) 128
esp_flush
say "t=$SECONDS"

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

say "t=$SECONDS crafted"
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

# --- 3. NAT keepalives sent by nf's outbound SA ---------------------------
say "t=$SECONDS keepalive"
# ka_update SECONDS: nf's outbound SA sends keepalives every SECONDS
ka_update() {
	nfctl nf sa update src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1001 \
		mode tunnel "${GCM[@]}" "${ENCAP[@]}" natt-keepalive "$1"
}
ka_sent() { nfctl nf -j stats | jq -r '.counters.natt_keepalives'; }
ka0=$(ka_sent)
check keepalive-update ka_update 1
cap_start nf nv || fail keepalive-capture "tcpdump"
sleep 2.5
cap_stop
# UDP length 9: header and the one byte 0xff. The period is read from the
# capture's timestamps: the window itself is longer than the sleep by the
# time tcpdump takes to stop, which a slow (debug) guest makes seconds.
ka_filter='src 10.0.0.1 and udp src port 4500 and udp dst port 4500 and udp[4:2] = 9 and udp[8] = 0xff'
n_ka=$(cap_count "$ka_filter")
gaps=$(tcpdump -tt -n -r "$T_DIR/cap" "$ka_filter" 2>/dev/null |
	awk 'NR > 1 { printf "%s%.2f", sep, $1 - t; sep = " " } { t = $1 }')
if [ "$n_ka" -ge 2 ] && echo "$gaps" |
	awk '{ for (i = 1; i <= NF; i++) if ($i < 0.7 || $i > 1.3) exit 1 }'; then
	ok "keepalive-every-second-on-the-wire ($n_ka, gaps $gaps s)"
else
	fail keepalive-every-second-on-the-wire "$n_ka keepalives, gaps ${gaps:-none} s"
fi
ka1=$(ka_sent)
if [ "$n_ka" -ge 2 ] && [ "$((ka1 - ka0))" -ge "$n_ka" ]; then
	ok keepalive-counted
else
	fail keepalive-counted "counter $ka0 -> $ka1, wire $n_ka"
fi
check_eq keepalive-listed 1 \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 4097) | .encap.keepalive')"
check keepalive-xfrm-still-talks ping_any nf 10.2.0.1 -c1 -W3
check keepalive-off ka_update 0
cap_start nf nv || fail keepalive-capture "tcpdump"
sleep 1.5
cap_stop
check_eq keepalive-stops 0 "$(cap_count 'udp[4:2] = 9')"
# deleted with its timer armed (the harness fails on any kernel report)
ka_update 1
esp_flush

finish
