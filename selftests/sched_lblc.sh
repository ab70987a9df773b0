#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lblc and lblcr with real traffic: the client reaches destinations in
# 10.99.0.0/16 through a firewall-mark service on the director (NAT
# topology of topo.sh, three real servers of weight 4 answering HTTP with
# their names).
#
#   client 172.30.x.y -> 10.99.x.y:80 ---- director (fwmark 1) ---- rs1 rs2 rs3
#
# lblc: a destination stays with its server until that server is
# overloaded (more active connections than its weight while another has
# fewer than half of its own), then moves, and stays, with the new one;
# an entry unused for net.vs.lblc_expiration seconds is forgotten.
# lblcr: a destination's set of servers grows when its least loaded member
# is overloaded, and loses its busiest member every net.vs.lblcr_expiration
# seconds that it does not change.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/sched_lib.sh"
require_vm
require_cmd nginx python3 nft

load_vs || die "insmod"
topo_nat 3 || die "topology"
topo_src_range || die "client address range"
topo_dst_range 1 || die "destination range"
http_servers 3 || die "nginx"
tmp=$(mktemp -d)
defer rm -rf "$tmp"
SVC="-f 1"

# Each destination is reached from a client address of its own: behind
# NAT a server's reply is told apart by client address and port alone, so
# one client address and port cannot be used for two destinations that
# share a server. from DST: that address (172.30.X.Y for 10.99.X.Y).
from() {
	echo "$SRC_NET.${1#$DST_NET.}"
}

# get N DST: N connections to DST one after the other; their servers.
get() {
	repeat "$1" "$(from "$2")" "$2" | sched_client get 80 | awk '{ print $3 }'
}

# hold NAME N DST: N connections to DST held open; servers in $tmp/NAME.
hold() {
	hold_start "$tmp/$1" 80 < <(repeat "$2" "$(from "$3")" "$3") || return 1
	printf -v "pid_$1" '%s' "$held_pid"
}

distinct() {
	sort -u | wc -l
}

actives_zero() {
	[ -z "$(d vsadm -L -n $SVC | awk '$1 == "->" && $2 ~ /^[0-9]/ && $5 != 0')" ]
}

check_eq "lblc_expiration defaults to a day" 86400 \
	"$(d sysctl -n net.vs.lblc_expiration)"
check_eq "lblcr_expiration defaults to a day" 86400 \
	"$(d sysctl -n net.vs.lblcr_expiration)"
check "lblc service, three servers of weight 4" eval \
	"d vsadm -A $SVC -s lblc && add_servers '$SVC' 3 -w 4"

# Locality: 12 destinations, four rounds; each keeps its first server.
for r in 1 2 3 4; do
	for i in $(seq 12); do echo "$SRC_NET.1$r.$i $DST_NET.2.$i"; done |
		sched_client get 80 | awk '{ print $2, $3 }'
done | sort -u > "$tmp/local"
check_eq "lblc: 12 destinations x 4 rounds, all answered" "" \
	"$(grep ERR "$tmp/local")"
check_eq "lblc: no destination went to two servers" "" \
	"$(awk '{ print $1 }' "$tmp/local" | uniq -d)"
check "lblc: the destinations are spread over the servers" \
	test "$(awk '{ print $2 }' "$tmp/local" | distinct)" -ge 2

# Overload: 5 held connections stay on the first server (5th: 4 active,
# not more than its weight); the 6th finds it overloaded and moves the
# destination; the 7th follows.
hold a 7 $DST_NET.3.1
first=$(names "$tmp/a" | head -1)
check_eq "lblc: 5 held connections on one server, then 2 on another" \
	"$first $first $first $first $first X X" \
	"$(names "$tmp/a" | awk -v f="$first" '{ print ($1 == f ? f : "X") }' | paste -sd ' ')"
check_eq "lblc: ... the same other server" 1 "$(names "$tmp/a" | tail -2 | distinct)"
moved=$(names "$tmp/a" | tail -1)
check_eq "lblc: the destination now stays with it" "$moved $moved" \
	"$(get 2 $DST_NET.3.1 | paste -sd ' ')"
hold_stop "$pid_a"
check "lblc: held connections closed" busywait 10000 actives_zero

# Expiry: with 2 held connections its server is the busiest, yet cached;
# after 5 s unused the entry is gone and wlc picks another server.
# The expiration is shortened only once the entry is made and used: a
# slow host could take 4 s to open the held connections.
hold b 2 $DST_NET.4.1
z=$(names "$tmp/b" | sort -u)
check_eq "lblc: 2 held connections on one server" 1 "$(echo "$z" | wc -l)"
check_eq "lblc: cached, the destination stays on it" "$z" "$(get 1 $DST_NET.4.1)"
d sysctl -qw net.vs.lblc_expiration=4
sleep 5
e=$(get 1 $DST_NET.4.1)
check "lblc: expired after 4 s unused, now on another server ($z -> $e)" \
	test -n "$e" -a "$e" != "$z" -a "$e" != ERR
hold_stop "$pid_b"
check "lblc: held connections closed" busywait 10000 actives_zero

# lblcr: the set grows. 5 held connections on X; the 6th finds X
# overloaded: Y joins and takes it; Y, the least loaded member, takes
# the next 4; the 11th finds both overloaded: Z joins.
check "switch to lblcr" d vsadm -E $SVC -s lblcr
EXP=5
d sysctl -qw net.vs.lblcr_expiration=$EXP
hold c 11 $DST_NET.5.1
order=$(names "$tmp/c" | awk '!($1 in s) { s[$1] = ++n } { printf "%s%d", (NR > 1 ? " " : ""), s[$1] }')
check_eq "lblcr: 11 held connections, 5 on a server, 5 on a second, 1 on a third" \
	"1 1 1 1 1 2 2 2 2 2 3" "$order"
z=$(names "$tmp/c" | tail -1)

# The set shrinks. Used about once a second (so the entry does not
# expire), the least loaded member Z serves it; unchanged for $EXP s the
# set drops its busiest member, and $EXP s later the other. Then, with
# the held connections gone, new ones still go to Z alone: were X or Y
# still members, they would take them (Z served every poll and is the
# busiest now).
for i in $(seq $((2 * EXP + 3))); do
	get 1 $DST_NET.5.1 >> "$tmp/poll"
	sleep 1
done
check_eq "lblcr: $((2 * EXP + 3)) polls, all served by the least loaded member" \
	"$z" "$(sort -u "$tmp/poll")"
# The set is what it is now: a slow host must not let it expire while
# the held connections close.
d sysctl -qw net.vs.lblcr_expiration=600
hold_stop "$pid_c"
check "lblcr: held connections closed" busywait 10000 actives_zero
hold e 3 $DST_NET.5.1
check_eq "lblcr: after 2 x $EXP s unchanged only Z is left in the set" \
	"$z $z $z" "$(names "$tmp/e" | paste -sd ' ')"
hold_stop "$pid_e"
finish
