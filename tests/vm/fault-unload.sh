#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload and teardown under load (issue 8):
#   1. rmmod while a ping at 10 ms and a TCP transfer run through nf's SAs
#   2. rmmod while "nfipsecctl sa list" dumps 2,000 SAs in a loop
#   3. CYCLES times: insmod, an SA pair and policies, traffic, rmmod, with
#      the ping and TCP running throughout (NFIPSEC_UNLOAD_CYCLES; 3 by
#      default: a cycle took 4.6 s under TCG on a loaded machine, so the
#      issue's 100 take about 8 minutes, too long for the suite)
#   4. three times: a namespace with live SAs, policies and its nfipsec0
#      deleted while the peer pings and sends TCP into it
# Asserts: no kernel report (the harness); rmmod succeeds (a dump in
# progress holds the module only until it ends); after each reload the
# module works; Slab back near its baseline at the end.
#
#   nf (nfipsec, 10.0.0.1) ----veth---- xf (XFRM, 10.0.0.2)
. "$(dirname "$0")/esp-lib.inc"
CYCLES=${NFIPSEC_UNLOAD_CYCLES:-3}
K="aead rfc4106(gcm(aes)) 0x$(hexkey 20) 128"

# the defrag helpers and the crypto templates loaded once, so that the
# baseline holds them
esp_setup
esp_case transport 4 4 $K >/dev/null || { fail setup esp_case; finish; }
esp_traffic 16384 >/dev/null || { fail setup "first traffic"; finish; }
esp_flush
ok setup
slab0=$(slab_kb)

# rmmod_retry: a dump or a request in flight holds the module for a
# moment (rmmod then says "in use"); 50 tries, 0.1 s apart
rmmod_retry() {
	for _ in $(seq 1 50); do
		rmmod nfipsec 2>/dev/null && return 0
		sleep 0.1
	done
	rmmod nfipsec
}

flows_start() {
	ip netns exec nf ping -n -q -i 0.01 10.0.0.2 >"$T_DIR/ping" 2>&1 &
	PING=$!
	(
		while [ ! -e "$T_DIR/stop" ]; do
			tcp_transfer nf xf 10.0.0.2 131072 2>/dev/null
		done
	) &
	TCP=$!
}
# the transfer under way is ended, not waited for (with the SAs gone
# it would stall until socat's timeouts)
flows_stop() {
	touch "$T_DIR/stop"
	kill -INT $PING 2>/dev/null
	wait $PING
	kill_tree $TCP
	wait $TCP 2>/dev/null
	rm -f "$T_DIR/stop"
}

# 1. traffic through the SAs, then rmmod
esp_case transport 4 4 $K >/dev/null || fail rmmod-traffic-setup
flows_start
sleep 3
before=$(sa_stat nf 0x1001 packets_out)
check rmmod-under-traffic rmmod_retry
sleep 1
flows_stop
say "0x1001 had sent $before packets before rmmod"
if [ "${before:-0}" -gt 0 ]; then ok rmmod-traffic-was-flowing
else fail rmmod-traffic-was-flowing "packets_out '$before'"; fi
ip -n xf xfrm state flush
ip -n xf xfrm policy flush
check reload-after-traffic load_module
say "part 1 done: ${SECONDS}s"

# 2. a dump of 2,000 SAs in progress
awk -v k="$(hexkey 20)" 'BEGIN { for (i = 0; i < 2000; i++)
	printf "sa add src 10.0.0.1 dst 10.100.%d.%d proto esp spi 0x%x mode transport aead rfc4106(gcm(aes)) 0x%s 128\n",
		int(i / 250), i % 250 + 1, 4096 + i, k }' >"$T_DIR/big.batch"
t0=$EPOCHREALTIME
check big-table nfctl nf -b "$T_DIR/big.batch"
check_eq big-table-count 2000 "$(nfctl nf -j sa list | jq length)"
say "2000 SAs: added and listed in $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }') s"
(
	for _ in $(seq 1 40); do
		ip netns exec nf "$CTL" sa list >/dev/null 2>&1 || break
	done
) &
DUMP=$!
sleep 1.5
check rmmod-during-dump rmmod_retry
wait $DUMP
check reload-after-dump load_module
say "part 2 done: ${SECONDS}s"

# 3. load/unload cycles under traffic (xf's SAs stay; nf's come and go)
esp_case transport 4 4 $K >/dev/null || fail cycles-setup
flows_start
t0=$EPOCHREALTIME
bad=0
for c in $(seq 1 "$CYCLES"); do
	if ! rmmod_retry || ! load_module ||
	   ! nfctl nf -b "$T_DIR/nf.batch" >/dev/null ||
	   ! nsx nf ping -c1 -W2 10.0.0.2 >/dev/null; then
		bad=$((bad + 1))
		say "cycle $c failed"
		[ $bad -ge 3 ] && break
	fi
done
took=$(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
flows_stop
say "$CYCLES load/unload cycles under traffic in $took s"
check_eq load-unload-cycles 0 "$bad"
say "part 3 done: ${SECONDS}s"
esp_flush

# 4. namespaces deleted under traffic, three times
for r in 1 2 3; do
	if [ $r -gt 1 ]; then
		mkns nf && link nf nv xf xv && addr nf nv 10.0.0.1/24 &&
			addr xf xv 10.0.0.2/24 ||
			{ fail "netns-del-$r-setup" mkns; continue; }
	fi
	esp_case transport 4 4 $K >/dev/null ||
		{ fail "netns-del-$r-setup" esp_case; continue; }
	# the policies need ARP: resolved before, with the SAs in place
	nsx nf ping -c1 -W2 10.0.0.2 >/dev/null
	ip netns exec xf ping -n -q -i 0.01 10.0.0.1 >/dev/null 2>&1 &
	P=$!
	(
		for _ in $(seq 1 20); do
			tcp_transfer xf nf 10.0.0.1 131072 2>/dev/null || break
		done
	) &
	T=$!
	sleep 2
	got=$(sa_stat nf 0x1002 packets_in)
	# nothing of nf runs: the namespace goes as soon as it is unnamed
	ip netns pids nf | xargs -r kill
	check "netns-del-$r" ip netns del nf
	T_NS=(xf)	# (for cleanup_all)
	sleep 1
	kill -INT $P
	wait $P
	# the transfer into the deleted namespace would stall until socat's
	# timeouts
	kill_tree $T
	wait $T 2>/dev/null
	if [ "${got:-0}" -gt 0 ]; then ok "netns-del-$r-had-traffic"
	else fail "netns-del-$r-had-traffic" "packets_in '$got'"; fi
	ip -n xf xfrm state flush
	ip -n xf xfrm policy flush
done
# the module works after all that, and memory is back: the same set-up
# as the baseline's (nf afresh, an SA pair used and flushed)
if mkns nf && link nf nv xf xv && addr nf nv 10.0.0.1/24 &&
   addr xf xv 10.0.0.2/24 && esp_case transport 4 4 $K >/dev/null &&
   esp_traffic 16384 >/dev/null; then
	ok module-works-after
else
	fail module-works-after "SA pair and traffic in a new nf"
fi
esp_flush
# the namespaces' cleanup and the SAs' free work run in work items
sleep 3
slab_near slab-near-baseline "$slab0" "$(slab_kb)"
check unload unload_module
finish
