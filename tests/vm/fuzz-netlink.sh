#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Netlink fuzzing: tests/fuzz/nlfuzz sends 100,000 generated and mutated
# requests (NFIPSEC_FUZZ_REQUESTS) over every command of the "nfipsec"
# family, as root in a namespace of its own, then as an unprivileged user
# (nobody) and as a user namespace's root against the same namespace.
# Asserts: no kernel report (the harness); every error reply carries an
# extack message (the genetlink core's own refusals apart, counted);
# root: the SAs and policies dumped equal nlfuzz's model of what
# succeeded, at the end and every 5000 requests; unprivileged: every
# command the kernel marks CAP_NET_ADMIN is refused with EPERM, no reply
# carries a key, and the state (SA and policy listing) is unchanged.
#
# Replay a failure: NFIPSEC_FUZZ_SEED=<the seed printed> tests/run \
#   tests/vm/fuzz-netlink.sh
. "$(dirname "$0")/../lib.sh"
FUZZ=$TOP/tests/fuzz/nlfuzz
[ -x "$FUZZ" ] || { fail build "no $FUZZ (make -C tests/fuzz)"; finish; }
SEED=${NFIPSEC_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
# A suite run fuzzes 100,000 requests on one kernel and a quarter of that
# on the other (fuzz-packets.sh does the reverse), so that the two
# kernels' lanes of `make test` take about as long; the debug kernel,
# many times slower, gets a sample.
case $(uname -r) in
*-nfipsec-debug) n=5000 u=1000 ;;
6.1.*) n=100000 u=20000 ;;
*) n=25000 u=5000 ;;
esac
COUNT=${NFIPSEC_FUZZ_REQUESTS:-$n}
UCOUNT=${NFIPSEC_FUZZ_UNPRIV_REQUESTS:-$u}
say "seed $SEED: $COUNT requests as root, $UCOUNT unprivileged (NFIPSEC_FUZZ_SEED=$SEED replays this run)"

check "module loads" load_module || finish
mkns nl || { fail setup mkns; finish; }
slab() { awk '/^SUnreclaim:/ { print $2 }' /proc/meminfo; }
SLAB0=$(slab)

# field LINE KEY: the value of KEY=... in an NLFUZZ line
field() { sed -n "s/.* $2=\([0-9.]*\).*/\1/p" <<<"$1"; }

t0=$(date +%s)
nsx nl "$FUZZ" -s "$SEED" -n "$COUNT" >"$T_DIR/root.out" 2>&1
rc=$?
grep -v '^NLFUZZ' "$T_DIR/root.out" | head -40
r=$(grep '^NLFUZZ ' "$T_DIR/root.out")
m=$(grep '^NLFUZZ_MODEL ' "$T_DIR/root.out")
say "$r"
say "$m"
say "root: $(field "$r" requests) requests in $(($(date +%s) - t0))s"
check_eq root-exit 0 "$rc"
check_eq root-requests "$COUNT" "$(field "$r" requests)"
check_eq root-every-error-has-extack 0 "$(field "$r" no_extack)"
check_eq root-no-timeouts 0 "$(field "$r" timeouts)"
check_eq root-model-equals-dumps 0 "$(field "$m" compare_failures)"
if [ "$(field "$m" sa_added)" -gt 0 ] && [ "$(field "$m" pol_added)" -gt 0 ]; then
	ok root-state-changed
else
	fail root-state-changed "no SA or policy was ever added: $m"
fi
# the listing tool agrees with the fuzzer's own dump
n_sa=$(nfctl nl -j sa list | jq length)
n_pol=$(nfctl nl -j policy list | jq length)
# (an SA with a short hard lifetime may have expired since nlfuzz's last dump)
if [ -n "$n_sa" ] && [ "$n_sa" -le "$(field "$m" final_sas)" ]; then
	ok root-sa-listing-parses
else
	fail root-sa-listing-parses "listed '$n_sa', nlfuzz's model $(field "$m" final_sas)"
fi
check_eq root-policy-count-as-listed "$(field "$m" final_policies)" "$n_pol"

# Unprivileged, against what root left in place: nothing may change
# (after the short hard lifetimes root set have run out).
sleep 4
nfctl nl -j sa list >"$T_DIR/sa.before"
nfctl nl -j policy list >"$T_DIR/pol.before"
unpriv_run() {
	local name=$1 out
	shift
	out=$T_DIR/$name.out
	t0=$(date +%s)
	"$@" "$FUZZ" -u -s "$((SEED + 1))" -n "$UCOUNT" >"$out" 2>&1
	rc=$?
	grep -v '^NLFUZZ' "$out" | head -20
	r=$(grep '^NLFUZZ ' "$out")
	u=$(grep '^NLFUZZ_UNPRIV ' "$out")
	say "$name: $r"
	say "$name: $u ($(($(date +%s) - t0))s)"
	check_eq "$name-exit" 0 "$rc"
	check_eq "$name-every-error-has-extack" 0 "$(field "$r" no_extack)"
	check_eq "$name-admin-commands-refused" 0 "$(field "$u" admin_not_refused)"
	check_eq "$name-well-formed-get-eperm" 0 "$(field "$u" admin_valid_not_eperm)"
	check_eq "$name-no-keys" 0 "$(field "$u" keys_leaked)"
	if [ "$(field "$u" admin_eperm)" -gt 0 ]; then
		ok "$name-eperm-seen"
	else
		fail "$name-eperm-seen" "no EPERM at all: $u"
	fi
}
unpriv_run nobody ip netns exec nl setpriv --reuid=65534 --regid=65534 \
	--clear-groups
# a user namespace's root does not own nl (created by the initial one)
unpriv_run userns-root ip netns exec nl unshare -U -r
nfctl nl -j sa list >"$T_DIR/sa.after"
nfctl nl -j policy list >"$T_DIR/pol.after"
# the counters move with traffic only; there is none in nl
if cmp -s "$T_DIR/sa.before" "$T_DIR/sa.after" &&
	cmp -s "$T_DIR/pol.before" "$T_DIR/pol.after"; then
	ok unprivileged-changed-nothing
else
	fail unprivileged-changed-nothing "listing differs"
fi

check flush nfctl nl -b <(printf 'sa flush\npolicy flush\n')
ip netns del nl
T_NS=()
sleep 2
SLAB1=$(slab)
slab_near slab-near-baseline "$SLAB0" "$SLAB1" SUnreclaim
check unload unload_module
finish
