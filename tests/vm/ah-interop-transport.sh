#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec against Linux XFRM: AH (RFC 4302) in transport mode over IPv4
# and IPv6. Every AH algorithm of issue 4 (HMAC-SHA1-96, -SHA256-128,
# -SHA384-192, -SHA512-256, -MD5-96), ESN, and over IPv4 the 32-bit
# alignment of "flag align4"; per case a ping each way and 256 KiB of TCP
# each way, compared byte for byte at the far end.
# Topology and cases: tests/vm/esp-lib.inc.
# Each suite run covers every algorithm here, part on one test kernel
# and part on the other (esp-lib.inc, matrix_share).
#
#   nf (nfipsec) ----veth---- xf (XFRM)
. "$(dirname "$0")/esp-lib.inc"
esp_setup
esp_matrix transport 4 4 ah
esp_matrix transport 6 6 ah
finish
