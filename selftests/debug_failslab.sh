#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fault injection on the debug kernel (make check-debug): every error path
# of vs runs, and none leaves a half-made table, a leak or a warning.
#  1. Configuration: failslab.py fails each allocation of each command in
#     turn (fail-nth): a command fails whole or succeeds whole.
#  2. Forwarding: the vs_conn cache fails 30% of its allocations while new
#     UDP flows arrive through NAT: those flows are refused and counted,
#     the others answered; once injection stops every flow is answered.
#  3. Both at random: vsadm changing the table in a loop, its allocations
#     failing at 5%, while traffic flows. Afterwards the table still works
#     and empties cleanly. debug_kmemleak.sh, run after this, finds any leak.
#
#   client --- director (NAT) --- rs1 (UDP echo :53)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm

fs=/sys/kernel/debug/failslab
[ -d $fs ] || { skip "no failslab (not the debug kernel)"; finish; }
knob() { echo "$2" > "$1" || die "setting $1"; }
# Injection off but armed: GFP_KERNEL allocations count, every cache,
# quietly; fail_page_alloc only for large allocations (a small one failing
# in some other part of the kernel would warn there, not in vs).
failslab_off() {
	knob $fs/probability 0
	knob $fs/task-filter N
	knob $fs/cache-filter N
}
failslab_off
# The vs_conn cache is one that cache-filter lets fail: flagged at boot on
# 6.1 (scripts/vm-run's slub_debug=A,vs_conn; the sysfs file is read-only
# before 6.5), or here where it is writable.
conn_cache_fails() {
	local f=/sys/kernel/slab/vs_conn/failslab
	[ "$(cat $f)" = 1 ] || knob $f 1
}
knob $fs/ignore-gfp-wait N
knob $fs/verbose 0
knob $fs/interval 1
knob $fs/times -1
knob /sys/kernel/debug/fail_page_alloc/min-order 10
knob /sys/kernel/debug/fail_page_alloc/verbose 0
defer "echo 0 > $fs/probability; echo N > $fs/cache-filter; echo N > $fs/task-filter"

load_vs || die "insmod"
while read -r verdict what; do
	case $verdict in
	ok) ok "$what" ;;
	not) fail "${what#ok }" ;;
	*) log "$verdict $what" ;;
	esac
done < <("$VS_TOP/selftests/failslab.py" 2>&1)

# 2. The packet path: the connection cache fails at random.
topo_nat 1 || die "topology"
udp_server "$rs1" 53 0.0.0.0 ""
defer "kill $! 2>/dev/null"
in_ns "$dir" vsadm -A -u $VIP:53 -s rr
in_ns "$dir" vsadm -a -u $VIP:53 -r 10.11.12.1:53 -m
wait_port "$rs1" udp 53 || die "udp server"
# flows N FIRST_PORT: N new UDP flows, one datagram each; prints how many
# were answered.
flows() {
	in_ns "$client" python3 -c '
import socket, sys
n, first = int(sys.argv[1]), int(sys.argv[2])
socks = []
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", first + i))
    s.settimeout(0.01)
    s.sendto(b"x", (sys.argv[3], 53))
    socks.append(s)
got = 0
for s in socks:
    s.settimeout(3 if got == 0 else 0.5)
    try:
        s.recv(10)
        got += 1
    except OSError:
        pass
print(got)' "$1" "$2" $VIP
}
refused0=$(vs_info "$dir" conn_refused)
conn_cache_fails
knob $fs/cache-filter Y
knob $fs/probability 30
answered=$(flows 300 20000)
failslab_off
refused=$(( $(vs_info "$dir" conn_refused) - refused0 ))
log "with 30% of vs_conn allocations failing: $answered of 300 flows answered, $refused refused"
check "some flows were refused while allocations failed" test "$refused" -gt 0
check "the others were answered" test "$answered" -gt 100
check_eq "every flow was answered or refused and counted" 300 $((answered + refused))
check_eq "once injection stops, every new flow is answered" 100 "$(flows 100 21000)"
in_ns "$dir" vsadm -C
no_conns() { test "$(vs_info "$dir" conn_count)" -eq 0; }
check "after a flush no connection is left" busywait 5000 no_conns

# 3. Configuration and forwarding failing at random together.
in_ns "$dir" vsadm -A -u $VIP:53 -s rr
in_ns "$dir" vsadm -a -u $VIP:53 -r 10.11.12.1:53 -m
knob $fs/task-filter Y
knob $fs/probability 5
(
	echo 1 > /proc/self/make-it-fail
	end=$((SECONDS + ${FAILSLAB_SECONDS:-20}))
	while [ $SECONDS -lt $end ]; do
		in_ns "$dir" vsadm -E -u $VIP:53 -s mh
		in_ns "$dir" vsadm -a -u $VIP:53 -r 10.11.12.2:53 -m -w 3
		in_ns "$dir" vsadm -e -u $VIP:53 -r 10.11.12.2:53 -m -w 0
		in_ns "$dir" vsadm -d -u $VIP:53 -r 10.11.12.2:53
		in_ns "$dir" vsadm -E -u $VIP:53 -s lblc
		in_ns "$dir" vsadm -L -n -c
	done
) > /dev/null 2>&1 &
churn=$!
conn_cache_fails
served=0
while kill -0 $churn 2>/dev/null; do
	served=$((served + $(flows 50 $((22000 + served % 20000)))))
done
wait $churn
failslab_off
log "$served flows answered while allocations failed at random"
check "traffic got through while allocations failed" test "$served" -gt 0
in_ns "$dir" vsadm -E -u $VIP:53 -s rr
in_ns "$dir" vsadm -d -u $VIP:53 -r 10.11.12.2:53 2>/dev/null
check_eq "the table is whole and works afterwards" 100 "$(flows 100 45000)"
in_ns "$dir" vsadm -C
check "and empties cleanly" busywait 5000 no_conns
cleanup_ns "$dir" "$client" "$rs1" "$sw"
check "the module unloads" rmmod vs
finish
