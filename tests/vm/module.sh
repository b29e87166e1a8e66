#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The module itself: load, answer, unload; repeated loads with namespaces
# coming and going; the hooks leave plain traffic alone.
#
#   +---------+  veth  +---------+
#   |   ma    |--------|   mb    |
#   | 10.1.0.1|        | 10.1.0.2|
#   | fd01::1 |        | fd01::2 |
#   +---------+        +---------+
. "$(dirname "$0")/../lib.sh"

plain_traffic() {
	nsx ma ping -c 2 -W 2 -i 0.2 10.1.0.2 >/dev/null &&
		nsx ma ping -c 2 -W 2 -i 0.2 fd01::2 >/dev/null &&
		tcp_transfer ma mb 10.1.0.2 1048576 &&
		tcp_transfer ma mb fd01::2 1048576
}

mkns ma mb
link ma va mb vb
addr ma va 10.1.0.1/24 fd01::1/64
addr mb vb 10.1.0.2/24 fd01::2/64

check "plain traffic before load" plain_traffic
check "module loads" load_module
check "version answers" sh -c "$CTL version | grep -q 'module 0\.'"
check "algs lists AES-GCM as available" \
	sh -c "$CTL algs | grep -E '^aead +rfc4106\(gcm\(aes\)\) +[a-z]'"
check "algs -j is JSON" sh -c "$CTL -j algs | python3 -c 'import json,sys; a=json.load(sys.stdin); assert len(a) >= 11'"
check "plain traffic with hooks in every namespace" plain_traffic
check "netns created after load" mkns mc
check "module unloads" unload_module
check_fails "tool says the module is not loaded" "module is not loaded" \
	"$CTL" version

# Ten rounds: each costs seconds under TCG (a dozen programs, a module
# load and an RCU barrier on unload).
cycles() {
	local i
	for i in $(seq 1 10); do
		insmod "$NFIPSEC_KO" || return 1
		ip netns add cyc$i || return 1
		ip -n cyc$i link set lo up
		"$CTL" version >/dev/null || return 1
		ip netns del cyc$i
		rmmod nfipsec || return 1
		ip netns add cyc$i-b
		ip netns del cyc$i-b
	done
}
check "10 load/unload cycles with namespaces between" cycles
check "plain traffic after unload" plain_traffic

finish
