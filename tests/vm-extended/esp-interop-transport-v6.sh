#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec against Linux XFRM: transport mode, IPv6 inside IPv6, the AEAD
# algorithms of issue 3 and ESN (ENC+AUTH: the -authenc file), ping and TCP
# with checksum both ways. Topology: see
# esp-lib.inc (namespaces nf and xf on one veth pair).
#
#   nf (nfipsec) ----veth---- xf (XFRM)
. "$(dirname "$0")/../vm/esp-lib.inc"
esp_setup
esp_matrix transport 6 6 aead
finish
