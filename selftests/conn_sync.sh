#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Connection sync, the kernel's half: director A's connection events
# (multicast group "sync") relayed to director B (VS_CMD_NEW_CONN) keep B's
# table in step, so that when the VIP and NAT router address move to B an
# established NAT connection goes on, byte for byte, to the same real
# server, and so does a persistent client. Also: events need CAP_NET_ADMIN.
#
#   client -- pub -- A (VIP, 10.11.12.10) / B (backup) -- priv -- rs1, rs2
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat arping

load_vs || die "insmod"
topo_nat 2 || die "topology"
topo_director dirB 192.168.26.8 10.11.12.8 novip || die "director B"
for i in 1 2; do
	echo_server "$(rs_ns $i)" tcp 7
	name_server "$(rs_ns $i)" tcp 8 "rs$i"
done
for i in 1 2; do
	wait_port "$(rs_ns $i)" tcp 7 && wait_port "$(rs_ns $i)" tcp 8 ||
		die "servers on rs$i"
done
for d in "$dir" "$dirB"; do
	in_ns "$d" vsadm -A -t $VIP:7 -s rr
	in_ns "$d" vsadm -A -t $VIP:8 -s rr -p 300
	for i in 1 2; do
		in_ns "$d" vsadm -a -t $VIP:7 -r 10.11.12.$i:7 -m
		in_ns "$d" vsadm -a -t $VIP:8 -r 10.11.12.$i:8 -m
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

line() { # NS: the held connection's line in NS's table
	in_ns "$1" vsadm -L -n -c | grep -E "^TCP .* $VIP:7 "
}
check "B has A's established connection" \
	busywait 5000 sh -c "ip netns exec $dirB vsadm -L -n -c | grep -qE '^TCP .*ESTABLISHED .* $VIP:7 '"
check_eq "to the same real server" "$(line "$dir" | awk '{ print $6 }')" \
	"$(line "$dirB" | awk '{ print $6 }')"
check "B has A's persistence entry" \
	busywait 5000 sh -c "ip netns exec $dirB vsadm -L -n -c | grep -q '$CLIENT_IP:0 '"
check "the relay installed without errors" sh -c "! grep -v '^ok' $tmp/relay"

# Failover: the addresses move to B; A forgets everything.
float_to "$dirB"
in_ns "$dir" vsadm -C
echo after >&$hold
check "the established connection continues through B" \
	busywait 5000 grep -qx after "$tmp/out"
check_eq "the persistent client reaches the same server through B" "$persist" \
	"$(in_ns "$client" socat -t 10 - TCP:$VIP:8 < /dev/null)"
echo x | in_ns "$client" socat -t 10 - TCP:$VIP:7 > "$tmp/new"
check "new connections work through B" grep -qx x "$tmp/new"
finish
