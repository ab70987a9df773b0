#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 NAT (datapath_v6_lib.sh): client 2001:db8:26::100, the director's
# VIP6 2001:db8:26::10, servers 2001:db8:12::1-3 behind the NAT router
# 2001:db8:12::10. Then a server's ICMPv6 "port unreachable" about a NAT
# UDP flow reaches the client translated, from VIP6.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/datapath_v6_lib.sh"
require_vm
require_cmd socat curl nginx tcpdump

load_vs || die "insmod"
topo_nat 3 || die "NAT topology"
topo_v6 nat 3 || die "IPv6 on the NAT topology"
suite nat -m

d vsadm -A -u "[$VIP6]:9" -s rr
d vsadm -a -u "[$VIP6]:9" -r "[2001:db8:12::1]" -m
tmp=$(mktemp -d)
defer rm -rf "$tmp"
capture "$tmp/icmp" "icmp6 and ip6[40] == 1"
echo x | udp_ask "$client" "$VIP6" 9 > /dev/null
wait $capture_pid
check "a server's port unreachable reaches the client from VIP6" \
	grep -q "$VIP6 > $CLIENT6: ICMP6, destination unreachable" "$tmp/icmp"
finish
