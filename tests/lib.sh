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

# The module reassembles inbound ESP with the kernel's defrag helpers.
load_module() {
	lsmod | grep -q '^nfipsec ' && return 0
	modprobe -a nf_defrag_ipv4 nf_defrag_ipv6 && insmod "$NFIPSEC_KO"
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
}
trap cleanup_all EXIT

# wait_listen NS PORT: until a TCP socket listens on PORT in NS (10 s at most).
wait_listen() {
	local i
	for i in $(seq 1 100); do
		nsx "$1" ss -Hltn "sport = :$2" 2>/dev/null | grep -q . && return 0
		sleep 0.1
	done
	return 1
}

# A file of N random bytes and its checksum, for transfer tests.
randfile() { head -c "$2" /dev/urandom >"$1"; }

# tcp_transfer CLIENT_NS SERVER_NS SERVER_ADDR BYTES: send BYTES random
# bytes over TCP and compare checksums at the far end.
tcp_transfer() {
	local cns=$1 sns=$2 a=$3 n=$4 f out port=${5:-5001}
	f=$(mktemp)
	out=$(mktemp)
	local listen="TCP-LISTEN:$port,reuseaddr,bind=$a" conn="TCP:$a:$port"
	case $a in
	*:*) listen="TCP6-LISTEN:$port,reuseaddr,bind=[$a]"
	     conn="TCP6:[$a]:$port" ;;
	esac
	randfile "$f" "$n"
	nsx "$sns" timeout 60 socat -u "$listen" "OPEN:$out,creat,trunc" &
	local spid=$!
	wait_listen "$sns" "$port"
	nsx "$cns" timeout 60 socat -u "OPEN:$f" "$conn" || {
		kill $spid 2>/dev/null; rm -f "$f" "$out"; return 1; }
	wait $spid
	local rc=0
	[ "$(md5sum <"$f")" = "$(md5sum <"$out")" ] || rc=1
	rm -f "$f" "$out"
	return $rc
}
