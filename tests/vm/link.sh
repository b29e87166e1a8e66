#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# nfipsec links: the module's virtual interfaces (kmod/dev.c).
#
# 1. Create and delete, with nfipsecctl and with ip link; refusals with
#    their messages (nfipsec0, another kind, a bad name, a duplicate, a
#    move to another netns).
# 2. SAs naming a link: the kernel's refusals (not a link, nfipsec0, an
#    unknown ifindex, a link of another netns, a change by UPDATE).
# 3. A tunnel against XFRM through tun0: traffic routed into tun0 goes
#    out as ESP, decapsulated traffic of the inbound SA comes out of tun0
#    (its rx counter, not nfipsec0's), the listing names the link.
# 4. Routed into tun0 without a protect policy (none, or bypass): dropped,
#    counted as "unprotected", nothing on the wire.
# 5. The link down, then deleted under traffic: inbound packets of its SA
#    are dropped as "no-link", the SA stays and lists the link as gone;
#    so are those of an SA without a link while nfipsec0 is down.
# 6. The netns deleted with a link, SAs and traffic; rmmod with links in
#    two namespaces.
#
#   nf (nfipsec; tun0, lo 10.1.0.1) --- veth --- xf (XFRM, lo 10.2.0.1)
. "$(dirname "$0")/natt-lib.inc"
esp_setup

K=0x$(hexkey 20)
GCM="aead rfc4106(gcm(aes)) $K 128"
SA_OUT="src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x1001 mode tunnel $GCM"
SA_IN="src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x1002 mode tunnel $GCM"

# rx_of NS DEV FIELD: a counter of ip -s link (rx_packets, tx_dropped...)
rx_of() {
	ip -n "$1" -s -j link show dev "$2" 2>/dev/null |
		jq -r ".[0].stats64.${3%%_*}.${3#*_}"
}

# --- 1. create and delete ----------------------------------------------
check link-add nfctl nf link add tun0 up
check_eq link-kind nfipsec \
	"$(ip -n nf -d -j link show dev tun0 | jq -r '.[0].linkinfo.info_kind')"
check_eq link-mtu 1400 "$(ip -n nf -j link show dev tun0 | jq -r '.[0].mtu')"
check_eq link-list "tun0" \
	"$(nfctl nf -j link list | jq -r '[.[].name] | join(",")')"
if nfctl nf link list | grep -qE '^tun0 ifindex [0-9]+ mtu 1400 up rx 0 packets'
then ok link-list-text; else fail link-list-text "$(nfctl nf link list)"; fi
check_eq link-no-ipv6-ll "" \
	"$(ip -n nf -6 addr show dev tun0 scope link)"
check_eq dev0-no-ipv6-ll "" \
	"$(ip -n nf -6 addr show dev nfipsec0 scope link)"
check_fails link-add-dup 'exists' nfctl nf link add tun0
check_fails link-add-badname 'bad device name' nfctl nf link add 'a/b'
check_fails link-add-longname 'bad device name' nfctl nf link add 0123456789abcdefg
check_fails link-add-badarg 'unknown argument "fast"' nfctl nf link add tun7 fast
check_fails link-del-dev0 "nfipsec0 is the module's own device" \
	nfctl nf link del nfipsec0
check_fails link-del-dev0-ip 'not supported' ip -n nf link del nfipsec0
check_fails link-del-veth 'not an nfipsec link' nfctl nf link del nv
check_fails link-del-none 'no device "nosuch"' nfctl nf link del nosuch
check link-add-ip ip -n nf link add tun1 type nfipsec
check_eq link-list-two "tun0,tun1" \
	"$(nfctl nf -j link list | jq -r '[.[].name] | sort | join(",")')"
check link-del nfctl nf link del tun1
check_eq link-del-gone "" "$(ip -n nf link show dev tun1 2>/dev/null)"
check_fails link-no-netns-move 'netns|Invalid|not supported' \
	ip -n nf link set tun0 netns xf

# --- 2. SA refusals (the kernel's messages) -----------------------------
check_fails sa-link-veth 'device is not an nfipsec link' \
	nfctl nf sa add $SA_IN link nv
check_fails sa-link-dev0 'nfipsec0 is not a link' \
	nfctl nf sa add $SA_IN link nfipsec0
check_fails sa-link-ifindex 'no device with this ifindex' \
	nfctl nf sa add $SA_IN ifindex 99999
check_fails sa-link-unknown 'no link "nosuch" in this netns' \
	nfctl nf sa add $SA_IN link nosuch
# a link of xf, named from nf: by name the tool finds nothing; by ifindex
# the kernel looks in nf only
ip -n xf link add tunx index 777 type nfipsec
check_fails sa-link-other-netns-name 'no link "tunx" in this netns' \
	nfctl nf sa add $SA_IN link tunx
check_fails sa-link-other-netns-index \
	"no device with this ifindex in the SA's netns" \
	nfctl nf sa add $SA_IN ifindex 777
check_eq sa-link-refused-none 0 "$(nfctl nf -j sa list | jq length)"

# --- 3. traffic through tun0 against XFRM --------------------------------
ip -n nf route replace 10.2.0.1/32 dev tun0 src 10.1.0.1
printf '%s\n' "sa add $SA_OUT" "sa add $SA_IN link tun0" \
	"policy add dir out src 10.1.0.1/32 dst 10.2.0.1/32 tmpl src 10.0.0.1 dst 10.0.0.2 proto esp mode tunnel" \
	"policy add dir in src 10.2.0.1/32 dst 10.1.0.1/32 tmpl src 10.0.0.2 dst 10.0.0.1 proto esp mode tunnel" \
	>"$T_DIR/nf.batch"
printf '%s\n' "xfrm state add $SA_OUT" "xfrm state add $SA_IN" \
	"xfrm policy add dir out src 10.2.0.1/32 dst 10.1.0.1/32 tmpl src 10.0.0.2 dst 10.0.0.1 proto esp mode tunnel" \
	"xfrm policy add dir in src 10.1.0.1/32 dst 10.2.0.1/32 tmpl src 10.0.0.1 dst 10.0.0.2 proto esp mode tunnel" \
	>"$T_DIR/xf.batch"
check sa-link-add nfctl nf -b "$T_DIR/nf.batch"
ip -n xf -batch "$T_DIR/xf.batch"
check_eq sa-list-link "link tun0" \
	"$(nfctl nf sa get dst 10.0.0.1 proto esp spi 0x1002 | grep -o 'link tun0')"
check_eq sa-json-link "tun0" \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 4098) | .link')"
check_eq sa-json-nolink "null" \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 4097) | .link')"
check_fails sa-update-link 'SA link cannot change' \
	nfctl nf sa update src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x1002 \
	link nfipsec0
check_fails sa-update-unlink 'SA link cannot change' \
	nfctl nf sa update src 10.0.0.2 dst 10.0.0.1 proto esp spi 0x1002 \
	ifindex 0

rx0=$(rx_of nf tun0 rx_packets)
d0=$(rx_of nf nfipsec0 rx_packets)
cap_start nf nv || fail cap "tcpdump"
check link-ping-out nsx nf ping -c3 -i0.2 -W2 10.2.0.1
check link-ping-in nsx xf ping -c3 -i0.2 -W2 10.1.0.1
check link-tcp-out tcp_transfer nf xf 10.2.0.1 262144
check link-tcp-in tcp_transfer xf nf 10.1.0.1 262144
cap_stop
rx1=$(rx_of nf tun0 rx_packets)
d1=$(rx_of nf nfipsec0 rx_packets)
sain=$(sa_stat nf 0x1002 packets_in)
# every packet the inbound SA decapsulated came out of tun0
if [ $((rx1 - rx0)) -ge 100 ] && [ $((rx1 - rx0)) = "$sain" ]; then
	ok link-rx-counts
else
	fail link-rx-counts "tun0 rx $rx0 -> $rx1, SA packets_in $sain"
fi
check_eq link-dev0-untouched "$d0" "$d1"
n_esp=$(cap_count 'ip proto 50')
n_clear=$(cap_count 'host 10.1.0.1 or host 10.2.0.1')
if [ "$n_esp" -ge 200 ] && [ "$n_clear" = 0 ]; then
	ok link-wire-esp-only
else
	fail link-wire-esp-only "esp $n_esp, cleartext $n_clear"
fi
say "t=$SECONDS"

# --- 4. unprotected traffic into the link --------------------------------
ip -n nf route add 10.9.9.0/24 dev tun0 src 10.1.0.1
u0=$(drop_count nf unprotected)
t0=$(rx_of nf tun0 tx_dropped)
cap_start nf nv || fail cap "tcpdump"
nsx nf ping -c3 -i0.2 -W1 10.9.9.9 >/dev/null 2>&1
# a bypass policy does not open the link either
nfctl nf policy add dir out src 10.1.0.1/32 dst 10.9.9.8/32 action bypass
nsx nf ping -c2 -i0.2 -W1 10.9.9.8 >/dev/null 2>&1
cap_stop
u1=$(drop_count nf unprotected)
t1=$(rx_of nf tun0 tx_dropped)
check_eq unprotected-counted 5 $((u1 - u0))
check_eq unprotected-tx-dropped 5 $((t1 - t0))
check_eq unprotected-wire 0 "$(cap_count 'host 10.9.9.9 or host 10.9.9.8')"
# routed into nfipsec0: the same
ip -n nf route add 10.9.8.0/24 dev nfipsec0
nsx nf ping -c1 -W1 10.9.8.1 >/dev/null 2>&1
check_eq unprotected-dev0 6 $(($(drop_count nf unprotected) - u0))

# --- 5. the link down, then deleted under traffic ------------------------
ip -n nf link set tun0 down
n0=$(drop_count nf no-link)
nsx xf ping -c3 -i0.2 -W1 10.1.0.1 >/dev/null 2>&1
check_eq link-down-no-link 3 $(($(drop_count nf no-link) - n0))
ip -n nf link set tun0 up
ip -n nf route replace 10.2.0.1/32 dev tun0 src 10.1.0.1
check link-up-again nsx xf ping -c2 -i0.2 -W2 10.1.0.1

TIDX=$(ip -n nf -j link show dev tun0 | jq -r '.[0].ifindex')
nsx xf ping -f -w 3 10.1.0.1 >/dev/null 2>&1 &
FLOOD=$!
sleep 1
check link-del-live nfctl nf link del tun0
wait $FLOOD
n1=$(drop_count nf no-link)
nsx xf ping -c2 -i0.2 -W1 10.1.0.1 >/dev/null 2>&1
check_eq link-gone-no-link 2 $(($(drop_count nf no-link) - n1))
check_eq link-gone-sa-stays "link ifindex $TIDX (gone)" \
	"$(nfctl nf sa get dst 10.0.0.1 proto esp spi 0x1002 | grep -o 'link ifindex.*')"
check_eq link-gone-json "$TIDX null" \
	"$(nfctl nf -j sa list | jq -r '.[] | select(.spi == 4098) | "\(.ifindex) \(.link)"')"
# a new tun0 is another device: the SA still names the old one
nfctl nf link add tun0 up
n2=$(drop_count nf no-link)
nsx xf ping -c1 -W1 10.1.0.1 >/dev/null 2>&1
check_eq link-readd-not-taken 1 $(($(drop_count nf no-link) - n2))
check link-gone-sa-del nfctl nf sa del dst 10.0.0.1 proto esp spi 0x1002
check link-sa-relink nfctl nf sa add $SA_IN link tun0
ip -n nf route replace 10.2.0.1/32 dev tun0 src 10.1.0.1
check link-relinked nsx xf ping -c2 -i0.2 -W2 10.1.0.1

# --- 5b. nfipsec0 down: the same for SAs without a link --------------------
check dev0-sa-del nfctl nf sa del dst 10.0.0.1 proto esp spi 0x1002
check dev0-sa-add nfctl nf sa add $SA_IN
check dev0-ping nsx xf ping -c2 -i0.2 -W2 10.1.0.1
ip -n nf link set nfipsec0 down
n3=$(drop_count nf no-link)
nsx xf ping -c3 -i0.2 -W1 10.1.0.1 >/dev/null 2>&1
check_eq dev0-down-no-link 3 $(($(drop_count nf no-link) - n3))
ip -n nf link set nfipsec0 up
check dev0-up-again nsx xf ping -c2 -i0.2 -W2 10.1.0.1
say "t=$SECONDS"

# --- 6. netns deletion and rmmod with links -------------------------------
nsx xf ping -f -w 3 10.1.0.1 >/dev/null 2>&1 &
FLOOD=$!
nsx nf ping -f -w 3 10.2.0.1 >/dev/null 2>&1 &
FLOOD2=$!
sleep 1
ip netns del nf
T_NS=(xf)
wait $FLOOD $FLOOD2
check_eq netns-del-module-there 1 "$(lsmod | grep -c '^nfipsec ')"
check netns-del-xf-lives nfctl xf link list tunx
mkns n3
check rmmod-link-n3 nfctl n3 link add tunz up
check rmmod-sa-n3 nfctl n3 sa add src 10.0.0.2 dst 10.0.0.1 proto esp \
	spi 0x1002 mode tunnel $GCM link tunz
check rmmod-with-links rmmod nfipsec
check_eq rmmod-links-gone "" \
	"$(ip -n n3 link show dev tunz 2>/dev/null; ip -n xf link show dev tunx 2>/dev/null)"
check reload load_module
check reload-dev0 ip -n n3 link show dev nfipsec0
finish
