#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The connection table under churn. With a 1 s UDP timeout, pktgen on
# every CPU keeps 1.5 x as many flows as it sends packets a second
# (sources x 4 ports, to a plain and a persistent service), so each flow
# is at the edge of expiry and the collector unhashes connections while
# packets on both CPUs look them up, touch and re-make them. At the same time:
# connection-sync installs (VS_CMD_NEW_CONN) of the very same tuples and
# persistence entries, and waves of 20,000 other connections that swell
# the table past its resize points and drain away again; and full
# connection dumps in a loop.
# Afterwards the table must be consistent: everything expires, the
# servers' counters return to 0, a flush empties a full table, a real
# client is answered, and the module unloads with no connection left.
#
#   client (pktgen, 10.0.0.1-N:1024-1027) -- pub -- director -- priv --
#     rs1, rs2 (UDP echo on 5000 and 5001)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/stress_lib.sh"
require_vm
require_cmd python3
require_pktgen

WAVE=${STRESS_WAVE:-20000}
load_vs || die "insmod"
topo_nat 2 || die "topology"
d() { in_ns "$dir" "$@"; }
d ip route add 10.0.0.0/8 via $CLIENT_IP
for i in 1 2; do
	for port in 5000 5001; do
		udp_server "$(rs_ns $i)" $port 0.0.0.0 ""
		defer "kill $! 2>/dev/null"
	done
done
for i in 1 2; do
	wait_port_long "$(rs_ns $i)" udp 5001 || die "servers on rs$i"
done
d vsadm -R <<EOF || die "table"
-A -u $VIP:5000 -s wlc
-a -u $VIP:5000 -r 10.11.12.1:5000 -m
-a -u $VIP:5000 -r 10.11.12.2:5000 -m
-A -u $VIP:5001 -s rr -p 1
-a -u $VIP:5001 -r 10.11.12.1:5001 -m
-a -u $VIP:5001 -r 10.11.12.2:5001 -m
--set 0 0 1
EOF
tmp=$(mktemp -d)
defer rm -rf "$tmp"
sync_py=$VS_TOP/selftests/stress_sync.py

# Full dumps until told to stop; counts the good ones, those vsadm gave
# up on because every retry met a resize (NLM_F_DUMP_INTR: it will not
# print a list that may miss or repeat connections, and the waves resize
# the table every few seconds), and other failures.
dump_loop() {
	local good=0 intr=0 bad=0
	while [ ! -e "$tmp/stop" ]; do
		if d vsadm -L -n -c > /dev/null 2> "$tmp/dump.err"; then
			good=$((good + 1))
		elif grep -q "kept changing" "$tmp/dump.err"; then
			intr=$((intr + 1))
		else
			bad=$((bad + 1))
			cp "$tmp/dump.err" "$tmp/dump.lasterr"
		fi
	done
	echo "$good $intr $bad" > "$tmp/dumps"
}

dmac=$(d cat /sys/class/net/eth0/address)
# Flows = 1.5 x packets a second: each comes back 1.5 s after its last
# packet, when the collector (once a second) may or may not have taken it.
nsrc=$((STRESS_PPS * NCPU * 3 / 16))
[ "$nsrc" -gt 250 ] && nsrc=250
[ "$nsrc" -lt 8 ] && nsrc=8
# Odd, so that with 4 source and 2 destination ports it makes 8 x as many
# flows (all three step together).
nsrc=$((nsrc | 1))
pg_flood "$client" "$dmac" $VIP 5000-5001 10.0.0.1-10.0.0.$nsrc 1024-1027 ||
	die "pktgen"
start=$(date +%s)
before=$(svc_stats "$dir" udp $VIP:5000)
min=$(stress_min 6)
d "$sync_py" "$STRESS_SECONDS" $VIP 5000 10.11.12.1,10.11.12.2 5000 "$WAVE" \
	"$min" > "$tmp/sync" 2>&1 &
syncer=$!
dump_loop &
dumper=$!
defer "touch $tmp/stop; kill $syncer 2>/dev/null"

# The syncer runs for STRESS_SECONDS (and MIN waves) and samples the
# count as it goes; the dump loop stops with it.
wait $syncer
touch "$tmp/stop"
wait $dumper
secs=$(($(date +%s) - start))
after=$(svc_stats "$dir" udp $VIP:5000)
sent=$(pg_sent "$client")
pg_stop "$client"
read -r _ waves _ _ _ errors _ conns _ buckets <<< "$(cat "$tmp/sync")"
read -r dumps dumps_intr dumps_bad < "$tmp/dumps"
log "$secs s: $sent packets sent ($(rate "$sent" "$secs")/s); service 5000 conns/inpkts/outpkts $before -> $after"
log "sync: $(cat "$tmp/sync")"
log "dumps: $dumps good ($(rate "$dumps" "$secs")/s), $dumps_intr given up on after resizes, $dumps_bad failed otherwise"

check "install waves: $waves (at least $min)" test "${waves:-0}" -ge "$min"
check_eq "every install succeeded" none "$errors"
check "connection dumps: $dumps (at least $min)" test "${dumps:-0}" -ge "$min"
check_eq "no dump failed but for resizes" 0 "$dumps_bad" ||
	sed 's/^/#   /' "$tmp/dump.lasterr" 2> /dev/null
# Half the flood may die in the emulated backlogs; a tenth must arrive.
# New connections are few when installs keep the tuples alive, but some.
din=$(( $(cut -d' ' -f2 <<< "$after") - $(cut -d' ' -f2 <<< "$before") ))
made=$(( $(cut -d' ' -f1 <<< "$after") - $(cut -d' ' -f1 <<< "$before") ))
check "traffic reached the service during the storm: $din of $sent packets" \
	test $((din * 10)) -ge "$sent"
check "and kept making connections: $made new ones for $((nsrc * 8)) flows" \
	test "$made" -gt 0
check "replies crossed the FORWARD hook" \
	test "$(cut -d' ' -f3 <<< "$after")" -gt "$(cut -d' ' -f3 <<< "$before")"
check "the table swelled past 10,000 and drained below 5,000 (${conns:-?})" \
	test "${conns#*-}" -ge 10000 -a "${conns%-*}" -lt 5000
check "its bucket count changed (${buckets:-?})" test "${buckets%-*}" != "${buckets#*-}"

# Consistency after the storm.
check_eq "a UDP request is answered" "hello" \
	"$(echo hello | udp_ask "$client" $VIP 5000)"
check "every connection expires (1 s timeout)" \
	busywait 20000 conn_count_is "$dir" 0
check_eq "the servers' active/inactive counters return to 0" 0 "$(dest_conns "$dir")"
check_eq "no persistence entry is left" 0 "$(persist_conns "$dir")"
d vsadm --set 0 0 300
d "$sync_py" 0 $VIP 5000 10.11.12.1,10.11.12.2 5000 "$WAVE" 1 once > "$tmp/once"
n=$(vs_info "$dir" conn_count)
check "one more wave fills the table for the flush: $n" test "$n" -ge "$WAVE"
d vsadm -C
check "a flush with $n connections returns the count to 0" \
	busywait 10000 conn_count_is "$dir" 0
check "vs unloads" rmmod_vs
check_eq "every connection was freed (vs_conn cache gone)" none "$(vs_conn_slab)"
finish
