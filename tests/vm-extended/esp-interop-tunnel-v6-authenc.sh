#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec against Linux XFRM: tunnel mode, IPv6 inside IPv6, the ENC+AUTH
# algorithms of issue 3 (authenc; the AEAD ones are in the file without
# -authenc), ping and TCP with checksum both ways. Topology: see
# esp-lib.inc (namespaces nf and xf on one veth pair).
#
#   nf (nfipsec) ----veth---- xf (XFRM)
. "$(dirname "$0")/../vm/esp-lib.inc"
esp_setup
esp_matrix tunnel 6 6 authenc
finish
