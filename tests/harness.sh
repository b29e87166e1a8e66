#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Self-tests of scripts/vm, run on the host: the command's exit status comes
# back, a module that WARNs fails the run with the report code, and a hung
# guest is killed at the timeout.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
. scripts/lib/common.sh
kernels=${NFIPSEC_KERNELS:-6.1 6.12}
first=${kernels%% *}
failed=0

ok() { echo "ok $1"; }
fail() { echo "FAIL $1: $2"; failed=1; }

# expect NAME CODE [VM ARGS] -- CMD: scripts/vm must exit with CODE.
expect() {
	local name=$1 want=$2 rc out
	shift 2
	out=$(scripts/vm "$@" 2>&1)
	rc=$?
	if [ "$rc" = "$want" ]; then
		ok "$name"
	else
		printf '%s\n' "$out" | tail -n 15 | sed 's/^/#   /'
		fail "$name" "exit $rc, expected $want"
	fi
	LAST_OUT=$out
}

# The hung guest idles until it is killed: it runs beside the others.
hung=$(mktemp)
trap 'rm -f "$hung"' EXIT
expect "hung guest is killed at the timeout" 121 --kernel "$first" \
	--timeout 45 -- sleep 600 >"$hung" &
hung_pid=$!

start=$(date +%s)
expect "status 0 comes back" 0 --kernel "$first" -- true
echo "# boot and run of 'true': $(($(date +%s) - start))s"
expect "status 7 comes back" 7 --kernel "$first" -- sh -c 'echo out; exit 7'
if grep -qx out <<<"$LAST_OUT"; then
	ok "command output is shown"
else
	fail "command output is shown" "no 'out' line in the output"
fi
# The debug kernel has everything built in: no module tree to bind.
modtest=(-a -d /lib/modules/"$(scripts/kver "$first")")
[ "$first" = debug ] && modtest=()
expect "runs in the repository directory" 0 --kernel "$first" -- \
	test "$(pwd)" = "$top" -a -w "$top" "${modtest[@]}"
# init must never exit (the kernel panics when it does): with the
# power-off request lost, the guest still powers off and reports
NFIPSEC_VM_LOSE_POWEROFF=1 expect "a lost power-off request ends the guest cleanly" \
	4 --kernel "$first" -- sh -c 'exit 4'
# a kernel that has reported before the command (here: a pattern every
# boot log matches) is booted again and never runs it
rm -f build/.harness-ran
NFIPSEC_VM_EARLY_RE='Linux version' expect "a kernel that reported in boot runs nothing" \
	122 --kernel "$first" -- touch build/.harness-ran
if [ -e build/.harness-ran ]; then
	fail "the command did not run there" "build/.harness-ran was created"
elif ! grep -q 'booting again' <<<"$LAST_OUT"; then
	fail "the command did not run there" "no 'booting again' line"
else
	ok "the command did not run there; the kernel was booted again"
fi
rm -f build/.harness-ran
wait $hung_pid
cat "$hung"
grep -q '^FAIL' "$hung" && failed=1

for k in $kernels; do
	ver=$(scripts/kver "$k") || continue
	kroot=$NFIPSEC_CACHE/kernels/$ver
	kdir=$kroot/build
	[ -d "$kdir" ] || kdir=$kroot/usr/src/linux-headers-$ver
	out=$top/build/$ver/warnmod
	mkdir -p "$out"
	cp tests/modules/warn/warn.c tests/modules/warn/Kbuild "$out/"
	if ! make -s -C "$kdir" M="$out" modules >/dev/null 2>&1; then
		fail "[$k] warn module builds" "make failed"
		continue
	fi
	expect "[$k] a WARNING in the kernel log fails the run" 120 \
		--kernel "$k" -- insmod "$out/warn.ko"
	if grep -q 'deliberate warning' <<<"$LAST_OUT"; then
		ok "[$k] the report is printed"
	else
		fail "[$k] the report is printed" "report text missing"
	fi
	# the brief, printed last: what and where, for a log cut to its tail
	if tail -n 3 <<<"$LAST_OUT" | grep -q 'in brief.*WARNING:' &&
	   tail -n 3 <<<"$LAST_OUT" | grep -q 'at 0010:nfipsec_warn_init'; then
		ok "[$k] the report's brief comes last"
	else
		fail "[$k] the report's brief comes last" \
			"no 'in brief' WARNING line at nfipsec_warn_init in the last 3 lines"
	fi
done
exit $failed
