#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: pktgen sends UDP from SCALE_CONNS (default 1,000,000; make check
# takes 500,000) distinct source addresses to the VIP (direct routing to
# one real server); each makes a connection. They
# all fit (the table grows: its bucket count is reported), the listing
# returns every one, they stay for the UDP timeout and are all gone soon
# after it, and unloading the module returns their memory (the vs_conn slab
# cache disappears). Then the memory bound: with net.vs.conn_max lowered,
# connections beyond it are refused and counted, never an OOM.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm

N=${SCALE_CONNS:-1000000}
TIMEOUT=30
load_vs || die "insmod"
modprobe pktgen || { skip "no pktgen"; finish; }
topo_dr 1 || die "topology"
d() { in_ns "$dir" "$@"; }
d ip route add 10.0.0.0/8 via $CLIENT_IP
d vsadm -A -u $VIP:5000 -s rr
d vsadm -a -u $VIP:5000 -r 192.168.26.1 -g
# pktgen floods; let the receiving CPU queue it rather than drop it.
sysctl -qw net.core.netdev_max_backlog=1000000
dmac=$(d cat /sys/class/net/eth0/address)

# pktgen COUNT FIRST_SRC: COUNT packets from consecutive source addresses.
pktgen() {
	local pg=/proc/net/pktgen first=$2 last
	last=$(python3 -c "import ipaddress as i; print(i.ip_address('$first') + $1 - 1)")
	in_ns "$client" sh -e -c "
		echo rem_device_all > $pg/kpktgend_0
		echo add_device eth0 > $pg/kpktgend_0
		echo 'count $1' > $pg/eth0
		echo 'pkt_size 60' > $pg/eth0
		echo 'delay 0' > $pg/eth0
		echo 'dst $VIP' > $pg/eth0
		echo 'dst_mac $dmac' > $pg/eth0
		echo 'src_min $first' > $pg/eth0
		echo 'src_max $last' > $pg/eth0
		echo 'udp_src_min 9' > $pg/eth0
		echo 'udp_src_max 9' > $pg/eth0
		echo 'udp_dst_min 5000' > $pg/eth0
		echo 'udp_dst_max 5000' > $pg/eth0
		echo start > $pg/pgctrl"
}

no_conns() { test "$(vs_info "$dir" conn_count)" -eq 0; }
# Until the count stops growing: the backlog is worked off.
settled() {
	local a b
	a=$(vs_info "$dir" conn_count)
	sleep 2
	b=$(vs_info "$dir" conn_count)
	[ "$a" = "$b" ]
}
refused_at_least() { test "$(vs_info "$dir" conn_refused)" -ge "$1"; }

slab() { # active objects in the vs_conn cache, or "none"
	awk '$1 == "vs_conn" { print $2; f = 1 } END { if (!f) print "none" }' /proc/slabinfo
}

# Make them with the default UDP timeout (5 min): nothing expires while
# they are made and counted, however slow the emulation.
start=$(date +%s)
pktgen "$N" 10.0.0.1 || die "pktgen"
# The director may still be working through its backlog.
busywait 120000 settled
count=$(vs_info "$dir" conn_count)
inpkts=$(d vsadm -L -n --stats --exact -u $VIP:5000 | awk '$1 == "UDP" { print $4 }')
log "$N packets in $(( $(date +%s) - start )) s; $inpkts reached the service; $count connections; $(vs_info "$dir" conn_tab_size) buckets; vs_conn slab objects $(slab)"
# A flood through emulated veths may lose a packet on the way; what
# arrives must each make a connection.
check_eq "one connection per packet from a new source" "$inpkts" "$count"
check "at least 99.9% of the packets arrived" test "$inpkts" -ge $((N - N / 1000))
check "the table grew to hold them (buckets >= connections / 2)" \
	test "$(vs_info "$dir" conn_tab_size)" -ge $((N / 2))
check_eq "nothing was refused" 0 "$(vs_info "$dir" conn_refused)"
listed=$(d vsadm -L -n -c 2>&1 | grep -c "^UDP ")
check_eq "the listing shows every connection" "$count" "$listed"

# Expiry: with the UDP timeout at $TIMEOUT s, the same packets again move
# every deadline to $TIMEOUT s after its packet. None may be gone before
# $TIMEOUT s after the second wave began; all must be gone soon after
# $TIMEOUT s after it ended (the collector needs some seconds for a
# million under emulation).
d vsadm --set 0 0 $TIMEOUT
wave=$(date +%s)
pktgen "$N" 10.0.0.1 > /dev/null &
pg=$!
sleep $((TIMEOUT - 5))
check_eq "none expires before its timeout" "$count" "$(vs_info "$dir" conn_count)"
wait $pg
ended=$(date +%s)
check "all expire within 30 s after their timeout" \
	busywait $(( (TIMEOUT + 30) * 1000 )) no_conns
log "second wave took $((ended - wave)) s; all gone $(( $(date +%s) - ended )) s after it (timeout $TIMEOUT s)"

# The memory bound. It is checked against per-CPU counts read without a
# lock, so it holds to within the counters' batch (32) per CPU; direct
# routing's UDP flows are never answered where the director could see it,
# so none gives way to a newer one (sysctl.rst).
d sysctl -qw net.vs.conn_max=1000
slack=$((32 * $(nproc)))
pktgen 3000 10.128.0.1 || die "pktgen"
busywait 10000 refused_at_least $((2000 - slack))
busywait 10000 settled
count=$(vs_info "$dir" conn_count)
refused=$(vs_info "$dir" conn_refused)
log "conn_max=1000: $count connections, $refused refused (slack $slack)"
check "conn_max=1000 holds 1000 connections, give or take the per-CPU batch" \
	test "$count" -ge $((1000 - slack)) -a "$count" -le $((1000 + slack))
check_eq "every other one was refused and counted" 3000 $((count + refused))

cleanup_ns "$dir" "$client" "$rs1" "$sw"
check "unload with connections" rmmod vs
check_eq "the vs_conn cache is gone" none "$(slab)"
finish
