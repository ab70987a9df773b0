#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Direct routing end to end (topo.sh topo_dr: client, director and three
# real servers on one segment, each server holding the VIP on lo without
# answering ARP for it): TCP and UDP payloads make the round trip byte for
# byte with the replies going straight from the servers to the client (the
# director sees none of them), and HTTP through curl reaches every server.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat curl nginx

load_vs || die "insmod"
topo_dr 3 || die "topology"
for i in 1 2 3; do
	http_server "$(rs_ns $i)" "rs$i" 80 || die "nginx on rs$i"
	echo_server "$(rs_ns $i)" tcp 7
	echo_server "$(rs_ns $i)" udp 7 $VIP
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
	d vsadm -a -t $VIP:80 -r 192.168.26.$i -g
	d vsadm -a -t $VIP:7 -r 192.168.26.$i -g
	d vsadm -a -u $VIP:7 -r 192.168.26.$i -g
done
check "-L -n shows Route with the service's port" \
	grep -qE "^  -> 192\.168\.26\.1:80 +Route +1 " <<< "$(d vsadm -L -n)"

out=""
for i in $(seq 9); do
	out+="$(c curl -s --max-time 5 http://$VIP/) "
done
check_eq "curl: nine requests, three per server" \
	"rs1:3 rs2:3 rs3:3" \
	"$(tr ' ' '\n' <<< "$out" | grep . | sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }')"

tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c 65536 /dev/urandom > "$tmp/in"
c socat -t 5 -T 10 - TCP:$VIP:7 < "$tmp/in" > "$tmp/out"
check "TCP echo through DR is byte-identical" cmp -s "$tmp/in" "$tmp/out"
check_eq "a 1 MB echo over a 1400-byte path to the servers: whole, the client learned 1400" \
	"same 1400" "$(pmtu_echo dr 1400 $VIP $VIP)"
head -c 1000 /dev/urandom | base64 -w0 > "$tmp/uin"
udp_ask "$client" $VIP 7 < "$tmp/uin" > "$tmp/uout"
check "UDP echo through DR is byte-identical" cmp -s "$tmp/uin" "$tmp/uout"

# Replies bypass the director: it forwarded packets in, none out.
stats=$(d vsadm -L -n --stats --exact -t $VIP:7)
check "the director forwarded the client's packets" \
	test "$(awk '$1 == "TCP" { print $4 }' <<< "$stats")" -gt 0
check_eq "no reply passed through the director" 0 \
	"$(awk '$1 == "TCP" { print $5 }' <<< "$stats")"
# The packets reached the servers unchanged: addressed to the VIP.
check_eq "a server got the request addressed to the VIP" "$VIP" \
	"$(c curl -s --max-time 5 http://$VIP/addr)"
finish
