#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# IPv6 direct routing (datapath_v6_lib.sh): client, director and servers
# 2001:db8:26::1-3 on one segment, each server holding VIP6 on lo. Then a
# packet too big for the path to a server (MTU 1280) earns the client an
# ICMPv6 Packet Too Big naming that MTU.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/datapath_v6_lib.sh"
require_vm
require_cmd socat curl nginx tcpdump

load_vs || die "insmod"
topo_dr 3 || die "DR topology"
topo_v6 dr 3 || die "IPv6 on the DR topology"
suite dr -g

d vsadm -A -u "[$VIP6]:7" -s rr
d vsadm -a -u "[$VIP6]:7" -r "[2001:db8:26::1]" -g
d ip -6 route add 2001:db8:26::1/128 dev eth0 mtu 1280
tmp=$(mktemp -d)
defer rm -rf "$tmp"
capture "$tmp/ptb" "icmp6 and ip6[40] == 2"
head -c 1400 /dev/zero | udp_ask "$client" "$VIP6" 7 > /dev/null
wait $capture_pid
check "a 1448-byte datagram for a 1280 path: Packet Too Big, mtu 1280" \
	grep -q "packet too big, mtu 1280" "$tmp/ptb"
finish
