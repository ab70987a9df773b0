#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Namespaces come and go under traffic: three loops at once each build a
# cell (client, director, real server), give the director a table, flood
# it with pktgen from every CPU until connections exist, then delete the
# director's namespace while the flood still runs, so vs's per-netns exit
# (hooks, services, connections, collector) races packets inside its own
# hooks. A long-lived cell with a real UDP server carries traffic the whole
# time and must be untouched by the churn around it. Afterwards no
# namespace is left, the survivor answers and drains to 0, and the module
# unloads with every connection freed.
#
#   cell N:  client N  eth0 10.0.0.2 -- br0 -- p1 ---- d0 10.0.0.1,  director N
#            (pktgen from 10.9.0.0/22)     VIP 10.0.0.10, d1 10.1.0.1 -- r0 10.1.0.2  rs N
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/stress_lib.sh"
require_vm
require_cmd python3
require_pktgen

CELLS=${STRESS_CELLS:-3}
CVIP=10.0.0.10
PREFIX=stress$$
load_vs || die "insmod"
tmp=$(mktemp -d)
defer rm -rf "$tmp"
defer "for ns in \$(ip netns list | awk '/^$PREFIX/ { print \$1 }'); do ip netns exec \$ns sh -c 'echo stop > $PG/pgctrl'; ip netns del \$ns; done"

# make_cell NAME: namespaces NAME-c, NAME-d, NAME-r wired as above, the
# director's table loaded (UDP timeout 2 s). The client's eth0 reaches the
# director through a bridge of its own namespace: deleting the director's
# namespace takes only the veth pair p1/d0 with it, and pktgen keeps
# sending on eth0 (it warns when its device goes).
make_cell() {
	local c=$1-c d=$1-d r=$1-r
	# Few processes: each costs tenths of a second under emulation.
	ip -batch - <<EOF || return 1
netns add $c
netns add $d
netns add $r
link add br0 netns $c type bridge
link add eth0 netns $c type veth peer name p0 netns $c
link add p1 netns $c type veth peer name d0 netns $d
link add d1 netns $d type veth peer name r0 netns $r
EOF
	ip -n $c -batch - <<EOF || return 1
link set lo up
link set p0 master br0
link set p1 master br0
link set br0 up
link set p0 up
link set p1 up
addr add 10.0.0.2/24 dev eth0
link set eth0 up
EOF
	ip -n $r -batch - <<EOF || return 1
link set lo up
addr add 10.1.0.2/24 dev r0
link set r0 up
route add default via 10.1.0.1
EOF
	ip -n $d -batch - <<EOF || return 1
link set lo up
addr add 10.0.0.1/24 dev d0
addr add $CVIP/24 dev d0
addr add 10.1.0.1/24 dev d1
link set d0 up
link set d1 up
route add 10.9.0.0/16 via 10.0.0.2
EOF
	in_ns $d sh -c "sysctl -qw net.ipv4.ip_forward=1 && vsadm -R" <<EOF
-A -u $CVIP:5000 -s rr
-a -u $CVIP:5000 -r 10.1.0.2:5000 -m
-A -u $CVIP:5001 -s wlc -p 5
-a -u $CVIP:5001 -r 10.1.0.2:5000 -m
--set 0 0 2
EOF
}

# flood NAME: pktgen from every CPU of the cell's client, half the usual
# rate as three cells share the CPUs.
flood() {
	local dmac
	dmac=$(in_ns $1-d cat /sys/class/net/d0/address) || return 1
	pg_flood $1-c "$dmac" $CVIP 5000-5001 10.9.0.1-10.9.3.255 1024-1025 \
		$((STRESS_PPS / 2))
}

made_conns() {
	test "$(svc_stats $1-d udp $CVIP:5000 | cut -d' ' -f1)" -gt 0
}

# cell_loop N END MIN: build, flood, delete under traffic, until END (and
# MIN cells); writes "iterations flowed failed" to $tmp/loopN.
cell_loop() {
	local n=$1 end=$2 min=$3 it=0 flowed=0 failed=0 name
	while stress_more $it "$min" "$end"; do
		name=$PREFIX-$n-$it
		it=$((it + 1))
		if ! make_cell $name || ! flood $name; then
			failed=$((failed + 1))
		elif busywait 10000 made_conns $name; then
			flowed=$((flowed + 1))
		fi
		# The director goes first, with packets still arriving;
		# the flood runs on while its namespace is torn down.
		ip netns del $name-d
		sleep 0.5
		pg_stop $name-c
		printf 'netns del %s\n' $name-c $name-r | ip -batch -
	done
	echo "$it $flowed $failed" > "$tmp/loop$n"
}

# The survivor: a cell with a real server that lives through it all.
make_cell $PREFIX-keep || die "the long-lived cell"
udp_server $PREFIX-keep-r 5000 0.0.0.0 ""
defer "kill $! 2>/dev/null"
wait_port_long $PREFIX-keep-r udp 5000 || die "server in the long-lived cell"
flood $PREFIX-keep || die "pktgen"
keep_before=$(svc_stats $PREFIX-keep-d udp $CVIP:5000)

start=$(date +%s)
end=$(stress_deadline)
loops=()
min=$(stress_min 6)
for ((n = 1; n <= CELLS; n++)); do
	cell_loop $n "$end" $(((min + CELLS - 1) / CELLS)) &
	loops+=($!)
done
wait "${loops[@]}"
secs=$(($(date +%s) - start))
keep_after=$(svc_stats $PREFIX-keep-d udp $CVIP:5000)
pg_stop $PREFIX-keep-c

total=0 flowed=0 failed=0 idle=0
for ((n = 1; n <= CELLS; n++)); do
	read -r i f x < "$tmp/loop$n" || i=0 f=0 x=0
	log "cell loop $n: $i namespaces made and deleted, $f with traffic, $x failed to build"
	total=$((total + i)) flowed=$((flowed + f)) failed=$((failed + x))
	[ "$i" -eq 0 ] && idle=$((idle + 1))
done
log "$total cells in $secs s ($(rate $total $secs)/s); long-lived cell conns/inpkts/outpkts $keep_before -> $keep_after"
check "cells made and deleted under traffic: $total (at least $min)" test "$total" -ge "$min"
check_eq "every loop ran" 0 "$idle"
check_eq "every cell was built" 0 "$failed"
check_eq "traffic made connections in every cell before its deletion" "$total" "$flowed"
check "the long-lived cell carried traffic throughout" \
	test "$(cut -d' ' -f2 <<< "$keep_after")" -gt "$(cut -d' ' -f2 <<< "$keep_before")"
check_eq "no deleted namespace is left" "" \
	"$(ip netns list | awk -v k="$PREFIX-keep" '$1 ~ /^stress/ && index($1, k) != 1')"

check_eq "the long-lived cell answers a request" "hello" \
	"$(echo hello | udp_ask $PREFIX-keep-c $CVIP 5000)"
check "its connections expire (2 s timeout)" busywait 20000 conn_count_is $PREFIX-keep-d 0
check_eq "its server's active/inactive counters return to 0" 0 \
	"$(dest_conns $PREFIX-keep-d)"
for ns in c d r; do
	ip netns del $PREFIX-keep-$ns
done
check "vs unloads" rmmod_vs
check_eq "every connection was freed (vs_conn cache gone)" none "$(vs_conn_slab)"
finish
