#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Callers without CAP_NET_ADMIN in the user namespace that owns the network
# namespace are refused every state-changing command and every read of
# keys; reads without keys stay open.
. "$(dirname "$0")/../lib.sh"

K=0x0102030405060708090a0b0c0d0e0f1011121314
SA="sa add src 10.7.0.1 dst 10.7.0.2 proto esp spi 0x700 mode transport aead aes128gcm16 $K"

nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
nocap() { capsh --drop=cap_net_admin -- -c "$*"; }
usernsroot() { unshare -U -r "$@"; }

check "module loads" load_module
check "root adds an SA" "$CTL" $SA
# the module says why (extack); older builds gave the bare errno
EPERM="needs CAP_NET_ADMIN|Operation not permitted"
check_fails "no CAP_NET_ADMIN: sa add refused" "$EPERM" nocap "$CTL" \
	sa add src 10.7.0.1 dst 10.7.0.3 proto esp spi 0x701 mode transport \
	aead aes128gcm16 $K
check_fails "no CAP_NET_ADMIN: sa flush refused" "$EPERM" nocap "$CTL" sa flush
check_fails "nobody: sa del refused" "$EPERM" \
	nobody "$CTL" sa del dst 10.7.0.2 proto esp spi 0x700
check_fails "nobody: policy add refused" "$EPERM" nobody "$CTL" \
	policy add dir out src 10.7.0.1/32 dst 10.7.0.2/32 action block
check_fails "nobody: policy flush refused" "$EPERM" nobody "$CTL" policy flush
check_fails "nobody: stats reset refused" "$EPERM" nobody "$CTL" stats reset
check_fails "nobody: sa allocspi refused" "$EPERM" nobody "$CTL" \
	sa allocspi src 10.7.0.2 dst 10.7.0.1 proto esp
check_fails "nobody: sa update refused" "$EPERM" nobody "$CTL" \
	sa update src 10.7.0.1 dst 10.7.0.2 proto esp spi 0x700 limit packet-hard 9
check_fails "nobody: keys in a listing refused" "$EPERM|needs CAP_NET_ADMIN" nobody "$CTL" -k sa list
check_fails "user-namespace root on the host netns: sa flush refused" \
	"$EPERM" usernsroot "$CTL" sa flush
check_fails "user-namespace root on the host netns: keys refused" \
	"$EPERM|needs CAP_NET_ADMIN" usernsroot "$CTL" -k sa list
check "nobody may read the version" nobody "$CTL" version
check "nobody may list SAs without keys" \
	sh -c "setpriv --reuid=65534 --regid=65534 --clear-groups $CTL sa list | grep -q 0x00000700"
check "the listing hides the key" \
	sh -c "! setpriv --reuid=65534 --regid=65534 --clear-groups $CTL sa list | grep -q 0102030405"
check "root sees the key with -k" sh -c "$CTL -k sa list | grep -q 0102030405"
check "the SA survived the refused requests" \
	sh -c "$CTL sa list | grep -q 0x00000700"
# A user namespace's root owns a network namespace of its own.
check "user-namespace root configures its own netns" \
	unshare -U -r -n sh -c "$CTL $SA && $CTL sa list | grep -q 0x00000700"
check "root may flush" "$CTL" sa flush
check "unload" unload_module
finish
