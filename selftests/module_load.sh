#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vs.ko loads, unloads and loads again with network namespaces coming and
# going around it: namespaces made before the module (its pernet init runs
# for them at load), while it is loaded (init per new netns), deleted while
# it is loaded (pernet exit) and left alive at unload (exit for each).
# First the build with self-tests (make VS_SELFTEST=y, which make check
# makes) loads once: its self-tests of the pure parts (expiry slots, TCP
# states, the dh/sh and mh tables) must pass, or it refuses to load.
. "$(dirname "$0")/lib.sh"
require_vm
modprobe -q nf_defrag_ipv6	# what vs.ko needs; insmod loads nothing else

selftest_ko=$VS_TOP/build/$(uname -r)-selftest/vs.ko
if [ -e "$selftest_ko" ]; then
	check "self-test module loads" insmod "$selftest_ko"
	check "its self-tests passed" \
		sh -c 'dmesg | grep -q "vs: self-tests passed"'
	check "self-test module unloads" rmmod vs
else
	skip "self-tests: no $selftest_ko (make VS_SELFTEST=y module)"
fi

setup_ns before1 before2
for round in 1 2 3; do
	check "round $round: insmod" insmod "$VS_KO"
	check "round $round: module is live" \
		grep -qx live /sys/module/vs/initstate
	setup_ns during
	check "round $round: netns made while loaded" ip -n "$during" link show lo
	cleanup_ns "$during"
	check "round $round: rmmod with namespaces alive" rmmod vs
	check "round $round: module is gone" test ! -e /sys/module/vs
done

check "modprobe finds vs" modprobe vs
check "modprobe -r vs" modprobe -r vs
finish
