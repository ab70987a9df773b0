#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# What every scheduler must honour, with real traffic: an upper connection
# threshold (-x) and weight 0 (quiesced); and a scheduler switched on a
# live service keeps the open connections where they are.
#
#   client 172.30.k.i -> 10.99.k.i:80 ---- director (fwmark 1) ---- rs1..rs4
#                     -> VIP:80          (VIP:80)
#
# A firewall-mark service over 10.99.0.0/16, with every connection from
# another client address to another destination, so the hashing and
# caching schedulers see many keys: rs1 has an upper threshold of 2
# connections, rs2 is quiesced (weight 0), rs3 and rs4 take the rest. 16
# connections held open: rs1 never holds more than 2, rs2 none; schedulers that do
# not hash refuse none, the hashing ones (no fallback) refuse exactly the
# keys whose server cannot take them.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/sched_lib.sh"
require_vm
require_cmd nginx python3 nft

SCHEDS="rr wrr lc wlc lblc lblcr dh sh mh"
N=16

load_vs || die "insmod"
topo_nat 4 || die "topology"
topo_src_range || die "client address range"
topo_dst_range 1 || die "destination range"
http_servers 4 || die "nginx"
tmp=$(mktemp -d)
defer rm -rf "$tmp"

count() {
	names "$tmp/$1" | grep -c "^$2\$"
}

k=0
for sched in $SCHEDS; do
	k=$((k + 1))
	SVC="-f 1"
	d vsadm -A $SVC -s $sched
	add_server "$SVC" 1 -x 2
	add_server "$SVC" 2
	d vsadm -e $SVC -r 10.11.12.2:80 -m -w 0
	add_server "$SVC" 3
	add_server "$SVC" 4
	for ((i = 1; i <= N; i++)); do
		echo "$SRC_NET.$k.$i $DST_NET.$k.$i"
	done > "$tmp/keys"
	hold_start "$tmp/$sched" 80 < "$tmp/keys" || fail "$sched: client"
	rs1=$(count "$sched" rs1) rs2=$(count "$sched" rs2) err=$(count "$sched" ERR)
	rest=$((N - rs1 - rs2 - err))
	what="rs1 $rs1, rs2 $rs2, rs3+rs4 $rest, refused $err"
	case $sched in
	dh|sh|mh)
		check "$sched: threshold and weight 0 honoured ($what)" \
			test "$rs1" -le 2 -a "$rs2" = 0 -a "$rest" -gt 0
		# The refused keys are those of rs2 and of rs1 beyond 2:
		# asked again one by one they are still refused.
		grep ERR "$tmp/$sched" | awk '{ print $1, $2 }' |
			sched_client get 80 > "$tmp/$sched.again"
		check_eq "$sched: refused keys stay refused" "$err" \
			"$(grep -c ERR "$tmp/$sched.again")"
		;;
	*)
		check_eq "$sched: threshold and weight 0 honoured" \
			"rs1 2, rs2 0, rs3+rs4 $((N - 2)), refused 0" "$what"
		;;
	esac
	check_eq "$sched: the director agrees, rs1 holds 2 at most" "" \
		"$(d vsadm -L -n $SVC | awk '$2 == "10.11.12.1:80" && $5 > 2')"
	hold_stop "$held_pid"
	d vsadm -D $SVC
done

# Switching on a live service: one keep-alive connection stays with its
# server through every scheduler, and new connections keep working.
SVC="-t $VIP:80"
d vsadm -A $SVC -s rr
add_servers "$SVC" 4
coproc SESSION { sched_client session 80 - $VIP; }
defer "kill $SESSION_PID"
ask() {
	echo get >&"${SESSION[1]}"
	read -r -t 10 answer <&"${SESSION[0]}" && echo "$answer"
}
first=$(ask)
check "a keep-alive connection through the rr service ($first)" \
	test -n "$first" -a "$first" != ERR
for sched in $SCHEDS rr; do
	d vsadm -E $SVC -s $sched
	now=$(ask)
	new=$(echo "- $VIP" | sched_client get 80 | awk '{ print $3 }')
	check "switch to $sched: the open connection stays on $first ($now), new ones work ($new)" \
		test "$now" = "$first" -a -n "$new" -a "$new" != ERR
done

# Switching back and forth while connections come and go.
repeat 80 - $VIP | sched_client get 80 > "$tmp/busy" &
busy=$!
for r in 1 2 3; do
	for sched in $SCHEDS; do
		d vsadm -E $SVC -s $sched
	done
done
wait $busy
check_eq "27 switches under traffic: 80 connections, none refused" "80 0" \
	"$(wc -l < "$tmp/busy") $(grep -c ERR "$tmp/busy")"
check_eq "the open connection is still on $first" "$first" "$(ask)"
finish
