#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec against Linux XFRM: tunnel mode, IPv6 inside IPv6. Every algorithm of
# issue 3 (AEAD, ENC+AUTH, NULL+AUTH) and ESN; per algorithm a ping each
# way and 256 KiB of TCP each way, compared byte for byte at the far end.
# Topology and cases: tests/vm/esp-lib.inc.
# Each suite run covers every algorithm here, part on one test kernel
# and part on the other (esp-lib.inc, matrix_share).
#
#   nf (nfipsec) ----veth---- xf (XFRM)
. "$(dirname "$0")/esp-lib.inc"
esp_setup
esp_matrix tunnel 6 6
finish
