#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# AH over ESP (a policy with two templates, ESP first, AH outermost)
# against Linux XFRM with the same two "tmpl" entries: transport mode over
# IPv4 and IPv6, and an ESP tunnel with AH over its outer header, 4-in-4
# and 6-in-6; ping and 1 MiB of TCP each way, and every SA of the
# bundle counted in both directions on nf. Then the inbound check: ESP
# without the AH the policy demands, AH without the ESP, and the two in the
# wrong order (AH inside ESP) are each dropped and counted as "bundle".
#
#   nf (nfipsec, 10.0.0.1 fd00::1) ----veth---- xf (XFRM, 10.0.0.2 fd00::2)
#   inner (tunnel): 10.1.0.1 fd01::1        10.2.0.1 fd02::1
. "$(dirname "$0")/esp-lib.inc"
esp_setup
EK=0x$(hexkey 20)
AK=0x$(hexkey 32)
ESP_ALG="aead rfc4106(gcm(aes)) $EK 128"
AH_ALG="auth-trunc hmac(sha256) $AK 128"

# bundle_case MODE OUTER INNER [XF_TMPLS]: ESP SAs 0x1001/0x1002 in MODE
# and AH SAs 0x2001/0x2002 in transport mode over them, policies with both
# templates on both sides; XF_TMPLS replaces xf's templates (transport
# mode: both directions).
bundle_case() {
	local mode=$1 outer=$2 inner=$3 xt=${4:-} o_nf o_xf i_nf i_xf p_nf p_xf
	if [ "$outer" = 4 ]; then o_nf=10.0.0.1; o_xf=10.0.0.2
	else o_nf=fd00::1; o_xf=fd00::2; fi
	if [ "$mode" = transport ]; then i_nf=$o_nf; i_xf=$o_xf
	elif [ "$inner" = 4 ]; then i_nf=10.1.0.1; i_xf=10.2.0.1
	else i_nf=fd01::1; i_xf=fd02::1; fi
	case $i_nf in *:*) p_nf=$i_nf/128; p_xf=$i_xf/128 ;;
	*) p_nf=$i_nf/32; p_xf=$i_xf/32 ;; esac
	IN_NF=$i_nf
	IN_XF=$i_xf
	local e_out="tmpl proto esp mode transport" e_in
	local a_out="tmpl proto ah mode transport" a_in
	e_in=$e_out
	a_in=$a_out
	if [ "$mode" = tunnel ]; then
		e_out="tmpl src $o_nf dst $o_xf proto esp mode tunnel"
		e_in="tmpl src $o_xf dst $o_nf proto esp mode tunnel"
		# of the tunnel's family, which may not be the selector's
		a_out="tmpl src $o_nf dst $o_xf proto ah mode transport"
		a_in="tmpl src $o_xf dst $o_nf proto ah mode transport"
	fi
	local xo="$e_in $a_in" xi="$e_out $a_out"
	[ -n "$xt" ] && { xo=$xt; xi=$xt; }
	# XFRM wants the inner family in the ESP tunnel SA's selector (and
	# refuses it in the AH transport SA's)
	local s1= s2=
	[ "$outer" != "$inner" ] && { s1="sel src $p_nf dst $p_xf"
				      s2="sel src $p_xf dst $p_nf"; }
	local e1="src $o_nf dst $o_xf proto esp spi 0x1001 mode $mode $ESP_ALG"
	local e2="src $o_xf dst $o_nf proto esp spi 0x1002 mode $mode $ESP_ALG"
	local a1="src $o_nf dst $o_xf proto ah spi 0x2001 mode transport $AH_ALG"
	local a2="src $o_xf dst $o_nf proto ah spi 0x2002 mode transport $AH_ALG"
	printf '%s\n' "sa add $e1" "sa add $e2" "sa add $a1" "sa add $a2" \
		"policy add dir out src $p_nf dst $p_xf $e_out $a_out" \
		"policy add dir in src $p_xf dst $p_nf $e_in $a_in" \
		>"$T_DIR/nf.batch"
	printf '%s\n' "xfrm state add $e1 $s1" "xfrm state add $e2 $s2" \
		"xfrm state add $a1" "xfrm state add $a2" \
		"xfrm policy add dir out src $p_xf dst $p_nf $xo" \
		"xfrm policy add dir in src $p_nf dst $p_xf $xi" \
		>"$T_DIR/xf.batch"
	nfctl nf -b "$T_DIR/nf.batch" >/dev/null || return 1
	ip -n xf -batch "$T_DIR/xf.batch"
}

# every SA of the bundle carried traffic both ways on nf
bundle_counted() {
	local spi v
	for spi in 0x1001 0x2001; do
		v=$(sa_stat nf $spi packets_out)
		[ "${v:-0}" -gt 0 ] || { echo "SA $spi: packets_out $v"; return 1; }
	done
	for spi in 0x1002 0x2002; do
		v=$(sa_stat nf $spi packets_in)
		[ "${v:-0}" -gt 0 ] || { echo "SA $spi: packets_in $v"; return 1; }
	done
}

# TODO: "tunnel 6 4" (an IPv6 ESP tunnel carrying IPv4, AH over its
# outer header) sets up on both sides but the first ping from nf gets no
# answer on 6.1; not found yet which side refuses it. bundle_case supports
# it (the AH template of the tunnel's family).
for c in "transport 4 4" "transport 6 6" "tunnel 4 4" "tunnel 6 6"; do
	name=bundle-${c// /-}
	# shellcheck disable=SC2086
	if ! bundle_case $c >"$T_DIR/case.log" 2>&1; then
		fail "$name" "setup: $(tr '\n' ' ' <"$T_DIR/case.log")"
	elif ! why=$(esp_traffic "${NFIPSEC_ESP_BYTES:-1048576}" 2>&1); then
		fail "$name" "$(tr '\n' ' ' <<<"$why")"
	elif ! why=$(bundle_counted 2>&1); then
		fail "$name" "$why"
	else
		ok "$name"
	fi
	esp_flush
done

# The inbound check. xf sends with other templates than nf's policy
# demands; each ping is one packet, dropped as "bundle".
# expect_bundle_drop NAME XF_TMPLS
expect_bundle_drop() {
	local before after
	if ! bundle_case transport 4 4 "$2" >"$T_DIR/case.log" 2>&1; then
		fail "$1" "setup: $(tr '\n' ' ' <"$T_DIR/case.log")"
		esp_flush
		return
	fi
	before=$(drop_count nf bundle)
	ping_any xf 10.0.0.1 -c1 -W1 >/dev/null 2>&1
	after=$(drop_count nf bundle)
	if [ -n "$after" ] && [ "$after" -eq "$((${before:-0} + 1))" ]; then
		ok "$1"
	else
		fail "$1" "bundle drops $before -> $after"
	fi
	esp_flush
}
expect_bundle_drop esp-without-ah-dropped "tmpl proto esp mode transport"
expect_bundle_drop ah-without-esp-dropped "tmpl proto ah mode transport"
expect_bundle_drop ah-inside-esp-dropped \
	"tmpl proto ah mode transport tmpl proto esp mode transport"

# and the right bundle still passes after them
bundle_case transport 4 4 >/dev/null 2>&1
check bundle-after-refusals ping_any xf 10.0.0.1 -c1 -W2
esp_flush
finish
