#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# SPI allocation and SA update (issue 5): NFIPSEC_CMD_SA_ALLOCSPI reserves
# a free SPI as a larval SA (listed as larval, matching no packet, taken
# for SA_ADD), which SA_UPDATE fills in with keys or which times out with
# EXPIRE (hard) and SA_DEL events; UPDATE of a complete SA changes its
# lifetimes, keeps its sequence numbers and replay state, and refuses
# changes of key, algorithm, mode, source, reqid, flags and sequence
# numbers with an extack message each. Linux XFRM is the peer. Last,
# ACQUIRE events: one per pending acquire (policy and selector), carrying
# the policy, the template and the packet's selector.
#
#   nf (nfipsec, 10.0.0.1 fd00::1) ----veth---- xf (XFRM, 10.0.0.2 fd00::2)
. "$(dirname "$0")/esp-lib.inc"
esp_setup
K=0x$(hexkey 20)
K2=0x$(hexkey 20)
GCM=(aead 'rfc4106(gcm(aes))' "$K" 128)
IN4=(src 10.0.0.2 dst 10.0.0.1 proto esp)
OUT4=(src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1001)

# spi_of OUTPUT: the SPI (decimal) of allocspi's human output
spi_of() { [[ $1 =~ spi\ (0x[0-9a-f]+) ]] && echo "${BASH_REMATCH[1]}"; }

# ---- allocspi: default range, listing, JSON ----------------------------
# (a long reservation: this guest may be slow to reach the UPDATE below)
out=$(nfctl nf sa allocspi "${IN4[@]}" mode transport timeout 600 2>&1)
spi=$(spi_of "$out")
if [[ $spi =~ ^0x[0-9a-f]{8}$ ]] && (( spi >= 0x100 )); then
	ok allocspi-default-range
else
	fail allocspi-default-range "output '$out'"
fi
lst=$(nfctl nf -j sa list)
check_eq allocspi-listed-larval "1 true" \
	"$(jq -r --argjson s "$((spi))" '[.[] | select(.spi == $s)] | "\(length) \(.[0].larval)"' <<<"$lst")"
check_eq allocspi-human-list-marks-larval 1 \
	"$(nfctl nf sa list | grep -c 'larval (SPI reserved by allocspi, no keys yet)')"
# JSON reply of allocspi itself
js=$(nfctl nf -j sa allocspi "${IN4[@]}" spi-range 0x3000 0x3000)
check_eq allocspi-json-reply "12288 true esp" \
	"$(jq -r '"\(.spi) \(.larval) \(.proto)"' <<<"$js")"
# the reservation lasts 30 s by default (its hard add-time lifetime)
check_eq larval-default-timeout-30 "30" \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 12288) | .lifetime_hard.add_secs')"

# ---- a larval SA is taken for ADD, matches no packet -------------------
check_fails add-on-larval-refused \
	'SPI reserved by ALLOCSPI: fill the larval SA in with SA_UPDATE' \
	nfctl nf sa add "${IN4[@]}" spi "$spi" mode transport "${GCM[@]}"
# xf sends ESP for the larval SPI: nf counts it as an unknown SPI
ip -n xf -batch - <<-EOF
	xfrm state add src 10.0.0.2 dst 10.0.0.1 proto esp spi $spi mode transport ${GCM[*]}
	xfrm policy add dir out src 10.0.0.2/32 dst 10.0.0.1/32 proto icmp tmpl proto esp mode transport
EOF
n0=$(drop_count nf no-sa)
nsx xf ping -c 3 -i 0.1 -W 1 10.0.0.1 >/dev/null
n1=$(drop_count nf no-sa)
check_eq larval-matches-nothing-counted-no-sa 3 $((n1 - n0))
check_eq larval-no-packets-on-it "0" \
	"$(nfctl nf -j -s sa list | jq -r --argjson s "$((spi))" '.[] | select(.spi == $s) | .stats.packets_in')"

# ---- UPDATE fills the larval SA in; traffic flows ----------------------
check update-fills-larval nfctl nf sa update "${IN4[@]}" spi "$spi" \
	mode transport "${GCM[@]}"
check_eq filled-not-larval "false" \
	"$(nfctl nf -j sa list | jq -r --argjson s "$((spi))" '.[] | select(.spi == $s) | .larval')"
ip -n xf xfrm policy flush
printf '%s\n' "sa add ${OUT4[*]} mode transport ${GCM[*]}" \
	"policy add dir out src 10.0.0.1/32 dst 10.0.0.2/32 proto icmp tmpl proto esp mode transport" \
	"policy add dir in src 10.0.0.2/32 dst 10.0.0.1/32 proto icmp tmpl proto esp mode transport" \
	>"$T_DIR/nf.batch"
nfctl nf -b "$T_DIR/nf.batch"
ip -n xf -batch - <<-EOF
	xfrm state add ${OUT4[*]} mode transport ${GCM[*]}
	xfrm policy add dir out src 10.0.0.2/32 dst 10.0.0.1/32 proto icmp tmpl proto esp mode transport
	xfrm policy add dir in src 10.0.0.1/32 dst 10.0.0.2/32 proto icmp tmpl proto esp mode transport
EOF
check filled-sa-carries-traffic nsx nf ping -c 3 -i 0.1 -W 2 10.0.0.2
check_eq filled-sa-counted-inbound 3 "$(sa_stat nf "$spi" packets_in)"

# ---- UPDATE of a complete SA: lifetimes change, sequence kept ----------
seq0=$(nfctl nf -j sa get "${OUT4[@]}" | jq -r '.seq_out')
check update-lifetime-only nfctl nf sa update "${OUT4[@]}" \
	limit packet-soft 1000 packet-hard 2000
check update-inbound-lifetime nfctl nf sa update "${IN4[@]}" spi "$spi" \
	limit time-soft 600 time-hard 900
check update-whole-sa-repeated nfctl nf sa update "${OUT4[@]}" \
	mode transport "${GCM[@]}" limit packet-soft 1500 packet-hard 2000
nsx nf ping -c 4 -i 0.1 -W 2 10.0.0.2 >/dev/null
g=$(nfctl nf -j sa get "${OUT4[@]}")
check_eq update-keeps-seq-out "$((seq0 + 4)) 1500 2000" \
	"$(jq -r '"\(.seq_out) \(.lifetime_soft.packets) \(.lifetime_hard.packets)"' <<<"$g")"
# the inbound SA's replay state went on: xf's SA numbered 3 packets
# while nf's was larval (dropped), then 3 + 4: highest seen 10, no drops
g=$(nfctl nf -j -s sa get "${IN4[@]}" spi "$spi")
check_eq update-keeps-replay-state "10 0 600 900" \
	"$(jq -r '"\(.seq_in) \(.stats.replay) \(.lifetime_soft.add_secs) \(.lifetime_hard.add_secs)"' <<<"$g")"

# ---- refusals ----------------------------------------------------------
check_fails update-refuses-new-key 'keys cannot change: install a new SA to rekey' \
	nfctl nf sa update "${OUT4[@]}" aead 'rfc4106(gcm(aes))' "$K2" 128
check_fails update-refuses-new-alg 'algorithms cannot change: install a new SA to rekey' \
	nfctl nf sa update "${OUT4[@]}" aead 'rfc7539esp(chacha20,poly1305)' "0x$(hexkey 36)" 128
check_fails update-refuses-new-icv 'algorithms cannot change' \
	nfctl nf sa update "${OUT4[@]}" aead 'rfc4106(gcm(aes))' "$K" 64
check_fails update-refuses-mode 'SA mode cannot change' \
	nfctl nf sa update "${OUT4[@]}" mode tunnel
check_fails update-refuses-src 'SA source address cannot change' \
	nfctl nf sa update src 10.0.0.9 dst 10.0.0.2 proto esp spi 0x1001
check_fails update-refuses-reqid 'SA reqid cannot change' \
	nfctl nf sa update "${OUT4[@]}" reqid 7
check_fails update-refuses-flags 'SA flags cannot change' \
	nfctl nf sa update "${OUT4[@]}" flag esn
check_fails update-refuses-seq 'sequence numbers cannot be set: UPDATE keeps them' \
	nfctl nf sa update "${OUT4[@]}" replay-oseq 5
check_fails update-refuses-window 'replay window cannot change' \
	nfctl nf sa update "${OUT4[@]}" replay-window 64
check_fails update-unknown-spi 'no such SA \(SPI, destination and protocol name it and cannot change\)' \
	nfctl nf sa update src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x7777 \
	mode transport "${GCM[@]}"
nfctl nf sa allocspi "${IN4[@]}" spi-range 0x4000 0x4000 >/dev/null
check_fails update-larval-incomplete 'ESP SA needs AEAD, or ENC with AUTH' \
	nfctl nf sa update "${IN4[@]}" spi 0x4000 mode transport limit packet-hard 5
check_eq update-larval-refused-stays-larval true \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 16384) | .larval')"
check_fails allocspi-min-above-max 'SPI range minimum above its maximum' \
	nfctl nf sa allocspi "${IN4[@]}" spi-range 0x2000 0x1fff
check_fails allocspi-min-below-256 'SPI range minimum below 256: SPIs 1 to 255 are reserved' \
	nfctl nf sa allocspi "${IN4[@]}" min 255 max 0x1000
check_fails allocspi-max-only-below-256 'SPI range minimum' \
	nfctl nf sa allocspi "${IN4[@]}" max 200

# ---- a full range is refused -------------------------------------------
got=()
for _ in 1 2 3 4; do
	got+=("$(spi_of "$(nfctl nf sa allocspi "${IN4[@]}" min 0x2000 max 0x2003)")")
done
check_eq allocspi-range-four-distinct "0x00002000 0x00002001 0x00002002 0x00002003" \
	"$(printf '%s\n' "${got[@]}" | sort | tr '\n' ' ' | sed 's/ $//')"
check_fails allocspi-range-full 'no free SPI in the range: every SPI from min to max is in use' \
	nfctl nf sa allocspi "${IN4[@]}" min 0x2000 max 0x2003
# other destination: its own SPI space
check allocspi-other-dst-own-space nfctl nf sa allocspi src 10.0.0.1 \
	dst 10.0.0.2 proto esp min 0x2000 max 0x2000
# IPv6
out=$(nfctl nf sa allocspi src fd00::2 dst fd00::1 proto esp min 0x5000 max 0x5000)
check_eq allocspi-ipv6 "0x00005000" "$(spi_of "$out")"

# ---- timeout: EXPIRE hard and SA_DEL for the larval SA -----------------
# the monitor is listening once it has printed a dummy SA's sa-del
ip netns exec nf "$CTL" monitor >"$T_DIR/mon" 2>&1 &
MON=$!
for _ in $(seq 1 20); do
	nfctl nf -b - >/dev/null 2>&1 <<-EOF
	sa add src 10.0.0.9 dst 10.0.0.8 proto esp spi 0x9999 mode transport ${GCM[*]}
	sa del src 10.0.0.9 dst 10.0.0.8 proto esp spi 0x9999
	EOF
	grep -q sa-del "$T_DIR/mon" && break
	sleep 0.2
done
js=$(nfctl nf -j sa allocspi "${IN4[@]}" min 0x6000 max 0x6000 timeout 2)
check_eq larval-timeout-reserved "24576 true" "$(jq -r '"\(.spi) \(.larval)"' <<<"$js")"
# the events come 2 s after the add (bounded: 10 s, bash builtins only)
for _ in $(seq 1 40); do
	[[ $(<"$T_DIR/mon") == *"sa-del src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x00006000"* ]] && break
	sleep 0.25
done
kill $MON; wait $MON 2>/dev/null
check_eq larval-timeout-gone "" \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 24576) | .spi')"
check_eq larval-timeout-events "expire-hard sa-del 2" \
	"$(grep -F 'spi 0x00006000' "$T_DIR/mon" | awk '{ printf "%s ", $2 ($2 == "expire" ? "-" $3 : "") }')$(grep -F 'spi 0x00006000' "$T_DIR/mon" | grep -c ' larval')"

# ---- flush removes larval SAs too --------------------------------------
nfctl nf sa flush
check_eq flush-removes-larval 0 "$(nfctl nf -j sa list | jq length)"

# ---- ACQUIRE: one event per pending acquire (policy + selector) --------
# nf: an out protect policy for 10.0.0.0/24 ICMP and no SA. 20 pings to
# .2 and 10 to .3 give two acquires (one per selector), each once; an SA
# installed ends what is pending, so the next ping asks again.
nfctl nf policy flush
nfctl nf sa flush
pidx=$(nfctl nf -j policy add dir out src 10.0.0.1/32 dst 10.0.0.0/24 \
	proto icmp tmpl proto esp mode transport reqid 5 | jq -r '.index')
ip -n nf neigh replace 10.0.0.3 lladdr 02:00:00:00:00:03 dev nv
ip netns exec nf "$CTL" -j monitor >"$T_DIR/acq" 2>&1 &
MON=$!
for _ in $(seq 1 20); do
	nfctl nf -b - >/dev/null 2>&1 <<-EOF
	sa add src 10.0.0.9 dst 10.0.0.8 proto esp spi 0x9999 mode transport ${GCM[*]}
	sa del src 10.0.0.9 dst 10.0.0.8 proto esp spi 0x9999
	EOF
	grep -q sa-del "$T_DIR/acq" && break
	sleep 0.2
done
d0=$(drop_count nf no-out-sa)
nsx nf ping -c 20 -i 0.05 -W 1 10.0.0.2 >/dev/null
nsx nf ping -c 10 -i 0.05 -W 1 10.0.0.3 >/dev/null
d1=$(drop_count nf no-out-sa)
check_eq acquire-packets-dropped 30 $((d1 - d0))
acq() { jq -c 'select(.event == "acquire")' "$T_DIR/acq"; }
check_eq acquire-one-per-selector "1 1" \
	"$(acq | jq -c 'select(.sel.dst == "10.0.0.2/32")' | wc -l) $(acq | jq -c 'select(.sel.dst == "10.0.0.3/32")' | wc -l)"
check_eq acquire-carries-policy-tmpl-sel \
	"$pidx out esp transport 5 10.0.0.1/32 10.0.0.2/32 icmp" \
	"$(acq | head -n1 | jq -r '"\(.policy.index) \(.policy.dir) \(.tmpl.proto) \(.tmpl.mode) \(.tmpl.reqid) \(.sel.src) \(.sel.dst) \(.sel.proto)"')"
# an SA appears (not the one asked for): pending acquires end
nfctl nf sa add src 10.0.0.1 dst 10.0.0.7 proto esp spi 0x7007 mode transport "${GCM[@]}"
nsx nf ping -c 5 -i 0.05 -W 1 10.0.0.2 >/dev/null
sleep 0.3
kill $MON; wait $MON 2>/dev/null
check_eq acquire-again-after-sa-appeared 2 \
	"$(acq | jq -c 'select(.sel.dst == "10.0.0.2/32")' | wc -l)"
finish
