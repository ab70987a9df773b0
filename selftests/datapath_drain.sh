#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Draining and removal (NAT, two real servers):
# - weight 0: an open TCP connection and a UDP flow to the server keep
#   working, new connections go to the other server;
# - deleting a server (expire_nodest_conn=1, the default): its open TCP
#   connection gets a reset at its next packet, not silence, and its UDP
#   flow moves to the other server;
# - with expire_nodest_conn=0 a deleted server's connection continues.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat

load_vs || die "insmod"
topo_nat 2 || die "topology"
for i in 1 2; do
	echo_server "$(rs_ns $i)" tcp 7
	name_server "$(rs_ns $i)" udp 53 "rs$i"
done
for i in 1 2; do
	wait_port "$(rs_ns $i)" tcp 7 && wait_port "$(rs_ns $i)" udp 53 ||
		die "servers on rs$i"
done
d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }
d vsadm -A -t $VIP:7 -s rr
d vsadm -A -u $VIP:53 -s rr
for i in 1 2; do
	d vsadm -a -t $VIP:7 -r 10.11.12.$i:7 -m
	d vsadm -a -u $VIP:53 -r 10.11.12.$i:53 -m
done
tmp=$(mktemp -d)
defer rm -rf "$tmp"

# hold NAME: an open TCP connection through the VIP, fed by fd of a fifo.
hold() {
	mkfifo "$tmp/$1.in"
	(c socat -d -d -T 120 - TCP:$VIP:7 < "$tmp/$1.in" > "$tmp/$1.out" \
		2> "$tmp/$1.err"; echo $? > "$tmp/$1.rc") &
	eval "exec {$1_fd}> $tmp/$1.in"
}
say() { # NAME TEXT: send a line, wait for its echo
	local fd="$1_fd"
	echo "$2" >&"${!fd}"
	busywait 5000 grep -qx "$2" "$tmp/$1.out"
}
# server_of CPORT: the real server of the client's connection from CPORT.
server_of() {
	d vsadm -L -n -c | awk -v c="$CLIENT_IP:$1" '$4 == c { print $6 }' | head -n 1
}
udp_ask() { # SPORT: the name of the server answering a datagram from SPORT
	local i out
	for i in 1 2 3; do
		out=$(echo q | c socat -t 3 -T 5 - \
			UDP:$VIP:53,sourceport="$1",reuseaddr 2>/dev/null)
		[ -n "$out" ] && break
	done
	echo "$out"
}
flip() { # rs1 <-> rs2
	[ "$1" = rs1 ] && echo rs2 || echo rs1
}

# --- weight 0 -------------------------------------------------------------
hold a
check "held connection echoes" say a one
cport=$(c ss -tn state established "( dport = :7 )" | awk 'NR == 2 { split($3, p, ":"); print p[2] }')
rs=$(server_of "$cport")
check "held connection is in the table" test -n "$rs"
rsaddr=${rs%:*}
first=$(udp_ask 40000)
check "UDP flow answered" grep -qx "rs[12]" <<< "$first"

check "quiesce the held connection's server" \
	d vsadm -e -t $VIP:7 -r "$rsaddr:7" -m -w 0
check "held TCP connection keeps working at weight 0" say a two
firstaddr=10.11.12.${first#rs}
d vsadm -e -u $VIP:53 -r "$firstaddr:53" -m -w 0
check_eq "UDP flow keeps its server at weight 0" "$first" "$(udp_ask 40000)"
before=$(d vsadm -L -n --stats --exact -t $VIP:7 | awk -v r="$rsaddr:7" '$2 == r { print $3 }')
for i in 1 2 3 4; do echo x | c socat -t 1 - TCP:$VIP:7 > /dev/null; done
after=$(d vsadm -L -n --stats --exact -t $VIP:7 | awk -v r="$rsaddr:7" '$2 == r { print $3 }')
check_eq "no new connection went to the quiesced server" "$before" "$after"
check_eq "a new UDP flow goes to the other server" \
	"$(flip "$first")" "$(udp_ask 40001)"

# --- delete, expire_nodest_conn=1 -------------------------------------------
d vsadm -e -t $VIP:7 -r "$rsaddr:7" -m -w 1
check "delete the held connection's server" d vsadm -d -t $VIP:7 -r "$rsaddr:7"
echo three >&"$a_fd"
check "the held connection ends with a reset, not silence" \
	busywait 10000 test -s "$tmp/a.rc"
check "the client saw a reset" grep -qi "reset" "$tmp/a.err"
d vsadm -d -u $VIP:53 -r "$firstaddr:53"
check_eq "the UDP flow of a deleted server moves on" \
	"$(flip "$first")" "$(udp_ask 40000)"
check "no connection to the deleted server is left" \
	busywait 5000 sh -c "! ip netns exec $dir vsadm -L -n -c | grep -q ' $rsaddr:7'"

# --- delete, expire_nodest_conn=0: the connection drains ---------------------
d vsadm -a -t $VIP:7 -r "$rsaddr:7" -m
check "expire_nodest_conn=0" d sysctl -qw net.vs.expire_nodest_conn=0
hold b
say b hello
cport=$(c ss -tn state established "( dport = :7 )" | awk 'NR == 2 { split($3, p, ":"); print p[2] }')
rs=$(server_of "$cport")
d vsadm -d -t $VIP:7 -r "$rs"
check "a deleted server's connection continues with expire_nodest_conn=0" \
	say b still-here
finish
