#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsecctl's listings on the host: ctl-print.c builds SA and policy dump
# replies as the uapi header describes them and runs the tool's own
# callbacks on them; this checks the human layout (keys hidden unless -k,
# counters only with -s) and that -j / -p output parses as JSON.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FAILED=0
ok() { printf 'ok %s\n' "$1"; }
fail() {
	printf 'FAIL %s: %s\n' "$1" "$2"
	FAILED=$((FAILED + 1))
}
BIN=$TMP/ctl-print
C=$TOP/ctl
if ! cc -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -I"$TOP/kmod/uapi" -I"$C" \
	$(pkg-config --cflags libmnl) -o "$BIN" "$TOP/tests/unit/ctl-print.c" \
	"$C/parse.c" "$C/output.c" "$C/sel.c" "$C/genl.c" \
	$(pkg-config --libs libmnl) 2>"$TMP/cc"; then
	fail print-build "$(head -5 "$TMP/cc" | tr '\n' '|')"
	exit 1
fi
ok print-build

# has NAME LINE ARGS...: the output has LINE exactly.
has() {
	local name=$1 line=$2 out
	shift 2
	out=$("$BIN" "$@")
	if grep -qxF -- "$line" <<<"$out"; then ok "$name"; else
		fail "$name" "no \"$line\" in: $(tr '\n' '|' <<<"$out")"; fi
}
lacks() {
	local name=$1 pat=$2 out
	shift 2
	out=$("$BIN" "$@")
	if grep -qF -- "$pat" <<<"$out"; then
		fail "$name" "\"$pat\" in: $(tr '\n' '|' <<<"$out")"; else ok "$name"; fi
}
T=$'\t'
has print-sa-head "src 3.3.3.1 dst 5.5.5.1" sa
has print-sa-id "${T}proto esp spi 0x00001001 reqid 1 mode tunnel" sa
has print-sa-hidden-no-k "${T}aead rfc4106(gcm(aes)) (hidden) 128" sa
has print-sa-keys "${T}aead rfc4106(gcm(aes)) 0xabababababababababababababababababababab 128" sa -k
has print-sa-sel "${T}sel src 3.3.3.0/24 dst 0.0.0.0/0 proto tcp dport 443" sa
has print-sa-esn "${T}replay-seq 0x00000007 replay-oseq 0x00000005 replay-seq-hi 0x00000000 replay-oseq-hi 0x00000001" sa
lacks print-sa-no-stats "stats:" sa
has print-sa-stats "${T}stats: packets-in 3 bytes-in 0 packets-out 0 bytes-out 0 replay 0 icv-fail 1 errors 0" sa -s
has print-policy "${T}dir out priority 5 index 8 action protect" policy
has print-policy-tmpl "${T}tmpl src 3.3.3.1 dst 5.5.5.1 proto esp spi 0x00000000 reqid 0 mode tunnel" policy
lacks print-sa-json-no-key '"key"' sa -j
if command -v python3 >/dev/null; then
	for args in "sa -j" "sa -p -k -s" "policy -j" "policy -p -s"; do
		# shellcheck disable=SC2086
		if "$BIN" $args | python3 -c 'import json,sys; d=json.load(sys.stdin); assert isinstance(d, list) and d' 2>"$TMP/py"; then
			ok "print-json-${args// /}"
		else
			fail "print-json-${args// /}" "$(tail -1 "$TMP/py")"
		fi
	done
	if "$BIN" sa -j -k -s | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; assert d["aead"]["key"].startswith("0xab") and d["stats"]["icv_fail"] == 1 and d["spi"] == 4097'; then
		ok print-json-fields
	else
		fail print-json-fields "aead.key, stats.icv_fail or spi wrong"
	fi
fi
[ $FAILED = 0 ] || { echo "# $FAILED failed"; exit 1; }
