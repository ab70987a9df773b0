#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Director failover with vsd (failover_lib.sh: the LVS guide's NAT example with
# two directors). The primary comes up active with the floating addresses;
# the backup holds its connections through sync. Then the primary dies
# (vsd killed with SIGKILL, its links down): the backup takes the VIP and
# the NAT router address, an open TCP connection carries on byte for byte
# and a persistent client keeps its server, and new connections work; the
# gap is measured and printed. The primary comes back: with preempt it
# first gets the connections, then takes the role back, and the open
# connection still carries on.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd socat python3

load_vs || die "insmod"
fo_topology || die "topology"
fo_conf "$FO_TMP/vsd.conf"
check "vsd -t accepts the failover configuration" vsd -t -f "$FO_TMP/vsd.conf"
fo_start A "$dirA" "$FO_TMP/vsd.conf" || die "vsd A"
fo_start B "$dirB" "$FO_TMP/vsd.conf" || die "vsd B"

check "the primary becomes active" busywait 10000 fo_active A
check "the backup stands by" busywait 5000 fo_standby B
check "the VIP is on the primary" has_vip "$dirA"
check "and not on the backup" sh -c "! ip -n $dirB -4 addr show dev eth0 | grep -q ' $VIP/'"
check "the NAT router address is on the primary's eth1" \
	sh -c "ip -n $dirA -4 addr show dev eth1 | grep -q ' $NAT_ROUTER/'"
check "the backup got the active's state" busywait 10000 fo_synced B
check "a standby that never changed role says just that" \
	grep -q "^failover: backup director, standby; links up" <<< "$(fo_status B)"
check_eq "the standby schedules nothing (backup_only 1)" "1 True" \
	"$(backup_only "$dirB") $(fo_json B 's["backup_only"]')"
check_eq "the active director schedules (backup_only 0)" "0 False" \
	"$(backup_only "$dirA") $(fo_json A 's["backup_only"]')"
in_ns "$dirB" sysctl -qw net.vs.backup_only=0
check "vsd puts backup_only back when changed behind its back" \
	busywait 15000 sh -c "[ \$(ip netns exec $dirB cat /proc/sys/net/vs/backup_only) = 1 ]"

# An open connection, fed through a fifo, and a persistent client.
mkfifo "$FO_TMP/in"
(in_ns "$client" socat -T 120 - TCP:$VIP:7 < "$FO_TMP/in" > "$FO_TMP/out" 2>&1) &
exec {hold}> "$FO_TMP/in"
echo before >&$hold
check "the open connection works" busywait 5000 grep -qx before "$FO_TMP/out"
sticky=$(in_ns "$client" socat -t 10 - TCP:$VIP:8 < /dev/null)
check "the backup holds the open connection" busywait 5000 \
	sh -c "ip netns exec $dirB vsadm -L -n -c | grep -q 'ESTABLISHED .* $VIP:7 '"

# New connections every 50 ms, each line "ms ok|fail".
cat > "$FO_TMP/prober.py" <<'PY'
import socket, sys, time
vip = sys.argv[1]
while True:
    t = time.time()
    try:
        s = socket.create_connection((vip, 7), timeout=0.2)
        s.sendall(b"x\n")
        ok = s.recv(16) == b"x\n"
        s.close()
    except OSError:
        ok = False
    print("%d %s" % (t * 1000, "ok" if ok else "fail"), flush=True)
    time.sleep(0.05)
PY
in_ns "$client" python3 "$FO_TMP/prober.py" $VIP > "$FO_TMP/probe" 2>&1 &
prober=$!
defer "kill $prober 2> /dev/null"
busywait 5000 grep -q ok "$FO_TMP/probe"

# The primary dies: vsd killed, then the machine's links gone (a vsd crash
# alone would leave its kernel forwarding).
fo_kill A KILL
ip -n "$dirA" link set eth0 down
ip -n "$dirA" link set eth1 down
dead=$(date +%s%3N)
check "the backup becomes active" busywait 10000 fo_active B
check "with the VIP" has_vip "$dirB"
check_eq "and schedules (backup_only 0)" 0 "$(backup_only "$dirB")"
echo after >&$hold
check "the open connection carries on through the backup" \
	busywait 10000 grep -qx after "$FO_TMP/out"
check_eq "the persistent client keeps its server" "$sticky" \
	"$(in_ns "$client" socat -t 10 - TCP:$VIP:8 < /dev/null)"
check "new connections work through the backup" \
	busywait 10000 sh -c "awk -v d=$dead '\$1 > d && \$2 == \"ok\"' $FO_TMP/probe | grep -q ."
kill $prober
back=$(awk -v d="$dead" '$1 > d && $2 == "ok" { print $1; exit }' "$FO_TMP/probe")
last=$(awk -v d="$dead" '$1 <= d && $2 == "ok" { t = $1 } END { print t }' "$FO_TMP/probe")
if [ -n "$back" ]; then
	log "VIP answered again $((back - dead)) ms after the primary's links went down (deadtime $FO_DEADTIME s, keepalive $FO_KEEPALIVE s; probes every 50 ms)"
else
	log "no new connection got through after the primary's links went down"
fi

# The primary comes back, with preempt (the default): it gets the
# connections first, then takes the role back; the connection carries on.
ip -n "$dirA" link set eth0 up
ip -n "$dirA" link set eth1 up
fo_start A "$dirA" "$FO_TMP/vsd.conf" || die "vsd A again"
check "the returning primary takes the role back" busywait 15000 fo_active A
check "the backup stands by again" busywait 5000 fo_standby B
check_eq "backup_only follows: on on the backup, off on the primary" "1 0" \
	"$(backup_only "$dirB") $(backup_only "$dirA")"
check "the returning primary had the connections synced first" \
	sh -c "ip netns exec $dirA vsadm -L -n -c | grep -q 'ESTABLISHED .* $VIP:7 '"
echo again >&$hold
check "the open connection carries on through the primary again" \
	busywait 10000 grep -qx again "$FO_TMP/out"
check "one VIP owner: the backup released it" \
	sh -c "! ip -n $dirB -4 addr show dev eth0 | grep -q ' $VIP/'"
check "the bytes of the open connection are intact" \
	test "$(tr -d '\r' < "$FO_TMP/out")" = "$(printf 'before\nafter\nagain')"
finish
