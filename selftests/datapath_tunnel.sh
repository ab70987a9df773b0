#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tunnel forwarding end to end, each encapsulation taken out by the
# servers' own kernel devices, as an LVS-TUN site runs it: the DR
# topology of topo.sh (client, director and three servers on one
# segment), each server holding the VIP on lo and on its decapsulating
# device with reverse-path filtering off.
#
#   ipip  tunl0 (the ipip module's fallback device)
#   gue   ip fou add port 6080 gue, then tunl0
#   gre   gre0 (ip_gre's fallback device)
#
# For each: curl spreads round robin over the servers, the replies go
# straight from the servers to the client (the director counts packets in
# only), a 1 MB TCP echo comes back byte for byte although the tunnel's
# overhead leaves less than the path's 1500 bytes for the client's
# segments (the director answers the first too big with "fragmentation
# needed" for the tunnel's MTU and the client's PMTU follows), and the
# connection table lists the connections as Tunnel. GUE's outer UDP
# source port follows the inner flow: two flows, two ports.
#
# Then over IPv6 (topo_v6), where IPVS allows mixed families:
#   ip6ip6  IPv6 service, IPv6 servers, ip6tnl0 (ip6_tunnel's fallback)
#   ipip6   IPv4 service, IPv6 servers: a "mode any" ip6tnl device
#   gre6    IPv6 service, GRE over IPv6 to ip6gre0 (ip6_gre's fallback)
#   gue6    IPv6 service, GUE over IPv6 (fou -6), summed as IPv6 needs
# and an ICMP error about a tunneled packet reaches the client, in both
# families. The outer source: vsadm's --tun-src, then vsd's
# tunnel_source on every server of its virtual and gone with the key.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/vsd_lib.sh"
require_vm
require_cmd socat curl nginx tcpdump

d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }

load_vs || die "insmod"
for m in ipip fou ip_gre ip6_tunnel ip6_gre; do
	modprobe -q $m || { echo "# SKIP: no $m module"; exit $KSFT_SKIP; }
done
topo_dr 3 || die "topology"
topo_v6 dr 3 || die "IPv6 on the topology"
for i in 1 2 3; do
	ns=$(rs_ns $i)
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.rp_filter=0 \
		net.ipv4.conf.default.rp_filter=0
	for dev in tunl0 gre0; do
		ip -n "$ns" link set $dev up || die "$dev on rs$i"
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.$dev.rp_filter=0
		ip -n "$ns" addr add $VIP/32 dev $dev || die "VIP on $dev of rs$i"
	done
	ip -n "$ns" fou add port 6080 gue || die "fou on rs$i"
	ip -n "$ns" fou add port 6080 gue -6 || die "IPv6 fou on rs$i"
	ip -n "$ns" link set ip6tnl0 up && ip -n "$ns" link set ip6gre0 up &&
		ip -n "$ns" link add t46 type ip6tnl mode any \
			local "2001:db8:26::$i" remote :: &&
		ip -n "$ns" link set t46 up || die "IPv6 tunnel devices on rs$i"
	ip netns exec "$ns" sysctl -qw net.ipv4.conf.t46.rp_filter=0
	ip -n "$ns" addr add $VIP/32 dev t46 || die "VIP on t46 of rs$i"
	HTTP_V6=1 http_server "$ns" "rs$i" 80 || die "nginx on rs$i"
	echo_server "$ns" tcp 7
done
for i in 1 2 3; do
	wait_port "$(rs_ns $i)" tcp 80 && wait_port "$(rs_ns $i)" tcp 7 ||
		die "servers on rs$i"
done

tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c 1000000 /dev/urandom > "$tmp/in"

spread() {
	local out="" i
	for i in $(seq 9); do
		out+="$(c curl -s --max-time 5 http://$VIP/) "
	done
	tr ' ' '\n' <<< "$out" | grep . | sort | uniq -c |
		awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}

for type in ipip gue gre; do
	opts="-i --tun-type $type"
	[ $type = gue ] && opts+=" --tun-port 6080"
	d vsadm -A -t $VIP:80 -s rr
	d vsadm -A -t $VIP:7 -s rr
	for i in 1 2 3; do
		# shellcheck disable=SC2086
		d vsadm -a -t $VIP:80 -r 192.168.26.$i $opts &&
			d vsadm -a -t $VIP:7 -r 192.168.26.$i $opts ||
			fail "$type: vsadm -a rs$i"
	done
	check "$type: -L -n shows Tunnel" \
		grep -qE "^  -> 192\.168\.26\.1:80 +Tunnel +1 " <<< "$(d vsadm -L -n)"
	check_eq "$type: curl, nine requests, three per server" \
		"rs1:3 rs2:3 rs3:3" "$(spread)"
	# A fresh PMTU each round: the client learns the tunnel's.
	c ip route flush cache
	c socat -t 10 -T 20 - TCP:$VIP:7 < "$tmp/in" > "$tmp/out"
	check "$type: 1 MB TCP echo through the tunnel is byte-identical" \
		cmp -s "$tmp/in" "$tmp/out"
	stats=$(d vsadm -L -n --stats --exact -t $VIP:7)
	check "$type: the director forwarded the client's packets" \
		test "$(awk '$1 == "TCP" { print $4 }' <<< "$stats")" -gt 0
	check_eq "$type: and saw none of the replies" 0 \
		"$(awk '$1 == "TCP" { print $5 }' <<< "$stats")"
	check_eq "$type: a server got the request addressed to the VIP" "$VIP" \
		"$(c curl -s --max-time 5 http://$VIP/addr)"
	d vsadm -C
done

# Over IPv6. spread6 SERVICE-URL: nine curls.
spread_url() {
	local out="" i
	for i in $(seq 9); do
		out+="$(c curl -s -g --max-time 5 "$1") "
	done
	tr ' ' '\n' <<< "$out" | grep . | sort | uniq -c |
		awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}
for type in ip6ip6 ipip6 gre6 gue6; do
	case $type in
	ip6ip6) svc="[$VIP6]:80" url="http://[$VIP6]/" opts="-i" ;;
	ipip6) svc="$VIP:80" url="http://$VIP/" opts="-i" ;;
	gre6) svc="[$VIP6]:80" url="http://[$VIP6]/" opts="-i --tun-type gre" ;;
	gue6) svc="[$VIP6]:80" url="http://[$VIP6]/" opts="-i --tun-type gue --tun-port 6080" ;;
	esac
	d vsadm -A -t "$svc" -s rr
	for i in 1 2 3; do
		# shellcheck disable=SC2086
		d vsadm -a -t "$svc" -r "[2001:db8:26::$i]" $opts || fail "$type: vsadm -a rs$i"
	done
	check "$type: -L -n shows the IPv6 servers as Tunnel" \
		grep -qE "^  -> \[2001:db8:26::1\]:80 +Tunnel +1 " <<< "$(d vsadm -L -n)"
	check_eq "$type: curl, nine requests, three per server" \
		"rs1:3 rs2:3 rs3:3" "$(spread_url "$url")"
	stats=$(d vsadm -L -n --stats --exact -t "$svc")
	check_eq "$type: the director saw no reply" 0 \
		"$(awk '$1 == "TCP" { print $5 }' <<< "$stats")"
	d vsadm -C
done

# An ICMP error about a tunneled packet reaches the client: GUE to a port
# no server listens on. The server's "port unreachable" about the outer
# datagram becomes the client's about its SYN, so curl is refused at once
# (exit 7) where a lost SYN would time out (28).
for fam in 4 6; do
	if [ $fam = 4 ]; then
		svc="$VIP:80" rs=192.168.26.1 url="http://$VIP/"
	else
		svc="[$VIP6]:80" rs="[2001:db8:26::1]" url="http://[$VIP6]/"
	fi
	d vsadm -A -t "$svc" -s rr
	d vsadm -a -t "$svc" -r "$rs" -i --tun-type gue --tun-port 6999
	rc=0
	c curl -s -g --max-time 5 "$url" > /dev/null || rc=$?
	check_eq "IPv$fam: a server's ICMP error about a GUE packet reaches the client (refused)" \
		7 "$rc"
	d vsadm -C
done

# GUE's source port: a hash of the inner flow.
d vsadm -A -t $VIP:80 -s rr
d vsadm -a -t $VIP:80 -r 192.168.26.1 -i --tun-type gue --tun-port 6080
# The SYN of each flow: UDP 8 + GUE 4 + inner IPv4 20, TCP flags at 13.
in_ns "$(rs_ns 1)" timeout 15 tcpdump -c 2 -n -i eth0 \
	"udp dst port 6080 and udp[45] & 2 != 0" > "$tmp/gue" 2> "$tmp/gue.err" &
cap=$!
busywait 5000 grep -q "listening on" "$tmp/gue.err"
c curl -s --max-time 5 --local-port 41001 http://$VIP/ > /dev/null
c curl -s --max-time 5 --local-port 41002 http://$VIP/ > /dev/null
wait $cap
check_eq "GUE: two client flows, two outer source ports" 2 \
	"$(awk '{ split($3, a, "."); print a[5] }' "$tmp/gue" | sort -u | wc -l)"
d vsadm -C

# --tun-src: the outer source address the admin chose, in both families.
# outer_src FAM URL: the outer source of the packets rs1 gets while curl
# fetches URL ("" if it got none), curl's answer after a space.
outer_src() {
	local filter="ip proto 4" pos=3 out
	[ "$1" = 6 ] && filter="ip6 and ip6[6] = 41"
	in_ns "$(rs_ns 1)" timeout 10 tcpdump -c 1 -n -i eth0 "$filter" \
		> "$tmp/src" 2> "$tmp/src.err" &
	cap=$!
	busywait 5000 grep -q "listening on" "$tmp/src.err"
	out=$(c curl -s -g --max-time 3 "$2")
	wait $cap
	echo "$(awk -v p=$pos '{ print $p; exit }' "$tmp/src") $out"
}
d ip addr add 192.168.26.19/24 dev eth0
d ip addr add 2001:db8:26::19/64 dev eth0 nodad
d vsadm -A -t $VIP:80 -s rr
d vsadm -a -t $VIP:80 -r 192.168.26.1 -i --tun-src 192.168.26.19
check_eq "--tun-src: rs1 gets IPIP from 192.168.26.19, and answers" \
	"192.168.26.19 rs1" "$(outer_src 4 http://$VIP/)"
check "--tun-src: -L --tun-info shows it" \
	grep -qE "^  -> 192\.168\.26\.1:80 +Tunnel +ipip@192\.168\.26\.19 " \
	<<< "$(d vsadm -L -n --tun-info)"
check "--tun-src: -S writes it" grep -qx -- \
	"-a -t $VIP:80 -r 192.168.26.1:80 -i -w 1 --tun-type ipip --tun-src 192.168.26.19" \
	<<< "$(d vsadm -S -n)"
d vsadm -e -t $VIP:80 -r 192.168.26.1 -i -w 2
check "--tun-src: an edit without it keeps it" grep -q "ipip@192.168.26.19" \
	<<< "$(d vsadm -L -n --tun-info)"
d vsadm -e -t $VIP:80 -r 192.168.26.1 -i --tun-src 0.0.0.0
check_eq "--tun-src 0.0.0.0 removes it: the route's source again" \
	"192.168.26.9 rs1" "$(outer_src 4 http://$VIP/)"
d vsadm -e -t $VIP:80 -r 192.168.26.1 -i --tun-src 192.168.26.77
check_eq "--tun-src not ours: taken, and the packets are dropped" \
	" " "$(outer_src 4 http://$VIP/)"
d vsadm -e -t $VIP:80 -r 192.168.26.1 -i --tun-src 192.168.26.19
check_eq "--tun-src ours again: forwarded from it" \
	"192.168.26.19 rs1" "$(outer_src 4 http://$VIP/)"
d vsadm -C
d vsadm -A -t "[$VIP6]:80" -s rr
d vsadm -a -t "[$VIP6]:80" -r "[2001:db8:26::1]" -i --tun-src 2001:db8:26::19
check_eq "--tun-src: rs1 gets IPv6-in-IPv6 from 2001:db8:26::19, and answers" \
	"2001:db8:26::19 rs1" "$(outer_src 6 "http://[$VIP6]/")"
d vsadm -C

# vsd's tunnel_source: the reconciler sets it on every server of the
# virtual (rs2 at weight 0 has it too, and leaves the traffic to rs1), and
# a reload without the key removes it.
cat > "$VSD_CONF" << EOF
serial_no = 1
network = tunnel
virtual web {
	address = $VIP
	port = 80
	scheduler = rr
	check_type = none
	tunnel_source = 192.168.26.19
	server rs1 {
		address = 192.168.26.1
	}
	server rs2 {
		address = 192.168.26.2
		weight = 0
	}
}
EOF
# tun_srcs_are "N M": N servers of the table tunneled from 192.168.26.19,
# M without a source.
tun_srcs_are() {
	local t
	t=$(d vsadm -L -n --tun-info) || return 1
	[ "$(grep -cE " Tunnel +ipip@192\.168\.26\.19 " <<< "$t") $(grep -cE " Tunnel +ipip " <<< "$t")" = "$1" ]
}
vsd_start || die "vsd"
check "vsd tunnel_source: both servers have it" busywait 5000 tun_srcs_are "2 0"
check_eq "vsd tunnel_source: rs1 gets IPIP from 192.168.26.19, and answers" \
	"192.168.26.19 rs1" "$(outer_src 4 http://$VIP/)"
sed -i '/tunnel_source/d; s/^serial_no = 1$/serial_no = 2/' "$VSD_CONF"
check "vsd reload without tunnel_source" vsd -s "$VSD_SOCK" reload
check "vsd: the sources are gone from the table" busywait 5000 tun_srcs_are "0 2"
check_eq "vsd: rs1 gets IPIP from the route's source again" \
	"192.168.26.9 rs1" "$(outer_src 4 http://$VIP/)"
check "vsd logged no failure" sh -c "! grep -q failed '$VSD_LOG'" || show_vsd_log
vsd_stop
d vsadm -C
finish
