#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale (issue 5): 10,000 SAs and 10,000 policies installed by one
# "nfipsecctl -b" batch (the time it takes is printed), listed (counts
# from the JSON dumps), flushed; the kernel's unreclaimable slab memory
# (SUnreclaim in /proc/meminfo) grows with the tables and comes back near
# its baseline after the flush, and after the netns is gone and the module
# unloaded. N=NFIPSEC_SCALE_N changes the count. Then 100,000 policies
# (NFIPSEC_SCALE_BIG): one batch, one dump of them all, a flush with a
# dump running and a ping that must not stall.
#
#   nf: 10,000 transport SAs 10.0.0.1 -> 10.100.X.Y (AES-GCM, each with
#       its own crypto transform) and 10,000 out policies, one per SA
. "$(dirname "$0")/../lib.sh"
N=${NFIPSEC_SCALE_N:-10000}

# kB of unreclaimable slab, after the RCU callbacks and free work of what
# was just removed had time to run
slab() {
	sleep 2
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo
}
# near A B LIMIT: |B - A| <= LIMIT (kB)
near() { [ $(( $2 > $1 ? $2 - $1 : $1 - $2 )) -le "$3" ]; }

# the defrag helpers first (load_module's), so the baseline has them
if [ -d "/lib/modules/$(uname -r)/kernel" ]; then
	# shellcheck disable=SC2046
	modprobe -a $(module_deps)
fi
base0=$(slab)
load_module || { fail load "insmod $NFIPSEC_KO"; finish; }
mkns nf || { fail setup mkns; finish; }
base1=$(slab)

K=0x$(head -c 20 /dev/urandom | od -An -tx1 | tr -d ' \n')
awk -v n="$N" -v k="$K" 'BEGIN {
	for (i = 0; i < n; i++) {
		d = sprintf("10.100.%d.%d", int(i / 250), i % 250 + 1)
		printf "sa add src 10.0.0.1 dst %s proto esp spi 0x%x mode transport aead rfc4106(gcm(aes)) %s 128\n", d, 4096 + i, k
		printf "policy add dir out src 10.0.0.1/32 dst %s/32 proto udp tmpl proto esp mode transport\n", d
	} }' >"$T_DIR/big.batch"
t0=$EPOCHREALTIME
check batch-installs nfctl nf -b "$T_DIR/big.batch"
t1=$EPOCHREALTIME
say "$N SAs and $N policies: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s for the batch ($((2 * N)) lines)"

t0=$EPOCHREALTIME
check_eq sa-list-count "$N" "$(nfctl nf -j sa list | jq length)"
check_eq policy-list-count "$N" "$(nfctl nf -j policy list | jq length)"
t1=$EPOCHREALTIME
say "both listings: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
# one from the middle of each table, by its own lookup
check sa-get-middle nfctl nf sa get dst 10.100.20.1 proto esp spi $((4096 + 5000))
full=$(slab)
say "SUnreclaim kB: before load $base0, loaded $base1, full $full"
grow=$((full - base1))
# a table of N transforms is megabytes: the measure can see it
if [ "$grow" -ge $((N / 4)) ]; then
	ok slab-grows-with-tables
else
	fail slab-grows-with-tables "grew by $grow kB for $N SAs"
fi

t0=$EPOCHREALTIME
check flush nfctl nf -b - <<<$'sa flush\npolicy flush'
t1=$EPOCHREALTIME
say "flush: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
check_eq flushed-empty "0 0" \
	"$(nfctl nf -j sa list | jq length) $(nfctl nf -j policy list | jq length)"
after=$(slab)
# back within a tenth of what the tables took, or 2 MB; on the debug
# kernel KASAN's quarantine may still hold what the flush freed, so there
# only a leak of more than the quarantine's bound can be seen here (the
# 10,000 entries take about 100 MB there) and kmemleak is the exact check
tol=$(( grow / 10 > 2048 ? grow / 10 : 2048 ))
if near "$base1" "$after" $((tol + KASAN_QUARANTINE_KB)); then
	ok slab-back-after-flush
else
	fail slab-back-after-flush "loaded $base1 kB, full $full, after flush $after (tolerance $tol + $KASAN_QUARANTINE_KB)"
fi
say "SUnreclaim kB after flush: $after"

# Large dumps: 100,000 policies (issue 5; NFIPSEC_SCALE_BIG) in one
# batch, listed whole (a dump split over many messages), then flushed
# while a ping runs in another namespace: the machine must not stall
# (no ping lost, none slower than a second).
# on 6.12 in a suite run (the 6.1 lane is the longer one); given, anywhere
case $(uname -r) in 6.1.*-amd64) b=0 ;; *) b=100000 ;; esac
B=${NFIPSEC_SCALE_BIG:-$b}
if [ "$B" = 0 ]; then
	skip big-tables "100,000 policies run on 6.12 (NFIPSEC_SCALE_BIG=N here)"
else
awk -v n="$B" 'BEGIN {
	for (i = 0; i < n; i++)
		printf "policy add dir out src 10.0.0.1/32 dst 10.%d.%d.%d/32 proto tcp dport %d action discard\n", 120 + int(i / 62500), int(i / 250) % 250, i % 250 + 1, 1 + i % 4
	}' >"$T_DIR/huge.batch"
t0=$EPOCHREALTIME
check big-batch-installs nfctl nf -b "$T_DIR/huge.batch"
t1=$EPOCHREALTIME
say "$B policies: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s for the batch"
t0=$EPOCHREALTIME
check big-policy-list bash -c "ip netns exec nf $CTL -j policy list >$T_DIR/huge.json"
t1=$EPOCHREALTIME
say "listing $B policies: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
# all of them, and the last one added whole
check_eq big-policy-list-count "$B 10.121.149.250/32" \
	"$(jq -r 'length, .[-1].sel.dst' "$T_DIR/huge.json" | tr '\n' ' ' | sed 's/ $//')"
mkns pa pb || { fail setup "mkns pa pb"; finish; }
link pa va pb vb
addr pa va 10.250.0.1/24
addr pb vb 10.250.0.2/24
nsx pa ping -q -c 40 -i 0.1 -W 1 10.250.0.2 >"$T_DIR/ping.out" 2>&1 &
pp=$!
# and a dump under way while the table goes: it ends, well formed
nsx nf "$CTL" -j policy list >"$T_DIR/partial.json" 2>"$T_DIR/partial.err" &
dp=$!
sleep 1
t0=$EPOCHREALTIME
check big-flush nfctl nf policy flush
t1=$EPOCHREALTIME
wait $pp
if wait $dp && n=$(jq length "$T_DIR/partial.json") && [ "$n" -le "$B" ]; then
	ok big-dump-during-flush
	say "a dump running during the flush listed $n policies"
else
	fail big-dump-during-flush "$(head -c 300 "$T_DIR/partial.err")"
fi
say "flush of $B policies: $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s; ping: $(tail -2 "$T_DIR/ping.out" | tr '\n' ' ')"
check_eq big-flush-ping-lost 0 \
	"$(sed -n 's/.* \([0-9]*\)% packet loss.*/\1/p' "$T_DIR/ping.out")"
maxrtt=$(sed -n 's|.*= [0-9.]*/[0-9.]*/\([0-9.]*\)/.*|\1|p' "$T_DIR/ping.out")
if awk -v m="${maxrtt:-99999}" 'BEGIN { exit !(m < 1000) }'; then
	ok big-flush-no-stall
else
	fail big-flush-no-stall "ping max RTT ${maxrtt:-none} ms during the flush"
fi
check_eq big-flushed-empty 0 "$(nfctl nf -j policy list | jq length)"

fi # the 100,000 policies

cleanup_all
unload_module
check module-unloaded bash -c '! lsmod | grep -q "^nfipsec "'
gone=$(slab)
say "SUnreclaim kB after rmmod: $gone"
if near "$base0" "$gone" "$tol"; then
	ok slab-back-after-rmmod
else
	fail slab-back-after-rmmod "before load $base0 kB, after rmmod $gone (tolerance $tol)"
fi
finish
