#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Each network namespace has its own table: vsadm in one sees and changes
# only that one. The same service may exist in both; clearing, zeroing,
# timeouts and -R stay inside; deleting a namespace with a loaded table
# frees it (no warning) and leaves the others alone.
#
#   [ netns A: table A ]   [ netns B: table B ]   [ init netns: empty ]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm

load_vs || die "insmod vs.ko"
setup_ns A B || die "setup_ns"

in_a() { ip netns exec "$A" "$VSADM" "$@"; }
in_b() { ip netns exec "$B" "$VSADM" "$@"; }

check "A: -A" in_a -A -t 10.0.0.1:80 -s rr
check "A: -a" in_a -a -t 10.0.0.1:80 -r 10.1.0.1 -m -w 2
check "B: the same service" in_b -A -t 10.0.0.1:80 -s wlc -p 60
check "B: a server" in_b -a -t 10.0.0.1:80 -r 10.2.0.1:8080 -m -x 5
check "B: a fwmark service" in_b -A -f 3

table_a="-A -t 10.0.0.1:80 -s rr
-a -t 10.0.0.1:80 -r 10.1.0.1:80 -m -w 2"
table_b="-A -t 10.0.0.1:80 -s wlc -p 60
-a -t 10.0.0.1:80 -r 10.2.0.1:8080 -m -w 1 -x 5 -y 0
-A -f 3 -s wlc"
check_out "A sees only its table" "$table_a" in_a -S -n
check_out "B sees only its table" "$table_b" in_b -S -n
check_out "the init netns sees neither" "" vsadm -S -n

check "B: --set" in_b --set 11 12 13
check_out "A's timeouts unchanged" "Timeout (tcp tcpfin udp): 900 120 300" \
	in_a -L --timeout
check_out "B's timeouts" "Timeout (tcp tcpfin udp): 11 12 13" in_b -L --timeout

check "A: -R" bash -c "echo '-A -u 10.0.0.2:53' | ip netns exec $A $VSADM -R"
check_out "-R in A stays in A" "$table_b" in_b -S -n
check "B: -Z" in_b -Z
check "B: -C" in_b -C
check_out "-C in B empties B" "" in_b -S -n
check_out "-C in B leaves A" "$table_a
-A -u 10.0.0.2:53 -s wlc" in_a -S -n

check "B: refill" in_b -A -t 10.0.0.9:80
cleanup_ns "$A"
check_out "deleting A leaves B" "-A -t 10.0.0.9:80 -s wlc" in_b -S -n
setup_ns A2 || die "setup_ns"
check_out "a new namespace starts empty" "" ip netns exec "$A2" "$VSADM" -S -n
check_out "and with the default timeouts" \
	"Timeout (tcp tcpfin udp): 900 120 300" \
	ip netns exec "$A2" "$VSADM" -L --timeout
finish
