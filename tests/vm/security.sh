#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Security checks (issue 8); privilege.sh has the refusals of callers
# without CAP_NET_ADMIN, this file what it leaves out:
#   1. namespaces are isolated: b1 has the same addresses as nf but no
#      state; nf's SAs and policies are absent from b1's dumps and its
#      traffic to b2 leaves in clear, untouched by nf's SA
#   2. keys: absent from root's listings without -k (text and JSON); "sa
#      get -k" refused to nobody; user-namespace root on the host netns
#      cannot add, update or reset
#   3. no cleartext of the protected flow nf -> xf on the wire (a capture
#      on xf's side, transport mode: XFRM's decapsulated packets do not
#      show there) with the SA missing, deleted mid-flow, refused at
#      add (a bad key), and, on kernels with failslab (the debug kernel),
#      with allocations on the packet path failing
#
#   nf (nfipsec, 10.0.0.1) ----veth---- xf (XFRM, 10.0.0.2)
#   b1 (nfipsec, 10.0.0.1) ----veth---- b2 (10.0.0.2)
. "$(dirname "$0")/esp-lib.inc"
NF=10.0.0.1
XF=10.0.0.2
HEX=$(hexkey 20)
KEY="aead rfc4106(gcm(aes)) 0x$HEX 128"
TM="tmpl proto esp mode transport"
SA_OUT="src $NF dst $XF proto esp spi 0x1001 mode transport $KEY"
SA_IN="src $XF dst $NF proto esp spi 0x1002 mode transport $KEY"
P_OUT="dir out src $NF/32 dst $XF/32"
ID_OUT="src $NF dst $XF proto esp spi 0x1001"

esp_setup
mkns b1 b2 && link b1 bv b2 bw && addr b1 bv $NF/24 && addr b2 bw $XF/24 ||
	{ fail setup "b1, b2"; finish; }
nsx b1 ping -c1 -W2 $XF >/dev/null
printf '%s\n' "sa add $SA_OUT" "sa add $SA_IN" "policy add $P_OUT $TM" \
	"policy add dir in src $XF/32 dst $NF/32 $TM" >"$T_DIR/nf.batch"
printf '%s\n' "xfrm state add $SA_OUT" "xfrm state add $SA_IN" \
	"xfrm policy add dir in src $NF/32 dst $XF/32 $TM" \
	"xfrm policy add dir out src $XF/32 dst $NF/32 $TM" >"$T_DIR/xf.batch"
check setup nfctl nf -b "$T_DIR/nf.batch" && ip -n xf -batch "$T_DIR/xf.batch"

# cap_start NS IF FILTER / cap_count: packets matching FILTER received
cap_start() {
	rm -f "$T_DIR/cap"
	nsx "$1" tcpdump -Z root -Q in -i "$2" -n -U -w "$T_DIR/cap" "$3" \
		2>"$T_DIR/cap.err" &
	CAP=$!
	for _ in $(seq 1 40); do
		[[ $(<"$T_DIR/cap.err") == *listening* ]] && return 0
		sleep 0.2
	done
	return 1
}
cap_count() {
	sleep 0.5
	kill_tree "$CAP"
	tcpdump -r "$T_DIR/cap" -n 2>/dev/null | wc -l
}
ping_n() {
	nsx "$1" ping -n -q -c "$2" -i 0.02 -W 1 "$3" 2>/dev/null |
		awk '/received/ { print $4 }'
}

# 1. isolation
check_eq isolation-nf-has-sas 2 "$(nfctl nf -j sa list | jq length)"
check_eq isolation-b1-sees-no-sa 0 "$(nfctl b1 -j sa list | jq length)"
check_eq isolation-b1-sees-no-policy 0 "$(nfctl b1 -j policy list | jq length)"
check_fails isolation-b1-cannot-get-nf-sa 'no such SA' \
	nfctl b1 sa get $ID_OUT
check_fails isolation-b1-cannot-del-nf-sa 'no such SA' \
	nfctl b1 sa del dst $XF proto esp spi 0x1001
check_eq isolation-b1-flush-leaves-nf 2 \
	"$(nfctl b1 sa flush && nfctl nf -j sa list | jq length)"
cap_start b2 bw "ip src $NF" || fail isolation-capture "tcpdump"
check_eq isolation-b1-traffic-answered 20 "$(ping_n b1 20 $XF)"
n=$(cap_count)
clear=$(tcpdump -r "$T_DIR/cap" -n 2>/dev/null | grep -c ICMP)
check_eq isolation-b1-traffic-in-clear "$n" "$clear"
check_eq isolation-nf-sa-unused 0 "$(sa_stat nf 0x1001 packets_out)"
check_eq isolation-b1-no-transform 0 \
	"$(nfctl b1 -j stats | jq .counters.out_packets)"
# and nf's own traffic does use it
check_eq isolation-nf-traffic 5 "$(ping_n nf 5 $XF)"
check_eq isolation-nf-sa-used 5 "$(sa_stat nf 0x1001 packets_out)"

# 2. keys
if nfctl nf sa list | grep -qi "$HEX" || nfctl nf -j sa list | grep -qi "$HEX"
then
	fail keys-hidden-without-k "the key is in a listing without -k"
else
	ok keys-hidden-without-k
fi
if nfctl nf -k -j sa list | grep -qi "$HEX"; then ok keys-shown-with-k
else fail keys-shown-with-k "no key with -k"; fi
check_fails keys-get-refused-to-nobody "needs CAP_NET_ADMIN|Operation not permitted" \
	nsx nf setpriv --reuid=65534 --regid=65534 --clear-groups "$CTL" \
	-k sa get $ID_OUT
if out=$(nsx nf setpriv --reuid=65534 --regid=65534 --clear-groups \
	"$CTL" -j sa get $ID_OUT 2>&1) && ! grep -qi "$HEX" <<<"$out"; then
	ok keys-nobody-gets-without-key
else
	fail keys-nobody-gets-without-key "$out"
fi
# user-namespace root on the host netns (privilege.sh: flush, -k list)
check_fails userns-root-sa-add "needs CAP_NET_ADMIN|Operation not permitted" \
	unshare -U -r "$CTL" sa add src 10.9.0.1 dst 10.9.0.2 proto esp \
	spi 0x901 mode transport $KEY
check_fails userns-root-policy-add "needs CAP_NET_ADMIN|Operation not permitted" \
	unshare -U -r "$CTL" policy add dir out src 10.9.0.1/32 \
	dst 10.9.0.2/32 action block
check_fails userns-root-stats-reset "needs CAP_NET_ADMIN|Operation not permitted" \
	unshare -U -r "$CTL" stats reset

# 3. no cleartext on the wire
cleartext_case() {
	local name=$1 c
	c=$(cap_count)
	check_eq "$name-no-cleartext" 0 "$c"
	[ "$c" = 0 ] || tcpdump -r "$T_DIR/cap" -n 2>/dev/null | head -n 3 |
		sed 's/^/#   /'
}
NOCLEAR="ip src $NF and not ip proto 50 and not arp"

# 3a. the policy, no SA
nfctl nf sa del dst $XF proto esp spi 0x1001
o0=$(drop_count nf no-out-sa)
cap_start xf xv "$NOCLEAR"
check_eq sa-missing-nothing-answered 0 "$(ping_n nf 10 $XF)"
cleartext_case sa-missing
check_eq sa-missing-dropped-as-no-out-sa 10 $(($(drop_count nf no-out-sa) - o0))

# 3b. deleted mid-flow
check sa-back nfctl nf sa add $SA_OUT
cap_start xf xv "$NOCLEAR"
ip netns exec nf ping -n -q -i 0.01 $XF >"$T_DIR/ping" 2>&1 &
P=$!
sleep 1.5
check sa-deleted-mid-flow nfctl nf sa del dst $XF proto esp spi 0x1001
sleep 1.5
kill -INT $P
wait $P
say "ping: $(grep transmitted "$T_DIR/ping")"
cleartext_case sa-deleted

# 3c. an SA that failed to install: the policy stays, the flow is dropped
check_fails sa-refused-bad-key 'is 16 bits; expected 160, 224 or 288' \
	nfctl nf sa add src $NF dst $XF proto esp spi 0x1001 mode transport \
	aead 'rfc4106(gcm(aes))' 0x0102 128
cap_start xf xv "$NOCLEAR"
check_eq sa-refused-nothing-answered 0 "$(ping_n nf 10 $XF)"
cleartext_case sa-refused

# 3d. allocations on the packet path failing (failslab: the debug kernel)
FS=/sys/kernel/debug/failslab
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
if [ -d "$FS" ]; then
	check sa-back-again nfctl nf sa add $SA_OUT
	m0=$(drop_count nf nomem)
	echo Y >"$FS/task-filter"
	echo 1 >"$FS/interval"
	echo 30 >"$FS/probability"
	echo -1 >"$FS/times"
	echo Y >"$FS/ignore-gfp-wait"
	# no stack trace per failure: the harness takes one for a report
	echo 0 >"$FS/verbose"
	cap_start xf xv "$NOCLEAR"
	# only this ping's atomic allocations fail (nfipsec's output runs in
	# its context)
	sh -c 'echo 1 >/proc/self/make-it-fail
		exec ip netns exec nf ping -n -q -c 300 -i 0.01 -W 1 '$XF \
		>"$T_DIR/ping" 2>&1
	echo 0 >"$FS/probability"
	say "failslab: $(grep transmitted "$T_DIR/ping")"
	cleartext_case alloc-failing
	m=$(($(drop_count nf nomem) - m0))
	say "nomem drops: $m"
	if [ "$m" -gt 0 ]; then ok alloc-failing-dropped-as-nomem
	else fail alloc-failing-dropped-as-nomem "nomem +$m"; fi
	check_eq alloc-failing-then-works 5 "$(ping_n nf 5 $XF)"
else
	# TODO: Debian's 6.1 and 6.12 have no CONFIG_FAILSLAB (nor
	# FAIL_PAGE_ALLOC, FUNCTION_ERROR_INJECTION): only the debug kernel
	# runs this case
	skip alloc-failing "no failslab in this kernel (CONFIG_FAILSLAB)"
fi
finish
