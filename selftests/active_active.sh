#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Three active directors behind a BGP router's ECMP (aa_lib.sh), each
# running vsd in active_active mode with BIRD, direct routing to real
# servers, mh with mh-port. First the kernel's part alone: sloppy_tcp lets
# a mid-stream segment (not a RST) open a connection. Then, with
# long-lived flows running, checked byte by byte: a director killed (cable
# and daemons), a real server added, the dead director back with a table
# made afresh, a director drained, the real server removed again. Every
# flow must complete, each on the server it started on: a flow moved to a
# director whose vs chose another server would meet that server's reset.
# Then the announcements follow health (every server down: the VIP is
# withdrawn everywhere), and a director whose file differs is refused.

. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/aa_lib.sh"

require_vm
require_cmd bird birdc socat python3
load_vs || die "cannot load vs"

VSADM=$VS_TOP/build/bin/vsadm
FLOWS=30
D1=$(aa_dir_addr 1)
D2=$(aa_dir_addr 2)
D3=$(aa_dir_addr 3)

# results_ok PORTS-FILE: every flow listed (a client port per line) ended
# ok; prints "good/all".
results_ok() {
	local good all
	all=$(wc -l < "$1")
	good=$(grep -F -w -f "$1" "$AA_TMP/result" | awk '$3 == "ok"' | wc -l)
	echo "$good/$all"
	[ "$good" = "$all" ]
}

# sloppy_probe FLAGS PORT: a TCP segment with FLAGS from the client's
# address to VIP:7, sent by the router straight to director 1 (as ECMP
# would); prints the state of the connection director 1 then holds for
# it, or "none".
sloppy_probe() {
	local mac
	mac=$(ip -n "$aad1" -br link show eth0 | awk '{ print $3 }')
	in_ns "$aarouter" python3 - "$mac" "$AA_CLIENT" "$AA_VIP" "$1" "$2" "$VS_TOP/selftests" <<'EOF'
import sys
sys.path.insert(0, sys.argv[6])
from pkt_abuse import Link, ip, tcp, TCP
mac, src, dst, flags, port = sys.argv[1:6]
bits = sum({"F": 1, "S": 2, "R": 4, "A": 16}[f] for f in flags)
Link("eth1", mac).send(ip(src, dst, TCP, tcp(src, dst, int(port), 7, bits,
                                             seq=1000, ack=2000)))
EOF
	sleep 0.3
	in_ns "$aad1" "$VSADM" -L -n -c | awk -v c="$AA_CLIENT:$2" '$4 == c { print $3; f = 1 } END { if (!f) print "none" }'
}

# Waits (for busywait): directors I... hold a connection for every flow;
# rs4 is in (not in) their tables; director I is refused.
hold_all() {
	local i
	for i in "$@"; do
		[ "$(aa_ports_on "$i" | wc -l)" -ge "$FLOWS" ] || return 1
	done
}

rs4_on() {
	local i
	for i in "$@"; do
		in_ns "$(aa_dir_ns "$i")" "$VSADM" -L -n | grep -q "$(aa_rs_addr 4):7" || return 1
	done
}

rs4_gone() {
	local i
	for i in "$@"; do
		! in_ns "$(aa_dir_ns "$i")" "$VSADM" -L -n | grep -q "$(aa_rs_addr 4):7" || return 1
	done
}

refused() { aa_json "$1" "a['refused']" | grep -q 'config differs'; }

aa_topology || die "cannot build the topology"

# --- the kernel: sloppy_tcp ----------------------------------------------
in_ns "$aad1" "$VSADM" -A -t "$AA_VIP:7" -s mh -b mh-port
in_ns "$aad1" "$VSADM" -a -t "$AA_VIP:7" -r "$(aa_rs_addr 1):7" -g
check_eq "sloppy_tcp 0: a mid-stream ACK opens no connection" none "$(sloppy_probe A 41001)"
in_ns "$aad1" sysctl -qw net.vs.sloppy_tcp=1
check_eq "sloppy_tcp 1: a mid-stream ACK opens an established one" ESTABLISHED "$(sloppy_probe A 41002)"
check_eq "... a FIN one that is closing" CLOSE "$(sloppy_probe FA 41003)"
check_eq "... a RST none" none "$(sloppy_probe R 41004)"
check_eq "... a SYN still a new one" SYN_RECV "$(sloppy_probe S 41005)"
in_ns "$aad1" "$VSADM" -C
in_ns "$aad1" sysctl -qw net.vs.sloppy_tcp=0

# --- vsd on three directors ----------------------------------------------
aa_key
aa_conf 1 1 2 3 > "$AA_TMP/conf1"
aa_conf 2 1 2 3 4 > "$AA_TMP/conf2"
aa_conf 3 1 2 3 > "$AA_TMP/conf3"
check "vsd -t accepts the directors' file" in_ns "$aad1" vsd -t -f "$AA_TMP/conf1"
for i in 1 2 3; do
	cp "$AA_TMP/conf1" "$AA_TMP/vsd$i.conf"
	bird_start "d$i" "$(aa_dir_ns "$i")" aa_bird_director_conf "$i" ||
		die "BIRD on director $i"
	aa_vsd_start "$i" "$AA_TMP/vsd$i.conf" || die "vsd on director $i"
done
if busywait 30000 aa_nexthops_are "$D1" "$D2" "$D3"; then
	ok "the router learns the VIP from all three directors (ECMP via $(aa_nexthops))"
else
	fail "the router learns the VIP from all three directors (has: $(aa_nexthops))"
	birdc_of router show protocols all >&2
	for i in 1 2 3; do aa_vsd "$i" status >&2; done
	finish
fi
check_eq "each director's vsd turned sloppy_tcp on" "1 1 1" \
	"$(for i in 1 2 3; do in_ns "$(aa_dir_ns $i)" cat /proc/sys/net/vs/sloppy_tcp; done | tr '\n' ' ' | sed 's/ $//')"
check_eq "vsd's route in table $AA_TABLE" "$AA_VIP dev lo proto 251 scope link" \
	"$(ip -n "$aad1" route show table $AA_TABLE | sed 's/ *$//')"

aa_flows_start $((600 * TIME_SCALE)) $FLOWS ||
	die "flows did not open: $(cat "$AA_TMP/flows.err")"
aa_routed_to > "$AA_TMP/routed"
for i in 1 2 3; do
	awk -v d="$(aa_dir_addr $i)" '$2 == d { print $1 }' "$AA_TMP/routed" > "$AA_TMP/first$i"
done
spread="$(wc -l < "$AA_TMP/first1") $(wc -l < "$AA_TMP/first2") $(wc -l < "$AA_TMP/first3")"
servers=$(awk '{ print $2 }' "$AA_TMP/ready" | sort | uniq -c | awk '{ print $1 }' | tr '\n' ' ')
# 30 flows hashed over three paths: a share below 3 is 1 in 3,000.
if awk -v s="$spread" 'BEGIN { n = split(s, a, " "); for (i = 1; i <= n; i++) if (a[i] < 3) exit 1 }'; then
	ok "flows spread over the three directors ($spread of $FLOWS) and the three servers (${servers% })"
else
	fail "flows spread over the three directors ($spread of $FLOWS; servers ${servers% })"
fi
# Each director holds every flow: its own, and the others' by sync.
check "connection sync: every director holds all $FLOWS flows" busywait 10000 hold_all 1 2 3

sleep $((1 * TIME_SCALE))
# vsd first (SIGKILL: its route stays, as on a crash), then the cable and
# BIRD, from which the router's BFD counts.
kill -KILL "$(cat "$AA_TMP/vsd2.pid")"
t0=$(date +%s%3N)
aa_dir_link 2 down
bird_kill d2
if busywait 15000 aa_nexthops_are "$D1" "$D3"; then
	ok "director 2 killed (cable, BIRD, vsd): the router stops using it after $(($(date +%s%3N) - t0)) ms"
else
	fail "the router stops using a killed director (has: $(aa_nexthops))"
fi

# rs4 joins: mh's table changes, the open flows keep their servers.
aa_reload 1 "$AA_TMP/conf2"
aa_reload 3 "$AA_TMP/conf2"
check "a real server added on the live directors" busywait 10000 rs4_on 1 3

sleep $((2 * TIME_SCALE))
# Director 2 comes back as after a reboot: an empty table; vsd fills it
# and gets the others' connections (a full sync) before it announces.
in_ns "$aad2" "$VSADM" -C
aa_dir_link 2 up
cp "$AA_TMP/conf2" "$AA_TMP/vsd2.conf"
bird_start d2 "$aad2" aa_bird_director_conf 2 || fail "BIRD on director 2 again"
aa_vsd_start 2 "$AA_TMP/vsd2.conf" || fail "vsd on director 2 again"
if busywait 30000 aa_nexthops_are "$D1" "$D2" "$D3"; then
	ok "director 2 back with a fresh table: the router uses it again"
else
	fail "director 2 back: the router uses it again (has: $(aa_nexthops))"
fi
check "... holding every flow by sync" busywait 10000 hold_all 2 ||
	{ aa_vsd 2 status >&2; in_ns "$aad2" "$VSADM" -L -n >&2; tail -20 "$AA_TMP/vsd2.log" >&2; }

sleep $((2 * TIME_SCALE))
aa_vsd 1 drain > /dev/null
check "vsd drain on director 1: the router stops using it" \
	busywait 5000 aa_nexthops_are "$D2" "$D3"
check_eq "... its status says draining" draining "$(aa_json 1 "a['drain']['state']")" ||
	{ aa_vsd 1 status >&2; in_ns "$aad1" "$VSADM" -L -n >&2; in_ns "$aad1" "$VSADM" -L -n -c | head >&2; tail -20 "$AA_TMP/vsd1.log" >&2; }
sleep $((2 * TIME_SCALE))
aa_vsd 1 undrain > /dev/null
check "undrain: the router uses it again" \
	busywait 10000 aa_nexthops_are "$D1" "$D2" "$D3"

# rs4 leaves again (no flow is on it: they all began before it came).
for i in 1 2 3; do aa_reload "$i" "$AA_TMP/conf3"; done
check "the real server removed on every director" busywait 10000 rs4_gone 1 2 3
check "... and all three announce again" \
	busywait 10000 aa_nexthops_are "$D1" "$D2" "$D3"

check "the flows were still going through every move" aa_flows_running
aa_flows_wait || die "the flows' client failed"
if r=$(results_ok "$AA_TMP/first2"); then
	ok "every flow on the killed director completes, every byte echoed, on its server ($r)"
else
	fail "every flow on the killed director completes ($r)"
fi
cat "$AA_TMP/first1" "$AA_TMP/first3" > "$AA_TMP/others"
if r=$(results_ok "$AA_TMP/others"); then
	ok "every flow on the other directors completes through it all ($r)"
else
	fail "every flow on the other directors completes ($r)"
fi
grep -v ' ok ' "$AA_TMP/result" | head -5 | sed 's/^/# /'

# --- announcements follow health -----------------------------------------
for i in 1 2 3 4; do
	in_ns "$(aa_rs_ns "$i")" pkill -f "TCP-LISTEN:7" 2> /dev/null
done
t0=$(date +%s%3N)
if busywait 15000 aa_nexthops_are ""; then
	ok "every server down: all three withdraw, the router has no route after $(($(date +%s%3N) - t0)) ms"
else
	fail "every server down: the VIP is withdrawn (has: $(aa_nexthops))"
fi
check_eq "... vsd says why" "no healthy server" \
	"$(aa_json 1 "[v['reason'] for v in a['vips']][0]")"

# --- a director whose file differs ---------------------------------------
for i in 1 2 3 4; do
	in_ns "$(aa_rs_ns "$i")" socat -t 5 TCP-LISTEN:7,fork,reuseaddr \
		SYSTEM:"echo rs$i; exec cat" > /dev/null 2>&1 &
	defer "kill $! 2>/dev/null"
done
check "servers back: the three announce again" \
	busywait 15000 aa_nexthops_are "$D1" "$D2" "$D3"
sed 's/^serial_no = .*/serial_no = 9/' "$AA_TMP/conf3" > "$AA_TMP/conf9"
aa_vsd_kill 3 TERM
cp "$AA_TMP/conf9" "$AA_TMP/vsd3.conf"
aa_vsd_start 3 "$AA_TMP/vsd3.conf" || fail "vsd on director 3 again"
check "director 3 with another file is refused" busywait 10000 refused 3
sleep $((2 * TIME_SCALE))
check_eq "... and the router does not use it" "$D1 $D2" "$(aa_nexthops)"
finish
