#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bad input and refusals: cleartext to a protected destination, an unknown
# SPI, a wrong ICV, a replayed sequence, wrong padding, a truncated packet,
# each dropped and counted under its own reason while good traffic
# continues; reordering inside the replay window and an ESP packet in two
# IPv4 fragments (reassembled before decryption) accepted; and
# configuration refusals with the message that says what was wrong.
#
#   nf (nfipsec, 10.0.0.1) ----veth---- xf (XFRM, 10.0.0.2)
#   transport mode, AES-GCM-128; xf plays the misbehaving peer.
. "$(dirname "$0")/esp-lib.inc"
esp_setup
K=0x$(hexkey 20)
GCM=(aead 'rfc4106(gcm(aes))' $K 128)

# xf_in_sa SPI KEY [OSEQ]: replace xf's outbound SA (nf's inbound); OSEQ
# is the last sequence number it sent (XFRM sends OSEQ+1 next).
xf_in_sa() {
	ip -n xf xfrm state deleteall src 10.0.0.2 dst 10.0.0.1 2>/dev/null
	ip -n xf xfrm state add src 10.0.0.2 dst 10.0.0.1 proto esp spi "$1" \
		mode transport aead 'rfc4106(gcm(aes))' "$2" 128 \
		replay-oseq "${3:-0}"
}

# expect_drop NAME REASON N CMD...: CMD makes exactly N drops for REASON.
expect_drop() {
	local name=$1 reason=$2 n=$3 before after
	shift 3
	before=$(drop_count nf "$reason")
	"$@" >/dev/null 2>&1
	after=$(drop_count nf "$reason")
	if [ -n "$after" ] && [ "$after" -eq "$((${before:-0} + n))" ]; then
		ok "$name"
	else
		fail "$name" "$reason count $before -> $after"
	fi
}

esp_case transport 4 4 "${GCM[@]}" || { fail setup "esp_case"; finish; }
check good-traffic ping_any xf 10.0.0.1 -c2 -i0.2 -W2

# cleartext: xf without policies sends plain ICMP
ip -n xf xfrm policy flush
expect_drop cleartext-dropped cleartext 1 ping_any xf 10.0.0.1 -c1 -W1
check_fails cleartext-not-answered . ping_any xf 10.0.0.1 -c1 -W1
ip -n xf xfrm policy add dir out src 10.0.0.2/32 dst 10.0.0.1/32 \
	tmpl proto esp mode transport
ip -n xf xfrm policy add dir in src 10.0.0.1/32 dst 10.0.0.2/32 \
	tmpl proto esp mode transport

# replay: the same SA re-added on xf starts again at sequence 1
xf_in_sa 0x1002 $K
expect_drop replay-dropped replay 2 ping_any xf 10.0.0.1 -c2 -i0.2 -W1

# unknown SPI
xf_in_sa 0x2002 $K
expect_drop unknown-spi-dropped no-sa 1 ping_any xf 10.0.0.1 -c1 -W1

# wrong key: the ICV cannot verify
# Same SPI, another key, and sequence numbers past nf's window (the replay
# check comes before the ICV check): nf sees a wrong ICV.
xf_in_sa 0x1002 0x$(hexkey 20) 1000
expect_drop bad-icv-dropped icv 1 ping_any xf 10.0.0.1 -c1 -W1

# and traffic continues once the peer is right again (fresh SA pair)
esp_flush
# a window wide enough for what netem holds back below
esp_case transport 4 4 "${GCM[@]}" replay-window 1024
check traffic-continues ping_any xf 10.0.0.1 -c2 -i0.2 -W2

# Crafted packets from xf (a raw ESP socket): NULL encryption, so the
# payload is in the clear and python's hmac computes a valid ICV. One
# good packet (a UDP datagram) must be accepted, the same bytes re-sent are
# a replay, and each bad one is dropped under its own reason.
NK=0x$(hexkey 32)
nfctl nf sa add src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x5002 \
	mode transport enc 'ecb(cipher_null)' "" \
	auth-trunc 'hmac(sha256)' $NK 128
# craft KIND...: send one crafted packet per KIND to 10.0.0.1
craft() {
	nsx xf python3 - "${NK#0x}" 0x5002 "$@" <<'PY'
import hashlib, hmac, socket, struct, sys
key, spi = bytes.fromhex(sys.argv[1]), int(sys.argv[2], 0)
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ESP)
# UDP to the discard port, checksum 0 (none), 4 bytes of data; 1400 for
# the fragmented packet
udp = struct.pack('!HHHH', 40000, 9, 12, 0) + b'nfip'
big = struct.pack('!HHHH', 40000, 9, 1408, 0) + b'n' * 1400
seq, pkt = 0, b''
for kind in sys.argv[3:]:
    if kind != 'again':		# 'again': the previous packet, re-sent
        seq += 1
        pad, nh = b'\x01\x02', 17
        if kind == 'bad-padding':
            pad = b'\x01\x07'
        data = big if kind == 'fragmented' else udp
        body = struct.pack('!II', spi, seq) + data + pad + bytes([len(pad), nh])
        pkt = body + hmac.new(key, body, hashlib.sha256).digest()[:16]
        if kind == 'bad-icv':
            pkt = pkt[:-1] + bytes([pkt[-1] ^ 0x80])
        if kind == 'truncated':
            pkt = pkt[:14]
    if kind != 'fragmented':
        s.sendto(pkt, ('10.0.0.1', 0))
        continue
    # the ESP packet in two IPv4 fragments (the kernel fills in the
    # header checksum and total length of a header-included raw packet)
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    for off, part, mf in ((0, pkt[:800], 1), (100, pkt[800:], 0)):
        iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + len(part), 0x4e46,
                          (mf << 13) | off, 64, 50, 0,
                          socket.inet_aton('10.0.0.2'),
                          socket.inet_aton('10.0.0.1'))
        r.sendto(iph + part, ('10.0.0.1', 0))
PY
}
in0=$(sa_stat nf 0x5002 packets_in)
rep0=$(drop_count nf replay)
icv0=$(drop_count nf icv)
pad0=$(drop_count nf bad-padding)
mal0=$(drop_count nf malformed)
# xf's own XFRM policy would wrap the crafted packets in its ESP: off
# while they are sent
ip -n xf xfrm policy flush
craft good again bad-icv bad-padding truncated fragmented
ip -n xf xfrm policy add dir out src 10.0.0.2/32 dst 10.0.0.1/32 \
	tmpl proto esp mode transport
ip -n xf xfrm policy add dir in src 10.0.0.1/32 dst 10.0.0.2/32 \
	tmpl proto esp mode transport
# the good one and the fragmented one, reassembled before decryption
check_eq crafted-good-and-fragmented-accepted $((${in0:-0} + 2)) \
	"$(sa_stat nf 0x5002 packets_in)"
check_eq crafted-resent-is-replay $((${rep0:-0} + 1)) "$(drop_count nf replay)"
check_eq crafted-flipped-icv-dropped $((${icv0:-0} + 1)) \
	"$(drop_count nf icv)"
check_eq crafted-bad-padding-dropped $((${pad0:-0} + 1)) \
	"$(drop_count nf bad-padding)"
check_eq crafted-truncated-dropped $((${mal0:-0} + 1)) \
	"$(drop_count nf malformed)"

# Reordering inside the replay window is accepted: netem on xf sends a
# quarter of the packets at once and delays the others, and 1 MiB of TCP
# from xf arrives whole with no replay drop.
nsx xf tc qdisc add dev xv root netem delay 2ms reorder 25% 50%
rep0=$(drop_count nf replay)
check reordered-transfer tcp_transfer xf nf 10.0.0.1 1048576
check_eq reordered-no-replay-drops "${rep0:-0}" "$(drop_count nf replay)"
nsx xf tc qdisc del dev xv root

# refusals, each with what was wrong
check_fails refuse-key-length '160|224|288' nfctl nf sa add src 10.0.0.1 \
	dst 10.0.0.2 proto esp spi 0x3001 mode transport \
	aead 'rfc4106(gcm(aes))' 0x$(hexkey 16) 128
check_fails refuse-unknown-alg 'unknown' nfctl nf sa add src 10.0.0.1 \
	dst 10.0.0.2 proto esp spi 0x3001 mode transport \
	aead 'gcm(nosuch)' 0x$(hexkey 20) 128
check_fails refuse-duplicate-spi 'exists' nfctl nf sa add src 10.0.0.2 \
	dst 10.0.0.1 proto esp spi 0x1002 mode transport "${GCM[@]}"
check_fails refuse-tunnel-tmpl 'src|dst' nfctl nf policy add dir out \
	src 10.9.0.0/24 dst 10.8.0.0/24 tmpl proto esp mode tunnel
check_fails refuse-icv 'ICV|64, 96|128' nfctl nf sa add src 10.0.0.1 \
	dst 10.0.0.2 proto esp spi 0x3002 mode transport \
	aead 'rfc4106(gcm(aes))' 0x$(hexkey 20) 100
# An IPv6 packet whose header chain ends in No Next Header (59) is a
# packet like any other: protected under the policy, not dropped as
# malformed.
esp_flush
esp_case transport 6 6 "${GCM[@]}" || fail setup6 "esp_case v6"
mal0=$(drop_count nf malformed)
out0=$(sa_stat nf 0x1001 packets_out)
nsx nf python3 -c '
import socket
s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 59)
s.sendto(b"", ("fd00::2", 0))'
check_eq no-next-header-protected $((${out0:-0} + 1)) \
	"$(sa_stat nf 0x1001 packets_out)"
check_eq no-next-header-not-malformed "${mal0:-0}" \
	"$(drop_count nf malformed)"
finish
