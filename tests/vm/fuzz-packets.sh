#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet fuzzing: tests/fuzz/pktfuzz sends 100,000 crafted frames (by
# default; NFIPSEC_FUZZ_PACKETS) from xf's end of the veth straight at nf,
# which holds eight fuzzed SAs (NULL+HMAC, AES-CBC+HMAC, AES-GCM; IPv4 and
# IPv6; transport and tunnel; ESN; no replay window) whose keys pktfuzz
# knows, so that authentic packets can be built as well as broken ones,
# plus the legitimate flow's XFRM SAs. Meanwhile TCP runs from xf to nf
# through XFRM. Asserts: no kernel report (the harness); the frames pktfuzz
# built as authentic and fresh are all accepted, and no SA accepts more
# than pktfuzz built as authentic; the drop counters grow by at least the
# frames that reach ESP processing and must be refused; every TCP transfer
# during the fuzzing arrives byte-identical; SUnreclaim back near its
# baseline afterwards.
#
#   nf (nfipsec, 10.0.0.1 fd00::1) --veth nv/xv-- xf (XFRM; pktfuzz on xv)
#
# Replay a failure: NFIPSEC_FUZZ_SEED=<the seed printed> tests/run \
#   tests/vm/fuzz-packets.sh
. "$(dirname "$0")/esp-lib.inc"
FUZZ=$TOP/tests/fuzz/pktfuzz
[ -x "$FUZZ" ] || { fail build "no $FUZZ (make -C tests/fuzz)"; finish; }
SEED=${NFIPSEC_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# A suite run fuzzes 100,000 packets on one kernel and a quarter of that
# on the other (fuzz-netlink.sh does the reverse), so that the two
# kernels' lanes of `make test` take about as long; the debug kernel,
# many times slower, gets a sample.
case $(uname -r) in
*-nfipsec-debug) n=5000 ;;
6.1.*) n=25000 ;;
*) n=100000 ;;
esac
COUNT=${NFIPSEC_FUZZ_PACKETS:-$n}
say "seed $SEED, $COUNT packets (NFIPSEC_FUZZ_SEED=$SEED replays this run)"

esp_setup
esp_case transport 4 4 aead 'rfc4106(gcm(aes))' 0x$(hexkey 20) 128 ||
	{ fail setup "esp_case"; finish; }
"$FUZZ" -S -s "$SEED" >"$T_DIR/sas.batch"
check fuzzed-sas-installed nfctl nf -b "$T_DIR/sas.batch" || finish
# fragments that never complete go after 2 s, not 30
nsx nf sysctl -qw net.ipv4.ipfrag_time=2 net.ipv6.ip6frag_time=2
# the backlog holds a whole burst of frames
sysctl -qw net.core.netdev_max_backlog=10000
check legit-before ping_any xf 10.0.0.1 -c1 -W3

slab() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }
drops_total() {
	nfctl nf -j stats | jq '[.drops[]] | add'
}
sa_in() { nfctl nf -j -s sa list >"$T_DIR/sa.json"; }
sa_in_of() { jq -r --argjson spi "$(($1))" \
	'.[] | select(.spi == $spi) | .stats.packets_in' "$T_DIR/sa.json"; }

# a first round outside the measurement, so that caches the fuzzing fills
# once (slabs, conntrack-free defrag queues) are in the baseline
nsx xf "$FUZZ" -i xv -m "$(ip -n nf -j link show nv | jq -r '.[0].address')" \
	-s $((SEED + 1)) -n 2000 >/dev/null 2>&1
sleep 3
SLAB0=$(slab)
nfctl nf -j stats >"$T_DIR/stats0.json"
D0=$(drops_total)
sa_in
cp "$T_DIR/sa.json" "$T_DIR/sa0.json"

MAC=$(ip -n nf -j link show nv | jq -r '.[0].address')
t0=$(date +%s)
nsx xf "$FUZZ" -i xv -m "$MAC" -s "$SEED" -n "$COUNT" >"$T_DIR/fuzz.out" 2>&1 &
fpid=$!
# TCP from xf to nf through XFRM and nfipsec, as long as the fuzzing lasts
xfers=0 xfail=0
while kill -0 $fpid 2>/dev/null && [ $xfers -lt 40 ]; do
	if tcp_transfer xf nf 10.0.0.1 262144 5001; then
		xfers=$((xfers + 1))
	else
		xfail=$((xfail + 1))
		xfers=$((xfers + 1))
	fi
done
wait $fpid
frc=$?
secs=$(($(date +%s) - t0))
grep -v '^PKTFUZZ' "$T_DIR/fuzz.out"
check_eq pktfuzz-exit 0 "$frc"
line=$(grep '^PKTFUZZ ' "$T_DIR/fuzz.out")
say "$line"
val() { sed -n "s/.* $1=\([0-9.]*\).*/\1/p" <<<"$line"; }
say "fuzzing: $(val frames) frames in ${secs}s; $xfers TCP transfers during it"
check_eq pktfuzz-all-sent 0 "$(val send_errors)"
if [ $xfers -ge 1 ] && [ $xfail = 0 ]; then
	ok legit-tcp-during-fuzzing
else
	fail legit-tcp-during-fuzzing "$xfail of $xfers transfers failed"
fi
check legit-after ping_any xf 10.0.0.1 -c1 -W3

# accounting: every must-drop frame is counted as a drop
D1=$(drops_total)
dd=$((D1 - D0))
say "drops: +$dd (pktfuzz: drop=$(val drop) may=$(val may) other=$(val other))"
nfctl nf stats | sed 's/^/#   /'
if [ "$dd" -ge "$(val drop)" ]; then
	ok drops-cover-refused-frames
else
	fail drops-cover-refused-frames "drops grew by $dd, pktfuzz built $(val drop) to be dropped"
fi
if [ "$dd" -le "$(val frames)" ]; then
	ok drops-not-above-frames
else
	fail drops-not-above-frames "drops grew by $dd for $(val frames) frames"
fi

# per reason, for the mutations whose reason is certain
nfctl nf -j stats >"$T_DIR/stats1.json"
mut=$(grep '^PKTFUZZ_MUT ' "$T_DIR/fuzz.out")
say "$mut"
mutn() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$mut"; }
rdelta() {
	local r=${1//-/_}
	echo $(($(jq ".drops.$r" "$T_DIR/stats1.json") - $(jq ".drops.$r" "$T_DIR/stats0.json")))
}
reason_at_least() { # NAME GOT WANT
	if [ "$2" -ge "$3" ]; then
		ok "$1"
	else
		fail "$1" "grew by $2, pktfuzz sent $3 such"
	fi
}
reason_at_least drops-bad-padding "$(rdelta bad-padding)" \
	$(($(mutn bad-pad) + $(mutn bad-padlen)))
reason_at_least drops-bad-nexthdr "$(rdelta bad-nexthdr)" "$(mutn bad-nexthdr)"
reason_at_least drops-malformed "$(rdelta malformed)" \
	$(($(mutn zero-length) + $(mutn bad-inner)))
reason_at_least drops-no-sa "$(rdelta no-sa)" "$(mutn unknown-spi)"
# an old number on the ESN SA is taken as from the next cycle: ICV fails
reason_at_least drops-replay-or-icv $(($(rdelta replay) + $(rdelta icv))) \
	$(($(mutn replay) + $(mutn old-seq) + $(mutn seq-0) + $(mutn bad-icv)))

# per SA: accepted = at least what had to be, at most what was authentic
sa_in
bad=0
while read -r _ spi ok _ may _; do
	spi=${spi#spi=} ok=${ok#ok=} may=${may#may=}
	[ "$spi" = 0x1002 ] && continue
	a0=$(jq -r --argjson spi "$((spi))" \
		'.[] | select(.spi == $spi) | .stats.packets_in' "$T_DIR/sa0.json")
	a1=$(sa_in_of "$spi")
	acc=$((a1 - a0))
	say "SA $spi: accepted $acc, built ok $ok, may $may"
	if [ "$acc" -lt "$ok" ] || [ "$acc" -gt $((ok + may)) ]; then
		fail "sa-$spi-accepted" "accepted $acc, expected $ok to $((ok + may))"
		bad=1
	fi
done < <(grep '^PKTFUZZ_SA ' "$T_DIR/fuzz.out")
[ $bad = 0 ] && ok fuzzed-sas-accept-exactly-the-authentic

# memory: frag queues expired, SAs' in-flight contexts freed
sleep 4
SLAB1=$(slab)
slab_near slab-near-baseline "$SLAB0" "$SLAB1" SUnreclaim
say "seed $SEED: $(val frames) frames, ${secs}s"
finish
