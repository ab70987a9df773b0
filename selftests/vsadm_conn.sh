#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsadm -c lists live connections in ipvsadm's layout: a TCP connection held
# open through a NAT service shows as ESTABLISHED with its client, virtual
# and real address; a persistent service adds its persistence entry
# (NONE, client port 0); -c with a service lists only that one's; --json
# says the same.
#
#   client            director                     server
#   10.0.1.2 ---- c0 10.0.1.1 (VIP) | d1 10.0.2.1 ---- 10.0.2.2:7 (echo)
#                   TCP 10.0.1.1:7 -> 10.0.2.2:7 NAT, persistent 60
#                   TCP 10.0.1.1:8 -> 10.0.2.2:7 NAT
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm
require_cmd socat python3

load_vs || die "insmod vs.ko"
setup_ns client director server || die "setup_ns"
veth "$client" eth0 10.0.1.2/24 "$director" c0 10.0.1.1/24 || die "veth"
veth "$director" d1 10.0.2.1/24 "$server" eth0 10.0.2.2/24 || die "veth"
ip -n "$server" route add default via 10.0.2.1 || die "route"
ip netns exec "$director" sysctl -qw net.ipv4.ip_forward=1

ip netns exec "$server" socat TCP-LISTEN:7,fork,reuseaddr EXEC:cat &
defer "kill $!"
busywait 5000 sh -c "ip netns exec $server ss -tln | grep -q ':7 '" ||
	die "echo server"

d() { ip netns exec "$director" "$VSADM" "$@"; }

check "persistent NAT service" d -A -t 10.0.1.1:7 -s rr -p 60
check "its server" d -a -t 10.0.1.1:7 -r 10.0.2.2:7 -m
check "second NAT service" d -A -t 10.0.1.1:8 -s rr
check "its server" d -a -t 10.0.1.1:8 -r 10.0.2.2:7 -m

# Connections held open while we look.
for port in 7 8; do
	# Nothing of the pipeline may hold the runner's output open.
	sleep 20 2> /dev/null |
		ip netns exec "$client" socat - TCP:10.0.1.1:$port > /dev/null 2>&1 &
	defer "kill $! 2>/dev/null"
done
busywait 5000 sh -c "[ \$(ip netns exec $client ss -tn state established | grep -c 10.0.1.1) = 2 ]" ||
	fail "the client's connections are not established"

out=$(d -L -n -c)
check_eq "-c: ipvsadm's header" \
"IPVS connection entries
pro expire state       source             virtual            destination" \
	"$(head -2 <<< "$out")"
est=$(grep ESTABLISHED <<< "$out" | grep '10.0.1.1:7 ')
check "-c: the connection to :7 is ESTABLISHED" \
	grep -qE '^TCP [0-9]{2}:[0-9]{2}  ESTABLISHED 10\.0\.1\.2:[0-9]+ +10\.0\.1\.1:7 +10\.0\.2\.2:7$' <<< "$est"
# Rebuild the line from its fields with ipvsadm's widths: same bytes.
relaid=$(awk '{ printf "%-3s %-6s %-11s %-18s %-18s %s", $1, $2, $3, $4, $5, $6 }' <<< "$est")
check_eq "-c: ipvsadm's columns" "$relaid" "$est"
check "-c: the persistence entry (NONE, client port 0)" \
	grep -qE '^TCP [0-9]{2}:[0-9]{2}  NONE +10\.0\.1\.2:0 +10\.0\.1\.1:7 +10\.0\.2\.2:7$' <<< "$out"
check "-c: the connection to :8 too" \
	grep -qE 'ESTABLISHED 10\.0\.1\.2:[0-9]+ +10\.0\.1\.1:8 ' <<< "$out"
check "-c -t: only that service's connections" \
	bash -c "! ip netns exec $director $VSADM -L -n -c -t 10.0.1.1:8 | grep -q '10.0.1.1:7 '"
check "-c -t: but that one's" \
	bash -c "ip netns exec $director $VSADM -L -n -c -t 10.0.1.1:8 | grep -q 'ESTABLISHED.*10.0.1.1:8 '"
check "-c --json" bash -c "ip netns exec $director $VSADM -L -c --json | python3 -c '
import json, sys
c = json.load(sys.stdin)[\"connections\"]
e = [x for x in c if x[\"state\"] == \"ESTABLISHED\" and x[\"virtual_port\"] == 7]
assert len(e) == 1, c
e = e[0]
assert e[\"protocol\"] == \"tcp\" and e[\"client\"] == \"10.0.1.2\"
assert e[\"virtual\"] == \"10.0.1.1\" and e[\"server\"] == \"10.0.2.2\"
assert e[\"server_port\"] == 7 and e[\"forward\"] == \"masq\"
assert 0 < e[\"expires_ms\"] <= 900000 and not e[\"template\"]
t = [x for x in c if x[\"template\"]]
assert len(t) == 1 and t[0][\"client_port\"] == 0, t
'"
check "--persistent-conn counts the persistence entry" \
	bash -c "ip netns exec $director $VSADM -L -n --persistent-conn -t 10.0.1.1:7 |
		grep -qE '^  -> 10\.0\.2\.2:7 +1 +1 +1 +0 +\$'"
finish
