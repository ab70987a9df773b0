# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# shellcheck disable=SC2154 # client, dirB, rs1, sw...: set by setup_ns
#
# Row 5 of make bench: director failover. Sourced by scripts/bench/guest
# (run_hook), which gives lib.sh, topo.sh, $ROUNDS, result and note.
#
# The same two-director topology for both (selftests/failover_lib.sh: the
# LVS guide's NAT example, the VIP 192.168.26.10 and the NAT router 10.11.12.10
# floating between director A, 192.168.26.9, and B, 192.168.26.8; on rs1
# and rs2 echo servers on port 7 and nginx on port 80, services VIP:7 and
# VIP:80, rr, NAT):
#
#   vs    vsd in each director's namespace against vs.ko. default: every
#         failover key at its default (keepalive 2 s, deadtime 5 s,
#         syncdaemon on, 5 gratuitous ARPs 1 s apart); tuned: keepalive
#         0.1, deadtime 0.5, 3 ARPs 0.2 s apart (as selftests/failover.sh).
#   ipvs  keepalived (Debian's) in each director's namespace against the
#         in-tree ip_vs: one VRRP instance holding both floating addresses
#         and a virtual_server with the same real servers. default:
#         VRRPv2, advert_int 1, no connection sync; tuned: VRRPv3,
#         advert_int 0.1, and lvs_sync_daemon (IPVS's own sync daemon,
#         master on the active director, backup on the other).
#
# Per case: a fresh topology and module; A comes up active, then B stands
# by; FB_CONNS long-lived TCP connections through the VIP exchange a line
# each every 0.5 s; where there is sync, B's table must hold all of them
# before going on. A prober in the client starts a connection to VIP:80
# and a GET every FB_PROBE s (each with 1 s to finish, so several are in
# flight).
# Then A dies as a machine does: its cables pulled (both of its switch
# ports disabled in one bridge batch), its daemons killed with SIGKILL,
# its links down. "ms" is from the end of that batch (the ports go in its
# last microseconds; "down_ms" is how long it took, mostly starting the
# program) to the end of the first probe started after it that was
# answered;
# "survive" is the share of the long-lived connections that, after the
# takeover, echo one more line (all their bytes intact) within FB_CHECK s.
#
# "synced" is the number of them in B's table just before the failure,
# "flaps" how often B took over while A was alive (late heartbeats or
# adverts on a loaded host). No answer within FB_GIVEUP s is recorded as
# FB_GIVEUP with late=1; a pair that never settled (roles, or the
# connections not working before the failure) only as settled=0.
#
#	R failover CASE IMPL ROUND ms=... late=0|1 down_ms=... survive=0.95 alive=K of=N synced=S flaps=F
#	R failover CASE IMPL ROUND settled=0	(CASE default|tuned, IMPL vs|ipvs)

# shellcheck source=selftests/failover_lib.sh
. "$VS_TOP/selftests/failover_lib.sh"

FB_CONNS=20
FB_PROBE=0.02
FB_CHECK=15
FB_WAIT=${FB_WAIT:-30}	# s for any daemon to settle
FB_GIVEUP=60		# s to wait for the VIP to answer again

fb_ms() {
	echo $((${EPOCHREALTIME/./} / 1000))
}

# The client's two programs. The prober asks nginx on the real servers
# (VIP:80) for a page and prints "START_MS END_MS" for every probe answered.
# (Not the echo servers: socat forks a cat per connection, and the probes
# in flight when the VIP comes back would swamp the emulated CPUs.)
cat > "$FO_TMP/prober.py" <<'PY'
import selectors, socket, sys, time
vip, port, every = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
sel = selectors.DefaultSelector()
nxt = time.time()

def drop(s):
    sel.unregister(s)
    s.close()

while True:
    now = time.time()
    if now >= nxt:
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex((vip, port))
        sel.register(s, selectors.EVENT_WRITE, [now, False])
        nxt = max(nxt + every, now)
    for key, _ in sel.select(max(0.0, nxt - time.time())):
        s, st = key.fileobj, key.data
        if not st[1]:
            if s.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR):
                drop(s)
                continue
            try:
                s.send(b"GET / HTTP/1.0\r\n\r\n")
            except OSError:
                drop(s)
                continue
            st[1] = True
            sel.modify(s, selectors.EVENT_READ, st)
            continue
        try:
            d = s.recv(64)
        except OSError:
            d = b""
        if d.startswith(b"HTTP/1.1 200"):
            print("%d %d" % (st[0] * 1000, time.time() * 1000), flush=True)
        drop(s)
    now = time.time()
    for key in list(sel.get_map().values()):
        if now - key.data[0] > 1.0:
            drop(key.fileobj)
PY

# The holder: N connections, each sending a line every PERIOD s and
# reading the echo; "ready N" once every one echoed; when the file TRIGGER
# appears, one more line each and "alive=K of=N": the connections whose
# echo is the exact bytes sent, within WAIT s.
cat > "$FO_TMP/holder.py" <<'PY'
import os, selectors, socket, sys, time
vip, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
trigger, period, wait = sys.argv[4], float(sys.argv[5]), float(sys.argv[6])
sel = selectors.DefaultSelector()
conns = []
for i in range(n):
    s = socket.create_connection((vip, port), timeout=5)
    s.setblocking(False)
    c = {"s": s, "sent": b"", "got": b"", "dead": False, "seq": 0}
    conns.append(c)
    sel.register(s, selectors.EVENT_READ, c)

def send(c, line):
    if c["dead"]:
        return
    try:
        c["s"].send(line)
        c["sent"] += line
    except OSError:
        c["dead"] = True

def pump(timeout):
    for key, _ in sel.select(timeout):
        c = key.data
        try:
            d = c["s"].recv(65536)
        except BlockingIOError:
            continue
        except OSError:
            d = b""
        if not d:
            c["dead"] = True
            sel.unregister(c["s"])
        c["got"] += d

def done(c):
    return c["dead"] or c["got"] == c["sent"]

for i, c in enumerate(conns):
    send(c, b"hello %d\n" % i)
end = time.time() + 10
while time.time() < end and not all(done(c) for c in conns):
    pump(0.05)
ok = sum(1 for c in conns if not c["dead"] and c["got"] == c["sent"])
print("ready %d" % ok, flush=True)
nxt = time.time()
while not os.path.exists(trigger):
    if time.time() >= nxt:
        for c in conns:
            c["seq"] += 1
            send(c, b"tick %d\n" % c["seq"])
        nxt += period
    pump(0.05)
for c in conns:
    send(c, b"check\n")
end = time.time() + wait
while time.time() < end and not all(done(c) for c in conns):
    pump(0.05)
alive = sum(1 for c in conns
            if not c["dead"] and c["got"] == c["sent"] and c["got"].endswith(b"check\n"))
print("alive=%d of=%d" % (alive, n), flush=True)
PY

# --- The two control planes ------------------------------------------------

# vsd: failover_lib.sh's configuration (tuned), or the same with the
# failover timings at their defaults.
fb_vsd_up() {
	local case=$1 conf=$FO_TMP/vsd.conf
	fo_conf "$conf"
	fo_virtual web 80 >> "$conf"
	[ "$case" = tuned ] ||
		sed -i '/^\(keepalive\|deadtime\|garp_repeat\|garp_interval\) = /d' "$conf"
	vsd -t -f "$conf" > /dev/null || { note "vsd -t rejects $conf"; return 1; }
	rm -f "$FO_TMP/A.pid" "$FO_TMP/B.pid"
	fo_start A "$dirA" "$conf" || return 1
	busywait $((FB_WAIT * 1000)) fo_active A || { note "vsd A not active"; return 1; }
	fo_start B "$dirB" "$conf" || return 1
	busywait $((FB_WAIT * 1000)) fo_standby B || { note "vsd B not standing by"; return 1; }
}

# fb_ka_conf NAME CASE: keepalived.conf for director NAME (A or B).
fb_ka_conf() {
	local name=$1 case=$2 state=MASTER prio=150 advert=1 port
	[ "$name" = A ] || { state=BACKUP; prio=100; }
	[ "$case" = tuned ] && advert=0.1
	{
		echo "global_defs {"
		echo "	router_id dir$name"
		echo "	vrrp_notify_fifo $FO_TMP/ka-$name.fifo"
		if [ "$case" = tuned ]; then
			echo "	vrrp_version 3"
			echo "	lvs_sync_daemon eth1 VI_1"
		fi
		echo "}"
		echo "vrrp_instance VI_1 {"
		echo "	state $state"
		echo "	interface eth0"
		echo "	virtual_router_id 51"
		echo "	priority $prio"
		echo "	advert_int $advert"
		echo "	virtual_ipaddress {"
		echo "		$VIP/24 dev eth0 label eth0:1"
		echo "		$NAT_ROUTER/24 dev eth1 label eth1:1"
		echo "	}"
		echo "}"
		for port in 7 80; do
			echo "virtual_server $VIP $port {"
			echo "	lb_algo rr"
			echo "	lb_kind NAT"
			echo "	protocol TCP"
			echo "	real_server 10.11.12.1 $port {"
			echo "	}"
			echo "	real_server 10.11.12.2 $port {"
			echo "	}"
			echo "}"
		done
	} > "$FO_TMP/ka-$name.conf"
}

# Its VRRP states, in order, come through a FIFO (notify scripts run
# concurrently and may append out of order): "INSTANCE "VI_1" STATE PRIO".
FB_FIFO_PIDS=
fb_ka_start() { # NAME NS CASE
	local name=$1 ns=$2 p=$FO_TMP/ka-$1
	fb_ka_conf "$name" "$3"
	rm -f "$p.pid" "$p-vrrp.pid" "$p-check.pid" "$p.state" "$p.fifo"
	mkfifo "$p.fifo"
	: > "$p.state"
	cat 0<> "$p.fifo" >> "$p.state" &	# read-write: no EOF between writers
	FB_FIFO_PIDS="$FB_FIFO_PIDS $!"
	ip netns exec "$ns" stdbuf -oL keepalived -n -l -D -f "$p.conf" -p "$p.pid" -r "$p-vrrp.pid" \
		-c "$p-check.pid" >> "$p.log" 2>&1 &
	disown $!	# its SIGKILL is the experiment, not news for the log
}

fb_ka_state() { # NAME STATE: its VRRP state now
	[ "$(awk '$1 == "INSTANCE" { s = $3 } END { print s }' "$FO_TMP/ka-$1.state")" = "$2" ]
}

fb_ka_up() {
	local case=$1
	fb_ka_start A "$dirA" "$case"
	busywait $((FB_WAIT * 1000)) fb_ka_state A MASTER || {
		note "keepalived A not MASTER"
		sed 's/^/#   /' "$FO_TMP/ka-A.log" | tail -n 20
		return 1
	}
	fb_ka_start B "$dirB" "$case"
	busywait $((FB_WAIT * 1000)) fb_ka_state B BACKUP || {
		note "keepalived B not BACKUP"
		sed 's/^/#   /' "$FO_TMP/ka-B.log" | tail -n 20
		return 1
	}
	# The checker configures the services on both.
	busywait $((FB_WAIT * 1000)) sh -c "ip netns exec $dirB ipvsadm -L -n | grep -q '10.11.12.2:80'" ||
		{ note "keepalived B has no virtual server"; return 1; }
	has_vip "$dirA" && ! has_vip "$dirB" && fb_ka_state A MASTER && fb_ka_state B BACKUP
}

fb_ka_pids() { # NAME
	cat "$FO_TMP/ka-$1.pid" "$FO_TMP/ka-$1-vrrp.pid" "$FO_TMP/ka-$1-check.pid" 2>/dev/null
}

# fb_synced: established connections to VIP:7 in B's table.
fb_synced() {
	adm "$dirB" -L -n -c | grep -c "ESTABLISHED .* $VIP:7 "
}

# fb_ports NS: the switch's ends of NS's eth0 and eth1.
fb_ports() {
	local dev idx
	for dev in eth0 eth1; do
		idx=$(ip netns exec "$1" cat "/sys/class/net/$dev/iflink") || return 1
		ip -n "$sw" -o link show | awk -F': ' -v i="$idx" '$1 == i { sub(/@.*/, "", $2); print $2 }'
	done
}

fb_promoted() { # IMPL: B took over
	if [ "$1" = vs ]; then fo_active B; else fb_ka_state B MASTER; fi
}

# --- One case ------------------------------------------------------------------

FB_HOLDER=
FB_PROBER=

fb_down() {
	local impl=$1 ns pid
	[ -n "$FB_PROBER" ] && kill "$FB_PROBER" 2>/dev/null
	[ -n "$FB_HOLDER" ] && kill "$FB_HOLDER" 2>/dev/null
	FB_PROBER=
	FB_HOLDER=
	if [ "$impl" = vs ]; then
		fo_kill B TERM
		fo_kill A KILL
		rm -f "$FO_TMP/A.pid" "$FO_TMP/B.pid"
	else
		for pid in $(fb_ka_pids B); do kill "$pid" 2>/dev/null; done
		busywait 5000 sh -c "! kill -0 $(fb_ka_pids B | head -n 1) 2>/dev/null"
		for pid in $(fb_ka_pids A) $(fb_ka_pids B) $FB_FIFO_PIDS; do
			kill -9 "$pid" 2>/dev/null
		done
		FB_FIFO_PIDS=
		for ns in "$dirA" "$dirB"; do
			in_ns "$ns" ipvsadm --stop-daemon master 2>/dev/null
			in_ns "$ns" ipvsadm --stop-daemon backup 2>/dev/null
		done
	fi
	for ns in "$client" "$dirA" "$dirB" "$rs1" "$rs2"; do
		# shellcheck disable=SC2046
		kill $(ip netns pids "$ns") 2>/dev/null
	done
	sleep 0.2
	cleanup_ns "$client" "$dirA" "$dirB" "$rs1" "$rs2" "$sw"
	impl_unload
	[ ! -d /sys/module/vs ] || busywait 10000 rmmod vs
}

fb_case() {
	local case=$1 impl=$2 round=$3 t0 t1 down ports p back ms late synced=- ready out alive n flaps
	rm -f "$FO_TMP"/*.log
	impl_load "$impl" || { note "cannot load $impl"; return 1; }
	if ! { fo_topology && http_server "$rs1" rs1 80 && http_server "$rs2" rs2 80 &&
		wait_port "$rs1" tcp 80 && wait_port "$rs2" tcp 80; }; then
		note "failover topology failed"
		fb_down "$impl"
		return 1
	fi
	if [ "$impl" = vs ]; then
		fb_vsd_up "$case"
	else
		fb_ka_up "$case"
	fi || {
		note "failover $case $impl round $round: the directors did not settle"
		result failover "$case" "$impl" "$round" settled=0
		fb_down "$impl"
		return 1
	}
	has_vip "$dirA" || note "failover $case $impl: A holds no VIP"

	rm -f "$FO_TMP/check" "$FO_TMP/holder.out" "$FO_TMP/probe"
	ip netns exec "$client" python3 "$FO_TMP/holder.py" "$VIP" 7 $FB_CONNS "$FO_TMP/check" \
		0.5 $FB_CHECK > "$FO_TMP/holder.out" 2>&1 &
	FB_HOLDER=$!
	busywait 30000 grep -q '^ready' "$FO_TMP/holder.out"
	ready=$(awk '$1 == "ready" { print $2 }' "$FO_TMP/holder.out")
	if [ "${ready:-0}" != $FB_CONNS ]; then
		note "failover $case $impl: only ${ready:-0} of $FB_CONNS connections work before the failure"
		sed 's/^/#   /' "$FO_TMP/holder.out"
		result failover "$case" "$impl" "$round" settled=0
		fb_down "$impl"
		return 1
	fi
	# Settled: B holds every connection where something syncs them.
	if [ "$impl" = vs ] || [ "$case" = tuned ]; then
		busywait $((FB_WAIT * 1000)) sh -c "[ \$(ip netns exec $dirB $ADM -L -n -c | grep -c 'ESTABLISHED .* $VIP:7 ') -ge $FB_CONNS ]" ||
			note "failover $case $impl: B's table holds only $(fb_synced) of $FB_CONNS connections"
	fi
	sleep 1
	synced=$(fb_synced)
	# Takeovers by B so far: false alarms of a loaded host.
	if [ "$impl" = vs ]; then
		flaps=$(grep -c "backup director is now active" "$FO_TMP/B.log")
	else
		flaps=$(awk '$1 == "INSTANCE" && $3 == "MASTER"' "$FO_TMP/ka-B.state" | wc -l)
	fi

	ip netns exec "$client" python3 "$FO_TMP/prober.py" "$VIP" 80 $FB_PROBE > "$FO_TMP/probe" 2>&1 &
	FB_PROBER=$!
	busywait 10000 test -s "$FO_TMP/probe" || note "failover $case $impl: the prober gets no answer"

	# A dies: unplugged at the switch, both its ports at once (taking its
	# links down one after the other waits for an RCU grace period each,
	# up to 0.7 s apart on a loaded emulator, and the heartbeats of the
	# second path would outlive the first); then its daemons are killed
	# and its links go down. The clock starts when the batch is done.
	ports=$(fb_ports "$dirA")
	t0=$(fb_ms)
	for p in $ports; do echo "link set dev $p state 0"; done | bridge -n "$sw" -batch -
	t1=$(fb_ms)
	down=$((t1 - t0))
	if [ "$impl" = vs ]; then
		fo_kill A KILL
	else
		# shellcheck disable=SC2046
		kill -9 $(fb_ka_pids A) 2>/dev/null
	fi
	printf 'link set eth0 down\nlink set eth1 down\n' | ip -n "$dirA" -batch -

	busywait $((FB_GIVEUP * 1000)) sh -c "awk -v t=$t1 '\$1 > t { f = 1 } END { exit !f }' $FO_TMP/probe"
	back=$(awk -v t="$t1" '$1 > t && (m == "" || $2 < m) { m = $2 } END { print m }' "$FO_TMP/probe")
	kill "$FB_PROBER" 2>/dev/null
	FB_PROBER=
	fb_promoted "$impl" || note "failover $case $impl: B did not take over"
	touch "$FO_TMP/check"
	busywait $(((FB_CHECK + 10) * 1000)) grep -q '^alive=' "$FO_TMP/holder.out"
	out=$(grep '^alive=' "$FO_TMP/holder.out")
	alive=$(echo "$out" | sed -n 's/.*alive=\([0-9]*\).*/\1/p')
	n=$(echo "$out" | sed -n 's/.*of=\([0-9]*\).*/\1/p')
	# No answer at all: counted as FB_GIVEUP, a lower bound, and flagged.
	ms=$((FB_GIVEUP * 1000))
	late=1
	[ -n "$back" ] && { ms=$((back - t1)); late=0; }
	result failover "$case" "$impl" "$round" ms=$ms late=$late down_ms=$down \
		survive="$(awk -v a="${alive:-0}" -v n="${n:-$FB_CONNS}" 'BEGIN { printf "%.2f", a / n }')" \
		alive="${alive:--}" of="${n:-$FB_CONNS}" synced="$synced" flaps="$flaps"
	fb_down "$impl"
}

fb_row() {
	local round case impl
	command -v keepalived > /dev/null || note "keepalived is not installed: no IPVS column (scripts/setup)"
	note "failover: $FB_CONNS connections, probes every $FB_PROBE s, $FB_CHECK s to echo after the takeover"
	for ((round = 1; round <= ROUNDS; round++)); do
		for case in default tuned; do
			for impl in vs ipvs; do
				[ "$impl" = ipvs ] && ! command -v keepalived > /dev/null && continue
				fb_case "$case" "$impl" "$round"
			done
		done
	done
}

fb_row
