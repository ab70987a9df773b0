#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An lvs.cf as Piranha wrote it: heartbeat = 1 and no heartbeat_key
# (failover_lib.sh topology, seed 003's NAT pair). Heartbeats could not be
# authenticated, so nothing fails over, but the site serves as it did
# under pulse: the primary takes the VIP and the NAT router address and
# directs; the backup stands by for good (no address, backup_only on, no
# takeover, even when the primary stops). Both say so.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd socat python3

load_vs || die "insmod"
fo_topology || die "topology"
fo_conf "$FO_TMP/vsd.conf"
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

fo_kill A TERM
check "the primary, stopped, releases its addresses" \
	sh -c "! ip -n $dirA -4 addr show | grep -q ' $VIP/'"
sleep 2		# four deadtimes
check "the backup still does not take over" \
	sh -c "! ip -n $dirB -4 addr show | grep -q ' $VIP/'"
check "and still schedules nothing" test "$(backup_only "$dirB")" = 1
finish
