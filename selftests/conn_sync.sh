#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection sync, the kernel's half: director A's connection events
# (multicast group "sync") relayed to director B (VS_CMD_NEW_CONN) keep B's
# table in step, so that when the VIP and NAT router address move to B an
# established NAT connection goes on, byte for byte, to the same real
# server, and so does a persistent client; an IPv6 connection too (its
# VIP and router address moved by hand). Also: events need CAP_NET_ADMIN.
#
#   client -- pub -- A (VIP, 10.11.12.10) / B (backup) -- priv -- rs1, rs2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat arping

load_vs || die "insmod"
topo_nat 2 || die "topology"
topo_director dirB 192.168.26.8 10.11.12.8 novip || die "director B"
topo_v6 nat 2 || die "IPv6 on the topology"
ip netns exec "$dirB" sysctl -qw net.ipv6.conf.all.forwarding=1 \
	net.ipv6.conf.all.accept_dad=0
for i in 1 2; do
	echo_server "$(rs_ns $i)" tcp 7
	name_server "$(rs_ns $i)" tcp 8 "rs$i"
	in_ns "$(rs_ns $i)" socat -t 5 TCP6-LISTEN:17,fork,reuseaddr EXEC:cat \
		> /dev/null 2>&1 &
	defer "kill $! 2>/dev/null"
done
for i in 1 2; do
	wait_port "$(rs_ns $i)" tcp 7 && wait_port "$(rs_ns $i)" tcp 8 &&
		wait_port "$(rs_ns $i)" tcp 17 || die "servers on rs$i"
done
for d in "$dir" "$dirB"; do
	in_ns "$d" vsadm -A -t $VIP:7 -s rr
	in_ns "$d" vsadm -A -t $VIP:8 -s rr -p 300
	in_ns "$d" vsadm -A -t "[$VIP6]:17" -s rr
	for i in 1 2; do
		in_ns "$d" vsadm -a -t $VIP:7 -r 10.11.12.$i:7 -m
		in_ns "$d" vsadm -a -t $VIP:8 -r 10.11.12.$i:8 -m
		in_ns "$d" vsadm -a -t "[$VIP6]:17" -r "[2001:db8:12::$i]:17" -m
	done
done
tmp=$(mktemp -d)
defer rm -rf "$tmp"

# The relay: A's events, installed in B.
(in_ns "$dir" "$VS_TOP/selftests/vsnl.py" listen |
	in_ns "$dirB" "$VS_TOP/selftests/vsnl.py" install > "$tmp/relay") &
relay=$!
defer "kill $relay 2>/dev/null"
sleep 2

out=$(in_ns "$dir" setpriv --reuid=65534 --clear-groups --inh-caps=-all \
	timeout 20 "$VS_TOP/selftests/vsnl.py" listen 2>&1)
check "joining the sync group needs CAP_NET_ADMIN" \
	grep -q "Operation not permitted" <<< "$out"
check "so nothing is heard" test -z "$(grep listening <<< "$out")"

mkfifo "$tmp/in"
(in_ns "$client" socat -T 60 - TCP:$VIP:7 < "$tmp/in" > "$tmp/out" 2>&1) &
exec {hold}> "$tmp/in"
echo before >&$hold
busywait 20000 grep -qx before "$tmp/out" || die "held connection"
persist=$(in_ns "$client" socat -t 10 - TCP:$VIP:8 < /dev/null)
mkfifo "$tmp/in6"
(in_ns "$client" socat -T 60 - "TCP6:[$VIP6]:17" < "$tmp/in6" > "$tmp/out6" 2>&1) &
exec {hold6}> "$tmp/in6"
echo before6 >&$hold6
busywait 20000 grep -qx before6 "$tmp/out6" || die "held IPv6 connection"

line() { # NS: the held connection's line in NS's table
	in_ns "$1" vsadm -L -n -c | grep -E "^TCP .* $VIP:7 "
}
check "B has A's established connection" \
	busywait 5000 sh -c "ip netns exec $dirB vsadm -L -n -c | grep -qE '^TCP .*ESTABLISHED .* $VIP:7 '"
check_eq "to the same real server" "$(line "$dir" | awk '{ print $6 }')" \
	"$(line "$dirB" | awk '{ print $6 }')"
check "B has A's persistence entry" \
	busywait 5000 sh -c "ip netns exec $dirB vsadm -L -n -c | grep -q '$CLIENT_IP:0 '"
line6() { # NS: the held IPv6 connection's line in NS's table
	in_ns "$1" vsadm -L -n -c | grep -F "[$VIP6]:17 "
}
check "B has A's established IPv6 connection" \
	busywait 5000 sh -c "ip netns exec $dirB vsadm -L -n -c | grep -F '[$VIP6]:17 ' | grep -q ESTABLISHED"
check_eq "to the same IPv6 real server" "$(line6 "$dir" | awk '{ print $6 }')" \
	"$(line6 "$dirB" | awk '{ print $6 }')"
check "the relay installed without errors" sh -c "! grep -v '^ok' $tmp/relay"

# Failover: the addresses move to B; A forgets everything.
float_to "$dirB"
ip -n "$dir" addr del $VIP6/64 dev eth0
ip -n "$dir" addr del $NAT_ROUTER6/64 dev eth1
ip -n "$dirB" addr add $VIP6/64 dev eth0 nodad preferred_lft 0
ip -n "$dirB" addr add $NAT_ROUTER6/64 dev eth1 nodad
# What vsd's unsolicited neighbour advertisements do (failover6.sh).
ip -n "$client" -6 neigh del $VIP6 dev eth0 2>/dev/null
for i in 1 2; do
	ip -n "$(rs_ns $i)" -6 neigh del $NAT_ROUTER6 dev eth1 2>/dev/null
done
in_ns "$dir" vsadm -C
echo after >&$hold
check "the established connection continues through B" \
	busywait 5000 grep -qx after "$tmp/out"
echo after6 >&$hold6
check "the established IPv6 connection continues through B" \
	busywait 5000 grep -qx after6 "$tmp/out6"
check_eq "the persistent client reaches the same server through B" "$persist" \
	"$(in_ns "$client" socat -t 10 - TCP:$VIP:8 < /dev/null)"
echo x | in_ns "$client" socat -t 10 - TCP:$VIP:7 > "$tmp/new"
check "new connections work through B" grep -qx x "$tmp/new"
finish
