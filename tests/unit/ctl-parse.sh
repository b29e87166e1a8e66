#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsecctl's parser, on the host, no kernel: every case runs the tool with
# NFIPSECCTL_DRY_RUN=1, which prints the netlink request it would send
# ("cmd NAME", then "PATH VALUE" per attribute) instead of sending it, and
# asserts the exact attributes, or the exact refusal and exit status 1.
# Prints "ok NAME" or "FAIL NAME: why" per case; exits 1 on any failure.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
CTL=$TOP/ctl/nfipsecctl
[ -x "$CTL" ] || make -s -C "$TOP/ctl" >/dev/null || { echo "FAIL build: make -C ctl"; exit 1; }
export NFIPSECCTL_DRY_RUN=1
FAILED=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

hex() { # hex BYTES [DIGIT]: 0x and BYTES bytes of the digit pair
	local s
	s=$(printf "%0$(($1 * 2))d" 0 | tr 0 "${2:-a}")
	printf '0x%s' "$s"
}
K16=$(hex 16); K20=$(hex 20 b); K24=$(hex 24); K28=$(hex 28); K32=$(hex 32 c)
K36=$(hex 36 d); K48=$(hex 48); K64=$(hex 64 e); K20A=$(hex 20 1)

ok() { printf 'ok %s\n' "$1"; }
fail() {
	printf 'FAIL %s: %s\n' "$1" "$2"
	FAILED=$((FAILED + 1))
}

# req NAME EXPECTED ARGS...: exit 0, and every line of EXPECTED is a line
# of the output.
req() {
	local name=$1 want=$2 out rc line
	shift 2
	out=$("$CTL" "$@" 2>"$TMP/err")
	rc=$?
	if [ $rc != 0 ]; then
		fail "$name" "exit $rc: $(cat "$TMP/err")"
		return
	fi
	while IFS= read -r line; do
		[ -z "$line" ] && continue
		if ! grep -qxF -- "$line" <<<"$out"; then
			fail "$name" "no line \"$line\" in: $(tr '\n' '|' <<<"$out")"
			return
		fi
	done <<<"$want"
	ok "$name"
}

# absent NAME LINE ARGS...: exit 0, and no output line starts with LINE.
absent() {
	local name=$1 pat=$2 out
	shift 2
	if ! out=$("$CTL" "$@" 2>&1); then
		fail "$name" "exit non-zero: $out"
	elif grep -q -- "^$pat" <<<"$out"; then
		fail "$name" "unexpected \"$pat\" in: $(tr '\n' '|' <<<"$out")"
	else
		ok "$name"
	fi
}

# exact NAME EXPECTED ARGS...: exit 0 and exactly EXPECTED on stdout.
exact() {
	local name=$1 want=$2 out
	shift 2
	out=$("$CTL" "$@" 2>&1)
	if [ $? != 0 ]; then
		fail "$name" "exit non-zero: $out"
	elif [ "$out" != "$want" ]; then
		fail "$name" "got: $(tr '\n' '|' <<<"$out")"
	else
		ok "$name"
	fi
}

# refuse NAME MESSAGE ARGS...: exit 1, nothing on stdout, and stderr is
# exactly MESSAGE.
refuse() {
	local name=$1 want=$2 out err rc
	shift 2
	out=$("$CTL" "$@" 2>"$TMP/err")
	rc=$?
	err=$(cat "$TMP/err")
	if [ $rc != 1 ]; then
		fail "$name" "exit $rc, wanted 1 (stderr: $err)"
	elif [ -n "$out" ]; then
		fail "$name" "printed a request: $(tr '\n' '|' <<<"$out")"
	elif [ "$err" != "$want" ]; then
		fail "$name" "stderr \"$err\", wanted \"$want\""
	else
		ok "$name"
	fi
}

SA="sa add src 3.3.3.1 dst 5.5.5.1 proto esp spi 0x1001"
E="nfipsecctl: sa add:"

# --- sa add: what reaches the kernel ---

exact design-example-sa "cmd SA_ADD
SA/SPI 0x00001001
SA/PROTO 50
SA/FAMILY 2
SA/DST 5.5.5.1
SA/SRC 3.3.3.1
SA/MODE 1
SA/REPLAY_WINDOW 128
SA/AEAD/NAME rfc4106(gcm(aes))
SA/AEAD/KEY $K36
SA/AEAD/ICV_BITS 128" \
	$SA mode tunnel aead aes256gcm16 $K36 replay-window 128

req aead-aes128gcm16 "SA/AEAD/NAME rfc4106(gcm(aes))
SA/AEAD/KEY $K20
SA/AEAD/ICV_BITS 128
SA/MODE 0" $SA aead aes128gcm16 $K20

req aead-aes128gcm8 "SA/AEAD/ICV_BITS 64" $SA aead aes128gcm8 $K20
req aead-aes256gcm12 "SA/AEAD/ICV_BITS 96" $SA aead aes256gcm12 $K36

req aead-raw-ip-xfrm "SA/AEAD/NAME rfc4106(gcm(aes))
SA/AEAD/KEY $K28
SA/AEAD/ICV_BITS 64" $SA aead 'rfc4106(gcm(aes))' $K28 64

req aead-raw-icv-optional "SA/AEAD/ICV_BITS 128
SA/REQID 7" $SA aead 'rfc4106(gcm(aes))' $K20 reqid 7

# pcrypt(...) and cryptd(...) run an AEAD asynchronously; the inner
# name is checked (and a keyword resolved) as without them
req aead-pcrypt "SA/AEAD/NAME pcrypt(rfc4106(gcm(aes)))
SA/AEAD/ICV_BITS 96" $SA aead 'pcrypt(rfc4106(gcm(aes)))' $K20 96
req aead-cryptd-keyword "SA/AEAD/NAME cryptd(rfc4106(gcm(aes)))
SA/AEAD/KEY $K20
SA/AEAD/ICV_BITS 128" $SA aead 'cryptd(aes128gcm16)' $K20

req chacha20poly1305 "SA/AEAD/NAME rfc7539esp(chacha20,poly1305)
SA/AEAD/KEY $K36
SA/AEAD/ICV_BITS 128" $SA aead chacha20poly1305 $K36

req gmac "SA/AEAD/NAME rfc4543(gcm(aes))
SA/AEAD/ICV_BITS 128" $SA aead aes128gmac $K20

req enc-auth-raw-xfrm-default "SA/ENC/NAME cbc(aes)
SA/ENC/KEY $K16
SA/AUTH/NAME hmac(sha256)
SA/AUTH/KEY $K32
SA/AUTH/ICV_BITS 96" $SA enc 'cbc(aes)' $K16 auth 'hmac(sha256)' $K32

req auth-trunc "SA/AUTH/NAME hmac(sha256)
SA/AUTH/ICV_BITS 128" $SA enc 'cbc(aes)' $K16 auth-trunc 'hmac(sha256)' $K32 128

req friendly-enc-auth "SA/ENC/NAME cbc(aes)
SA/ENC/KEY $K32
SA/AUTH/NAME hmac(sha256)
SA/AUTH/ICV_BITS 96" $SA enc aes256 $K32 auth sha256 $K32

req friendly-sha1-sha384-sha512 "SA/AUTH/NAME hmac(sha512)
SA/AUTH/ICV_BITS 256" $SA enc aes $K24 auth sha512 $(hex 64)

req combined-aes128-sha256 "SA/ENC/NAME cbc(aes)
SA/ENC/KEY $(hex 16 1)
SA/AUTH/NAME hmac(sha256)
SA/AUTH/KEY $(hex 32 2)
SA/AUTH/ICV_BITS 128" $SA enc aes128-sha256 "$(hex 16 1)$(hex 32 2 | cut -c3-)"

req combined-aes256-sha1 "SA/ENC/KEY $(hex 32 1)
SA/AUTH/NAME hmac(sha1)
SA/AUTH/ICV_BITS 96" $SA enc aes256-sha1 "$(hex 32 1)$(hex 20 2 | cut -c3-)"

req ctr-nonce "SA/ENC/NAME rfc3686(ctr(aes))
SA/ENC/KEY $K20" $SA enc aes128ctr $K20 auth sha384 $K48

req null-enc-empty-key "SA/ENC/NAME ecb(cipher_null)
SA/ENC/KEY 0x" $SA enc 'ecb(cipher_null)' "" auth sha1 $K20

req ah "SA/PROTO 51
SA/AUTH/NAME hmac(sha1)
SA/AUTH/ICV_BITS 96" sa add src 3.3.3.1 dst 5.5.5.1 proto ah spi 9 auth sha1 $K20

req ipv6-tunnel "SA/FAMILY 10
SA/SRC 2001:db8::1
SA/DST 2001:db8::2
SA/SEL/FAMILY 2
SA/SEL/SRC 10.0.0.0
SA/SEL/SRC_PLEN 8" sa add src 2001:db8::1 dst 2001:db8::2 proto esp spi 5 mode tunnel \
	aead aes128gcm16 $K20 sel src 10.0.0.0/8 dst 0.0.0.0/0

req sel-ports "SA/SEL/PROTO 6
SA/SEL/DPORT_MIN 443
SA/SEL/DPORT_MAX 443
SA/SEL/SPORT_MIN 1024
SA/SEL/SPORT_MAX 65535" $SA aead aes128gcm16 $K20 sel src 1.0.0.0/8 proto tcp sport 1024-65535 dport 443

req flags-esn-seq "SA/FLAGS 7
SA/SEQ_OUT 4294967295
SA/SEQ_IN 8589934593" $SA mode tunnel aead aes128gcm16 $K20 flag esn noecn flag decap-dscp \
	replay-oseq 0xffffffff replay-seq 1 replay-seq-hi 2

req limits "SA/LIFETIME_SOFT/ADD_SECS 100
SA/LIFETIME_SOFT/BYTES 1000
SA/LIFETIME_HARD/PACKETS 50
SA/LIFETIME_HARD/USE_SECS 30" $SA aead aes128gcm16 $K20 limit time-soft 100 byte-soft 1000 \
	limit packet-hard 50 time-use-hard 30 time-hard inf

req limits-hex-zero "SA/LIFETIME_SOFT/PACKETS 16
SA/LIFETIME_HARD/BYTES 18446744073709551615" $SA aead aes128gcm16 $K20 \
	limit packet-soft 0x10 byte-hard 18446744073709551615 time-soft 0
refuse limit-not-number "$E invalid packet-soft \"12x\"" $SA aead aes128gcm16 $K20 limit packet-soft 12x
refuse limit-negative "$E invalid time-hard \"-1\"" $SA aead aes128gcm16 $K20 limit time-hard -1
refuse limit-too-big "$E invalid byte-soft \"18446744073709551616\"" $SA aead aes128gcm16 $K20 \
	limit byte-soft 18446744073709551616
refuse limit-fraction "$E invalid time-use-soft \"1.5\"" $SA aead aes128gcm16 $K20 limit time-use-soft 1.5
refuse limit-unknown "$E unknown limit \"packets-soft\"" $SA aead aes128gcm16 $K20 limit packets-soft 1
refuse limit-no-value "$E \"packet-hard\" needs a value" $SA aead aes128gcm16 $K20 limit packet-hard
refuse limit-empty "$E \"limit\" needs a value" $SA aead aes128gcm16 $K20 limit

req encap-df "SA/ENCAP/TYPE 2
SA/ENCAP/SPORT 4500
SA/ENCAP/DPORT 4501
SA/DF 2" $SA mode tunnel aead aes128gcm16 $K20 encap espinudp 4500 4501 0.0.0.0 df clear
req natt-keepalive "SA/ENCAP/KEEPALIVE 20" $SA aead aes128gcm16 $K20 \
	encap espinudp 4500 4500 0.0.0.0 natt-keepalive 20
refuse natt-keepalive-no-encap "$E natt-keepalive needs encap espinudp" \
	$SA aead aes128gcm16 $K20 natt-keepalive 20
refuse natt-keepalive-too-long "$E natt-keepalive \"3601\" out of range (0 to 3600)" \
	$SA aead aes128gcm16 $K20 encap espinudp 4500 4500 0.0.0.0 natt-keepalive 3601

printf '%s\n' "${K20#0x}" >"$TMP/key"
req key-at-file "SA/AEAD/KEY $K20" $SA aead aes128gcm16 "@$TMP/key"
printf '  %s\n\n' "$K20" >"$TMP/key0x"
req key-file-colon "SA/AEAD/KEY $K20" $SA aead aes128gcm16 "file:$TMP/key0x"

req sa-update "cmd SA_UPDATE" sa update src 3.3.3.1 dst 5.5.5.1 proto esp spi 1 aead aes128gcm16 $K20
# an update without algorithms: lifetimes only, no MODE sent (the SA keeps its own)
exact sa-update-lifetimes "cmd SA_UPDATE
SA/SPI 0x00000001
SA/PROTO 50
SA/FAMILY 2
SA/DST 5.5.5.1
SA/SRC 3.3.3.1
SA/LIFETIME_HARD/PACKETS 9" sa update src 3.3.3.1 dst 5.5.5.1 proto esp spi 1 limit packet-hard 9

# --- sa allocspi ---
exact sa-allocspi-range "cmd SA_ALLOCSPI
SA/PROTO 50
SA/FAMILY 2
SA/SRC 5.5.5.1
SA/DST 3.3.3.1
SA/MODE 1
SA/REQID 7
SA/SPI_MIN 256
SA/SPI_MAX 4095
SA/LARVAL_SECS 60" sa allocspi src 5.5.5.1 dst 3.3.3.1 proto esp mode tunnel reqid 7 spi-range 0x100 0xfff timeout 60
req sa-allocspi-xfrm-min-max "SA/SPI_MIN 4096
SA/SPI_MAX 8192" sa allocspi src fd00::1 dst fd00::2 proto esp min 0x1000 max 0x2000
absent sa-allocspi-defaults-left-to-kernel "SA/SPI_M" sa allocspi src 5.5.5.1 dst 3.3.3.1 proto esp
refuse sa-allocspi-no-proto "nfipsecctl: sa allocspi: proto is required (esp or ah)" \
	sa allocspi src 5.5.5.1 dst 3.3.3.1
refuse sa-allocspi-no-src "nfipsecctl: sa allocspi: src and dst are required" \
	sa allocspi dst 3.3.3.1 proto esp
refuse sa-allocspi-families "nfipsecctl: sa allocspi: src and dst are of different address families" \
	sa allocspi src 5.5.5.1 dst fd00::1 proto esp
refuse sa-allocspi-no-keys "nfipsecctl: sa allocspi: unknown keyword \"aead\"" \
	sa allocspi src 5.5.5.1 dst 3.3.3.1 proto esp aead aes128gcm16 $K20
refuse sa-allocspi-timeout-0 "nfipsecctl: sa allocspi: timeout \"0\" out of range (1 to 4294967295)" \
	sa allocspi src 5.5.5.1 dst 3.3.3.1 proto esp timeout 0

exact sa-del "cmd SA_DEL
SA/SPI 0x00001001
SA/PROTO 50
SA/FAMILY 2
SA/DST 5.5.5.1" sa del src 3.3.3.1 dst 5.5.5.1 proto esp spi 0x1001

exact sa-get-keys "cmd SA_GET
REQ_FLAGS 1
SA/SPI 0x00000005
SA/PROTO 51
SA/FAMILY 10
SA/DST ::1" -k sa get dst ::1 proto ah spi 5

exact sa-list "cmd SA_GET dump" sa list
exact sa-flush-proto "cmd SA_FLUSH
SA/PROTO 51" sa flush proto ah

# --- sa add: refusals, before anything is sent ---

refuse key-length "$E key for rfc4106(gcm(aes)) is 128 bits; expected 160, 224 or 288 (key plus 32-bit salt)" \
	$SA aead 'rfc4106(gcm(aes))' $K16 128
refuse pcrypt-not-aead "$E pcrypt needs an AEAD algorithm, not \"cbc(aes)\"" \
	$SA aead 'pcrypt(cbc(aes))' $K16
refuse pcrypt-key-length "$E key for pcrypt(rfc4106(gcm(aes))) is 128 bits; expected 160, 224 or 288 (key plus 32-bit salt)" \
	$SA aead 'pcrypt(rfc4106(gcm(aes)))' $K16 128
refuse key-length-keyword "$E key for aes256gcm16 is 160 bits; expected 288 (key plus 32-bit salt)" \
	$SA aead aes256gcm16 $K20
refuse key-length-hmac "$E key for sha256 is 128 bits; expected 256" \
	$SA enc aes128 $K16 auth sha256 $K16
refuse key-length-combined "$E key for aes128-sha256 is 256 bits; expected 384 (the cbc(aes) key, then the 256-bit hmac(sha256) key)" \
	$SA enc aes128-sha256 $K32
refuse unknown-alg "$E unknown algorithm \"gcm-aes\"" $SA aead gcm-aes $K20 128
refuse wrong-slot "$E \"cbc(aes)\" is an enc algorithm, not aead" $SA aead 'cbc(aes)' $K16
refuse bad-icv "$E ICV of 32 bits is not valid for rfc4106(gcm(aes)); expected 64, 96 or 128" \
	$SA aead 'rfc4106(gcm(aes))' $K20 32
refuse bad-trunc "$E ICV of 100 bits is not valid for hmac(sha256); expected 96, 128 or 256" \
	$SA enc aes $K16 auth-trunc 'hmac(sha256)' $K32 100
refuse missing-spi "$E spi is required" sa add src 1.1.1.1 dst 2.2.2.2 proto esp aead aes128gcm16 $K20
refuse spi-zero "$E spi \"0\": 0 is reserved (RFC 4303)" sa add src 1.1.1.1 dst 2.2.2.2 proto esp spi 0
refuse missing-src "$E src is required" sa add dst 2.2.2.2 proto esp spi 1 aead aes128gcm16 $K20
refuse missing-proto "$E proto is required (esp or ah)" sa add src 1.1.1.1 dst 2.2.2.2 spi 1 aead aes128gcm16 $K20
refuse bad-prefix "$E invalid prefix \"10.0.0.0/33\" (length 0 to 32)" \
	$SA aead aes128gcm16 $K20 sel src 10.0.0.0/33
refuse aead-and-enc "$E aead excludes enc and auth" $SA aead aes128gcm16 $K20 enc aes $K16
refuse esp-no-alg "$E proto esp needs aead, or enc and auth" $SA mode tunnel
refuse enc-no-auth "$E enc without auth gives no integrity; add auth, or flag noauth" $SA enc aes $K16
req enc-noauth-flag "SA/FLAGS 8" $SA enc aes $K16 flag noauth
refuse ah-with-enc "$E proto ah takes auth only, no aead or enc" \
	sa add src 1.1.1.1 dst 2.2.2.2 proto ah spi 1 enc aes $K16 auth sha1 $K20
refuse ah-no-auth "$E proto ah needs auth or auth-trunc" sa add src 1.1.1.1 dst 2.2.2.2 proto ah spi 1
AH="sa add src 1.1.1.1 dst 2.2.2.2 proto ah spi 1"
req ah-trunc-align4 "SA/PROTO 51
SA/FLAGS 16
SA/AUTH/NAME hmac(sha512)
SA/AUTH/ICV_BITS 256" $AH mode tunnel auth-trunc 'hmac(sha512)' $K64 256 flag align4
req ah-md5-esn "SA/FLAGS 1
SA/AUTH/NAME hmac(md5)
SA/AUTH/ICV_BITS 96" $AH auth 'hmac(md5)' $K16 flag esn
refuse ah-align4-v6 "$E flag align4 needs IPv4 (IPv6 wants 64-bit alignment)" \
	sa add src ::1 dst ::2 proto ah spi 1 auth sha256 $K32 flag align4
refuse esp-align4 "$E flag align4 needs proto ah" $SA aead aes128gcm16 $K20 flag align4
refuse ah-noauth "$E flag noauth needs proto esp" $AH auth sha1 $K20 flag noauth
refuse unknown-keyword "$E unknown keyword \"if_id\"" $SA aead aes128gcm16 $K20 if_id 5
refuse unknown-flag "$E unknown flag \"wildrecv\" (esn, noecn, decap-dscp, noauth, align4)" $SA flag wildrecv
refuse family-mix "$E src and dst are of different address families" \
	sa add src 1.1.1.1 dst ::2 proto esp spi 1 aead aes128gcm16 $K20
refuse bad-address "$E invalid address \"1.2.3\"" sa add src 1.2.3 dst 1.1.1.1
refuse ports-need-proto "$E sport and dport need proto tcp, udp or sctp" \
	$SA aead aes128gcm16 $K20 sel src 1.0.0.0/8 dport 80
refuse hi-needs-esn "$E replay-seq-hi needs flag esn" $SA aead aes128gcm16 $K20 replay-seq-hi 1
refuse replay-window-range "$E replay-window \"5000\" out of range (0 to 4096)" $SA replay-window 5000
refuse not-hex "$E key \"0x12zz\" is not hex" $SA aead aes128gcm16 0x12zz
refuse ascii-key "$E key \"secret\" is not 0x-prefixed hex, @FILE or file:FILE" $SA aead aes128gcm16 secret
refuse key-file-missing "$E key file \"$TMP/none\": No such file or directory" $SA aead aes128gcm16 "@$TMP/none"
refuse value-missing "$E \"spi\" needs a value" sa add src 1.1.1.1 spi
refuse noecn-transport "$E flag noecn needs mode tunnel" $SA aead aes128gcm16 $K20 flag noecn
refuse sa-del-no-dst "nfipsecctl: sa del: dst is required" sa del proto esp spi 1
refuse sa-unknown-cmd "nfipsecctl: unknown command \"sa frob\"; try \"nfipsecctl sa help\"" sa frob

# --- policy ---

P="nfipsecctl: policy add:"
exact design-example-policy "cmd POLICY_ADD
POLICY/DIR 1
POLICY/PRIORITY 0
POLICY/ACTION 0
POLICY/SEL/FAMILY 2
POLICY/SEL/SRC 3.3.3.0
POLICY/SEL/SRC_PLEN 24
POLICY/SEL/DST 5.5.5.0
POLICY/SEL/DST_PLEN 24
POLICY/TMPLS/TMPL#1/PROTO 50
POLICY/TMPLS/TMPL#1/MODE 1
POLICY/TMPLS/TMPL#1/FAMILY 2
POLICY/TMPLS/TMPL#1/SRC 3.3.3.1
POLICY/TMPLS/TMPL#1/DST 5.5.5.1" \
	policy add dir out src 3.3.3.0/24 dst 5.5.5.0/24 tmpl proto esp mode tunnel src 3.3.3.1 dst 5.5.5.1

req policy-two-tmpl "POLICY/TMPLS/TMPL#1/PROTO 51
POLICY/TMPLS/TMPL#1/MODE 0
POLICY/TMPLS/TMPL#1/REQID 3
POLICY/TMPLS/TMPL#2/PROTO 50
POLICY/TMPLS/TMPL#2/SPI 0x00000100
POLICY/PRIORITY 10
POLICY/SEL/PROTO 17
POLICY/SEL/DPORT_MIN 500
POLICY/SEL/DPORT_MAX 4500" \
	policy add dir in src 10.0.0.1 dst 10.0.0.2 proto udp dport 500-4500 priority 10 \
	tmpl proto ah mode transport reqid 3 tmpl proto esp spi 0x100 level required

req policy-allow-tmpl-is-protect "POLICY/ACTION 0" \
	policy add dir out src 1.0.0.0/8 dst 2.0.0.0/8 action allow tmpl proto esp
req policy-allow-is-bypass "POLICY/ACTION 1" policy add dir out src 1.0.0.0/8 dst 2.0.0.0/8 action allow
req policy-block-is-discard "POLICY/ACTION 2" policy add dir fwd src ::/0 dst 2001:db8::/32 action block
req policy-icmp-type "POLICY/SEL/PROTO 1
POLICY/SEL/TYPE 8
POLICY/SEL/CODE 0" policy add dir in src 0.0.0.0/0 dst 1.1.1.1 proto icmp type 8 code 0
absent policy-no-tmpl-no-tmpls POLICY/TMPLS policy add dir in src 1.1.1.1 dst 2.2.2.2
exact policy-del-index "cmd POLICY_DEL
POLICY/INDEX 42" policy del index 42
req policy-del-sel "cmd POLICY_DEL
POLICY/DIR 0
POLICY/PRIORITY 0
POLICY/SEL/DST_PLEN 16" policy del dir in src 10.0.0.0/16 dst 10.1.0.0/16
exact policy-flush-dir "cmd POLICY_FLUSH
POLICY/DIR 2" policy flush dir fwd
exact policy-list "cmd POLICY_GET dump" policy list

refuse tunnel-tmpl-no-dst "$P tmpl 1: mode tunnel needs src and dst" \
	policy add dir out src 1.0.0.0/8 dst 2.0.0.0/8 tmpl proto esp mode tunnel src 1.1.1.1
refuse policy-no-dir "$P dir is required (in, out or fwd)" policy add src 1.0.0.0/8 dst 2.0.0.0/8
refuse policy-bad-prefix "$P invalid prefix \"10.0.0.0/33\" (length 0 to 32)" \
	policy add dir out src 10.0.0.0/33 dst 1.1.1.1
refuse policy-ports-icmp "$P sport and dport need proto tcp, udp or sctp" \
	policy add dir out src 1.1.1.1 dst 2.2.2.2 proto icmp dport 80
refuse policy-five-tmpl "$P at most 4 tmpl" policy add dir out src 1.1.1.1 dst 2.2.2.2 \
	tmpl proto esp tmpl proto esp tmpl proto esp tmpl proto esp tmpl proto esp
refuse policy-block-tmpl "$P action block takes no tmpl" \
	policy add dir out src 1.1.1.1 dst 2.2.2.2 action block tmpl proto esp
refuse policy-keyword-after-tmpl "$P unknown keyword \"priority\" in tmpl (tmpl takes src dst proto mode reqid spi, and comes last)" \
	policy add dir out src 1.1.1.1 dst 2.2.2.2 tmpl proto esp priority 5
refuse policy-bad-dir "$P unknown dir \"sideways\" (in, out or fwd)" policy add dir sideways
refuse policy-tmpl-no-proto "$P tmpl 1: proto is required (esp or ah)" \
	policy add dir out src 1.1.1.1 dst 2.2.2.2 tmpl mode transport

# --- stats, help, top level ---

exact stats "cmd STATS_GET" stats
exact stats-reset "cmd STATS_RESET" stats reset
exact monitor "monitor group events" monitor
refuse unknown-object "nfipsecctl: unknown object \"state\"; try \"nfipsecctl help\"" state add
refuse unknown-option "nfipsecctl: unknown option \"-x\"; try \"nfipsecctl help\"" -x sa list
for h in "help" "sa help" "policy help" "stats help" "monitor help"; do
	# shellcheck disable=SC2086
	if out=$("$CTL" $h 2>/dev/null) && grep -q '^usage:' <<<"$out"; then
		ok "help-${h// /-}"
	else
		fail "help-${h// /-}" "no usage on stdout or non-zero exit"
	fi
done

# --- batch ---

cat >"$TMP/batch" <<BATCH
# a negotiator's batch
sa flush

policy add dir out src 3.3.3.0/24 dst 5.5.5.0/24 \\
	tmpl proto esp mode tunnel src 3.3.3.1 dst 5.5.5.1   # trailing comment
sa add src 3.3.3.1 dst 5.5.5.1 proto esp spi 0x1001 mode tunnel aead 'rfc4106(gcm(aes))' $K20 128
nfipsecctl sa add src 3.3.3.1 dst 5.5.5.1 proto esp spi 2 enc "ecb(cipher_null)" "" auth sha1 $K20
BATCH
out=$("$CTL" -b "$TMP/batch" 2>&1)
if [ $? = 0 ] && [ "$(grep -c '^cmd ' <<<"$out")" = 4 ] &&
   grep -qxF 'POLICY/TMPLS/TMPL#1/DST 5.5.5.1' <<<"$out" &&
   grep -qxF 'SA/ENC/KEY 0x' <<<"$out"; then
	ok batch-file
else
	fail batch-file "$(tr '\n' '|' <<<"$out")"
fi

printf 'sa flush\n\n# x\nsa add src 1.1.1.1 dst 2.2.2.2 proto esp spi 1 aead aes128gcm16 %s\nstats\n' "$K16" >"$TMP/bad"
# stderr: exactly the refusal, naming its line; exit 1.
batch_refuse() {
	local name=$1 want=$2 err rc
	shift 2
	"$CTL" "$@" >/dev/null 2>"$TMP/err"
	rc=$?
	err=$(cat "$TMP/err")
	if [ $rc = 1 ] && [ "$err" = "$want" ]; then
		ok "$name"
	else
		fail "$name" "exit $rc, stderr \"$err\", wanted \"$want\""
	fi
}
batch_refuse batch-error-line "nfipsecctl: line 4: sa add: key for aes128gcm16 is 128 bits; expected 160 (key plus 32-bit salt)" \
	-b "$TMP/bad"
out=$("$CTL" -b - <"$TMP/bad" 2>/dev/null)
[ "$(grep -c '^cmd ' <<<"$out")" = 1 ] && ok batch-stops || fail batch-stops "ran past the error: $(tr '\n' '|' <<<"$out")"
out=$("$CTL" -force -b - <"$TMP/bad" 2>/dev/null)
rc=$?
if [ $rc = 1 ] && grep -qx 'cmd STATS_GET' <<<"$out"; then
	ok batch-force
else
	fail batch-force "exit $rc: $(tr '\n' '|' <<<"$out")"
fi
printf 'sa list\npolicy add dir out src 1.1.1.1 dst 2.2.2.2 tmpl "proto\n' >"$TMP/quote"
batch_refuse batch-unterminated-quote "nfipsecctl: line 2: unterminated \" quote" -b "$TMP/quote"
printf 'sa list\n' >"$TMP/one"
refuse batch-no-command "nfipsecctl: -b takes no command (\"sa\")" -b "$TMP/one" sa list

if [ $FAILED = 0 ]; then exit 0; fi
echo "# $FAILED failed"
exit 1
