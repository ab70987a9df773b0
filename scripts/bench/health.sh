# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Row 6 of make bench: health checks of 2,000 real servers, vsd (on vs.ko)
# against keepalived's TCP_CHECK (on the in-tree ip_vs). Sourced by
# scripts/bench/guest (run_hook), which provides lib.sh, the topology
# helpers, $ROUNDS, $QUICK, hostcpu, result and note.
#
# Two namespaces joined by a veth: the director (10.19.0.1), where the
# daemon runs against the table of its module, and one namespace holding
# the real servers' addresses (10.20.0.1 ... 10.20.7.250 on a dummy
# interface) with scripts/bench/checklisten listening on port 80 of all of
# them: it stamps every accepted connection - one check - with the time
# and the address. Virtual services of 100 servers each, every server
# checked by a TCP connect every INTERVAL seconds with one second to
# connect (vsd: check_interval, connect_timeout = 1; keepalived:
# delay_loop, TCP_CHECK with connect_timeout 1); all else is each
# daemon's default.
#
# Cases N@INTERVAL (BENCH_HEALTH_CASES, default "200@1 2000@1"): 2,000
# servers every second is the issue's 2,000 checks a second, beyond a
# 2-vCPU TCG guest on a shared host (from a few hundred to about 1,900 a
# second, as the host allows), so it shows how each daemon behaves when
# starved; 200 every second is within what the VM keeps up with, and
# gives the comparison at a sustainable rate.
#
# HEALTH_ROUNDS rounds (3, or $ROUNDS if fewer: each costs about a minute
# per daemon) alternating vsd, keepalived. Each round starts the daemon
# on a freshly loaded module, waits until every address has been checked
# and HEALTH_WARM seconds more, then measures a window of HEALTH_SECS
# seconds (at least 3 intervals):
#
#   checks/s       accepted at the listener (the ground truth for both)
#   daemon CPU     utime + stime of the daemon's processes (keepalived:
#                  the parent and its checker child) per 1,000 checks, in
#                  the guest's clock (which under TCG counts time the host
#                  did not run the vCPU: inflated when the host is busy)
#   host CPU       of the whole VM (the qemu process) per 1,000 checks,
#                  and the daemon's part of it: its share of the guest's
#                  busy time (/proc/uptime) times the VM's host CPU
#   jitter         per address, each interval between two successive
#                  checks against the configured one: mean and 99th
#                  percentile of the absolute deviation, and the mean
#                  interval (a checker that waits INTERVAL after each
#                  check ends drifts above it)
#   in table       servers in the table at the end of the window (a
#                  starved checker may take healthy servers out)
#
# Results: R health N@I vs|ipvs ROUND key=value..., IMPL "ipvs" being
# keepalived.

HEALTH_CASES=${BENCH_HEALTH_CASES:-200@1 2000@1}
HEALTH_PER=100
HEALTH_ROUNDS=$((ROUNDS < 3 ? ROUNDS : 3))
if [ "$QUICK" = 1 ]; then
	HEALTH_SECS=${BENCH_HEALTH_SECS:-10}
	HEALTH_WARM=3
else
	HEALTH_SECS=${BENCH_HEALTH_SECS:-30}
	HEALTH_WARM=5
fi
HEALTH_TMP=/tmp/bench-health
hdir=
hsrv=

# health_awk PROGRAM: awk with n (servers), per (servers per virtual
# service), iv (the interval) and addr(i), real server i's address
# (10.20.0.1 ..., 250 per /24).
health_awk() {
	awk -v n="$HEALTH_N" -v per=$HEALTH_PER -v iv="$HEALTH_IV" '
		function addr(i) { return sprintf("10.20.%d.%d", int(i / 250), i % 250 + 1) }
		'"$1"
}

health_topo() {
	setup_ns hdir hsrv || return 1
	veth "$hdir" eth0 10.19.0.1/24 "$hsrv" eth0 10.19.0.2/24 || return 1
	ip -n "$hdir" route add 10.20.0.0/16 via 10.19.0.2 || return 1
	ip -n "$hsrv" link add dummy0 type dummy || return 1
	ip -n "$hsrv" link set dummy0 up || return 1
	health_awk 'BEGIN { for (i = 0; i < n; i++) print "addr add " addr(i) "/32 dev dummy0" }' |
		ip -n "$hsrv" -batch - || return 1
	in_ns "$hsrv" sysctl -qw net.core.somaxconn=65535 \
		net.ipv4.tcp_max_syn_backlog=65535 || return 1
	# 2,000 checks a second leave 120,000 connections in TIME_WAIT at
	# the checker's side: room for them, and for their ports.
	in_ns "$hdir" sysctl -qw net.ipv4.tcp_max_tw_buckets=1000000 \
		net.ipv4.ip_local_port_range="1024 65000" || return 1
}

health_vsd_conf() {
	health_awk 'BEGIN {
		print "network = nat"
		print "check_interval = " iv
		print "connect_timeout = 1"
		for (v = 0; v < n / per; v++) {
			printf "virtual v%d {\n\taddress = 10.30.%d.1\n\tport = 80\n", v, v
			printf "\tscheduler = rr\n"
			for (i = v * per; i < (v + 1) * per; i++)
				printf "\tserver s%d {\n\t\taddress = %s\n\t}\n", i, addr(i)
			print "}"
		}
	}'
}

health_keepalived_conf() {
	health_awk 'BEGIN {
		printf "global_defs {\n\trouter_id bench\n}\n"
		for (v = 0; v < n / per; v++) {
			printf "virtual_server 10.30.%d.1 80 {\n\tdelay_loop %s\n", v, iv
			printf "\tlb_algo rr\n\tlb_kind NAT\n\tprotocol TCP\n"
			for (i = v * per; i < (v + 1) * per; i++) {
				printf "\treal_server %s 80 {\n\t\tweight 1\n", addr(i)
				printf "\t\tTCP_CHECK {\n\t\t\tconnect_timeout 1\n\t\t}\n\t}\n"
			}
			print "}"
		}
	}'
}

# health_cpu PID...: utime + stime of the processes, in ms (USER_HZ 100).
health_cpu() {
	local pid s sum=0
	for pid in "$@"; do
		s=$(cat "/proc/$pid/stat" 2>/dev/null) || continue
		s=${s##*) }
		# shellcheck disable=SC2086
		set -- $s
		sum=$((sum + (${12} + ${13}) * 10))
	done
	echo "$sum"
}

# health_busy: the guest's busy CPU time so far, in ms: uptime times the
# CPUs less their idle time (/proc/uptime: from the same clock as a
# task's run time, unlike /proc/stat's ticks, which TCG loses).
health_busy() {
	awk -v c="$(nproc)" '{ printf "%d\n", ($1 * c - $2) * 1000 }' /proc/uptime
}

# The daemon's processes: vsd, or keepalived and its children.
health_pids() {
	echo "$HEALTH_PID"
	pgrep -P "$HEALTH_PID"
	true
}

# health_gone PID: exited (a zombie until waited for, to kill -0).
health_gone() {
	local s
	s=$(cat "/proc/$1/stat" 2>/dev/null) || return 0
	s=${s##*) }
	[ "${s%% *}" = Z ]
}

health_in_table() {
	adm "$hdir" -L -n | grep -c -- '-> 10\.20\.'
}

# health_start IMPL: the daemon, started with ip netns exec itself (it
# execs the program; a shell function would be a subshell), so that $! is
# the daemon's pid.
health_start() {
	rm -f "$HEALTH_TMP/vsd.log" "$HEALTH_TMP/keepalived.log"
	case $1 in
	vs)
		ip netns exec "$hdir" vsd -d -f "$HEALTH_TMP/vsd.conf" -s "$HEALTH_TMP/vsd.sock" \
			-p "$HEALTH_TMP/vsd.pid" > "$HEALTH_TMP/vsd.log" 2>&1 &
		;;
	ipvs)
		ip netns exec "$hdir" keepalived -n -C -l -G -f "$HEALTH_TMP/keepalived.conf" \
			-p "$HEALTH_TMP/keepalived.pid" -c "$HEALTH_TMP/checkers.pid" \
			> "$HEALTH_TMP/keepalived.log" 2>&1 &
		;;
	esac
	HEALTH_PID=$!
}

health_stop() {
	kill "$HEALTH_PID" 2>/dev/null
	busywait 60000 health_gone "$HEALTH_PID" ||
		{ note "health: daemon $HEALTH_PID did not stop"; kill -9 "$HEALTH_PID"; }
	wait "$HEALTH_PID" 2>/dev/null
}

# health_fails: lines the daemon logged about failed checks or servers
# leaving (both log transitions only).
health_fails() {
	cat "$HEALTH_TMP"/vsd.log "$HEALTH_TMP"/keepalived.log 2>/dev/null |
		grep -ciE 'down|fail|timeout|remov'
}

# health_line: the listener's line for its window so far, in W.
health_line() {
	local n
	n=$(wc -l < "$HEALTH_TMP/listen.out")
	kill -USR2 "$HEALTH_LPID"
	busywait 5000 sh -c "[ \$(wc -l < $HEALTH_TMP/listen.out) -gt $n ]"
	W=$(tail -n 1 "$HEALTH_TMP/listen.out")
}

# health_get KEY: a value of the listener's line W.
health_get() {
	echo "$W" | tr ' ' '\n' | sed -n "s/^$1=//p"
}

# health_ready: until every address has been checked since the daemon
# started (up to 120 s): it is through its start, checking them all.
health_ready() {
	local t0=$SECONDS
	kill -USR1 "$HEALTH_LPID"
	while [ $((SECONDS - t0)) -lt 120 ]; do
		sleep 1
		health_gone "$HEALTH_PID" && return 1
		health_line
		[ "$(health_get addrs)" -ge "$HEALTH_N" ] && return 0
	done
	return 1
}

# health_window SECS: one window at the listener; sets W (its line), W_CPU
# (daemon ms), W_BUSY (guest busy ms), W_HOST (host ns), W_FAILS (log
# lines of failures during it).
health_window() {
	local c0 b0 h0 f0 pids n
	n=$(wc -l < "$HEALTH_TMP/listen.out")
	pids=$(health_pids)
	f0=$(health_fails)
	h0=$(hostcpu)
	b0=$(health_busy)
	# shellcheck disable=SC2086
	c0=$(health_cpu $pids)
	kill -USR1 "$HEALTH_LPID"
	sleep "$1"
	kill -USR2 "$HEALTH_LPID"
	# shellcheck disable=SC2086
	W_CPU=$(($(health_cpu $pids) - c0))
	W_BUSY=$(($(health_busy) - b0))
	W_HOST=$(($(hostcpu) - h0))
	W_FAILS=$(($(health_fails) - f0))
	busywait 5000 sh -c "[ \$(wc -l < $HEALTH_TMP/listen.out) -gt $n ]"
	W=$(tail -n 1 "$HEALTH_TMP/listen.out")
}

health_round() {
	local impl=$1 round=$2 secs=$3 t0=$SECONDS got
	impl_load "$impl" || { note "health: cannot load $impl"; return 1; }
	health_start "$impl"
	if health_ready; then
		note "health: $HEALTH_CASE $impl: all checked after $((SECONDS - t0)) s," \
			"$(health_in_table) in the table"
	else
		note "health: $HEALTH_CASE $impl: only $(health_get addrs) of $HEALTH_N" \
			"checked after $((SECONDS - t0)) s"
	fi
	sleep "$HEALTH_WARM"
	if health_gone "$HEALTH_PID"; then
		note "health: $impl: the daemon died"
		tail -n 5 "$HEALTH_TMP/vsd.log" "$HEALTH_TMP/keepalived.log" 2>&1 |
			sed 's/^/#   /'
		impl_unload
		return 1
	fi
	health_window "$secs"
	got=$(health_in_table)
	health_stop
	impl_unload
	# shellcheck disable=SC2046
	result health "$HEALTH_CASE" "$impl" "$round" $(awk -v w="$W" -v cpu="$W_CPU" \
		-v busy="$W_BUSY" -v h="$W_HOST" 'BEGIN {
		split(w, kv, " ")
		for (i in kv) { split(kv[i], p, "="); v[p[1]] = p[2] }
		c = v["checks"] > 0 ? v["checks"] : 1
		s = v["secs"] > 0 ? v["secs"] : 1
		share = busy > 0 ? cpu / busy : 0
		printf "cps=%.1f cpu_s_1k=%.3f cpu_pct=%.1f share_pct=%.1f ", c / s,
			cpu / c, cpu / 10 / s, 100 * share
		printf "host_ms_1k=%.1f host_d_ms_1k=%.1f ", h / 1e3 / c,
			h / 1e3 / c * share
		# No interval (no address checked twice): no jitter either.
		if (v["intervals"] == 0)
			v["mean_dev_ms"] = v["p99_dev_ms"] = v["max_dev_ms"] = v["mean_int_ms"] = "-"
		printf "jit_ms=%s jit99_ms=%s jitmax_ms=%s int_ms=%s ", v["mean_dev_ms"],
			v["p99_dev_ms"], v["max_dev_ms"], v["mean_int_ms"]
		printf "checks=%s secs=%s addrs=%s minper=%s maxper=%s", v["checks"],
			v["secs"], v["addrs"], v["min_per_addr"], v["max_per_addr"]
	}') in_table="$got" fails="$W_FAILS"
}

# health_case N@INTERVAL: both daemons, HEALTH_ROUNDS rounds, N servers
# checked every INTERVAL seconds.
health_case() {
	local round impl secs
	HEALTH_CASE=$1
	HEALTH_N=${1%@*}
	HEALTH_IV=${1#*@}
	secs=$((HEALTH_SECS > 3 * HEALTH_IV ? HEALTH_SECS : 3 * HEALTH_IV))
	health_vsd_conf > "$HEALTH_TMP/vsd.conf"
	health_keepalived_conf > "$HEALTH_TMP/keepalived.conf"
	vsd -t -f "$HEALTH_TMP/vsd.conf" > /dev/null || note "health: vsd -t failed"
	keepalived -t -f "$HEALTH_TMP/keepalived.conf" > "$HEALTH_TMP/kt.log" 2>&1 ||
		{ note "health: keepalived -t failed"; sed 's/^/#   /' "$HEALTH_TMP/kt.log"; }
	ip netns exec "$hsrv" nice -n -5 "$BUILD/checklisten" 80 $((HEALTH_IV * 1000)) \
		> "$HEALTH_TMP/listen.out" &
	HEALTH_LPID=$!
	defer "kill $HEALTH_LPID"
	busywait 5000 grep -q ready "$HEALTH_TMP/listen.out" ||
		{ note "health: listener failed"; return 1; }
	note "health: $HEALTH_N real servers in $((HEALTH_N / HEALTH_PER)) virtual" \
		"services, checked every $HEALTH_IV s; windows of $secs s" \
		"after $HEALTH_WARM s; $HEALTH_ROUNDS rounds"
	for ((round = 1; round <= HEALTH_ROUNDS; round++)); do
		for impl in $IMPLS; do
			health_round "$impl" "$round" "$secs"
		done
	done
	kill "$HEALTH_LPID"
	wait "$HEALTH_LPID" 2>/dev/null
}

health_row() {
	local c
	rm -rf "$HEALTH_TMP"
	mkdir -p "$HEALTH_TMP"
	HEALTH_N=0
	for c in $HEALTH_CASES; do
		[ "${c%@*}" -gt "$HEALTH_N" ] && HEALTH_N=${c%@*}
	done
	if health_topo; then
		for c in $HEALTH_CASES; do
			health_case "$c"
		done
	else
		note "health: topology failed"
	fi
	cleanup_ns "$hdir" "$hsrv"
}

health_row
