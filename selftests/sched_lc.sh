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

# Slow start. rs1 holds 10 connections; rs2 comes in (under wlc raised
# from weight 0, under lc added). Without slow start all of the next 10
# would go to rs2; with it, rs2 gets a few while it ramps up, and takes
# its full share once the ramp is over.
RAMP=12
d sysctl -qw net.vs.slow_start=$RAMP
check_eq "net.vs.slow_start is set" $RAMP "$(d sysctl -n net.vs.slow_start)"
for sched in wlc lc; do
	d vsadm -A $SVC -s $sched
	add_server "$SVC" 1
	[ $sched = wlc ] && add_server "$SVC" 2 -w 0
	hold g 10
	start=$(date +%s)
	if [ $sched = wlc ]; then
		d vsadm -e $SVC -r 10.11.12.2:80 -m -w 1
	else
		add_server "$SVC" 2
	fi
	hold h 10
	took=$(($(date +%s) - start))
	n=$(names "$tmp/h" | grep -c rs2)
	check "$sched slow start: rs2 took $n of 10 in its first ${took}s of $RAMP" \
		test "$n" -ge 1 -a "$n" -le 5
	sleep $((RAMP + 1 - took > 0 ? RAMP + 1 - took : 0))
	hold i 10
	n=$(names "$tmp/i" | grep -c rs2)
	check "$sched slow start: ramp over, rs2 took $n of the next 10" \
		test "$n" -ge 8
	hold_stop "$pid_g"; hold_stop "$pid_h"; hold_stop "$pid_i"
	d vsadm -D $SVC
done

# wrr: a new server counts with its weight scaled down, at least 1.
d vsadm -A $SVC -s wrr
add_server "$SVC" 1 -w 5
hold g 1
start=$(date +%s)
add_server "$SVC" 2 -w 5
repeat 12 - $VIP | sched_client get 80 > "$tmp/wrr"
took=$(($(date +%s) - start))
n=$(names "$tmp/wrr" | grep -c rs2)
check "wrr slow start: rs2 (weight 5 of 10) took $n of 12 in its first ${took}s" \
	test "$n" -ge 1 -a "$n" -le 4
sleep $((RAMP + 1 - took > 0 ? RAMP + 1 - took : 0))
repeat 20 - $VIP | sched_client get 80 > "$tmp/wrr2"
check_eq "wrr slow start: ramp over, 10:10" "rs1:10 rs2:10" \
	"$(names "$tmp/wrr2" | tally)"
hold_stop "$pid_g"
d sysctl -qw net.vs.slow_start=0
finish
