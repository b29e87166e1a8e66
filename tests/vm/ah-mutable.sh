#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What AH's ICV covers and what it leaves out (RFC 4302 section 3.3.3),
# transport mode, HMAC-SHA256-128:
#  - against XFRM: IPv4 with Record Route (ping -R, an option the ICV
#    leaves out), IPv6 with a destination options and a hop-by-hop header
#    (one option that may change, one that may not), both ways;
#  - across a forwarding router that lowers the TTL and records its
#    address: ping, ping -R and 1 MiB of TCP each way;
#  - crafted packets (python, raw sockets) from xf: with changed mutable
#    fields (TOS, TTL, DF, Record Route data; IPv6 traffic class, flow
#    label, hop limit, the data of a "may change" option) they verify; a
#    flipped byte in an immutable field (IPv4 ID, source, router alert,
#    AH next header and reserved, payload; IPv6 source, an immutable
#    option, payload) is dropped and counted as "icv".
#
#   nf (nfipsec) ----veth---- xf (XFRM, raw sockets)     esp-lib.inc
#   a (nfipsec) 10.3.0.1 fd03::1 --- r (router) --- b (XFRM) 10.4.0.2 fd04::2
. "$(dirname "$0")/esp-lib.inc"
esp_setup
K=0x$(hexkey 32)
AH_ALG=(auth-trunc 'hmac(sha256)' $K 128)

# --- IPv4 options and IPv6 extension headers against XFRM ---------------
CASE_PROTO=ah esp_case transport 4 4 "${AH_ALG[@]}" ||
	fail setup "esp_case 4"
check rr-ping-nf-to-xf ping_any nf 10.0.0.2 -R -c1 -W3
check rr-ping-xf-to-nf ping_any xf 10.0.0.1 -R -c1 -W3
esp_flush

CASE_PROTO=ah esp_case transport 6 6 "${AH_ALG[@]}" ||
	fail setup "esp_case 6"
cat >"$T_DIR/ext.py" <<'PY'
# ext.py recv ADDR PORT | send ADDR PORT dst|hop: a UDP datagram with an
# IPv6 destination options or hop-by-hop header, options 0x1e (may not
# change) and 0x3e (may change, RFC 8200 section 4.2)
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
if sys.argv[1] == 'recv':
    s.bind((sys.argv[2], int(sys.argv[3])))
    s.settimeout(8)
    data, _ = s.recvfrom(100)
    sys.exit(0 if data == b'nfipsec-ext' else 1)
opts = bytes([0, 1, 0x1e, 4]) + b'abcd' + bytes([0x3e, 4]) + b'wxyz' + \
    bytes([1, 0])
kind = socket.IPV6_DSTOPTS if sys.argv[4] == 'dst' else socket.IPV6_HOPOPTS
s.setsockopt(socket.IPPROTO_IPV6, kind, opts)
s.sendto(b'nfipsec-ext', (sys.argv[2], int(sys.argv[3])))
PY
# ext_udp FROM TO ADDR KIND: one datagram with KIND options from FROM to
# ADDR in TO
ext_udp() {
	nsx "$2" python3 "$T_DIR/ext.py" recv "$3" 7001 &
	local pid=$!
	sleep 1
	nsx "$1" python3 "$T_DIR/ext.py" send "$3" 7001 "$4"
	wait $pid
}
check dstopts-nf-to-xf ext_udp nf xf fd00::2 dst
check dstopts-xf-to-nf ext_udp xf nf fd00::1 dst
check hopopts-nf-to-xf ext_udp nf xf fd00::2 hop
check hopopts-xf-to-nf ext_udp xf nf fd00::1 hop
esp_flush

# --- across a router ------------------------------------------------------
mkns a r b || fail setup mkns
link a av r ra
link r rb b bv
addr a av 10.3.0.1/24 fd03::1/64
addr r ra 10.3.0.254/24 fd03::254/64
addr r rb 10.4.0.254/24 fd04::254/64
addr b bv 10.4.0.2/24 fd04::2/64
forwarding r
for n in a b; do
	nsx $n sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
nsx a sysctl -qw net.ipv4.conf.nfipsec0.rp_filter=0
ip -n a route add default via 10.3.0.254
ip -n a -6 route add default via fd03::254
ip -n b route add default via 10.4.0.254
ip -n b -6 route add default via fd04::254
nsx a ping -c1 -W2 10.4.0.2 >/dev/null
nsx a ping -6 -c1 -W2 fd04::2 >/dev/null
for v in "10.3.0.1 10.4.0.2 32" "fd03::1 fd04::2 128"; do
	read -r A B P <<<"$v"
	printf '%s\n' \
		"sa add src $A dst $B proto ah spi 0x3001 mode transport ${AH_ALG[*]}" \
		"sa add src $B dst $A proto ah spi 0x3002 mode transport ${AH_ALG[*]}" \
		"policy add dir out src $A/$P dst $B/$P tmpl proto ah mode transport" \
		"policy add dir in src $B/$P dst $A/$P tmpl proto ah mode transport" \
		>"$T_DIR/a.batch"
	printf '%s\n' \
		"xfrm state add src $A dst $B proto ah spi 0x3001 mode transport ${AH_ALG[*]}" \
		"xfrm state add src $B dst $A proto ah spi 0x3002 mode transport ${AH_ALG[*]}" \
		"xfrm policy add dir out src $B/$P dst $A/$P tmpl proto ah mode transport" \
		"xfrm policy add dir in src $A/$P dst $B/$P tmpl proto ah mode transport" \
		>"$T_DIR/b.batch"
	nfctl a -b "$T_DIR/a.batch" >/dev/null || fail setup "a: $A"
	ip -n b -batch "$T_DIR/b.batch" || fail setup "b: $B"
done
check routed-ping-v4 ping_any a 10.4.0.2 -c1 -W3
check routed-ping-v4-back ping_any b 10.3.0.1 -c1 -W3
check routed-ping-rr ping_any a 10.4.0.2 -R -c1 -W3
check routed-ping-rr-back ping_any b 10.3.0.1 -R -c1 -W3
check routed-ping-v6 ping_any a fd04::2 -c1 -W3
check routed-ping-v6-back ping_any b fd03::1 -c1 -W3
check routed-tcp-v4 tcp_transfer a b 10.4.0.2 1048576
check routed-tcp-v4-back tcp_transfer b a 10.3.0.1 1048576
check routed-tcp-v6 tcp_transfer a b fd04::2 1048576
check routed-tcp-v6-back tcp_transfer b a fd03::1 1048576
# the v4 and the v6 SA 0x3002
v=$(sa_stat a 0x3002 packets_in | tr '\n' ' ')
if [[ $v =~ ^[1-9][0-9]*\ [1-9][0-9]*\ $ ]]; then
	ok routed-counted
else
	fail routed-counted "packets_in $v"
fi

# --- crafted packets ------------------------------------------------------
# nf's inbound SAs only; no policy, so what verifies is delivered.
nfctl nf sa add src 10.0.0.2 dst 10.0.0.1 proto ah spi 0x5002 \
	mode transport "${AH_ALG[@]}"
nfctl nf sa add src fd00::2 dst fd00::1 proto ah spi 0x6002 \
	mode transport "${AH_ALG[@]}"
cat >"$T_DIR/craft.py" <<'PY'
# craft.py KEY KIND...: one AH packet per KIND from xf to nf, sequence
# numbers 1, 2, ...; the ICV is computed over the packet as RFC 4302
# section 3.3.3 says the receiver sees it, then KIND changes a field.
import hashlib, hmac, socket, struct, sys
key = bytes.fromhex(sys.argv[1])
r4 = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
r6 = socket.socket(socket.AF_INET6, socket.SOCK_RAW, socket.IPPROTO_RAW)
udp = struct.pack('!HHHH', 40000, 9, 12, 0) + b'nfip'
src4, dst4 = socket.inet_aton('10.0.0.2'), socket.inet_aton('10.0.0.1')
src6 = socket.inet_pton(socket.AF_INET6, 'fd00::2')
dst6 = socket.inet_pton(socket.AF_INET6, 'fd00::1')

def icv(data):
    return hmac.new(key, data, hashlib.sha256).digest()[:16]

def ah(spi, seq, nh, align4=False):
    # ICV zeroed; 64-bit alignment (32 with align4)
    pad = b'' if align4 else bytes(4)
    return struct.pack('!BBHII', nh, (12 + 16 + len(pad)) // 4 - 2, 0,
                       spi, seq), pad

def v4(seq, kind):
    # Record Route (mutable: zeroed whole), NOP, Router Alert (immutable)
    rr = bytes([7, 11, 4]) + bytes(8)
    opts = rr + bytes([1]) + bytes([148, 4, 0, 0])
    hdr, pad = ah(0x5002, seq, 17, kind == 'align4')
    body = hdr + bytes(16) + pad + udp
    tot = 20 + len(opts) + len(body)
    def iph(tos, frag, ttl, ident, src, o):
        return struct.pack('!BBHHHBBH4s4s', 0x40 | (20 + len(o)) // 4, tos,
                           tot, ident, frag, ttl, 51, 0, src, dst4) + o
    zopts = bytes(len(rr)) + opts[len(rr):]
    mac = icv(iph(0, 0, 0, 0x1234, src4, zopts) + body)
    body = hdr + mac + pad + udp
    tos, frag, ttl, ident, src = 0, 0, 64, 0x1234, src4
    if kind == 'mutable':
        tos, frag, ttl = 0xb8, 0x4000, 7
        opts = bytes([7, 11, 12]) + socket.inet_aton('10.9.9.9') + \
            socket.inet_aton('10.8.8.8') + opts[len(rr):]
    elif kind == 'ident':
        ident ^= 0x0100
    elif kind == 'src':
        src = socket.inet_aton('10.0.0.3')
    elif kind == 'ra':
        opts = opts[:-1] + b'\x01'
    elif kind == 'nexthdr':
        body = bytes([6]) + body[1:]
    elif kind == 'reserved':
        body = body[:2] + b'\x00\x01' + body[4:]
    elif kind == 'payload':
        body = body[:-1] + b'q'
    r4.sendto(iph(tos, frag, ttl, ident, src, opts) + body,
              ('10.0.0.1', 0))

def v6(seq, kind):
    dst = bytes([51, 1, 0x1e, 4]) + b'abcd' + bytes([0x3e, 4]) + b'wxyz' + \
        bytes([1, 0])
    hdr, pad = ah(0x6002, seq, 17)
    plen = len(dst) + len(hdr) + 16 + len(pad) + len(udp)
    def ip6(first, hop, src):
        return struct.pack('!IHBB16s16s', first, plen, 60, hop, src, dst6)
    zdst = dst[:10] + bytes(4) + dst[14:]
    mac = icv(ip6(0x60000000, 0, src6) + zdst + hdr + bytes(16) + pad + udp)
    tail = hdr + mac + pad + udp
    first, hop, src = 0x60000000, 64, src6
    if kind == 'mutable':
        first, hop = 0x6b812345, 3
        dst = dst[:10] + b'WXYZ' + dst[14:]
    elif kind == 'src':
        src = socket.inet_pton(socket.AF_INET6, 'fd00::3')
    elif kind == 'immutable-opt':
        dst = dst[:4] + b'abce' + dst[8:]
    elif kind == 'payload':
        tail = tail[:-1] + b'q'
    r6.sendto(ip6(first, hop, src) + dst + tail, ('fd00::1', 0))

seq = {4: 0, 6: 0}
for k in sys.argv[2:]:
    fam, kind = int(k[1]), k[3:]
    seq[fam] += 1
    (v4 if fam == 4 else v6)(seq[fam], kind)
PY
# xf's policies would wrap the raw packets: none while they are sent
ip -n xf xfrm policy flush
in4=$(sa_stat nf 0x5002 packets_in)
in6=$(sa_stat nf 0x6002 packets_in)
icv0=$(drop_count nf icv)
nsx xf python3 "$T_DIR/craft.py" "${K#0x}" v4-good v4-mutable v4-align4 \
	v4-ident v4-src v4-ra v4-nexthdr v4-reserved v4-payload \
	v6-good v6-mutable v6-src v6-immutable-opt v6-payload
sleep 1
check_eq crafted-v4-good-mutable-align4-accepted $((${in4:-0} + 3)) \
	"$(sa_stat nf 0x5002 packets_in)"
check_eq crafted-v6-good-mutable-accepted $((${in6:-0} + 2)) \
	"$(sa_stat nf 0x6002 packets_in)"
check_eq crafted-immutable-flips-dropped-as-icv $((${icv0:-0} + 9)) \
	"$(drop_count nf icv)"
check_eq crafted-icv-on-the-sa 6 "$(sa_stat nf 0x5002 icv_fail)"
finish
