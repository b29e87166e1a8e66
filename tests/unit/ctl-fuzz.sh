#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsecctl's argument and batch parsers under libFuzzer, on the host:
# tests/fuzz/ctl-fuzz.c feeds each input to the tool's own main() in
# dry-run mode (nothing is sent), built with clang's fuzzer, address and
# undefined-behaviour sanitizers. Seeds: tests/fuzz/ctl-seeds.txt, each
# line as an argument vector and as a batch line; dictionary:
# tests/fuzz/ctl.dict. Runs for NFIPSEC_CTL_FUZZ_SECS (30) seconds with
# seed NFIPSEC_FUZZ_SEED (printed; random by default). A crash, a leak,
# undefined behaviour or a timeout fails the case and leaves the input in
# hex here for replay:
#   xxd -r -p > crash; tests/fuzz/ctl-fuzz crash    (build line below)
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
SEED=${NFIPSEC_FUZZ_SEED:-$(od -An -N4 -tu4 /dev/urandom | tr -d ' ')}
SECS=${NFIPSEC_CTL_FUZZ_SECS:-30}
BIN=$TOP/tests/fuzz/ctl-fuzz
C=$TOP/ctl

if ! command -v clang >/dev/null; then
	echo "skip ctl-fuzz: no clang"
	exit 0
fi
# every file of ctl/, nfipsecctl.c's main() renamed (clang warns of
# partly initialised tables, which ctl/ writes on purpose)
if ! clang -g -O1 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wno-missing-field-initializers \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-I"$TOP/kmod/uapi" -I"$C" $(pkg-config --cflags libmnl) \
	-Dmain=ctl_main -o "$BIN" "$TOP/tests/fuzz/ctl-fuzz.c" "$C"/*.c \
	$(pkg-config --libs libmnl) 2>"$TMP/cc"; then
	head -20 "$TMP/cc" | sed 's/^/#   /'
	echo "FAIL ctl-fuzz-build: clang -fsanitize=fuzzer"
	exit 1
fi
echo "ok ctl-fuzz-build"

# the seed corpus: \0 + NUL-separated words, \1 + a batch line, and the
# whole list as one batch run with -force (\3)
mkdir "$TMP/corpus"
python3 - "$TOP/tests/fuzz/ctl-seeds.txt" "$TMP/corpus" <<'PY'
import shlex, sys
lines = [l.strip() for l in open(sys.argv[1]) if l.strip() and not l.startswith('#')]
for i, l in enumerate(lines):
    open('%s/argv-%02d' % (sys.argv[2], i), 'wb').write(
        b'\0' + b'\0'.join(w.encode() for w in shlex.split(l)))
    open('%s/batch-%02d' % (sys.argv[2], i), 'wb').write(b'\1' + l.encode() + b'\n')
open('%s/batch-all' % sys.argv[2], 'wb').write(b'\3' + '\n'.join(lines).encode() + b'\n')
PY
echo "# ctl-fuzz: seed $SEED, ${SECS}s, $(ls "$TMP/corpus" | wc -l) seed inputs"
t0=$(date +%s)
"$BIN" -seed="$SEED" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=1024 \
	-close_fd_mask=3 -dict="$TOP/tests/fuzz/ctl.dict" -max_len=4096 \
	-artifact_prefix="$TMP/" "$TMP/corpus" </dev/null >"$TMP/log" 2>&1
rc=$?
runs=$(sed -n 's/^Done \([0-9]*\) runs in.*/\1/p' "$TMP/log")
cov=$(grep -o 'cov: [0-9]*' "$TMP/log" | tail -1)
echo "# ctl-fuzz: ${runs:-?} inputs in $(($(date +%s) - t0))s, $cov, corpus $(ls "$TMP/corpus" | wc -l)"
if [ $rc = 0 ] && [ -n "$runs" ]; then
	echo "ok ctl-fuzz-no-crash"
	exit 0
fi
grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$TMP/log" | head -10 | sed 's/^/#   /'
for a in "$TMP"/crash-* "$TMP"/leak-* "$TMP"/timeout-* "$TMP"/oom-*; do
	[ -e "$a" ] || continue
	echo "#   input $(basename "$a"):"
	xxd -p "$a" | head -20 | sed 's/^/#     /'
done
echo "FAIL ctl-fuzz-no-crash: exit $rc, seed $SEED"
exit 1
