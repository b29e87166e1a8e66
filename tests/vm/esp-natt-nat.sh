#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT traversal through a real NAT: an XFRM client behind nft masquerade,
# nfipsec on the gateway.
#
#   cl (XFRM) 10.0.1.2 --- 10.0.1.1 nat 10.0.2.1 --- 10.0.2.2 gw (nfipsec)
#   inner 10.9.0.1          masquerade                 inner 10.8.0.1
#                           udp sport 4500 -> 20000
#
# gw's SAs name the mapped port 20000 (SPORT of the inbound SA, DPORT of
# the outbound one); ping and TCP both ways, no MAPPING event while the
# mapping holds. Then, mid-transfer, the NAT forgets the flow (conntrack
# flushed) and maps it to 30000: gw sends a MAPPING event with the new
# port, the test (as the negotiator) updates both SAs, the transfer
# completes byte for byte and traffic goes on without further events.
. "$(dirname "$0")/natt-lib.inc"
load_module || { fail load "insmod $NFIPSEC_KO"; finish; }
mkns cl nat gw || { fail setup "mkns"; finish; }
link cl c0 nat n1
link nat n2 gw g0
addr cl c0 10.0.1.2/24
addr nat n1 10.0.1.1/24
addr nat n2 10.0.2.1/24
addr gw g0 10.0.2.2/24
addr cl lo 10.9.0.1/32
addr gw lo 10.8.0.1/32
forwarding nat
ip -n cl route add default via 10.0.1.1
ip -n cl route add 10.8.0.1/32 via 10.0.1.1 src 10.9.0.1
ip -n gw route add 10.9.0.1/32 via 10.0.2.1 src 10.8.0.1
for n in cl nat gw; do
	nsx $n sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
done
nsx gw sysctl -qw net.ipv4.conf.nfipsec0.rp_filter=0
# nat_port PORT: masquerade UDP from port 4500 to source port PORT
nat_port() {
	nsx nat nft -f - <<-EOF
	flush ruleset
	table ip nat {
		chain post {
			type nat hook postrouting priority srcnat;
			oifname "n2" udp sport 4500 masquerade to :$1
		}
	}
	EOF
}
# ct_flush NS: delete every conntrack entry (ctnetlink, no tool needed)
ct_flush() {
	ip netns exec "$1" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 12)  # NETFILTER
# IPCTNL_MSG_CT_DELETE of subsystem CTNETLINK, no tuple: flush
s.send(struct.pack("=IHHII", 20, (1 << 8) | 2, 1 | 4, 1, 0) +
       struct.pack("=BBH", socket.AF_INET, 0, 0))
sys.exit(struct.unpack("=i", s.recv(4096)[16:20])[0] != 0)'
}
nat_port 20000 || { fail setup "nft"; finish; }
encap_sock cl || { fail setup "encap socket in cl"; finish; }
nsx nat ping -c1 -W2 10.0.2.2 >/dev/null
nsx nat ping -c1 -W2 10.0.1.2 >/dev/null
ct_flush nat
KA=0x$(hexkey 20)
KB=0x$(hexkey 20)
A=(aead 'rfc4106(gcm(aes))' $KA 128)
B=(aead 'rfc4106(gcm(aes))' $KB 128)
gw_sas() {
	printf '%s\n' \
	"sa $1 src 10.0.2.1 dst 10.0.2.2 proto esp spi 0x2001 mode tunnel ${A[*]} encap espinudp $2 4500 0.0.0.0" \
	"sa $1 src 10.0.2.2 dst 10.0.2.1 proto esp spi 0x2002 mode tunnel ${B[*]} encap espinudp 4500 $2 0.0.0.0"
}
{
	gw_sas add 20000
	echo "policy add dir out src 10.8.0.1/32 dst 10.9.0.1/32 tmpl src 10.0.2.2 dst 10.0.2.1 proto esp mode tunnel"
	echo "policy add dir in src 10.9.0.1/32 dst 10.8.0.1/32 tmpl src 10.0.2.1 dst 10.0.2.2 proto esp mode tunnel"
} >"$T_DIR/gw.batch"
printf '%s\n' \
	"xfrm state add src 10.0.1.2 dst 10.0.2.2 proto esp spi 0x2001 mode tunnel ${A[*]} ${ENCAP[*]}" \
	"xfrm state add src 10.0.2.2 dst 10.0.1.2 proto esp spi 0x2002 mode tunnel ${B[*]} ${ENCAP[*]}" \
	"xfrm policy add dir out src 10.9.0.1/32 dst 10.8.0.1/32 tmpl src 10.0.1.2 dst 10.0.2.2 proto esp mode tunnel" \
	"xfrm policy add dir in src 10.8.0.1/32 dst 10.9.0.1/32 tmpl src 10.0.2.2 dst 10.0.1.2 proto esp mode tunnel" \
	>"$T_DIR/cl.batch"
nfctl gw -b "$T_DIR/gw.batch" || fail setup "gw batch"
ip -n cl -batch "$T_DIR/cl.batch" || fail setup "cl batch"

# the monitor, joined before any traffic (a dummy SA's sa-del arrives)
ip netns exec gw "$CTL" monitor >>"$T_DIR/mon" 2>&1 &
MON=$!
for _ in $(seq 1 40); do
	nfctl gw -b - >/dev/null 2>&1 <<-EOF
	sa add src 10.0.2.9 dst 10.0.2.8 proto esp spi 0x9999 mode transport ${A[*]}
	sa del src 10.0.2.9 dst 10.0.2.8 proto esp spi 0x9999
	EOF
	[[ $(<"$T_DIR/mon") == *sa-del* ]] && break
	sleep 0.2
done
: >"$T_DIR/mon"

say "t=$SECONDS"
check nat-ping-cl-gw nsx cl ping -c2 -i0.3 -W3 10.8.0.1
check nat-ping-gw-cl nsx gw ping -c2 -i0.3 -W3 10.9.0.1
check nat-tcp-cl-gw tcp_transfer cl gw 10.8.0.1 1048576
check_eq nat-no-mapping-event-while-it-holds "" \
	"$(grep mapping "$T_DIR/mon")"

# mid-transfer: the NAT forgets the flow and maps it to port 30000. The
# client paces 2 MiB over about 3 s, so the change falls inside it.
say "t=$SECONDS mapping change"
head -c 2097152 /dev/urandom >"$T_DIR/paced"
rm -f "$T_DIR/paced.out"
nsx gw socat -T 20 -u TCP-LISTEN:5002,reuseaddr,bind=10.8.0.1 \
	"OPEN:$T_DIR/paced.out,creat,trunc" &
SP=$!
ip netns exec cl python3 -c '
import socket, sys, time
data = open(sys.argv[1], "rb").read()
for _ in range(50):
	try:
		s = socket.create_connection(("10.8.0.1", 5002), timeout=2)
		break
	except OSError:
		time.sleep(0.2)
s.settimeout(30)
for o in range(0, len(data), 32768):
	s.sendall(data[o:o + 32768])
	time.sleep(0.05)
s.close()' "$T_DIR/paced" &
TP=$!
sleep 1.5
running=no
kill -0 $TP 2>/dev/null && running=yes
nat_port 30000
ct_flush nat
seen=
for _ in $(seq 1 50); do
	seen=$(grep -m1 ' mapping ' "$T_DIR/mon")
	[ -n "$seen" ] && break
	sleep 0.2
done
if [[ $seen == *"old 10.0.2.1 20000 new 10.0.2.1 30000"* ]]; then
	ok nat-mapping-event-new-port
else
	fail nat-mapping-event-new-port "monitor: '$seen'"
fi
# the negotiator's answer: both SAs follow the peer to its new port
gw_sas update 30000 >"$T_DIR/gw.batch"
check nat-sa-update nfctl gw -b "$T_DIR/gw.batch"
wait $TP
wait $SP
if cmp -s "$T_DIR/paced" "$T_DIR/paced.out"; then
	ok "nat-transfer-survives-mapping-change (running at the change: $running)"
else
	fail nat-transfer-survives-mapping-change "bytes differ or transfer failed"
fi
check_eq nat-sa-lists-new-port 30000 \
	"$(nfctl gw -j sa list | jq -r '.[] | select(.spi == 8194) | .encap.dport')"
check nat-ping-after-update nsx cl ping -c2 -i0.3 -W3 10.8.0.1
n_map=$(grep -c ' mapping ' "$T_DIR/mon")
: >"$T_DIR/mon"
check nat-tcp-after-update tcp_transfer gw cl 10.9.0.1 262144
check_eq nat-no-event-once-updated "" "$(grep mapping "$T_DIR/mon")"
if [ "$n_map" -ge 1 ] && [ "$n_map" -le 12 ]; then
	ok "nat-mapping-events-rate-limited ($n_map)"
else
	fail nat-mapping-events-rate-limited "$n_map events"
fi
kill $MON 2>/dev/null
wait $MON 2>/dev/null
finish
