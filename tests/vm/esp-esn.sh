#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Extended sequence numbers (RFC 4303 section 3.3.3, RFC 4304) across the
# 2^32 boundary, with Linux XFRM as the peer: both sides start their
# outbound counters just below 2^32 (replay-oseq) and their inbound windows
# just below that (replay-seq), then TCP moves enough packets each way to
# cross it. The high half is never sent: each receiver must infer it
# (RFC 4303 Appendix A) and authenticate it (GCM: in the AAD; ENC+AUTH:
# authencesn, behind the payload). After the traffic both outbound
# counters and both inbound windows must be in the high half 1. And
# without ESN, an outbound SA stops at 2^32-1.
#
#   nf (nfipsec, 10.0.0.1) ----veth---- xf (XFRM, 10.0.0.2), transport mode
. "$(dirname "$0")/esp-lib.inc"
esp_setup

START="flag esn replay-window 128 replay-seq 0xffffff00 replay-oseq 0xfffffff0"

# block SPI: the lines of one SA (from its "src" line to the next) in a
# listing on stdin.
block() {
	awk -v spi="spi $1" '/^src /{ if (b ~ spi) print b; b = "" } { b = b $0 "\n" }
		END { if (b ~ spi) print b }'
}

# esn_crossed: the counters on both sides are past 2^32.
esn_crossed() {
	local x n
	x=$(ip -n xf xfrm state)
	n=$(nfctl nf sa list)
	# xf sent on 0x1002 and received on 0x1001; nf the other way round
	block 0x00001002 <<<"$x" | grep -q 'oseq-hi 0x1,' ||
		{ echo "xf oseq-hi not 1"; return 1; }
	block 0x00001001 <<<"$x" | grep -q '[^o]seq-hi 0x1,' ||
		{ echo "xf seq-hi not 1"; return 1; }
	block 0x00001001 <<<"$n" | grep -q 'replay-oseq-hi 0x00000001' ||
		{ echo "nf oseq-hi not 1"; return 1; }
	block 0x00001002 <<<"$n" | grep -q 'replay-seq-hi 0x00000001' ||
		{ echo "nf seq-hi not 1"; return 1; }
}

esn_case() {
	local name=$1 why
	shift
	# shellcheck disable=SC2086
	if ! esp_case transport 4 4 "$@" $START >/tmp/esn.log 2>&1; then
		fail "$name" "setup: $(tr '\n' ' ' </tmp/esn.log)"
	elif ! why=$(esp_traffic 131072); then
		fail "$name" "$why"
	elif ! why=$(esn_crossed); then
		fail "$name" "$why"
	else
		ok "$name"
	fi
	esp_flush
}

esn_case esn-2to32-aes128gcm16 aead 'rfc4106(gcm(aes))' "0x$(hexkey 20)" 128
esn_case esn-2to32-aes128-sha256 enc 'cbc(aes)' "0x$(hexkey 16)" \
	auth-trunc 'hmac(sha256)' "0x$(hexkey 32)" 128
# Without ESN an outbound SA stops after sequence number 2^32-1, never
# wraps: nf's counter starts at 0xfffffffd, so of five pings two go out
# (0xfffffffe, 0xffffffff) and three are dropped as seq-overflow, with a
# single seq-exhausted event on the events group.
esp_case transport 4 4 aead 'rfc4106(gcm(aes))' "0x$(hexkey 20)" 128 \
	replay-oseq 0xfffffffd >/dev/null 2>&1 || fail seq-overflow "setup"
nfctl nf monitor >"$T_DIR/monitor" 2>&1 &
mpid=$!
sleep 1
ov0=$(drop_count nf seq-overflow)
ping_any nf 10.0.0.2 -c5 -i0.2 -W1 >/dev/null
sleep 0.5
kill_tree $mpid
check_eq seq-overflow-drops $((${ov0:-0} + 3)) "$(drop_count nf seq-overflow)"
check_eq seq-exhausted-event-once 1 \
	"$(grep -c seq-exhausted "$T_DIR/monitor")"
nfctl nf sa list | block 0x00001001 >"$T_DIR/sa"
check seq-overflow-counter-stays grep -q 'replay-oseq 0xffffffff' "$T_DIR/sa"
esp_flush
finish
