#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Asynchronous crypto: nfipsec's SAs run their AEAD through the pcrypt
# and cryptd templates, so every encryption and decryption completes later
# in another context (a padata or cryptd worker), while the XFRM peer uses
# the plain algorithm: the wire format is the same. Per template: the
# kernel instantiated it as an asynchronous algorithm, traffic passes both
# ways (ping, 1 MiB of TCP each way), and no packet was dropped for a
# crypto error.
#
#   nf (nfipsec, pcrypt/cryptd) ----veth---- xf (XFRM, plain)
. "$(dirname "$0")/esp-lib.inc"
esp_setup

# async_of WRAP ALG: the "async" field of /proc/crypto's AEAD named ALG
# whose driver is an instance of the template WRAP.
async_of() {
	awk -v w="$1(" -v a="$2" '
		/^name/ { n = $3 }
		/^driver/ { d = $3 }
		/^type/ { t = $3 }
		/^async/ && n == a && index(d, w) == 1 && t == "aead" {
			print $3; exit
		}
	' /proc/crypto
}

# Before Linux 6.3 cryptd's AEAD fails the crypto manager's self-test of
# every instance (a WARNING: it changes the caller's request structure);
# nfipsec refuses it there, and only pcrypt is tested.
wraps="pcrypt cryptd"
IFS=. read -r kmaj kmin _ <<<"$(uname -r)"
if [ "$kmaj" -lt 6 ] || { [ "$kmaj" = 6 ] && [ "$kmin" -lt 3 ]; }; then
	wraps=pcrypt
	check_fails "cryptd refused before Linux 6.3" "cryptd AEAD is broken" \
		nfctl nf sa add src 10.0.0.1 dst 10.0.0.2 proto esp \
		spi 0x7001 mode transport \
		aead 'cryptd(rfc4106(gcm(aes)))' "0x$(hexkey 20)" 128
fi

for wrap in $wraps; do
	for e in "aes128gcm16|rfc4106(gcm(aes))|$(hexkey 20)" \
		 "chacha20poly1305|rfc7539esp(chacha20,poly1305)|$(hexkey 36)"; do
		IFS='|' read -r name alg key <<<"$e"
		case=$wrap-$name
		if ! esp_case transport 4 4 aead "$alg" "0x$key" 128 \
			>"$T_DIR/case.log" 2>&1; then
			fail "$case" "setup: $(tr '\n' ' ' <"$T_DIR/case.log")"
			continue
		fi
		# nf's SAs again, with the template around the algorithm
		{
			echo "sa flush"
			for s in "10.0.0.1 10.0.0.2 0x1001" "10.0.0.2 10.0.0.1 0x1002"
			do
				set -- $s
				echo "sa add src $1 dst $2 proto esp spi $3" \
				     "mode transport aead $wrap($alg) 0x$key 128"
			done
		} >"$T_DIR/nf.batch"
		if ! out=$(nfctl nf -b "$T_DIR/nf.batch" 2>&1); then
			fail "$case" "sa add with $wrap: $out"
			esp_flush
			continue
		fi
		check_eq "$case: the kernel runs it asynchronously" yes \
			"$(async_of "$wrap" "$alg")"
		crypto0=$(drop_count nf crypto)
		if why=$(esp_traffic 1048576 2>&1); then
			ok "$case: traffic both ways"
		else
			fail "$case: traffic both ways" "$why"
		fi
		check_eq "$case: no crypto errors" "${crypto0:-0}" \
			"$(drop_count nf crypto)"
		esp_flush
	done
done
finish
