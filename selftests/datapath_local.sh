#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A real server on the director itself (Ultra Monkey's two-node topology): a
# server address that is local is served by local delivery, over NAT (the
# destination rewritten to the local address and port, the reply's source
# rewritten back at LOCAL_OUT) and direct routing (delivered to the local
# socket as it is). Mixed with a remote server in one service; over IPv4
# and IPv6. Also the rate estimator: a steady stream of connections shows
# up in --rate.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd nginx curl

load_vs || die "insmod"
topo_nat 1 || die "topology"
topo_v6 nat 1 || die "IPv6 on the topology"
HTTP_V6=1
http_server "$dir" "director" 8080 || die "nginx on the director"
http_server "$rs1" "rs1" 80 || die "nginx on rs1"
wait_port "$dir" tcp 8080 && wait_port "$rs1" tcp 80 || die "servers"
d() { in_ns "$dir" "$@"; }

d vsadm -A -t $VIP:80 -s rr
d vsadm -a -t $VIP:80 -r $DIRECTOR_PRIV:8080 -m
d vsadm -a -t $VIP:80 -r 10.11.12.1:80 -m
got=""
for i in 1 2 3 4; do got+="$(in_ns "$client" curl -s --max-time 5 http://$VIP/) "; done
check_eq "NAT: the local server and the remote one share the load" \
	"director rs1 director rs1 " "$got"

d vsadm -A -t $VIP:8080 -s rr
d vsadm -a -t $VIP:8080 -r $DIRECTOR_PUB -g
check_eq "DR to the director itself: delivered locally" "director" \
	"$(in_ns "$client" curl -s --max-time 5 http://$VIP:8080/)"

d vsadm -A -t "[$VIP6]:80" -s rr
d vsadm -a -t "[$VIP6]:80" -r "[2001:db8:12::9]:8080" -m
d vsadm -a -t "[$VIP6]:80" -r "[2001:db8:12::1]:80" -m
got=""
for i in 1 2 3 4; do got+="$(in_ns "$client" curl -s -g --max-time 5 "http://[$VIP6]/") "; done
check_eq "IPv6 NAT: the local server and the remote one share the load" \
	"director rs1 director rs1 " "$got"
d vsadm -A -t "[$VIP6]:8080" -s rr
d vsadm -a -t "[$VIP6]:8080" -r "[2001:db8:26::9]" -g
check_eq "IPv6 DR to the director itself: delivered locally" "director" \
	"$(in_ns "$client" curl -s -g --max-time 5 "http://[$VIP6]:8080/")"
d vsadm -D -t "[$VIP6]:80"

# Rates: a steady stream of connections, read while it flows (the
# estimator ticks every 2 s and averages over a few ticks).
# Eight clients, so that a slow (sanitizer) kernel still makes a few a second.
for j in 1 2 3 4 5 6 7 8; do
	(for i in $(seq 40); do
		in_ns "$client" curl -s --max-time 5 -o /dev/null http://$VIP/
	done) &
	defer "kill $! 2>/dev/null"
done
sleep $((8 * TIME_SCALE))
cps=$(d vsadm -L -n --rate -t $VIP:80 | awk '$1 == "TCP" { print $3 }')
check "--rate shows the connections per second ($cps)" test "$cps" -ge 1
inbps=$(d vsadm -L -n --rate -t $VIP:80 | awk '$1 == "TCP" { print $6 }')
check "--rate shows the incoming bytes per second ($inbps)" test "$inbps" -gt 0

# A route to one of the director's own IPv6 addresses leaves by lo but
# holds the address's device: deleting that device must not wait for it.
check "the director's eth0 goes while [$VIP6]:8080 has its local IPv6 server" \
	timeout 30 ip -n "$dir" link del eth0
finish
