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
. "$(dirname "$0")/vsd_lib.sh"
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

# The other way: the client's port unreachable about a reply reaches the
# server, addressed to it. The server answers a second late, when the
# client's socket is gone, so the client's kernel answers with the error.
in_ns "$rs1" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
s.bind(("::", 17))
data, peer = s.recvfrom(100)
time.sleep(1)
s.sendto(data, peer)' > /dev/null 2>&1 &
defer "kill $! 2>/dev/null"
wait_port "$rs1" udp 17 || die "late echo on rs1"
d vsadm -A -u "[$VIP6]:17" -s rr
d vsadm -a -u "[$VIP6]:17" -r "[2001:db8:12::1]:17" -m
in_ns "$rs1" timeout 10 tcpdump -c 1 -n -i eth1 "icmp6 and ip6[40] == 1" \
	> "$tmp/back" 2> "$tmp/back.err" &
cap=$!
busywait 5000 grep -q "listening on" "$tmp/back.err"
c python3 -c '
import socket, sys
socket.socket(socket.AF_INET6, socket.SOCK_DGRAM).sendto(b"x", (sys.argv[1], 17))' "$VIP6"
wait $cap
check "a client's port unreachable about a reply reaches the server" \
	grep -q "$CLIENT6 > 2001:db8:12::1: ICMP6, destination unreachable" "$tmp/back"

# A cached IPv6 route holds its FIB entry, and that the device: deleting
# the device must not wait for vs. Once for a live server, once for a
# deleted one still forwarding its connection.
send_one() { echo x | c socat -u - "UDP6-SENDTO:[$VIP6]:99,sourceport=5599"; }
gone_in() {
	local pid
	d ip link del "$1" &
	pid=$!
	busywait 10000 eval "! kill -0 $pid 2>/dev/null"
}
for deleted in no yes; do
	d ip link add dummy6 type dummy
	d ip addr add 2001:db8:99::1/64 dev dummy6 nodad
	d ip link set dummy6 up
	d vsadm -A -u "[$VIP6]:99" -s rr
	d vsadm -a -u "[$VIP6]:99" -r "[2001:db8:99::2]" -m
	send_one
	check "a connection went to the server behind dummy6 (server deleted: $deleted)" \
		grep -qF "[2001:db8:99::2]:99" <<< "$(d vsadm -L -n -c)"
	if [ $deleted = yes ]; then
		d vsadm -d -u "[$VIP6]:99" -r "[2001:db8:99::2]"
		send_one
	fi
	check "the device a server's route left by goes promptly (server deleted: $deleted)" \
		gone_in dummy6
	d vsadm -D -u "[$VIP6]:99"
done

# vsd's health checks over IPv6: HTTP to rs1 answers, to 2001:db8:12::77
# nothing (no such host) until rs2 takes that address; vsd keeps the table
# to what answers.
cat > "$VSD_CONF" << EOF
serial_no = 1
network = nat
virtual web6 {
	address = $VIP6
	port = 80
	scheduler = rr
	check_interval = 0.5
	connect_timeout = 1
	timeout = 2
	reentry = 1
	http_url = /
	http_regex = "^rs[0-9]"
	server a {
		address = 2001:db8:12::1
	}
	server b {
		address = 2001:db8:12::77
	}
}
EOF
# servers_are LIST: the real servers of [VIP6]:80 in the table, sorted.
servers_are() {
	[ "$(d vsadm -L -n -t "[$VIP6]:80" | awk '$1 == "->" && $2 != "RemoteAddress:Port" { print $2 }' |
		sort | tr '\n' ' ')" = "$1" ]
}
vsd_start || die "vsd"
check "vsd, IPv6 health checks: only the server that answers is in the table" \
	busywait $((10000 * TIME_SCALE)) servers_are "[2001:db8:12::1]:80 "
b_down() { vsd -s "$VSD_SOCK" status | grep -qE "^  b +\[2001:db8:12::77\]:80 +down"; }
check "vsd status says the other is down" busywait $((10000 * TIME_SCALE)) b_down ||
	log "$(vsd -s "$VSD_SOCK" status)"
ip -n "$rs2" addr add 2001:db8:12::77/64 dev eth1 nodad
check "it answers: checked up and back in the table" \
	busywait $((10000 * TIME_SCALE)) servers_are "[2001:db8:12::1]:80 [2001:db8:12::77]:80 "
check_eq "curl through the VIP reaches both" "rs1 rs2" \
	"$(for i in 1 2; do c curl -s -g --max-time 5 "http://[$VIP6]/"; done | sort | tr '\n' ' ' | sed 's/ $//')"
vsd_stop
d vsadm -C
finish
