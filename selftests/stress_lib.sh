# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the stress tests (stress_*.sh): traffic on every vCPU while a
# risky control-plane operation runs in a loop, for a bounded time. Source
# lib.sh and topo.sh first.
#
# Traffic is pktgen: one kernel thread per CPU (kpktgend_N of the sending
# namespace), each with its own handle on the client's eth0 ("eth0@N"),
# sending UDP at a fixed rate from a range of source addresses and ports.
# A veth hands each frame to the peer on the sending CPU, so the director's
# hooks run on every CPU at once, which is what the races need.
#
# Environment: STRESS_SECONDS (length of each storm, default 30; longer on
# the debug kernel), STRESS_PPS (packets per second per CPU, default 300).

STRESS_SECONDS=${STRESS_SECONDS:-30}
STRESS_PPS=${STRESS_PPS:-300}
NCPU=$(nproc)
PG=/proc/net/pktgen

# stress_min PER_MINUTE: the fewest iterations a loop must make, scaled to
# the storm's length (never below 2), so a loop that stalled fails.
stress_min() {
	local n=$(($1 * STRESS_SECONDS / 60))
	[ "$n" -lt 2 ] && n=2
	echo "$n"
}

# stress_deadline: the time (s since epoch) the storm ends.
stress_deadline() {
	echo $(($(date +%s) + STRESS_SECONDS))
}

# stress_more ITERATIONS MIN END: go on with a loop? Until END, and past it
# until MIN iterations are done, but never beyond 3 x STRESS_SECONDS (times
# TIME_SCALE) more: a slow (loaded) emulator or the debug kernel, where one
# unload waits a minute for its grace periods, still makes the minimum; a
# stalled loop fails.
stress_more() {
	local now
	now=$(date +%s)
	[ "$now" -lt "$3" ] ||
		{ [ "$1" -lt "$2" ] && [ "$now" -lt $(($3 + 3 * STRESS_SECONDS * TIME_SCALE)) ]; }
}

require_pktgen() {
	modprobe pktgen 2> /dev/null && [ -e /proc/net/pktgen/pgctrl ] || {
		echo "# SKIP: no pktgen"
		exit $KSFT_SKIP
	}
}

# pg_flood NS DMAC DST DPORTS SRCS SPORTS [PPS]: from NS's eth0, one pktgen
# thread per CPU sends UDP to DST, DMAC, destination ports DPORTS
# ("min-max"), source addresses SRCS ("first-last") and source ports
# SPORTS, PPS packets a second each (default STRESS_PPS), until pg_stop.
# Source address and ports all step through their ranges packet by
# packet, so the flows number the least common multiple of the three range
# sizes (their product when they are coprime). All ranges are
# inclusive (pktgen's port maximum is not: it is given one more). Runs in the
# background: "start" blocks until the threads stop.
pg_flood() {
	local ns=$1 dmac=$2 dst=$3 dports=$4 srcs=$5 sports=$6
	local pps=${7:-$STRESS_PPS} cpu dev
	in_ns "$ns" sh -c "for f in $PG/kpktgend_*; do echo rem_device_all > \$f; done" || return 1
	for ((cpu = 0; cpu < NCPU; cpu++)); do
		dev=$PG/eth0@$cpu
		in_ns "$ns" sh -e -c "
			echo 'add_device eth0@$cpu' > $PG/kpktgend_$cpu
			echo 'count 0' > $dev
			echo 'pkt_size 64' > $dev
			echo 'ratep $pps' > $dev
			echo 'dst $dst' > $dev
			echo 'dst_mac $dmac' > $dev
			echo 'src_min ${srcs%-*}' > $dev
			echo 'src_max ${srcs#*-}' > $dev
			echo 'udp_src_min ${sports%-*}' > $dev
			echo 'udp_src_max $((${sports#*-} + 1))' > $dev
			echo 'udp_dst_min ${dports%-*}' > $dev
			echo 'udp_dst_max $((${dports#*-} + 1))' > $dev" || return 1
	done
	in_ns "$ns" sh -c "echo start > $PG/pgctrl" > /dev/null 2>&1 &
	eval "__pg_pid_${ns//-/_}=$!"
	defer "pg_stop $ns"
}

# pg_sent NS: packets pktgen sent so far from NS, all CPUs together.
pg_sent() {
	in_ns "$1" sh -c "cat $PG/eth0@* 2>/dev/null" |
		awk '/pkts-sofar:/ { n += $2 } END { print n + 0 }'
}

# pg_stop NS: stop NS's pktgen threads and wait for the starter.
pg_stop() {
	local var="__pg_pid_${1//-/_}"
	in_ns "$1" sh -c "echo stop > $PG/pgctrl" 2> /dev/null
	[ -n "${!var:-}" ] && wait "${!var}" 2> /dev/null
	eval "$var="
	return 0
}

# svc_stats NS PROTO VIP:PORT: "conns inpkts outpkts" of one service from
# vsadm -L -n --stats --exact ("0 0 0" if it is missing). Cheaper than
# vs_info: no python to start, which costs a second under emulation.
svc_stats() {
	in_ns "$1" vsadm -L -n --stats --exact 2> /dev/null |
		awk -v p="${2^^}" -v s="$3" '$1 == p && $2 == s { c = $3; i = $4; o = $5 }
			END { print c + 0, i + 0, o + 0 }'
}

# dest_conns NS: the servers' ActiveConn + InActConn summed over the table.
dest_conns() {
	in_ns "$1" vsadm -L -n | awk '$1 == "->" && $2 != "RemoteAddress:Port" { n += $5 + $6 } END { print n + 0 }'
}

# persist_conns NS: persistence entries counted per server (--persistent-conn).
persist_conns() {
	in_ns "$1" vsadm -L -n --persistent-conn | awk '$1 == "->" && $2 != "RemoteAddress:Port" { n += $4 } END { print n + 0 }'
}

conn_count_is() {
	test "$(vs_info "$1" conn_count)" = "$2"
}

# vs_conn_slab: active objects in the vs_conn cache, or "none" (no cache:
# the module is gone and so is every connection).
vs_conn_slab() {
	awk '$1 == "vs_conn" { print $2; f = 1 } END { if (!f) print "none" }' /proc/slabinfo
}

# rmmod_vs: unload, retrying while something (a dump in flight) holds it.
rmmod_vs() {
	local i
	for ((i = 0; i < 50; i++)); do
		vs_loaded || return 0
		rmmod vs 2> /dev/null && return 0
		sleep 0.1
	done
	rmmod vs
}

# rate N SECONDS: N per second, one decimal.
rate() {
	awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", (s > 0 ? n / s : 0) }'
}

# hold_hook_keys: an nftables table in the init namespace with a base
# chain at each hook vs uses, so that vs registering and unregistering its
# hooks never turns the kernel's netfilter static keys on or off. Flipping
# them rewrites ip_local_deliver & co. through int3 breakpoints while
# packets run through them on the other vCPU, and under TCG a vCPU can then
# keep executing a stale translation of the breakpoint (the kernel backs up
# over an int3 it finds gone, forever): the VM wedges in softirq with
# nothing of vs on the stack. STRESS_KEY_FLIPS=1 leaves the keys alone.
hold_hook_keys() {
	[ "${STRESS_KEY_FLIPS:-0}" = 1 ] && return 0
	nft -f - <<NFT || return 1
table ip vs_stress_keys {
	chain input { type filter hook input priority 0; }
	chain forward { type filter hook forward priority 0; }
	chain output { type filter hook output priority 0; }
}
NFT
	defer "nft delete table ip vs_stress_keys"
}

# wait_port_long NS PROTO PORT: wait_port with patience for a python
# server starting on a busy emulated machine (up to 30 s).
wait_port_long() {
	local flag=-tln
	[ "$2" = udp ] && flag=-uln
	busywait 30000 sh -c "ip netns exec '$1' ss $flag | grep -q ':$3 '"
}
