#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An lvs.cf as Piranha wrote it: heartbeat = 1 and no heartbeat_key
# (failover_lib.sh topology, the LVS guide's NAT pair). Heartbeats could not be
# authenticated, so nothing fails over, but the site serves as it did
# under pulse: the primary takes the VIP and the NAT router address and
# directs; the backup stands by for good (no address, backup_only on, no
# takeover, even when the primary stops). Both say so. The primary's
# active_cmd: split with quotes, started clean (own process group, no
# signal blocked, stdin /dev/null), without privilege (vsd runs as root
# here: the command as nobody, no capability, no_new_privs), killed with
# its group after 30 s.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd socat python3

load_vs || die "insmod"
fo_topology || die "topology"
# active_cmd, run as the primary takes its addresses: what it was given
# and what it inherited, then a child and a sleep that outlive the timeout.
# It runs as nobody: its directory is open to all.
prog=$FO_TMP/prog
mkdir -m 777 "$prog"
chmod 711 "$FO_TMP"
cat > "$prog/role.sh" <<'SH'
#!/bin/sh
out=$1
shift
st() { awk -v k="$1:" '$1 == k { print $2 }' /proc/self/status; }
{
	echo "args $#: $1|$2"
	echo "blocked $(st SigBlk)"
	echo "stdin $(readlink /proc/self/fd/0)"
	[ "$(ps -o pgid= -p $$ | tr -d ' ')" = "$$" ] && echo "own group"
	echo "uid $(id -u) caps $(st CapEff) $(st CapPrm) $(st CapInh) $(st CapAmb) nnp $(st NoNewPrivs)"
} > "$out"
sleep 1001 &
exec sleep 1000
SH
chmod 755 "$prog/role.sh"
fo_conf "$FO_TMP/vsd.conf" \
	"active_cmd=$prog/role.sh $prog/active.out \"two words\" third"
sed -i '/^heartbeat_key = /d' "$FO_TMP/vsd.conf"
check "vsd -t accepts it, with a note that nothing fails over" \
	grep -q "no failover until a key file is configured" <<< "$(vsd -t -f "$FO_TMP/vsd.conf" 2>&1)"
fo_start A "$dirA" "$FO_TMP/vsd.conf" || die "vsd A"
fo_start B "$dirB" "$FO_TMP/vsd.conf" || die "vsd B"

check "the primary says it holds the addresses for good" \
	grep -q "^failover: OFF, no heartbeat_key: primary director, ACTIVE" <<< "$(fo_status A)"
check "the backup says it never takes over" \
	grep -q "^failover: OFF, no heartbeat_key: backup director, standby for good" <<< "$(fo_status B)"
check "and its log said so at start" grep -q "will never take over" "$FO_TMP/B.log"
check "the VIP is on the primary" busywait 5000 has_vip "$dirA"
check "so is the NAT router address" \
	sh -c "ip -n $dirA -4 addr show dev eth1 | grep -q ' $NAT_ROUTER/'"
check "not on the backup" sh -c "! ip -n $dirB -4 addr show | grep -q ' $VIP/'"
check_eq "backup_only: off on the primary, on on the backup" "0 1" \
	"$(backup_only "$dirA") $(backup_only "$dirB")"
check_eq "the JSON says keyless" "True True False" \
	"$(fo_json A 's["failover"]["keyless"], s["failover"]["active"]') $(fo_json B 's["failover"]["active"]')"
check_eq "the service answers through the primary" hello \
	"$(echo hello | in_ns "$client" socat -t 5 - TCP:$VIP:7)"
check "vsd takeover on the backup is refused" \
	sh -c "! vsd -s $FO_TMP/B.sock takeover > $FO_TMP/out 2>&1 && grep -q 'needs a heartbeat_key' $FO_TMP/out"

check_eq "active_cmd ran, its quoted words one argument, no signal blocked, stdin /dev/null, its own process group, as nobody without capabilities" \
	"args 2: two words|third blocked 0000000000000000 stdin /dev/null own group uid 65534 caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000 nnp 1" \
	"$(busywait 5000 test -s "$prog/active.out"; tr '\n' ' ' < "$prog/active.out" | sed 's/ $//')"
check "active_cmd still running after 30 s is killed, and logged" \
	busywait 45000 grep -q "active_cmd still running after 30 s: killed" "$FO_TMP/A.log"
check "with its whole process group" busywait 5000 sh -c "! pgrep -f 'sleep 100[01]'"
fo_kill A TERM
check "the primary, stopped, releases its addresses" \
	sh -c "! ip -n $dirA -4 addr show | grep -q ' $VIP/'"
sleep 2		# four deadtimes
check "the backup still does not take over" \
	sh -c "! ip -n $dirB -4 addr show | grep -q ' $VIP/'"
check "and still schedules nothing" test "$(backup_only "$dirB")" = 1
finish
