#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec against Linux XFRM: tunnel mode, IPv6 inside IPv4, the AEAD
# algorithms of issue 3 and ESN (ENC+AUTH: the -authenc file), ping and TCP
# with checksum both ways. Topology: see
# esp-lib.inc (namespaces nf and xf on one veth pair).
#
#   nf (nfipsec) ----veth---- xf (XFRM)
. "$(dirname "$0")/../vm/esp-lib.inc"
esp_setup
esp_matrix tunnel 4 6 aead
finish
