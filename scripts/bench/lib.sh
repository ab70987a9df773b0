# SPDX-License-Identifier: GPL-2.0
#
# Helpers for scripts/bench/guest, inside the VM. Source after
# selftests/lib.sh and selftests/topo.sh.
#
# Two implementations, the same commands: "vs" (our module, vsadm) and
# "ipvs" (the in-tree IPVS of the same kernel, ipvsadm). Each is loaded
# only for its own measurement and unloaded after it, so a measurement
# never sees the other's hooks or connections.

PG=/proc/net/pktgen
BENCH_TOP=${VS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

# result ROW CASE IMPL ROUND KEY=VALUE...: one measurement, for
# scripts/bench/report. Nothing else starts with "R ".
result() {
	echo "R $* t=$SECONDS"
}

# note TEXT: shown in the log, ignored by the report.
note() {
	echo "# $*"
}

now_ns() {
	local t=${EPOCHREALTIME/./}
	echo "${t}000"
}

# --- Cost independent of wall time -----------------------------------------
#
# Under TCG a guest's wall clock runs with the host's, so a host busy with
# other work makes every rate here drop. The CPU time the host spent
# running this VM (the qemu process) does not: it grows only while the
# emulated CPUs work. The share of the host's root (9p, see vm-run) shows
# the host's /proc; a read through it runs in qemu, so /proc/self there is
# the qemu process. Reads need O_DIRECT (procfs files have no size).
HOSTCPU=
hostcpu_init() {
	local root=/tmp/bench-host pid comm
	mkdir -p "$root"
	mountpoint -q "$root" || mount --bind / "$root" 2>/dev/null || return 1
	pid=$(readlink "$root/proc/self" 2>/dev/null) || return 1
	comm=$(dd if="$root/proc/$pid/comm" iflag=direct bs=4096 count=1 2>/dev/null)
	case $comm in
	qemu*) HOSTCPU=$root/proc/$pid/stat ;;
	*) return 1 ;;
	esac
}

# hostcpu: CPU time (user + system) of the qemu process so far, in ns;
# 0 when unavailable. USER_HZ is 100 on x86.
hostcpu() {
	local s
	if [ -z "$HOSTCPU" ]; then
		echo 0
		return
	fi
	s=$(dd if="$HOSTCPU" iflag=direct bs=4096 count=1 2>/dev/null)
	s=${s##*) }
	# shellcheck disable=SC2086
	set -- $s
	echo $(((${12} + ${13}) * 10000000))
}

# --- The two implementations ------------------------------------------------

impl_load() {
	case $1 in
	vs)
		# Room for row 3's 4M connections: by default all namespaces
		# together get a sixteenth of RAM, about 2.7M in a 4 GiB VM.
		modprobe vs conn_max_total=16000000 || return 1
		ADM=vsadm
		;;
	ipvs)
		# The schedulers too: ipvsadm -A would load them on demand.
		modprobe -a ip_vs ip_vs_rr ip_vs_wrr || return 1
		ADM=ipvsadm
		;;
	esac
	IMPL=$1
}

impl_unload() {
	local m ns
	case $IMPL in
	vs)
		rmmod vs
		;;
	ipvs)
		# A scheduler module stays in use while a service has it.
		ipvsadm -C 2>/dev/null
		for ns in $(ip netns list | awk '{ print $1 }'); do
			ip netns exec "$ns" ipvsadm -C 2>/dev/null
		done
		for m in $(lsmod | awk '$1 ~ /^ip_vs_/ { print $1 }'); do
			busywait 10000 rmmod "$m" 2>/dev/null
		done
		busywait 10000 rmmod ip_vs
		;;
	esac
	IMPL=
	ADM=
}

# adm NS ARGS...: vsadm or ipvsadm in a namespace.
adm() {
	local ns=$1
	shift
	in_ns "$ns" "$ADM" "$@"
}

# Long UDP timeouts so nothing expires while a big table is filled and
# measured, and (ours) room for millions of connections.
impl_tune() {
	adm "$1" --set 0 0 3600 || return 1
	if [ "$IMPL" = vs ]; then
		in_ns "$1" sysctl -qw net.vs.conn_max=16000000 || return 1
	fi
}

# Connections in the table right now, from the slab caches (slab_nomerge
# gives each module's connection cache its own line): name active_objs
# num_objs objsize objperslab pagesperslab ... num_slabs.
slab_line() {
	awk -v c="$1" '$1 == c { print $2, $3, $4, $5, $6, $15 }' /proc/slabinfo
}

conn_cache() {
	if [ "$1" = vs ]; then echo vs_conn; else echo ip_vs_conn; fi
}

# svc_conns NS -t|-u VIP:PORT: connections the service has made so far
# (its Conns counter).
svc_conns() {
	local ns=$1
	shift
	adm "$ns" -L -n --stats --exact "$@" |
		awk '$1 == "TCP" || $1 == "UDP" { print $3; exit }'
}

# --- pktgen ------------------------------------------------------------------

# ip2int A.B.C.D / int2ip N
ip2int() {
	local IFS=.
	# shellcheck disable=SC2086
	set -- $1
	echo $((($1 << 24) | ($2 << 16) | ($3 << 8) | $4))
}

int2ip() {
	echo "$(($1 >> 24 & 255)).$(($1 >> 16 & 255)).$(($1 >> 8 & 255)).$(($1 & 255))"
}

# The pktgen threads run at the lowest priority: whenever the packets
# they made wait to be processed (softirq work deferred to ksoftirqd),
# processing goes first, so the flood does not outrun the path it
# measures. With a large backlog nothing is lost: every packet made is
# forwarded, and a burst of K packets measures what the whole path costs.
pg_nice() {
	local pid
	for pid in $(pgrep '^kpktgend_'); do
		renice -n 19 -p "$pid" > /dev/null
	done
}

# pg_reset: no pktgen device on the client's threads 0 and 1. The threads
# drop their devices asynchronously: wait until they did.
pg_reset() {
	in_ns "$client" sh -c "
		echo rem_device_all > $PG/kpktgend_0
		echo rem_device_all > $PG/kpktgend_1
		i=0
		while [ -e $PG/eth0 ] || [ -e $PG/eth0@1 ]; do
			i=\$((i + 1)); [ \$i -lt 200 ] || exit 1
			sleep 0.05
		done"
}

# pg_conf THREAD KEY=VALUE...: a pktgen device on the client's eth0 for
# thread 0 (device eth0) or 1 (eth0@1). Keys: dst, dmac, src_min, src_max,
# sport_min, sport_max (pktgen takes ports in [min, max), and random
# addresses in [min, max)), count, flags (pktgen flag names; each flags=
# adds to the others). 60-byte
# frames: 64 bytes on the wire, to UDP port 5000.
#
# An IPv6 dst makes IPv6 packets from src_min (pktgen varies no IPv6
# source; src_max is ignored) with the same 18 bytes of UDP payload, so
# 84 bytes on the wire, and a UDP checksum, which IPv6 requires.
pg_conf() {
	local thread=$1 dev=eth0 dst dmac src_min src_max sport_min=9 sport_max=9
	local count=0 flags= kv f cmds addrs
	shift
	[ "$thread" = 0 ] || dev=eth0@$thread
	for kv in "$@"; do
		case $kv in
		dst=*) dst=${kv#*=} ;;
		dmac=*) dmac=${kv#*=} ;;
		src_min=*) src_min=${kv#*=} ;;
		src_max=*) src_max=${kv#*=} ;;
		sport_min=*) sport_min=${kv#*=} ;;
		sport_max=*) sport_max=${kv#*=} ;;
		count=*) count=${kv#*=} ;;
		flags=*) flags="$flags ${kv#*=}" ;;
		esac
	done
	if [[ $dst == *:* ]]; then
		addrs="echo 'pkt_size 80' > $PG/$dev
echo 'dst6 $dst' > $PG/$dev
echo 'src6 $src_min' > $PG/$dev"
		flags="$flags UDPCSUM"
	else
		addrs="echo 'pkt_size 60' > $PG/$dev
echo 'dst $dst' > $PG/$dev
echo 'src_min $src_min' > $PG/$dev
echo 'src_max $src_max' > $PG/$dev"
	fi
	cmds="echo add_device $dev > $PG/kpktgend_$thread
echo 'count $count' > $PG/$dev
echo 'clone_skb 0' > $PG/$dev
echo 'delay 0' > $PG/$dev
$addrs
echo 'dst_mac $dmac' > $PG/$dev
echo 'udp_src_min $sport_min' > $PG/$dev
echo 'udp_src_max $sport_max' > $PG/$dev
echo 'udp_dst_min 5000' > $PG/$dev
echo 'udp_dst_max 5000' > $PG/$dev"
	for f in $flags; do
		cmds="$cmds
echo 'flag $f' > $PG/$dev"
	done
	in_ns "$client" sh -e -c "$cmds"
}

# pg_run: send what the devices are set up for; returns when all is sent.
pg_run() {
	in_ns "$client" sh -c "echo start > $PG/pgctrl"
}

# RX_NS / RX_DEV: the real servers' namespaces and the interface the flood
# arrives on (a tunnel's: the packet as the server's kernel decapsulated
# it). There a tc filter counts the flood (UDP to port 5000, RX_PROTO ip
# or ipv6) and drops it on arrival: no socket lookup, no ICMP back.
RX_NS=()
RX_DEV=eth1
RX_PROTO=ip
rx_drop_on() {
	local ns
	for ns in "${RX_NS[@]}"; do
		tc -n "$ns" qdisc add dev "$RX_DEV" clsact 2>/dev/null
		tc -n "$ns" filter add dev "$RX_DEV" ingress protocol "$RX_PROTO" pref 1 \
			flower ip_proto udp dst_port 5000 action drop || return 1
	done
}

rx_drop_off() {
	local ns
	for ns in "${RX_NS[@]}"; do
		tc -n "$ns" qdisc del dev "$RX_DEV" clsact 2>/dev/null
	done
}

# rx_count: flood packets that reached the real servers, all together.
rx_count() {
	local ns sum=0 n
	for ns in "${RX_NS[@]}"; do
		n=$(tc -n "$ns" -s filter show dev "$RX_DEV" ingress |
			awk '$1 == "Sent" { print $4; exit }')
		sum=$((sum + ${n:-0}))
	done
	echo "$sum"
}

# burst K: send the K packets pktgen thread 0 is set up for (count K).
# The rate is pktgen's own (K over the time from its first packet to its
# last): the flood is niced, so each packet is through the director
# before the next is made and the time is the whole path's. Sets B_PPS,
# B_COST (host CPU ns per packet over the burst, 0 if unknown), B_QUEUED
# (packets still on the way when pktgen finished) and B_GOT (packets that
# reached the real servers; less than K is a loss, reported).
burst() {
	local k=$1 c0 h0 h1 usec out i
	c0=$(rx_count)
	h0=$(hostcpu)
	out=$(in_ns "$client" sh -c "echo start > $PG/pgctrl; cat $PG/eth0")
	h1=$(hostcpu)
	usec=$(echo "$out" | sed -n 's/.*Result: OK: \([0-9]*\)(c.*/\1/p')
	B_GOT=$(($(rx_count) - c0))
	B_QUEUED=$((k - B_GOT))
	for ((i = 0; i < 40 && B_GOT < k; i++)); do
		sleep 0.05
		B_GOT=$(($(rx_count) - c0))
	done
	B_PPS=0
	[ -n "$usec" ] && [ "$usec" -gt 0 ] && B_PPS=$((B_GOT * 1000000 / usec))
	B_COST=0
	if [ "$h0" != 0 ] && [ "$B_GOT" -gt 0 ]; then
		B_COST=$(((h1 - h0) / B_GOT))
	fi
}
