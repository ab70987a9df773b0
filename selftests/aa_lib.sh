# SPDX-License-Identifier: GPL-2.0
#
# Active-active directors behind a BGP router with ECMP, for the
# active-active selftests (source lib.sh and topo.sh first). Real BIRD 2
# everywhere: the router learns the VIP from each director by BGP (with
# BFD) and installs one multipath route, hashed on the L4 tuple
# (fib_multipath_hash_policy=1); each director's BIRD announces what its
# routing table 250 holds (a kernel protocol with "learn"), where vsd puts
# a route per VIP it can serve.
#
#     client 203.0.113.100
#        |
#   ==== uplink 203.0.113.0/24 ====
#        |
#     router  eth0 203.0.113.1, eth1 10.20.0.1   AS 65000
#        |     VIP 10.99.0.1 via d1, d2, d3 (ECMP, from BGP)
#   ==== lan 10.20.0.0/24 ===+=========+=========+=====+====...====+====
#        d1 .11   d2 .12   d3 .13  (AS 65001)       rs1 .21 ... rs4 .24
#        VIP on lo; direct routing to the servers    VIP on lo, no ARP;
#                                                    replies via the router
#
# Each director's BIRD runs with its own socket, so birdc can reach it.

AA_VIP=10.99.0.1
AA_CLIENT=203.0.113.100
AA_ROUTER=10.20.0.1
AA_TABLE=250
AA_TMP=$(mktemp -d)
defer "rm -rf $AA_TMP"

aa_dir_addr() { echo "10.20.0.1$1"; }
aa_rs_addr() { echo "10.20.0.2$1"; }
aa_dir_ns() { local v="aad$1"; echo "${!v}"; }

# BFD every 0.2 s, down after 5 missed (1 s), times TIME_SCALE; BGP's own
# hold time (3 s, the least it allows) is the fallback.
AA_BFD_MS=$((200 * TIME_SCALE))

aa_bird_router_conf() {
	local i
	cat <<EOF
log "$AA_TMP/bird-router.log" all;
router id $AA_ROUTER;
protocol device { scan time 10; }
protocol kernel {
	merge paths on;
	ipv4 { import none; export all; };
}
protocol bfd {
	interface "eth1" { min rx interval $AA_BFD_MS ms; min tx interval $AA_BFD_MS ms; multiplier 5; };
}
template bgp dir {
	local $AA_ROUTER as 65000;
	hold time 3; keepalive time 1; connect retry time 1;
	error wait time 1, 5;
	bfd on;
	ipv4 { import all; export none; };
}
EOF
	for i in 1 2 3; do
		echo "protocol bgp d$i from dir { neighbor $(aa_dir_addr $i) as 65001; }"
	done
}

aa_bird_director_conf() { # I
	cat <<EOF
log "$AA_TMP/bird-d$1.log" all;
router id $(aa_dir_addr "$1");
protocol device { scan time 10; }
protocol kernel vips {
	kernel table $AA_TABLE;
	learn;
	scan time 10;
	ipv4 { import all; export none; };
}
protocol bfd {
	interface "eth0" { min rx interval $AA_BFD_MS ms; min tx interval $AA_BFD_MS ms; multiplier 5; };
}
protocol bgp upstream {
	local $(aa_dir_addr "$1") as 65001;
	neighbor $AA_ROUTER as 65000;
	hold time 3; keepalive time 1; connect retry time 1;
	error wait time 1, 5;
	bfd on;
	ipv4 { import none; export all; next hop self; };
}
EOF
}

# bird_start NAME NS CONF-FUNCTION [ARGS]: BIRD in NS, socket
# $AA_TMP/NAME.ctl, pid file $AA_TMP/NAME.pid.
bird_start() {
	local name=$1 ns=$2 fn=$3
	shift 3
	"$fn" "$@" > "$AA_TMP/$name.conf"
	in_ns "$ns" bird -c "$AA_TMP/$name.conf" -s "$AA_TMP/$name.ctl" \
		-P "$AA_TMP/$name.pid" || return 1
	defer "kill \$(cat $AA_TMP/$name.pid 2>/dev/null) 2>/dev/null"
}

bird_kill() { # NAME
	kill -9 "$(cat "$AA_TMP/$1.pid")" 2>/dev/null
	rm -f "$AA_TMP/$1.ctl"
}

birdc_of() { # NAME CMD...
	local name=$1
	shift
	birdc -s "$AA_TMP/$name.ctl" "$@"
}

# aa_nexthops: the router's next hops for the VIP, sorted, one line.
aa_nexthops() {
	ip -n "$aarouter" -4 route show "$AA_VIP/32" 2>/dev/null |
		grep -o 'via [0-9.]*' | awk '{ print $2 }' | sort | tr '\n' ' ' |
		sed 's/ $//'
}

aa_nexthops_are() { [ "$(aa_nexthops)" = "$*" ]; }

# aa_topology: the namespaces, addresses, BIRD on the router. The
# directors' BIRD starts with aa_director_up.
aa_topology() {
	local i ns
	setup_ns sw aarouter aaclient aad1 aad2 aad3 || return 1
	ip -n "$sw" link add uplink type bridge &&
		ip -n "$sw" link add lan type bridge &&
		ip -n "$sw" link set uplink up && ip -n "$sw" link set lan up || return 1
	attach "$aarouter" eth0 uplink 203.0.113.1/24 &&
		attach "$aarouter" eth1 lan "$AA_ROUTER/24" || return 1
	ip netns exec "$aarouter" sysctl -qw net.ipv4.ip_forward=1 \
		net.ipv4.fib_multipath_hash_policy=1
	attach "$aaclient" eth0 uplink "$AA_CLIENT/24" &&
		ip -n "$aaclient" route add default via 203.0.113.1 || return 1
	for i in 1 2 3; do
		ns=$(aa_dir_ns "$i")
		attach "$ns" eth0 lan "$(aa_dir_addr "$i")/24" || return 1
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2
		ip -n "$ns" addr add "$AA_VIP/32" dev lo || return 1
		ip -n "$ns" route add default via "$AA_ROUTER" || return 1
	done
	for i in 1 2 3 4; do
		setup_ns "aars$i" || return 1
		ns=$(aa_rs_ns "$i")
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2
		attach "$ns" eth0 lan "$(aa_rs_addr "$i")/24" &&
			ip -n "$ns" addr add "$AA_VIP/32" dev lo &&
			ip -n "$ns" route add default via "$AA_ROUTER" || return 1
		in_ns "$ns" socat -t 5 TCP-LISTEN:7,fork,reuseaddr \
			SYSTEM:"echo rs$i; exec cat" > /dev/null 2>&1 &
		defer "kill $! 2>/dev/null"
	done
	bird_start router "$aarouter" aa_bird_router_conf
}

aa_rs_ns() { local v="aars$1"; echo "${!v}"; }

# aa_dir_link I up|down: director I's cable.
aa_dir_link() {
	ip -n "$(aa_dir_ns "$1")" link set eth0 "$2"
}

# aa_flows_start SECONDS N: N flows to VIP port 7 from the client, in the
# background, until aa_flows_stop or for at most SECONDS; waits until they
# are all open.
aa_flows_start() {
	rm -f "$AA_TMP/ready" "$AA_TMP/result" "$AA_TMP/stop"
	in_ns "$aaclient" python3 "$VS_TOP/selftests/aa_flows.py" "$AA_VIP" 7 \
		"$2" "$1" "$AA_TMP/ready" "$AA_TMP/result" "$AA_TMP/stop" \
		2> "$AA_TMP/flows.err" &
	AA_FLOWS_PID=$!
	defer "kill $AA_FLOWS_PID 2>/dev/null"
	busywait $((60000 + $2 * 500)) test -e "$AA_TMP/ready"
}

# aa_flows_running: the flows have not ended yet.
aa_flows_running() {
	[ ! -e "$AA_TMP/result" ] && kill -0 "$AA_FLOWS_PID" 2> /dev/null
}

# aa_flows_wait: the flows end; their result lines are in $AA_TMP/result.
aa_flows_wait() {
	touch "$AA_TMP/stop"
	wait "$AA_FLOWS_PID"
	[ -e "$AA_TMP/result" ] || { cat "$AA_TMP/flows.err" >&2; return 1; }
}

# aa_ports_on I: the client ports of the flows director I holds a
# connection for, one a line.
aa_ports_on() {
	in_ns "$(aa_dir_ns "$1")" "$VS_TOP/build/bin/vsadm" -L -n -c 2>/dev/null |
		awk -v c="$AA_CLIENT" '$1 == "TCP" && index($4, c ":") == 1 {
			split($4, a, ":"); print a[2] }' | sort -u
}

# aa_conf SERIAL SERVERS...: the directors' vsd.conf (the same file for
# all three), virtual "echo" on VIP port 7: mh with mh-port, direct
# routing, a connect check on each real server I listed.
aa_conf() {
	local serial=$1 i
	shift
	cat <<EOF
serial_no = $serial
service = lvs
network = direct
active_active = 1
director = $(aa_dir_addr 1)
director = $(aa_dir_addr 2)
director = $(aa_dir_addr 3)
heartbeat_key = $AA_TMP/hb.key
keepalive = $(awk -v t="$TIME_SCALE" 'BEGIN { print 0.2 * t }')
deadtime = $(awk -v t="$TIME_SCALE" 'BEGIN { print 1 * t }')
announce_table = $AA_TABLE
drain_timeout = 60
check_interval = 1
connect_timeout = 1
virtual echo {
	address = $AA_VIP
	port = 7
	protocol = tcp
	scheduler = mh
	scheduler_flags = mh-port
	check_type = connect
	timeout = 1
	reentry = 1
EOF
	for i in "$@"; do
		printf '\tserver rs%s {\n\t\taddress = %s\n\t}\n' "$i" "$(aa_rs_addr "$i")"
	done
	echo "}"
}

aa_key() {
	head -c 32 /dev/urandom | base64 > "$AA_TMP/hb.key"
	chmod 600 "$AA_TMP/hb.key"
}

# aa_vsd_start I CONF: vsd on director I.
aa_vsd_start() {
	in_ns "$(aa_dir_ns "$1")" vsd -d -f "$2" -s "$AA_TMP/vsd$1.sock" \
		-p "$AA_TMP/vsd$1.pid" >> "$AA_TMP/vsd$1.log" 2>&1 &
	defer "aa_vsd_kill $1 TERM"
	busywait 10000 aa_vsd "$1" status > /dev/null 2>&1 || {
		log "vsd $1 did not start:"
		sed 's/^/#   /' "$AA_TMP/vsd$1.log"
		return 1
	}
}

aa_vsd() { # I ARGS...: vsd's CLI on director I's socket
	local i=$1
	shift
	vsd -s "$AA_TMP/vsd$i.sock" "$@"
}

aa_vsd_kill() { # I SIGNAL
	local pid
	pid=$(cat "$AA_TMP/vsd$1.pid" 2> /dev/null) || return 0
	kill -"$2" "$pid" 2> /dev/null
	busywait 5000 sh -c "! kill -0 $pid 2> /dev/null"
}

# aa_json I EXPR: a Python expression on director I's status "active_active" (a).
aa_json() {
	aa_vsd "$1" status --json |
		python3 -c "import json, sys; a = json.load(sys.stdin)['active_active']; print($2)"
}

# aa_reload I CONF: director I reads CONF (copied over its file) again.
aa_reload() {
	cp "$2" "$AA_TMP/vsd$1.conf"
	kill -HUP "$(cat "$AA_TMP/vsd$1.pid")"
}

# aa_routed_to: "PORT DIRECTOR-ADDRESS" for each flow in $AA_TMP/ready:
# the next hop the router's multipath route picks for it now (its hash of
# the flow's 5-tuple).
aa_routed_to() {
	local port name
	while read -r port name; do
		echo "$port $(ip -n "$aarouter" route get "$AA_VIP" from "$AA_CLIENT" \
			iif eth0 ipproto tcp sport "$port" dport 7 |
			grep -o 'via [0-9.]*' | awk '{ print $2 }')"
	done < "$AA_TMP/ready"
}
