#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Failover's edges (failover_lib.sh topology):
# - the active director's public link down: heartbeats still cross the
#   private path, so no takeover and no split brain; with monitor_links
#   the active director yields and the backup takes over;
# - forged, replayed, stale heartbeats and ones from another address
#   change nothing and are counted;
# - both directors report a configuration mismatch (serial_no differs);
# - without preempt a returning primary stays standby, and vsd takeover /
#   vsd release switch by hand;
# - split brain: a backup that cannot hear the primary takes the role;
#   the primary keeps it, announcing its addresses again at most once per
#   garp_interval, and the backup yields once it hears the primary;
# - a vsd killed while active and started again (as the standby) drops the
#   floating addresses its earlier run left: one MAC answers for the VIP;
# - a standby's own sync datagram reflected back to it is refused and the
#   active's still pass; heartbeats captured before a restart and replayed
#   count for nothing; another heartbeat_key is reported on both sides;
# - a standby started after the active asks for its connections at once.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd python3 iptables tcpdump

load_vs || die "insmod"
fo_topology || die "topology"
fo_conf "$FO_TMP/a.conf" preempt=0
fo_conf "$FO_TMP/b.conf" preempt=0
fo_start A "$dirA" "$FO_TMP/a.conf" || die "vsd A"
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
check "the primary becomes active" busywait 10000 fo_active A
check "the backup stands by" busywait 5000 fo_standby B

# Forgeries at the backup's public address, from the primary's (spoofed)
# and from the client's.
forge() { # NS KIND
	in_ns "$1" "$VS_TOP/selftests/hb_forge.py" "$FO_TMP/hb.key" 192.168.26.8 539 "$2"
}
for kind in forged replayed stale; do forge "$dirA" $kind; done
forge "$client" good
check_eq "forged, replayed, stale heartbeats and one from another address are counted" \
	"1 1 1 1" \
	"$(fo_json B '"%d %d %d %d" % tuple(s["failover"]["ignored"][k] for k in ("forged", "replayed", "stale", "stranger"))')"
check "and change nothing" fo_standby B
check "one forged heartbeat is no key mismatch" \
	test "$(fo_json B 's["failover"]["key_mismatch"]')" = False
check "the primary is still active" fo_active A

# The public link of the active director goes down.
ip -n "$dirA" link set eth0 down
sleep 2
check "private path alone: no takeover" fo_standby B
check "the primary is still active" fo_active A
check "the backup still hears the primary" \
	test "$(fo_json B 's["failover"]["peer"]["alive"]')" = True
ip -n "$dirA" link set eth0 up

# With monitor_links the active director yields when a link goes down.
fo_kill A TERM
fo_kill B TERM
check "a stopped active director releases its addresses" \
	sh -c "! ip -n $dirA -4 addr show dev eth0 | grep -q ' $VIP/'"
fo_conf "$FO_TMP/a.conf" preempt=0 monitor_links=1
fo_conf "$FO_TMP/b.conf" preempt=0 monitor_links=1
fo_start A "$dirA" "$FO_TMP/a.conf" || die "vsd A"
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
busywait 10000 fo_active A
ip -n "$dirA" link set eth0 down
check "monitor_links: the primary yields" busywait 10000 fo_standby A
check "monitor_links: the backup takes over" busywait 10000 fo_active B
check "and holds the VIP" has_vip "$dirB"
ip -n "$dirA" link set eth0 up
sleep 2
check "preempt = 0: the primary, back, stays standby" fo_standby A
check "vsd takeover on the primary" vsd -s "$FO_TMP/A.sock" takeover
check "the primary is active" busywait 10000 fo_active A
check "the backup gave way" busywait 10000 fo_standby B
check "vsd release on the primary" vsd -s "$FO_TMP/A.sock" release
check "the backup takes the role" busywait 10000 fo_active B

# Split brain: B's heartbeat port filtered, so B hears nothing.
fo_kill A TERM
fo_kill B TERM
fo_conf "$FO_TMP/a.conf" preempt=0 garp_interval=1
fo_conf "$FO_TMP/b.conf" preempt=0 garp_interval=1
fo_start A "$dirA" "$FO_TMP/a.conf" || die "vsd A"
busywait 10000 fo_active A
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
busywait 5000 fo_standby B
ip netns exec "$dirB" iptables -I INPUT -p udp --dport 539 -j DROP
check "split brain: the backup that hears nothing takes the role" \
	busywait 5000 fo_active B
check "the primary keeps it" fo_active A
macA=$(ip -n "$dirA" link show eth0 | awk '/link\/ether/ { print $2 }')
arps=$(in_ns "$client" timeout 4 tcpdump -l -n -e -i eth0 \
	"arp and ether src $macA" 2> /dev/null | wc -l)
log "gratuitous ARPs of the primary in 4 s: $arps (garp_interval 1 s, heartbeats every 0.1 s)"
check "it announces again, once per garp_interval, not per heartbeat" \
	test "$arps" -ge 1 -a "$arps" -le 8
ip netns exec "$dirB" iptables -D INPUT -p udp --dport 539 -j DROP
check "hearing the primary again, the backup yields" busywait 5000 fo_standby B
check "the primary holds the VIP" has_vip "$dirA"
check "the backup does not" sh -c "! ip -n $dirB -4 addr show dev eth0 | grep -q ' $VIP/'"

# Different files: both say so.
fo_kill B TERM
fo_conf "$FO_TMP/b.conf" preempt=0 garp_interval=1
sed -i 's/^serial_no = 1$/serial_no = 2/' "$FO_TMP/b.conf"
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
check "the primary reports the configuration mismatch" busywait 5000 \
	sh -c "vsd -s $FO_TMP/A.sock status | grep -q 'CONFIGURATION MISMATCH'"
check "so does the backup" busywait 5000 \
	sh -c "vsd -s $FO_TMP/B.sock status | grep -q 'CONFIGURATION MISMATCH'"

# vsd killed on the active director, its links up: the kernel keeps its
# addresses. The peer takes over; the vsd started again (a standby,
# preempt = 0) must not keep them. The same with the backup killed while
# active.
vip_macs() { # the MACs that answer ARP for the VIP, sorted
	in_ns "$client" arping -c 3 -w 4 -I eth0 "$VIP" 2>/dev/null |
		grep -o '\[[0-9a-fA-F:]*\]' | tr -d '[]' | tr 'A-F' 'a-f' | sort -u | tr '\n' ' '
}
stale_restart() { # NAME NS PEER-NAME PEER-NS
	fo_kill "$1" KILL
	check "$1 killed: its VIP stays behind" has_vip "$2"
	check "$3 takes the role" busywait 10000 fo_active "$3"
	fo_start "$1" "$2" "$FO_TMP/$(tr AB ab <<< "$1").conf" || die "vsd $1 again"
	check "$1 started again stands by" busywait 5000 fo_standby "$1"
	check "and dropped the stale VIP" sh -c "! ip -n $2 -4 addr show dev eth0 | grep -q ' $VIP/'"
	check "the NAT router address too" sh -c "! ip -n $2 -4 addr show dev eth1 | grep -q ' $NAT_ROUTER/'"
	check "$3 still holds the VIP" has_vip "$4"
	check_eq "one MAC answers ARP for the VIP, $3's" \
		"$(ip -n "$4" link show eth0 | awk '/ether/ { print $2 }') " "$(vip_macs)"
}
busywait 10000 fo_active A
stale_restart A "$dirA" B "$dirB"
stale_restart B "$dirB" A "$dirA"

# A sync datagram of the standby reflected back to it (from the active's
# address, as an attacker on the link could): refused as its own, and the
# active's datagrams still pass (one window per sender; it was shared, and
# the standby's own sequence, ahead of the active's, blinded it for good).
fo_kill B TERM
in_ns "$dirA" timeout 20 tcpdump -n -i eth1 -c 1 -w "$FO_TMP/b-sync.pcap" \
	"udp and src host 10.11.12.8 and dst port 540" 2> /dev/null &
capture=$!
sleep 1
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
wait $capture
check_eq "the restarted standby's full-sync request, reflected to it" 1 \
	"$(in_ns "$dirA" "$VS_TOP/selftests/udp_replay.py" "$FO_TMP/b-sync.pcap" 10.11.12.8 540)"
check "is refused as its own" busywait 5000 \
	test "$(fo_json B 's["failover"]["sync"]["rejected_by"]["self"]')" = 1
in_ns "$client" socat -t 2 - TCP:$VIP:7,sourceport=40123 <<< reflected > /dev/null
check "the active's new connections still reach the standby" busywait 5000 \
	sh -c "ip netns exec $dirB vsadm -L -n -c | grep -q ':40123 \+$VIP:7 '"

# Heartbeats of the active captured, the standby restarted, the active's
# own heartbeats to it blocked (source port 539), the capture replayed:
# new to the restarted standby's window, but for its earlier run.
in_ns "$dirB" timeout 20 tcpdump -n -i eth0 -c 5 -w "$FO_TMP/a-hb.pcap" \
	"udp and src host 192.168.26.9 and dst port 539" 2> /dev/null
fo_kill B TERM
ip netns exec "$dirB" iptables -I INPUT -p udp --sport 539 -j DROP
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
check_eq "five heartbeats of the backup's earlier run replayed to it" 5 \
	"$(in_ns "$dirA" "$VS_TOP/selftests/udp_replay.py" "$FO_TMP/a-hb.pcap" 192.168.26.8 539)"
check "count for nothing (unfresh)" busywait 5000 \
	test "$(fo_json B 's["failover"]["ignored"]["unfresh"]')" = 5
check "the peer is not heard" \
	test "$(fo_json B 's["failover"]["peer"]["alive"]')" = False
ip netns exec "$dirB" iptables -D INPUT -p udp --sport 539 -j DROP
check "the active's own heartbeats are heard at once" busywait 5000 \
	test "$(fo_json B 's["failover"]["peer"]["alive"]')" = True
check "and the backup stands by" busywait 5000 fo_standby B
check "the primary is active" fo_active A

# Another heartbeat_key on the backup: both say so, loudly, and act as if
# the other were dead (failover.rst: garbage must not hold a takeover off).
head -c 32 /dev/urandom | base64 > "$FO_TMP/other.key"
chmod 600 "$FO_TMP/other.key"
fo_kill B TERM
cp "$FO_TMP/b.conf" "$FO_TMP/b-other.conf"
sed -i "s|^heartbeat_key = .*|heartbeat_key = $FO_TMP/other.key|" "$FO_TMP/b-other.conf"
fo_start B "$dirB" "$FO_TMP/b-other.conf" || die "vsd B (other key)"
check "the backup reports a key mismatch" busywait 5000 \
	sh -c "vsd -s $FO_TMP/B.sock status | grep -q 'KEY MISMATCH'"
check "so does the primary" busywait 5000 \
	sh -c "vsd -s $FO_TMP/A.sock status | grep -q 'KEY MISMATCH'"
check "in JSON too" test "$(fo_json A 's["failover"]["key_mismatch"]')" = True
check "the backup, hearing nothing it can trust, takes the role" busywait 5000 fo_active B
check_eq "the primary logged it once" 1 \
	"$(grep -c 'fails authentication' "$FO_TMP/A.log")"
fo_kill B TERM
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
check "the same key again: the primary's warning clears" busywait 5000 \
	sh -c "! vsd -s $FO_TMP/A.sock status | grep -q 'KEY MISMATCH'"
check "the backup stands by" busywait 5000 fo_standby B

# A standby started after the active asks for its connections as soon as
# it hears it, not some heartbeats later (it waited for its heartbeat
# counter to reach 1 modulo 8: up to 24 s at keepalive 3).
fo_kill A TERM
fo_kill B TERM
fo_conf "$FO_TMP/a.conf" keepalive=3 deadtime=9
fo_conf "$FO_TMP/b.conf" keepalive=3 deadtime=9
fo_start A "$dirA" "$FO_TMP/a.conf" || die "vsd A"
check "keepalive 3: the primary, alone, becomes active" busywait 15000 fo_active A
mkfifo "$FO_TMP/in"
(in_ns "$client" socat -T 60 - TCP:$VIP:7 < "$FO_TMP/in" > "$FO_TMP/out" 2>&1) &
exec {hold}> "$FO_TMP/in"
echo before >&$hold
busywait 5000 grep -qx before "$FO_TMP/out"
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
check "a standby started after the active holds its open connection within 2 heartbeats" \
	busywait 6000 sh -c "ip netns exec $dirB vsadm -L -n -c | grep -q 'ESTABLISHED .* $VIP:7 '"
exec {hold}>&-
finish
