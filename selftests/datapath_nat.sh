#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NAT end to end (topology in topo.sh: client, director, three real servers
# behind it on a private segment): TCP and UDP payloads make the round trip
# byte for byte, replies come from the VIP, HTTP through curl reaches every
# server, an ICMP port unreachable from a real server reaches the client
# translated, and the connection table and counters say what happened.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat curl nginx

load_vs || die "insmod"
topo_nat 3 || die "topology"
for i in 1 2 3; do
	http_server "$(rs_ns $i)" "rs$i" 80 || die "nginx on rs$i"
	echo_server "$(rs_ns $i)" tcp 7
	echo_server "$(rs_ns $i)" udp 7
done
for i in 1 2 3; do
	wait_port "$(rs_ns $i)" tcp 80 && wait_port "$(rs_ns $i)" tcp 7 &&
		wait_port "$(rs_ns $i)" udp 7 || die "servers on rs$i"
done

d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }

check "add HTTP service" d vsadm -A -t $VIP:80 -s rr
check "add TCP echo service" d vsadm -A -t $VIP:7 -s rr
check "add UDP echo service" d vsadm -A -u $VIP:7 -s rr
for i in 1 2 3; do
	d vsadm -a -t $VIP:80 -r 10.11.12.$i:80 -m
	d vsadm -a -t $VIP:7 -r 10.11.12.$i:7 -m
	d vsadm -a -u $VIP:7 -r 10.11.12.$i:7 -m
done

# HTTP: round robin over three servers, nine requests, three each.
out=""
for i in $(seq 9); do
	out+="$(c curl -s --max-time 5 http://$VIP/) "
done
check_eq "curl: nine requests, three per server" \
	"rs1:3 rs2:3 rs3:3" \
	"$(tr ' ' '\n' <<< "$out" | grep . | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }')"

# TCP payload both ways, byte for byte (64 KiB, several segments).
tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c 65536 /dev/urandom > "$tmp/in"
c socat -t 5 -T 10 - TCP:$VIP:7 < "$tmp/in" > "$tmp/out"
check "TCP echo through NAT is byte-identical" cmp -s "$tmp/in" "$tmp/out"
check_eq "a 1 MB echo over a 1400-byte path to the servers: whole, the client learned 1400" \
	"same 1400" "$(pmtu_echo nat 1400 $VIP $VIP)"

head -c 1000 /dev/urandom | base64 -w0 > "$tmp/uin"
udp_ask "$client" $VIP 7 < "$tmp/uin" > "$tmp/uout"
check "UDP echo through NAT is byte-identical" cmp -s "$tmp/uin" "$tmp/uout"

# The reply's source must be the VIP: a connected UDP socket on the client
# only accepts datagrams from VIP:7, so the echo above proves it; also look
# at the wire on the client side for the TCP case.
c timeout 10 tcpdump -c 1 -n -i eth0 "tcp and src host $VIP and src port 7" \
	> "$tmp/dump" 2> "$tmp/dump.err" &
dump=$!
busywait 5000 grep -q "listening on" "$tmp/dump.err"
echo x | c socat -t 1 - TCP:$VIP:7 > /dev/null
wait $dump
check "replies leave the director from VIP:7" grep -q "$VIP.7 >" "$tmp/dump"

# ICMP: nothing listens on UDP 9 at the servers; their port unreachable
# must reach the client translated, so its socket sees "refused".
d vsadm -A -u $VIP:9 -s rr
d vsadm -a -u $VIP:9 -r 10.11.12.1:9 -m
err=$(echo hello | c socat -t 2 -T 3 - UDP:$VIP:9 2>&1)
check "ICMP port unreachable from a real server reaches the client" \
	grep -q "Connection refused" <<< "$err"

# The table: TCP connections to port 7 in TIME_WAIT or CLOSE, stats counted.
conns=$(d vsadm -L -n -c)
check "connection listing shows the echo connections" \
	grep -qE "^TCP .* $CLIENT_IP:[0-9]+ +$VIP:7 +10\.11\.12\.[123]:7" <<< "$conns"
stats=$(d vsadm -L -n --stats -t $VIP:80)
check_eq "HTTP service counted 9 connections" 9 \
	"$(awk '$1 == "TCP" { print $3 }' <<< "$stats")"
check "a server got the request addressed to itself, not the VIP" \
	grep -qx "10\.11\.12\.[123]" <<< "$(c curl -s --max-time 5 http://$VIP/addr)"
finish
