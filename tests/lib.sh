# SPDX-License-Identifier: GPL-2.0
#
# Shared by the VM tests (tests/vm/*.sh), which run as root inside a
# scripts/vm guest. A test file sources this, runs its cases with check or
# ok/fail, and ends with finish. tests/run counts the lines:
#   ok <name>            a case passed
#   FAIL <name>: <why>   a case failed
#   skip <name>: <why>   a case could not run here
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CTL=$TOP/ctl/nfipsecctl
: "${NFIPSEC_KO:=$TOP/build/$(uname -r)/kmod/nfipsec.ko}"
T_FAILED=0
T_NS=()

say() { printf '# %s\n' "$*"; }
ok() { printf 'ok %s\n' "$1"; }
fail() {
	printf 'FAIL %s: %s\n' "$1" "${2:-failed}"
	T_FAILED=$((T_FAILED + 1))
}
skip() { printf 'skip %s: %s\n' "$1" "$2"; }

# check NAME CMD...: the case passes if CMD exits 0; its output is shown
# only on failure.
check() {
	local name=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc = 0 ]; then
		ok "$name"
	else
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
		fail "$name" "exit $rc: $*"
	fi
	return $rc
}

# check_fails NAME PATTERN CMD...: CMD must fail and print PATTERN (an
# extended regular expression) on stdout or stderr.
check_fails() {
	local name=$1 pat=$2 out rc
	shift 2
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc != 0 ] && grep -qE -- "$pat" <<<"$out"; then
		ok "$name"
	else
		printf '%s\n' "$out" | tail -n 20 | sed 's/^/#   /'
		fail "$name" "exit $rc, expected failure matching /$pat/: $*"
	fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1" "expected '$2', got '$3'"
	fi
}

finish() {
	cleanup_all
	[ $T_FAILED = 0 ]
	exit
}

# Network namespaces: mkns NAME... creates them with lo up; all are
# deleted at exit.
mkns() {
	local n
	for n in "$@"; do
		ip netns add "$n" || return 1
		T_NS+=("$n")
		ip -n "$n" link set lo up
		ip netns exec "$n" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
}

# link NS1 IF1 NS2 IF2: a veth pair between two namespaces, both ends up.
link() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" &&
		ip -n "$1" link set "$2" up && ip -n "$3" link set "$4" up
}

# addr NS IF ADDR/PLEN...
addr() {
	local ns=$1 dev=$2 a
	shift 2
	for a in "$@"; do
		ip -n "$ns" addr add "$a" dev "$dev" nodad 2>/dev/null ||
			ip -n "$ns" addr add "$a" dev "$dev" || return 1
	done
}

forwarding() {
	ip netns exec "$1" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv6.conf.all.forwarding=1
}

nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
nfctl() { local ns=$1; shift; ip netns exec "$ns" "$CTL" "$@"; }

# drop_count NS REASON: the global drop counter REASON of nfipsecctl stats
# (as the text output names it: no-out-sa; JSON keys have "_" for "-")
drop_count() {
	nfctl "$1" -j stats 2>/dev/null | jq -r --arg r "${2//-/_}" '.drops[$r]'
}

# sa_stat NS SPI FIELD: a per-SA counter (packets_in, ...) from the listing
sa_stat() {
	nfctl "$1" -j -s sa list |
		jq -r --argjson spi "$(($2))" \
			'.[] | select(.spi == $spi) | .stats.'"$3"
}

# The modules nfipsec uses (the defrag helpers that reassemble inbound
# ESP, conntrack whose entries it confirms), as modinfo lists them.
module_deps() {
	modinfo -F depends "$NFIPSEC_KO" | tr ',' ' '
}

load_module() {
	lsmod | grep -q '^nfipsec ' && return 0
	# A kernel without a module tree (the debug kernel) has them built in.
	if [ -d "/lib/modules/$(uname -r)/kernel" ]; then
		# shellcheck disable=SC2046
		modprobe -a $(module_deps) || return 1
	fi
	insmod "$NFIPSEC_KO"
}

unload_module() {
	lsmod | grep -q '^nfipsec ' || return 0
	rmmod nfipsec
}

cleanup_all() {
	local n
	for n in "${T_NS[@]}"; do
		ip netns pids "$n" 2>/dev/null | xargs -r kill 2>/dev/null
		ip netns del "$n" 2>/dev/null
	done
	T_NS=()
	rm -rf "$T_DIR"
}
trap cleanup_all EXIT

# Scratch files of this test file, inside the guest's /tmp (a tmpfs).
T_DIR=$(mktemp -d)

# tcp_transfer CLIENT_NS SERVER_NS SERVER_ADDR BYTES [PORT]: send BYTES
# random bytes over TCP and compare them at the far end. The payload of a
# size is drawn once per file; the client retries until the server
# listens, so no polling is needed (each program started under TCG costs
# a quarter of a second).
tcp_transfer() {
	local cns=$1 sns=$2 a=$3 n=$4 port=${5:-5001} spid
	local f=$T_DIR/payload.$4 out=$T_DIR/received
	local listen="TCP-LISTEN:$port,reuseaddr,bind=$a" conn="TCP:$a:$port"
	case $a in
	*:*) listen="TCP6-LISTEN:$port,reuseaddr,bind=[$a]"
	     conn="TCP6:[$a]:$port" ;;
	esac
	[ -s "$f" ] || head -c "$n" /dev/urandom >"$f"
	rm -f "$out"
	# socat's own timeouts (-T: 20 s without data) instead of timeout(1)
	nsx "$sns" socat -T 20 -u "$listen" "OPEN:$out,creat,trunc" &
	spid=$!
	if ! nsx "$cns" socat -T 20 -u "OPEN:$f" \
		"$conn,retry=25,interval=0.2,connect-timeout=2" \
		2>"$T_DIR/client.err"; then
		tail -n 3 "$T_DIR/client.err" >&2
		kill_tree $spid	# the subshell and the socat that would listen on
		return 1
	fi
	wait $spid && cmp -s "$f" "$out"
}

# Make-before-break rekeying of an ESP pair between namespaces nf
# (nfipsec, address $NF) and xf (Linux XFRM, address $XF), as an IKE daemon
# does it (doc/negotiator.md); $MODE ("mode transport") and $TMPL (the
# policies' template) as the caller sets them; $REKEY_IN_OPTS, if set, is
# added to nf's inbound SAs (a replay window). Used by sa-rekey.sh and
# fault-soak.sh. Bash builtins only in a round: every program start
# counts under emulation (the keys are test keys: $RANDOM is no key
# generator).
newkey() {
	local k=
	for _ in 1 2 3 4 5 6 7 8 9 10; do printf -v k '%s%04x' "$k" $RANDOM; done
	printf "aead rfc4106(gcm(aes)) 0x%s 128" "$k"
}
spi_of() { [[ $1 =~ spi\ (0x[0-9a-f]+) ]] && echo "${BASH_REMATCH[1]}"; }
usec() { local t=${EPOCHREALTIME/./}; echo $((10#$t)); }

# rekey_first: round 0, the first pair from ALLOCSPI on both sides and the
# policies (which name no SPI, so they stay). Sets in_nf and in_xf (each
# side's inbound SPI); old_in_nf and old_in_xf (the round before's) empty.
rekey_first() {
	local k_in k_out
	k_in=$(newkey); k_out=$(newkey)	# nf's inbound / nf's outbound keys
	in_nf=$(spi_of "$(nfctl nf sa allocspi src $XF dst $NF proto esp $MODE)")
	in_xf=$(spi_of "$(ip -n xf xfrm state allocspi src $NF dst $XF proto esp $MODE)")
	old_in_nf=; old_in_xf=
	printf '%s\n' "sa update src $XF dst $NF proto esp spi $in_nf $MODE $k_in ${REKEY_IN_OPTS:-}" \
		"sa add src $NF dst $XF proto esp spi $in_xf $MODE $k_out" \
		"policy add dir out src $NF/32 dst $XF/32 $TMPL" \
		"policy add dir in src $XF/32 dst $NF/32 $TMPL" >"$T_DIR/nf.batch"
	printf '%s\n' "xfrm state update src $NF dst $XF proto esp spi $in_xf $MODE $k_out" \
		"xfrm state add src $XF dst $NF proto esp spi $in_nf $MODE $k_in" \
		"xfrm policy add dir out src $XF/32 dst $NF/32 $TMPL" \
		"xfrm policy add dir in src $NF/32 dst $XF/32 $TMPL" >"$T_DIR/xf.batch"
	nfctl nf -b "$T_DIR/nf.batch" && ip -n xf -batch "$T_DIR/xf.batch" &&
		nsx nf ping -c1 -W3 $XF >/dev/null
}

# rekey_round R: one round.
#   1. nf: sa allocspi (inbound SPI, larval);  xf: ip xfrm state allocspi
#   2. nf: sa update fills its new inbound SA with keys
#   3. xf (one ip -batch): fills its new inbound SA, adds the new outbound
#      SA (to nf's new SPI), deletes its old outbound one, deletes its
#      inbound SA of two rounds ago (the grace period: one round)
#   4. nf (one nfipsecctl -b): the same on its side
# A failed step is a FAIL line "round-R-..."; returns 1 if allocspi failed
# (nothing changed then).
rekey_round() {
	local r=$1 k_in k_out n_in_nf n_in_xf
	k_in=$(newkey); k_out=$(newkey)
	n_in_nf=$(spi_of "$(nfctl nf sa allocspi src $XF dst $NF proto esp $MODE)")
	n_in_xf=$(spi_of "$(ip -n xf xfrm state allocspi src $NF dst $XF proto esp $MODE)")
	if [ -z "$n_in_nf" ] || [ -z "$n_in_xf" ]; then
		fail "round-$r-allocspi" "nf '$n_in_nf' xf '$n_in_xf'"
		return 1
	fi
	# shellcheck disable=SC2086
	nfctl nf sa update src $XF dst $NF proto esp spi "$n_in_nf" $MODE $k_in \
		${REKEY_IN_OPTS:-} ||
		fail "round-$r-nf-in"
	{
		echo "xfrm state update src $NF dst $XF proto esp spi $n_in_xf $MODE $k_out"
		echo "xfrm state add src $XF dst $NF proto esp spi $n_in_nf $MODE $k_in"
		echo "xfrm state del src $XF dst $NF proto esp spi $in_nf"
		[ -n "$old_in_xf" ] &&
			echo "xfrm state del src $NF dst $XF proto esp spi $old_in_xf"
	} >"$T_DIR/xf.batch"
	ip -n xf -batch "$T_DIR/xf.batch" || fail "round-$r-xf"
	{
		echo "sa add src $NF dst $XF proto esp spi $n_in_xf $MODE $k_out"
		echo "sa del src $NF dst $XF proto esp spi $in_xf"
		[ -n "$old_in_nf" ] &&
			echo "sa del src $XF dst $NF proto esp spi $old_in_nf"
	} >"$T_DIR/nf.batch"
	nfctl nf -b "$T_DIR/nf.batch" || fail "round-$r-nf"
	old_in_nf=$in_nf; old_in_xf=$in_xf
	in_nf=$n_in_nf; in_xf=$n_in_xf
}

# slab_kb: kB of slab memory (Slab in /proc/meminfo), after the page
# cache and reclaimable objects were dropped
slab_kb() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
	awk '/^Slab:/ { print $2 }' /proc/meminfo
}

# slab_near NAME BEFORE_KB AFTER_KB [WHAT]: the slab (or WHAT of
# /proc/meminfo the caller read) came back within 2 MiB: per-CPU caches and
# the flows' sockets come and go. On the debug kernel within 16 MiB: KASAN
# keeps freed objects in its quarantine (up to 1/32 of memory) before they
# go back, and kmemleak, which the guest runs after the test, is the exact
# check there.
# KASAN_QUARANTINE_KB is that bound, for a check of its own (0 elsewhere).
case $(uname -r) in
*-nfipsec-debug)
	SLAB_SLACK_KB=16384
	KASAN_QUARANTINE_KB=$(awk '/^MemTotal:/ { print int($2 / 32) }' /proc/meminfo)
	;;
*)
	SLAB_SLACK_KB=2048
	KASAN_QUARANTINE_KB=0
	;;
esac
slab_near() {
	local what=${4:-Slab}
	say "$what: ${2:-?} kB before, $3 kB after"
	if [ -n "$2" ] && [ $(($3 - $2)) -lt $SLAB_SLACK_KB ]; then
		ok "$1"
	else
		fail "$1" "$what ${2:-?} -> $3 kB (more than $SLAB_SLACK_KB kB)"
	fi
}

# tcp_tally NAME WHAT: the "ok"/"fail" lines a background transfer loop
# wrote to $T_DIR/tcp, one per transfer of WHAT: at least one, none failed
tcp_tally() {
	local n_ok n_fail
	n_ok=$(grep -c '^ok' "$T_DIR/tcp"); n_fail=$(grep -c '^fail' "$T_DIR/tcp")
	say "tcp: $n_ok transfers of $2 identical, $n_fail failed"
	if [ "$n_ok" -ge 1 ] && [ "$n_fail" = 0 ]; then
		ok "$1"
	else
		[ -s "$T_DIR/tcp.err" ] && tail -n 3 "$T_DIR/tcp.err" | sed 's/^/#   /'
		fail "$1" "$n_ok ok, $n_fail failed"
	fi
}

# ping_no_loss NAME FILE MIN: the output of a ping (not -q) stopped with
# SIGINT has a reply for every request but perhaps the last one, which
# can still be on its way when the signal comes (ping then counts it as
# lost), and at least MIN requests were sent. The missing sequence
# numbers are named.
ping_no_loss() {
	local sum missing
	sum=$(grep 'packets transmitted' "$2")
	say "ping: $sum"
	missing=$(awk '/icmp_seq=/ { for (i = 1; i <= NF; i++)
			if ($i ~ /^icmp_seq=/) seen[substr($i, 10) + 0] = 1 }
		/packets transmitted/ { tx = $1 }
		END { if (!tx) { print "no summary"; exit }
			for (s = 1; s < tx; s++)
				if (!((s % 65536) in seen)) m = m " " s
			print substr(m, 2) }' "$2")
	if [ -z "$missing" ] && [ "$(awk '{ print $1 }' <<<"$sum")" -ge "$3" ]; then
		ok "$1"
	else
		fail "$1" "$sum; no reply to ${missing:-none} (at least $3 wanted)"
	fi
}

# kill_tree PID...: each PID and everything it started (a background
# function's subshell has its programs as children, which a kill of it
# leaves behind: a tcpdump still writing its file, a socat still
# listening), and wait until they are gone (5 s at most), so that what
# they wrote is complete. Each is stopped first, so that it starts
# nothing while its children are listed.
kill_tree() {
	local all=() p n st
	_kill_tree() {
		local c kids
		kill -STOP "$1" 2>/dev/null || return 0
		kids=$(ps -o pid= --ppid "$1")
		kill "$1"; kill -CONT "$1" 2>/dev/null
		all+=("$1")
		for c in $kids; do _kill_tree "$c"; done
	}
	for p; do _kill_tree "$p"; done
	for p in "${all[@]}"; do
		for ((n = 0; n < 50; n++)); do
			st=
			{ read -r st <"/proc/$p/stat"; } 2>/dev/null
			# gone, or a zombie nobody has reaped yet
			[[ $st =~ ^[0-9]+\ \(.*\)\ [^Z] ]] || break
			sleep 0.1
		done
	done
	wait "$@" 2>/dev/null
	return 0
}
