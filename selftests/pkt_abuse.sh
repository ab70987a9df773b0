#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Packet abuse: malformed and hostile traffic thrown at services of every
# kind at once, from the client side and from the real servers' side.
# pkt_abuse.py crafts the packets (whole frames on AF_PACKET, so no stack
# fixes them on the way out) and judges what tcpdump saw come out.
#
#   client 192.168.26.100                  rs1 10.11.12.1   rs2 10.11.12.2
#     |   (floods from 198.18.0.0/15)        |  NAT: 8080 http, 7 echo,
#   ==== pub ====== eth0 director eth1 ===== priv   1053/udp, 8001, 8081,
#     |            VIP 192.168.26.10                5001/udp
#   rs3 192.168.26.3, rs4 .4 (DR, VIP on lo): 81 http, 82 echo, 54/udp
#
#   NAT  TCP VIP:80 -> :8080, TCP VIP:7, UDP VIP:53 -> :1053
#   NAT  persistent TCP VIP:443 -> :8080, persistent port 0 TCP VIP:0
#   NAT  fwmark 1 (mangle: tcp 8081, udp 5001)
#   DR   TCP VIP:81, TCP VIP:82, UDP VIP:54
#
# What must hold: no kernel BUG/WARNING (checked after each phase and by
# selftests/run); every service still works afterwards; malformed packets
# open no connection and are not translated; packets with IP options get
# through and bad TCP/UDP checksums stay bad; ICMP errors about live flows
# are translated both ways, and those that must not be (bad checksum,
# quoting a fragment or a short header) are not; live connections survive
# RST storms; GSO packets pass whole; the connection count stays at
# conn_max under floods, every flow is made or refused and counted, and -C
# brings the count to 0; and, on its own, "at conn_max, a real client
# still connects during a SYN flood" (early drop of half-open entries).
#
# PKT_ABUSE_SCALE=N multiplies the packet counts (default 1: about 1.5
# times datapath_nat.sh's run time under TCG); PKT_ABUSE_CONN_MAX sets the
# flood's bound (default 500); PKT_ABUSE_PHASES picks phases, e.g.
#   scripts/vm-run env PKT_ABUSE_PHASES=icmp selftests/run pkt_abuse.sh
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat curl nginx tcpdump iptables python3

SCALE=${PKT_ABUSE_SCALE:-1}
CONN_MAX=${PKT_ABUSE_CONN_MAX:-500}
PY=$VS_TOP/selftests/pkt_abuse.py
FLOOD_NET=198.18.0.0/15
CPORT=36917	# 0x9035: as a quoted header's first byte, version 9 and ihl 0

d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }
tmp=$(mktemp -d)
defer rm -rf "$tmp"

# py_cases: turn pkt_abuse.py's "ok X" / "fail X" / "# detail" lines into
# cases (read in this shell, so the counters count).
py_cases() {
	local line
	while IFS= read -r line; do
		case $line in
		"ok "*) ok "${line#ok }" ;;
		"fail "*) fail "${line#fail }" ;;
		*) echo "# ${line#\# }" ;;
		esac
	done
}

# klog_clean PHASE: a case per phase, so a warning points at its phase.
klog_lines=$(dmesg | wc -l)
klog_clean() {
	local new
	new=$(dmesg | tail -n +"$((klog_lines + 1))")
	klog_lines=$((klog_lines + $(printf '%s' "$new" | grep -c '^')))
	if grep -qE "$(cat "$VS_TOP/scripts/klog-bad.re")" <<< "$new"; then
		fail "no kernel BUG/WARNING during $1"
		grep -E -A 20 "$(cat "$VS_TOP/scripts/klog-bad.re")" <<< "$new" |
			head -40 | sed 's/^/#   /'
	else
		ok "no kernel BUG/WARNING during $1"
	fi
}

# --- topology, servers, services ---------------------------------------------

topology() {
	local i ns
	topo_nat 2 || return 1
	for i in 3 4; do	# direct routing servers share the public segment
		setup_ns "rs$i" || return 1
		ns=$(rs_ns $i)
		in_ns "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2
		attach "$ns" eth0 pub "192.168.26.$i/24" || return 1
		ip -n "$ns" addr add "$VIP/32" dev lo || return 1
	done
	# Replies to the floods' made-up sources leave toward the client,
	# which drops them, as the Internet would.
	d ip route add $FLOOD_NET via $CLIENT_IP
	# Lone fragments expire during the test, not after it.
	d sysctl -qw net.ipv4.ipfrag_time=3
	c sysctl -qw net.ipv4.ipfrag_time=3
}

# wait_ports NS PROTO:PORT...: until all listen (10 s), one ss a round.
wait_ports() {
	local ns=$1
	shift
	busywait 20000 all_listen "$ns" "$@" && return
	log "$ns does not listen on all of $*:"
	ip netns exec "$ns" ss -tuln | sed 's/^/#   /'
	return 1
}
all_listen() {
	local ns=$1 out p
	shift
	out=$(ip netns exec "$ns" ss -tuln | awk '{ print $1 ":" $5 }')
	for p in "$@"; do
		grep -q "^${p%%:*}:.*:${p#*:}$" <<< "$out" || return 1
	done
}

servers() {
	local i ns
	for i in 1 2; do
		http_server "$(rs_ns $i)" "rs$i" 8080,8001,8081 || return 1
		echo_server "$(rs_ns $i)" tcp 7
	done
	for i in 3 4; do
		http_server "$(rs_ns $i)" "rs$i" 81 || return 1
		echo_server "$(rs_ns $i)" tcp 82
	done
	# UDP echo in all four, one process (DR servers answer from the VIP).
	"$PY" udp-echo "$(rs_ns 1):0.0.0.0:1053,5001" "$(rs_ns 2):0.0.0.0:1053,5001" \
		"$(rs_ns 3):$VIP:54" "$(rs_ns 4):$VIP:54" > /dev/null 2>&1 &
	defer "kill $! 2>/dev/null"
	for i in 1 2; do
		wait_ports "$(rs_ns $i)" tcp:8080 tcp:8001 tcp:8081 tcp:7 udp:1053 \
			udp:5001 || return 1
	done
	for i in 3 4; do
		wait_ports "$(rs_ns $i)" tcp:81 tcp:82 udp:54 || return 1
	done
}

# services: the whole table in one restore.
services() {
	local n=10.11.12 g=192.168.26
	d vsadm -R <<EOF
-A -t $VIP:80 -s rr
-a -t $VIP:80 -r $n.1:8080 -m
-a -t $VIP:80 -r $n.2:8080 -m
-A -t $VIP:7 -s rr
-a -t $VIP:7 -r $n.1:7 -m
-a -t $VIP:7 -r $n.2:7 -m
-A -u $VIP:53 -s rr
-a -u $VIP:53 -r $n.1:1053 -m
-a -u $VIP:53 -r $n.2:1053 -m
-A -t $VIP:443 -s rr -p 300
-a -t $VIP:443 -r $n.1:8080 -m
-a -t $VIP:443 -r $n.2:8080 -m
-A -t $VIP:0 -s rr -p 300
-a -t $VIP:0 -r $n.1 -m
-a -t $VIP:0 -r $n.2 -m
-A -f 1 -s rr
-a -f 1 -r $n.1 -m
-a -f 1 -r $n.2 -m
-A -t $VIP:81 -s rr
-a -t $VIP:81 -r $g.3 -g
-a -t $VIP:81 -r $g.4 -g
-A -t $VIP:82 -s rr
-a -t $VIP:82 -r $g.3 -g
-a -t $VIP:82 -r $g.4 -g
-A -u $VIP:54 -s rr
-a -u $VIP:54 -r $g.3 -g
-a -u $VIP:54 -r $g.4 -g
EOF
}

fwmark_rules() {
	d iptables -t mangle -A PREROUTING -d $VIP -p tcp --dport 8081 -j MARK --set-mark 1 &&
		d iptables -t mangle -A PREROUTING -d $VIP -p udp --dport 5001 -j MARK --set-mark 1
}

get() { c curl -s --max-time 5 "http://$VIP:$1/"; }

# services_work WHEN: a real client uses every service.
services_work() {
	local when=$1 a b
	check_eq "$when: NAT HTTP (VIP:80) answers" ok \
		"$(get 80 | grep -qx 'rs[12]' && echo ok)"
	check_eq "$when: DR HTTP (VIP:81) answers" ok \
		"$(get 81 | grep -qx 'rs[34]' && echo ok)"
	py_cases < <(c "$PY" udp-ask $VIP "$when" "53=NAT UDP (VIP:53)" \
		"54=DR UDP (VIP:54)" "5001=fwmark UDP (VIP:5001)")
	check_eq "$when: NAT TCP echo (VIP:7)" "t7" "$(echo t7 | c socat -t 5 -T 10 - TCP:$VIP:7)"
	a=$(get 443) b=$(get 443)
	check "$when: persistent VIP:443 gives one server twice ($a $b)" \
		test -n "$a" -a "$a" = "$b"
	a=$(get 8001) b=$(get 8001)
	check "$when: port-0 persistent VIP:0 (port 8001) gives one server twice ($a $b)" \
		test -n "$a" -a "$a" = "$b"
	check_eq "$when: fwmark TCP (VIP:8081) answers" ok \
		"$(get 8081 | grep -qx 'rs[12]' && echo ok)"
}

mac() { ip -n "$1" -br link show "$2" | awk '{ print $3 }'; }

# conn_dest PORT VPORT: the real server (addr:port) of the client's flow.
conn_dest() {
	d vsadm -L -n -c | awk -v c="$CLIENT_IP:$1" -v v="$VIP:$2" \
		'$4 == c && $5 == v { print $6; exit }'
}

# capture NS IF DIR FILE FILTER: tcpdump in the background until
# capture_stop; returns once it listens. (ip netns exec, not in_ns: $! must
# be tcpdump itself, not a subshell that would hold back the SIGINT.)
cap_pids=()
cap_files=()
capture() {
	ip netns exec "$1" tcpdump -U -n -i "$2" -Q "$3" -w "$4" "$5" 2> "$4.err" &
	cap_pids+=($!)
	cap_files+=("$4")
	defer "kill $! 2>/dev/null"
	busywait 10000 grep -q "listening on" "$4.err"
}

# capture_stop: once no capture has grown for a second (at most 8 s):
# packets still on their way, or not yet read by tcpdump, would be lost.
capture_stop() {
	local i last="" now
	for i in 1 2 3 4 5 6 7 8; do
		sleep 1
		now=$(stat -c %s "${cap_files[@]}")
		[ "$now" = "$last" ] && break
		last=$now
	done
	kill -INT "${cap_pids[@]}" 2>/dev/null
	wait "${cap_pids[@]}" 2>/dev/null
	cap_pids=() cap_files=()
}

# --- phases --------------------------------------------------------------------

# Lying IP and L4 headers, odd TCP flags and fragments that never make a
# datagram, at every service: none may open a connection.
phase_headers() {
	c "$PY" headers eth0 "$MAC_PUB" $CLIENT_IP $VIP tcp:80 udp:53 tcp:443 \
		tcp:9000 tcp:8081 udp:5001 tcp:81 udp:54 > "$tmp/hdr.txt"
	sleep 1
	d vsadm -L -n -c > "$tmp/conns"
	py_cases < <("$PY" judge-conns "$tmp/hdr.txt" "$tmp/conns")
	klog_clean "header abuse"
}

# Crafted packets whose fate is known (IP options, checksums, fragments).
phase_paths() {
	py_cases < <(c "$PY" paths eth0 "$MAC_PUB" $CLIENT_IP $VIP 53 54 80 81)
	klog_clean "crafted paths"
}

# ICMP errors about live flows, both ways, and fragments of a NAT reply.
phase_icmp() {
	local flows dest rip rport drport
	flows=$(c "$PY" udp-flows $VIP 53:$CPORT 54:0)
	dest=$(conn_dest $CPORT 53)
	rip=${dest%:*} rport=${dest#*:}
	drport=$(awk '$2 == 54 { print $3 }' <<< "$flows")
	if [ -z "$rip" ] || [ -z "$drport" ]; then
		fail "ICMP: live UDP flows through NAT and DR ($flows; $dest)"
		return
	fi
	capture "$dir" eth1 out "$tmp/to-rs.pcap" "icmp" &&
		capture "$dir" eth0 out "$tmp/to-client.pcap" \
			"icmp or (ip[6:2] & 0x3fff != 0)" || {
		fail "tcpdump started"
		return
	}
	# The client, about the replies of both flows; the real server (any
	# host of its segment will do) about client -> RIP packets.
	c "$PY" icmp-client eth0 "$MAC_PUB" $CLIENT_IP $VIP 53 $CPORT 54 "$drport" \
		> "$tmp/icmp.txt"
	in_ns "$(rs_ns 1)" "$PY" icmp-server eth1 "$MAC_PRIV" "$rip" $CLIENT_IP "$rport" \
		$CPORT >> "$tmp/icmp.txt"
	capture_stop
	py_cases < <("$PY" judge-icmp "$tmp/icmp.txt" "$tmp/to-rs.pcap" \
		"$tmp/to-client.pcap" $VIP "$rip" 53 "$rport")
	klog_clean "ICMP abuse"
}

# live VPORT FD: a live TCP echo connection to VIP:VPORT (pkt_abuse.py
# tcp-live) that echoes until a line is written to FD, then storms itself;
# its client port in $live_port (no $(...): FD and the pid must stay here).
live() {
	local fifo=$tmp/fifo.$1
	mkfifo "$fifo"
	ip netns exec "$client" "$PY" tcp-live eth0 "$MAC_PUB" $CLIENT_IP $VIP "$1" \
		$((200 * SCALE)) < "$fifo" > "$tmp/live.$1" 2>&1 &
	live_pids+=($!)
	eval "exec $2> $fifo"
	busywait 20000 grep -q "^port" "$tmp/live.$1"
	live_port=$(sed -n 's/^port //p' "$tmp/live.$1")
}

# Forged resets at live connections through NAT (from the client's side
# and its real server's) and DR (the client's side: the server's replies
# do not pass the director): the connections must keep echoing.
phase_rst() {
	local port dest live_pids=() live_port
	live 7 7
	port=$live_port
	live 82 8
	dest=$(conn_dest "$port" 7)
	[ -n "$dest" ] && in_ns "$(rs_ns 1)" "$PY" rst-storm eth1 "$MAC_PRIV" \
		"${dest%:*}" $CLIENT_IP "${dest#*:}" "$port" $((200 * SCALE))
	echo go >&7
	echo go >&8
	exec 7>&- 8>&-
	wait "${live_pids[@]}"
	py_cases < <(grep -hv "^port" "$tmp/live.7" "$tmp/live.82")
	klog_clean "RST storms"
}

# Bulk TCP both ways and UDP_SEGMENT sends through NAT and DR: veth carries
# GSO packets, which vs must rewrite (NAT) or pass (DR) whole.
phase_gso() {
	local mb=$((2 * SCALE))
	head -c $((mb << 20)) /dev/urandom > "$tmp/bulk"
	capture "$dir" eth1 out "$tmp/gso-nat.pcap" "greater 3000" &&
		capture "$dir" eth0 in "$tmp/gso-dr.pcap" "greater 3000 and dst port 82"
	c socat -t 5 -T 20 - TCP:$VIP:7 < "$tmp/bulk" > "$tmp/bulk.nat"
	check "GSO: ${mb} MiB echoed through NAT byte for byte" cmp -s "$tmp/bulk" "$tmp/bulk.nat"
	c socat -t 5 -T 20 - TCP:$VIP:82 < "$tmp/bulk" > "$tmp/bulk.dr"
	check "GSO: ${mb} MiB echoed through DR byte for byte" cmp -s "$tmp/bulk" "$tmp/bulk.dr"
	py_cases < <(c "$PY" udp-gso $VIP 8 1000 53 54)
	capture_stop
	# Otherwise the cases above proved nothing about GSO.
	check "GSO: the director saw packets over 3000 bytes (NAT side, DR side)" \
		test "$(stat -c %s "$tmp/gso-nat.pcap")" -gt 3000 -a \
		"$(stat -c %s "$tmp/gso-dr.pcap")" -gt 3000
	rm -f "$tmp/bulk"*
	klog_clean "GSO traffic"
}

# conn_count: VS_INFO_A_CONN_COUNT, as vsadm reports it.
conn_count() { d vsadm -L -n --json | sed -n 's/.*"connections": \([0-9]*\),/\1/p'; }
count_zero() { [ "$(conn_count)" = 0 ]; }
# made PROTO VIP:PORT: connections the service has made, ever.
made() {
	d vsadm -L -n --stats --exact "-${1:0:1}" "$2" | awk -v p="${1^^}" '$1 == p { print $3 }'
}

# flood KIND PORT LIMIT: a flood of KIND (syn|udp) from random sources at
# VIP:PORT, 3x CONN_MAX new flows (times SCALE), the count sampled all
# along (with VS_INFO_A_CONN_REFUSED before and after). The bound holds to
# within the per-CPU counters' batch, 32 per CPU (sysctl.rst): the count is
# checked without a lock, so that a flood takes no global lock per packet.
# Each flow that reached vs was either made into a connection or refused,
# and counted as one or the other.
flood() {
	local kind=$1 port=$2 limit=$3 proto=tcp slack n sent spid
	local top samples count0 ref0 count ref1 made0 made1 lost0 lost1 refused new lost
	[ "$kind" = udp ] && proto=udp
	slack=$((32 * $(nproc)))
	n=$((3 * CONN_MAX * SCALE))
	made0=$(made $proto $VIP:$port) lost0=$(rx_drops)
	rm -f "$tmp/stop"
	ip netns exec "$dir" "$PY" sample "$tmp/stop" > "$tmp/sample" &
	spid=$!
	busywait 20000 grep -q "^first" "$tmp/sample"
	sent=$(c "$PY" flood eth0 "$MAC_PUB" "$kind" $VIP "$port" $n)
	sleep 0.5
	touch "$tmp/stop"
	wait $spid
	read -r _ count0 ref0 < <(grep "^first" "$tmp/sample")
	read -r _ top _ samples _ count ref1 < <(grep "^max" "$tmp/sample")
	made1=$(made $proto $VIP:$port) lost1=$(rx_drops)
	refused=$((ref1 - ref0)) new=$((made1 - made0)) lost=$((lost1 - lost0))
	log "$kind flood: $sent sent, conn_max $limit, count $count0 before," \
		"highest $top ($samples samples), $count after; $new made," \
		"$refused refused, $lost lost before vs"
	check "$kind flood: the count never passed conn_max $limit + $slack (highest $top)" \
		test "${top:-999999}" -le $((limit + slack))
	check "$kind flood: the table filled up (highest count $top of $limit - $slack)" \
		test "${top:-0}" -ge $((limit - slack))
	check "$kind flood: every flow made ($new) or refused ($refused) and counted, of $sent sent ($lost lost)" \
		test $((new + refused)) -le "$sent" -a $((new + refused)) -ge $((sent - lost - 5))
}

# rx_drops: packets the director's stack lost before any hook (softnet
# backlog full, veth queue), summed over CPUs.
rx_drops() {
	local soft=0 x dev
	while read -r _ x _; do
		soft=$((soft + 16#$x))
	done < /proc/net/softnet_stat
	dev=$(d cat /sys/class/net/eth0/statistics/rx_dropped)
	echo $((soft + dev))
}

# early_drop PORT WHAT: with the table full of half-open flood entries and
# the flood going on, a real client's connection to VIP:PORT must still be
# made: entries never completed (SYN_RECV, unreplied UDP) give way to new
# ones at the bound, like conntrack's early drop. Behind NAT the director
# sees the server's SYN-ACK to each spoofed SYN, so the entries are
# answered but still half-open; behind DR it sees no answer at all.
early_drop() {
	local port=$1 what=$2 fpid
	ip netns exec "$client" "$PY" flood eth0 "$MAC_PUB" syn $VIP "$port" 200 10 \
		> /dev/null &
	fpid=$!
	sleep 1
	check_eq "at conn_max, a real client still connects during a SYN flood ($what)" \
		ok "$(get "$port" | grep -qx 'rs[1-4]' && echo ok)" ||
		log "connections: $(conn_count) (conn_max $(d sysctl -n net.vs.conn_max))"
	kill $fpid 2>/dev/null
	wait $fpid 2>/dev/null
}

# flush: -C empties the table (every service goes, and with it its
# connections); the services come back.
flush() {
	d vsadm -C
	check "$1: after -C the connection count returns to 0" busywait 10000 count_zero ||
		log "connections: $(conn_count)"
	services || fail "services added again"
}

phase_flood() {
	local base t0
	# From an empty table, so that what fills it is the SYN flood's
	# entries alone, none of which times out (60 s in SYN_RECV) before
	# the early drop cases are done: a slot freed by a timeout would let
	# the client in and prove nothing.
	flush "before the floods"
	d sysctl -qw net.vs.conn_max=$CONN_MAX
	t0=$(date +%s)
	flood syn 80 $CONN_MAX
	early_drop 80 "NAT, the server answers the flood"
	early_drop 81 "DR"
	log "the SYN flood's entries were at most $(($(date +%s) - t0)) s old"
	# UDP: room for CONN_MAX more flows on top of what is there.
	base=$(conn_count)
	d sysctl -qw net.vs.conn_max=$((base + CONN_MAX))
	flood udp 53 $((base + CONN_MAX))
	klog_clean "floods"
	flush "after the floods"
	d sysctl -qw net.vs.conn_max=$CONN_MAX_DEFAULT
}

# --- main --------------------------------------------------------------------

start=$(date +%s)
load_vs || die "insmod"
topology || die "topology"
log "topology $(($(date +%s) - start)) s"
servers || die "servers"
services || die "services"
fwmark_rules || die "fwmark rules"
CONN_MAX_DEFAULT=$(d sysctl -n net.vs.conn_max)
MAC_PUB=$(mac "$dir" eth0)
MAC_PRIV=$(mac "$dir" eth1)
log "setup $(($(date +%s) - start)) s"

services_work before
# PKT_ABUSE_PHASES picks phases (to reproduce one alone).
for p in ${PKT_ABUSE_PHASES:-headers paths icmp rst gso flood}; do
	t=$(date +%s)
	phase_$p
	log "phase $p: $(($(date +%s) - t)) s"
done
services_work after
klog_clean "the whole test"
log "total $(($(date +%s) - start)) s"
finish
