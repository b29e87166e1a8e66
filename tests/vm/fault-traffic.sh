#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Faults under traffic (issue 8): nf's SAs and policies are added,
# updated, deleted and flushed in batches, as fast as nfipsecctl goes, on
# vCPU 0, while a ping at 10 ms and back-to-back TCP transfers run
# through those very SAs on vCPU 1. The peer (xf, Linux XFRM) keeps its
# SAs. A block policy of lower precedence under nf's protect policy keeps
# the flow from ever leaving in clear while the protect policy is gone.
#
# Asserts: no kernel report (the harness); every TCP transfer arrives
# identical; the accounting closes: each packet nf's stack sent to xf
# (an nft counter ahead of nfipsec's hook) was either transformed
# (out-packets) or dropped for a named reason (no-out-sa, policy-discard,
# nomem, ...); a capture on xf's side holds no cleartext packet from nf;
# afterwards a fresh SA pair carries a clean flow, and slab is back near
# its baseline.
#
#   nf (nfipsec, 10.0.0.1) ----veth---- xf (XFRM, 10.0.0.2)
#   vCPU 0: churn of nf's SAD/SPD   vCPU 1: ping -i 0.01, TCP nf -> xf
. "$(dirname "$0")/esp-lib.inc"
SECS=${NFIPSEC_FAULT_SECS:-20}
NF=10.0.0.1
XF=10.0.0.2
KEY="aead rfc4106(gcm(aes)) 0x$(hexkey 20) 128"
TM="tmpl proto esp mode transport"
SA_OUT="src $NF dst $XF proto esp spi 0x1001 mode transport $KEY"
SA_IN="src $XF dst $NF proto esp spi 0x1002 mode transport $KEY"
P_OUT="dir out src $NF/32 dst $XF/32"
P_IN="dir in src $XF/32 dst $NF/32"

ncpu=$(nproc)
[ "$ncpu" -ge 2 ] || say "one vCPU only: churn and flow share it"

esp_setup
printf '%s\n' "sa add $SA_OUT" "sa add $SA_IN" \
	"policy add $P_OUT $TM" "policy add $P_IN $TM" \
	"policy add $P_OUT priority 10 action block" >"$T_DIR/nf.batch"
printf '%s\n' "xfrm state add $SA_OUT" "xfrm state add $SA_IN" \
	"xfrm policy add dir out src $XF/32 dst $NF/32 $TM" \
	"xfrm policy add dir in src $NF/32 dst $XF/32 $TM" >"$T_DIR/xf.batch"
if ! nfctl nf -b "$T_DIR/nf.batch" || ! ip -n xf -batch "$T_DIR/xf.batch" ||
   ! nsx nf ping -c1 -W3 $XF >/dev/null; then
	fail setup "SAs and policies"
	finish
fi
ok setup

# What nf's stack sends to xf, before nfipsec's POST_ROUTING hook. nft
# counts an skb once, out-packets each ESP packet made of it, and TCP
# always builds GSO packets: one segment a packet on nf's side, so that
# the two count the same.
check one-segment-per-skb ip -n nf link set nv gso_max_segs 1
check nft-counter nsx nf nft -f - <<-EOF
	table ip acct {
		chain out {
			type filter hook output priority 0;
			ip daddr $XF ip protocol != esp counter
		}
	}
	EOF
nft_sent() {
	nsx nf nft -j list table ip acct |
		jq '[.nftables[] | .rule? // empty | .expr[] | .counter? // empty | .packets] | add'
}
# out-packets and every drop reason output can take, summed
out_acct() {
	nfctl nf -j stats | jq '.counters.out_packets + .drops.no_out_sa +
		.drops.policy_discard + .drops.nomem + .drops.crypto +
		.drops.expired + .drops.seq_overflow + .drops.mtu +
		.drops.route + .drops.bundle'
}

# the wire, as xf receives it: anything from nf that is not ESP
nsx xf tcpdump -Z root -Q in -i xv -n -U -w "$T_DIR/cap" \
	"ip src $NF and not ip proto 50" 2>"$T_DIR/cap.err" &
CAP=$!
for _ in $(seq 1 40); do
	[[ $(<"$T_DIR/cap.err") == *listening* ]] && break
	sleep 0.2
done

# One churn batch: every kind of change to the flow's SAs and policies,
# plus a bulk of unrelated SAs added and flushed with them.
{
	echo "sa del src $NF dst $XF proto esp spi 0x1001"
	echo "sa add $SA_OUT"
	echo "sa update $SA_OUT"
	echo "policy del $P_OUT"
	echo "policy add $P_OUT $TM"
	echo "policy update $P_OUT $TM"
	echo "sa del src $XF dst $NF proto esp spi 0x1002"
	echo "sa add $SA_IN"
	for i in $(seq 1 40); do
		printf 'sa add src %s dst 10.0.0.9 proto esp spi 0x%x mode transport %s\n' \
			$NF $((0x5000 + i)) "$KEY"
	done
	echo "policy add dir out src $NF/32 dst 10.0.0.9/32 $TM"
	echo "sa flush"
	echo "sa add $SA_OUT"
	echo "sa add $SA_IN"
	echo "policy flush dir in"
	echo "policy add $P_IN $TM"
	echo "policy del dir out src $NF/32 dst 10.0.0.9/32"
} >"$T_DIR/churn.batch"
check churn-batch-valid nfctl nf -b "$T_DIR/churn.batch"

slab0=$(slab_kb)
sent0=$(nft_sent)
acct0=$(out_acct)

# vCPU 1: the flows
(
	taskset -cp $((ncpu - 1)) $BASHPID >/dev/null
	exec ip netns exec nf ping -n -q -i 0.01 $XF >"$T_DIR/ping" 2>&1
) &
PING=$!
: >"$T_DIR/tcp"
(
	taskset -cp $((ncpu - 1)) $BASHPID >/dev/null
	while [ ! -e "$T_DIR/stop" ]; do
		if tcp_transfer nf xf $XF 131072 2>>"$T_DIR/tcp.err"; then
			echo ok >>"$T_DIR/tcp"
		else
			echo fail >>"$T_DIR/tcp"
		fi
	done
) &
TCP=$!

# vCPU 0: the churn, SECS seconds (bounded: 400 batches at most)
rounds=0; bad=0
taskset -cp 0 $BASHPID >/dev/null
end=$((SECONDS + SECS))
while [ $SECONDS -lt $end ] && [ $rounds -lt 400 ]; do
	nfctl nf -b "$T_DIR/churn.batch" >/dev/null 2>>"$T_DIR/churn.err" ||
		bad=$((bad + 1))
	rounds=$((rounds + 1))
done
taskset -cp 0-$((ncpu - 1)) $BASHPID >/dev/null
n_lines=$(wc -l <"$T_DIR/churn.batch")
say "churn: $rounds batches of $n_lines requests in ${SECS}s, $bad failed"
check_eq churn-no-failed-batch 0 "$bad"
[ "$bad" = 0 ] || head -n 5 "$T_DIR/churn.err" | sed 's/^/#   /'

touch "$T_DIR/stop"
wait $TCP
kill -INT $PING
wait $PING
sleep 0.5
kill_tree $CAP

sum=$(grep 'packets transmitted' "$T_DIR/ping")
say "ping: $sum"
rx=$(awk '{ print $4 }' <<<"$sum")
if [ -n "$rx" ] && [ "$rx" -gt 0 ]; then
	ok ping-through-churn
else
	fail ping-through-churn "$sum"
fi
tcp_tally tcp-through-churn "128 KiB"

sent=$(($(nft_sent) - sent0))
acct=$(($(out_acct) - acct0))
nfctl nf stats | sed 's/^/#   /'
say "sent by nf's stack to xf: $sent; transformed or dropped by reason: $acct"
check_eq every-packet-accounted "$sent" "$acct"
clear=$(tcpdump -r "$T_DIR/cap" -n 2>/dev/null | wc -l)
check_eq wire-no-cleartext 0 "$clear"
[ "$clear" = 0 ] || tcpdump -r "$T_DIR/cap" -n 2>/dev/null | head -n 5 |
	sed 's/^/#   /'

# the module still works: a fresh pair, a clean flow
esp_flush
if esp_case transport 4 4 $KEY >/dev/null 2>&1 &&
   why=$(esp_traffic 65536 2>&1); then
	ok clean-flow-after
else
	fail clean-flow-after "${why:-setup}"
fi
esp_flush
sleep 1
slab_near slab-near-baseline "$slab0" "$(slab_kb)"
finish
