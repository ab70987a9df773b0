#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# rr and wrr with real traffic: the NAT topology of topo.sh with three real
# servers answering HTTP with their names, one client making connections
# one after the other, each counted by the server that answered.
#
#   client ---- director (VIP:80, rr then wrr) ---- rs1 rs2 rs3
#
# rr gives every server the same share, in turn; wrr 1:3:5 gives exactly
# 1:3:5 of every 9 consecutive connections, interleaved (the heaviest
# server never gets more than 3 in a row, where a naive weighted
# round robin sends it 5).
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

# windows FILE K: every K consecutive names of FILE, sorted, one per line.
windows() {
	names "$1" | awk -v k="$2" '{ n[NR] = $1 } END {
		for (i = 1; i + k - 1 <= NR; i++) {
			w = ""; for (j = i; j < i + k; j++) w = w " " n[j]
			print w
		} }' | while read -r -a w; do
		printf '%s\n' "${w[@]}" | sort | paste -sd ' '
	done | sort -u
}

# longest FILE: the longest run of the same server.
longest() {
	names "$1" | awk '$1 == p { r++ } $1 != p { r = 1; p = $1 }
		r > m { m = r } END { print m }'
}

check "rr service" d vsadm -A $SVC -s rr
check "three servers" add_servers "$SVC" 3

repeat 60 - $VIP | sched_client get 80 > "$tmp/rr"
check_eq "rr: 60 connections, 20 to each server" "rs1:20 rs2:20 rs3:20" \
	"$(names "$tmp/rr" | tally)"
check_eq "rr: every 3 connections in a row reach the 3 servers" \
	"rs1 rs2 rs3" "$(windows "$tmp/rr" 3)"
check_eq "rr: the director's counters agree" \
	"10.11.12.1:80:20 10.11.12.2:80:20 10.11.12.3:80:20" "$(stats_conns "$SVC")"

check "switch to wrr" d vsadm -E $SVC -s wrr
for w in 1:1 2:3 3:5; do
	d vsadm -e $SVC -r "10.11.12.${w%:*}:80" -m -w "${w#*:}"
done
repeat 90 - $VIP | sched_client get 80 > "$tmp/wrr"
check_eq "wrr 1:3:5: 90 connections split 10:30:50" \
	"rs1:10 rs2:30 rs3:50" "$(names "$tmp/wrr" | tally)"
check_eq "wrr 1:3:5: every 9 connections in a row split exactly 1:3:5" \
	"rs1 rs2 rs2 rs2 rs3 rs3 rs3 rs3 rs3" "$(windows "$tmp/wrr" 9)"
longest=$(longest "$tmp/wrr")
check "wrr 1:3:5: interleaved, at most 3 in a row to one server (got $longest)" \
	test "$longest" -le 3

# A weight change on the live service takes effect at once.
d vsadm -e $SVC -r 10.11.12.1:80 -m -w 2
repeat 30 - $VIP | sched_client get 80 > "$tmp/wrr2"
check_eq "wrr 2:3:5 after a weight change: 30 connections split 6:9:15" \
	"rs1:6 rs2:9 rs3:15" "$(names "$tmp/wrr2" | tally)"
finish
