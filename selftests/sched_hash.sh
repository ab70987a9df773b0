#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The hashing schedulers with real traffic: sh and mh keyed by the client's
# address (the client sends from 120 addresses of 172.30.1.0/24), dh by the
# destination (120 addresses of 10.99.1.0/24 reach a firewall-mark service
# on the director). NAT topology of topo.sh, four real servers answering
# HTTP with their names.
#
#   client 172.30.1.1-120 ---- director ---- rs1 rs2 rs3 rs4
#          -> VIP:80 (sh, mh)  VIP:80, fwmark 1 (10.99/16 port 80)
#          -> 10.99.1.1-120:80 (dh)
#
# For each: every key goes to the same server every time; keys spread by
# weight (1:1:6:2); deleting a server moves only its keys (mh: few others);
# adding it back with weight 0 moves none, giving it its weight restores
# the map exactly; a quiesced server's keys are refused, the others'
# unchanged; the same servers added in the other order, the table built
# at once, give the same map (another director agrees). sh with
# net.vs.sh_fallback or -b sh-fallback, and mh with -b mh-fallback, send a
# quiesced server's keys to other servers and move no other key; with
# -b sh-port or mh-port one client's source ports spread over the
# servers, each port to the same server every time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/sched_lib.sh"
require_vm
require_cmd nginx python3 nft

KEYS=120
WEIGHTS=(0 1 1 6 2)	# rs1..rs4

load_vs || die "insmod"
topo_nat 4 || die "topology"
topo_src_range || die "client address range"
topo_dst_range 1 || die "destination range"
http_servers 4 || die "nginx"
tmp=$(mktemp -d)
defer rm -rf "$tmp"

# map NAME: one connection per key, "KEY SERVER" sorted by key in $tmp/NAME.
map() {
	sched_client get 80 < "$tmp/keys" |
		awk -v c="$KEYCOL" '{ print $c, $3 }' | sort > "$tmp/$1"
}

# moved_only A B SERVER: keys that A did not give SERVER are where A had
# them in B; prints the keys that moved although they should not have.
moved_only() {
	join "$tmp/$1" "$tmp/$2" | awk -v s="$3" '$2 != s && $2 != $3'
}

# spread MAP: do the servers' shares of keys fit their weights? A
# chi-square test with 3 degrees of freedom at p = 0.0001: keys hash to
# servers at random, in proportion to weight; a scheduler that ignores
# weights (30 keys each where 12:12:72:24 are expected) scores about 80.
spread() {
	awk -v keys=$KEYS -v w="${WEIGHTS[*]}" '
		BEGIN { n = split(w, wt, " "); for (i = 2; i <= n; i++) tot += wt[i] }
		{ c[$2]++ }
		END {
			for (i = 2; i <= n; i++) {
				want = keys * wt[i] / tot; got = c["rs" (i - 1)] + 0
				chi += (got - want) ^ 2 / want
				printf "rs%d: %d keys, %.0f expected\n", i - 1, got, want
			}
			printf "chi-square %.1f (limit 21.1)\n", chi
			exit chi > 21.11
		}' "$tmp/$1"
}

# ports_suite SCHED FLAG: one client address, PORTS source ports.
PORTS=60
ports_map() {
	sched_client get 80 < "$tmp/ports" | awk '{ print $1, $3 }' | sort > "$tmp/$1"
}

ports_suite() {
	local sched=$1 flag=$2 n i

	for ((i = 1; i <= PORTS; i++)); do
		echo "$SRC_NET.1.1:$((20000 + i)) $VIP"
	done > "$tmp/ports"
	d vsadm -E $SVC -s "$sched"
	ports_map p0
	n=$(awk '{ print $2 }' "$tmp/p0" | sort -u | wc -l)
	check_eq "$sched without $flag: one client's $PORTS ports, one server" \
		"1 0" "$n $(grep -c ERR "$tmp/p0")"
	d vsadm -E $SVC -s "$sched" -b "$flag"
	ports_map p1
	n=$(awk '{ print $2 }' "$tmp/p1" | sort -u | wc -l)
	check_eq "$sched -b $flag: every port answered" 0 "$(grep -c ERR "$tmp/p1")"
	# By weight 1:1:6:2, fewer than 3 servers for 60 ports: < 1e-10.
	check "$sched -b $flag: one client's $PORTS ports over $n servers" \
		test "$n" -ge 3
	ports_map p2
	check "$sched -b $flag: every port reaches the same server again" \
		diff "$tmp/p1" "$tmp/p2"
	d vsadm -E $SVC -s "$sched"
}

# fallback_suite SCHED FLAG: rs2 quiesced, the flag takes its keys.
fallback_suite() {
	local sched=$1 flag=$2

	d vsadm -e $SVC -r 10.11.12.2:80 -m -w 0
	d vsadm -E $SVC -s "$sched" -b "$flag"
	map f
	check_eq "$sched -b $flag: rs2 quiesced, its keys go to other servers" "" \
		"$(awk '$2 == "rs2" || $2 == "ERR"' "$tmp/f")"
	check_eq "$sched -b $flag: and no other key moves" "" "$(moved_only a f rs2)"
	d vsadm -E $SVC -s "$sched"
	d vsadm -e $SVC -r 10.11.12.2:80 -m -w "${WEIGHTS[2]}"
}

add_weighted() {
	local i
	for i in 1 2 3 4; do
		d vsadm -a $SVC -r "10.11.12.$i:80" -m -w "${WEIGHTS[$i]}" || return 1
	done
}

suite() {
	local sched=$1 exact=$2 moved others

	check "$sched: service with 4 servers, weights ${WEIGHTS[*]:1}" \
		eval "d vsadm -A $SVC -s $sched && add_weighted"
	map a
	check_eq "$sched: every key answered" 0 "$(grep -c ERR "$tmp/a")"
	if spread a > "$tmp/spread"; then
		ok "$sched: keys spread by weight ($(paste -sd, "$tmp/spread"))"
	else
		fail "$sched: keys spread by weight ($(paste -sd, "$tmp/spread"))"
	fi
	tac "$tmp/keys" > "$tmp/keys.rev"
	sched_client get 80 < "$tmp/keys.rev" |
		awk -v c="$KEYCOL" '{ print $c, $3 }' | sort > "$tmp/a2"
	check "$sched: every key reaches the same server again" \
		diff "$tmp/a" "$tmp/a2"

	d vsadm -d $SVC -r 10.11.12.4:80
	map b
	check_eq "$sched: rs4 deleted, its keys answered by the others" \
		"" "$(awk '$2 == "rs4" || $2 == "ERR"' "$tmp/b")"
	moved=$(moved_only a b rs4 | wc -l)
	if [ "$exact" = exact ]; then
		check_eq "$sched: rs4 deleted, no other key moved" 0 "$moved"
	else
		check "$sched: rs4 deleted, few other keys moved ($moved of $KEYS)" \
			test "$moved" -le $((KEYS / 10))
	fi
	others=$(join "$tmp/a" "$tmp/b" | awk '$2 == "rs4" { print $3 }' | sort -u | wc -l)
	check "$sched: rs4's keys spread over the others ($others servers)" \
		test "$others" -ge 2
	d vsadm -a $SVC -r 10.11.12.4:80 -m -w 0
	map b0
	check "$sched: rs4 added with weight 0 takes no key" \
		diff "$tmp/b" "$tmp/b0"
	d vsadm -e $SVC -r 10.11.12.4:80 -m -w "${WEIGHTS[4]}"
	map c
	check "$sched: rs4 given its weight, the map is the first one again" \
		diff "$tmp/a" "$tmp/c"

	d vsadm -e $SVC -r 10.11.12.2:80 -m -w 0
	map q
	check_eq "$sched: rs2 quiesced, exactly its keys refused" \
		"$(awk '{ print $1, ($2 == "rs2" ? "ERR" : $2) }' "$tmp/a")" \
		"$(cat "$tmp/q")"
	d vsadm -e $SVC -r 10.11.12.2:80 -m -w "${WEIGHTS[2]}"
	map r
	check "$sched: rs2 back, the map is the first one again" \
		diff "$tmp/a" "$tmp/r"

	# What another director computes: the servers added in the other
	# order, the table built at once (a switch of scheduler) rather than
	# server by server.
	d vsadm -D $SVC
	d vsadm -A $SVC -s rr
	for i in 4 3 2 1; do
		d vsadm -a $SVC -r "10.11.12.$i:80" -m -w "${WEIGHTS[$i]}"
	done
	d vsadm -E $SVC -s $sched
	map z
	check "$sched: servers added in reverse, table built at once: the same map" \
		diff "$tmp/a" "$tmp/z"
}

# sh: the client's address.
SVC="-t $VIP:80"
KEYCOL=1
for ((i = 1; i <= KEYS; i++)); do
	echo "$SRC_NET.1.$i $VIP"
done > "$tmp/keys"
suite sh exact

d vsadm -e $SVC -r 10.11.12.2:80 -m -w 0
d sysctl -qw net.vs.sh_fallback=1
map f
check_eq "sh_fallback: rs2 quiesced, its keys go to other servers" "" \
	"$(awk '$2 == "rs2" || $2 == "ERR"' "$tmp/f")"
check_eq "sh_fallback: and no other key moves" "" "$(moved_only a f rs2)"
d sysctl -qw net.vs.sh_fallback=0
d vsadm -e $SVC -r 10.11.12.2:80 -m -w "${WEIGHTS[2]}"
fallback_suite sh sh-fallback
ports_suite sh sh-port
d vsadm -D $SVC

# mh: the client's address; Maglev moves a few other keys.
suite mh approx
fallback_suite mh mh-fallback
ports_suite mh mh-port
d vsadm -D $SVC

# dh: the destination address, through a firewall-mark service. Each
# from its own client address too: behind NAT a server's reply is told
# apart by client address and port alone, so two connections from one
# address and port to two destinations on one server cannot coexist.
SVC="-f 1"
KEYCOL=2
for ((i = 1; i <= KEYS; i++)); do
	echo "$SRC_NET.2.$i $DST_NET.1.$i"
done > "$tmp/keys"
suite dh exact
finish
