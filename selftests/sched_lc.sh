#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lc and wlc follow the connections held open, and slow start (net.vs.
# slow_start) keeps a new or returning server from being flooded under lc,
# wlc and wrr. NAT topology of topo.sh, three real servers answering HTTP
# with their names; the client holds keep-alive connections open and the
# servers' answers say where each went.
#
#   client ---- director (VIP:80) ---- rs1 rs2 rs3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/sched_lib.sh"
require_vm
require_cmd nginx python3

load_vs || die "insmod"
topo_nat 3 || die "topology"
http_servers 3 || die "nginx"
tmp=$(mktemp -d)
defer rm -rf "$tmp"
SVC="-t $VIP:80"

# hold NAME N: N more connections held open, their servers in $tmp/NAME,
# the holder's pid in pid_NAME.
hold() {
	hold_start "$tmp/$1" 80 < <(repeat "$2" - $VIP) || return 1
	printf -v "pid_$1" '%s' "$held_pid"
}

held() {
	names "$tmp/$1" | tally
}

# active SERVER: its active connections on the director.
active() {
	d vsadm -L -n $SVC | awk -v s="$1:80" '$2 == s { print $5 }'
}

# lc: quiesced servers take nothing; then the new connections go to the
# servers with the fewest open ones until they catch up.
check "lc service, three servers, rs2 and rs3 quiesced" eval \
	"d vsadm -A $SVC -s lc && add_server '$SVC' 1 &&
	 add_server '$SVC' 2 -w 0 && add_server '$SVC' 3 -w 0"
hold a 6
check_eq "lc: 6 connections held, all on rs1 (the others quiesced)" "rs1:6" "$(held a)"
d vsadm -e $SVC -r 10.11.12.2:80 -m -w 1
d vsadm -e $SVC -r 10.11.12.3:80 -m -w 1
hold b 12
check_eq "lc: 12 more, all to rs2 and rs3 until they hold as many" \
	"rs2:6 rs3:6" "$(held b)"
hold c 3
check_eq "lc: 3 more, one each" "rs1:1 rs2:1 rs3:1" "$(held c)"
hold_stop "$pid_b"
check "lc: rs2 and rs3's connections closed" busywait 10000 \
	eval '[ "$(active 10.11.12.2)" = 1 ] && [ "$(active 10.11.12.3)" = 1 ]'
hold d 10
check_eq "lc: 10 more, to rs2 and rs3 again" "rs2:5 rs3:5" "$(held d)"
hold_stop "$pid_a"; hold_stop "$pid_c"; hold_stop "$pid_d"
d vsadm -D $SVC

# wlc: open connections per unit of weight.
check "wlc service, weights 1:2:3" eval \
	"d vsadm -A $SVC -s wlc && for i in 1 2 3; do d vsadm -a $SVC -r 10.11.12.\$i:80 -m -w \$i; done"
hold e 12
check_eq "wlc: 12 connections held, 2:4:6" "rs1:2 rs2:4 rs3:6" "$(held e)"
hold f 6
check_eq "wlc: 6 more, 1:2:3" "rs1:1 rs2:2 rs3:3" "$(held f)"
hold_stop "$pid_e"; hold_stop "$pid_f"
d vsadm -D $SVC

# Slow start, on three services at once so that they share one ramp: wlc
# on VIP:80 (rs2 raised from weight 0), lc on VIP:81 (rs2 added), wrr on
# VIP:82 (rs2 added, weight 5 like rs1). rs1 holds 14 connections of each
# least-connection service (and one of the wrr one, so it is busy). Without
# slow start rs2 would take all of the next 6 of wlc and lc, and 6 of the
# next 12 of wrr; during the ramp (fraction p gone by) it takes about
# p * 20 of them (wrr: weight max(1, 5p), 2 of 12 while p < 0.4); after
# the ramp all of the next 10 (wlc, lc) and 10 of 20 (wrr). The batches
# take 1 to 3 s here; a slower kernel (TIME_SCALE) gets a longer ramp.
RAMP=$((30 * TIME_SCALE))
d sysctl -qw net.vs.slow_start=$RAMP
check_eq "net.vs.slow_start is set" $RAMP "$(d sysctl -n net.vs.slow_start)"
W="-t $VIP:80" L="-t $VIP:81" R="-t $VIP:82"
check "wlc, lc and wrr services, rs1 on each" eval "
	d vsadm -A $W -s wlc && add_server '$W' 1 && add_server '$W' 2 -w 0 &&
	d vsadm -A $L -s lc && add_server '$L' 1 &&
	d vsadm -A $R -s wrr && add_server '$R' 1 -w 5"
hold_port() {
	hold_start "$tmp/$1" "$2" < <(repeat "$3" - $VIP) || return 1
	printf -v "pid_$1" '%s' "$held_pid"
}
hold_port w1 80 14 && hold_port l1 81 14 && hold_port r1 82 1
start=$(date +%s)
d vsadm -e $W -r 10.11.12.2:80 -m -w 1
add_server "$L" 2
add_server "$R" 2 -w 5
hold_port w2 80 6
tw=$(($(date +%s) - start))
hold_port l2 81 6
tl=$(($(date +%s) - start))
repeat 12 - $VIP | sched_client get 82 > "$tmp/r2"
tr=$(($(date +%s) - start))
for s in w:wlc:$tw l:lc:$tl; do
	IFS=: read -r f sched t <<< "$s"
	n=$(names "$tmp/${f}2" | grep -c rs2)
	# At most p * 20, p the ramp fraction by the end of the batch
	# (rounded up, whole seconds), plus one.
	limit=$((((t + 1) * 20 + RAMP - 1) / RAMP + 1))
	what="$sched slow start: rs2 took $n of 6 in its first ${t}s of $RAMP"
	if [ "$limit" -ge 6 ]; then
		skip "$what (too slow a host to tell)"
	else
		check "$what (at most $limit)" test "$n" -ge 1 -a "$n" -le "$limit"
	fi
done
n=$(names "$tmp/r2" | grep -c rs2)
check "wrr slow start: rs2 took $n of 12 in its first ${tr}s of $RAMP" \
	test "$n" -ge 1 -a "$n" -le 3 -a "$tr" -lt $((RAMP * 2 / 5))
sleep $((start + RAMP + 1 - $(date +%s) > 0 ? start + RAMP + 1 - $(date +%s) : 0))
hold_port w3 80 10 && hold_port l3 81 10
repeat 20 - $VIP | sched_client get 82 > "$tmp/r3"
check_eq "wlc slow start: ramp over, rs2 took all of the next 10" \
	"rs2:10" "$(names "$tmp/w3" | tally)"
check_eq "lc slow start: ramp over, rs2 took all of the next 10" \
	"rs2:10" "$(names "$tmp/l3" | tally)"
check_eq "wrr slow start: ramp over, 10:10" "rs1:10 rs2:10" \
	"$(names "$tmp/r3" | tally)"
for p in w1 l1 r1 w2 l2 w3 l3; do
	pid=pid_$p
	hold_stop "${!pid}"
done
d sysctl -qw net.vs.slow_start=0
finish
