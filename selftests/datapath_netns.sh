#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two directors in two network namespaces, each with its own table: a
# connection made through one is listed there and not in the other, and
# each one's counters count only its own traffic.
#
#   client1 -- dirA (VIP 192.168.26.10) -- rs (10.11.12.1)
#   client2 -- dirB (VIP 192.168.26.10) -- rs (10.11.12.1)   (separate net)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd socat

load_vs || die "insmod"
# Two independent copies of the NAT topology with one real server each.
topo_nat 1 || die "topology A"
dirA=$dir clientA=$client rsA=$rs1
topo_nat 1 || die "topology B"
dirB=$dir clientB=$client rsB=$rs1
echo_server "$rsA" tcp 7
echo_server "$rsB" tcp 7
wait_port "$rsA" tcp 7 && wait_port "$rsB" tcp 7 || die "servers"

in_ns "$dirA" vsadm -A -t $VIP:7 -s rr
in_ns "$dirA" vsadm -a -t $VIP:7 -r 10.11.12.1:7 -m
in_ns "$dirB" vsadm -A -t $VIP:7 -s wlc
in_ns "$dirB" vsadm -a -t $VIP:7 -r 10.11.12.1:7 -m -w 5

for i in 1 2 3; do echo a | in_ns "$clientA" socat -t 1 - TCP:$VIP:7 > /dev/null; done
echo b | in_ns "$clientB" socat -t 1 - TCP:$VIP:7 > /dev/null

check_eq "A lists its three connections" 3 \
	"$(in_ns "$dirA" vsadm -L -n -c | grep -c '^TCP ')"
check_eq "B lists only its own one" 1 \
	"$(in_ns "$dirB" vsadm -L -n -c | grep -c '^TCP ')"
check_eq "A's service counted 3" 3 \
	"$(in_ns "$dirA" vsadm -L -n --stats | awk '$1 == "TCP" { print $3 }')"
check_eq "B's service counted 1" 1 \
	"$(in_ns "$dirB" vsadm -L -n --stats | awk '$1 == "TCP" { print $3 }')"
check "each keeps its own scheduler" \
	grep -q "rr" <<< "$(in_ns "$dirA" vsadm -L -n)"
check_eq "B's server has weight 5" 5 \
	"$(in_ns "$dirB" vsadm -L -n | awk '$1 == "->" && $3 == "Masq" { print $4 }')"
check "the init namespace has no table at all" \
	test -z "$(vsadm -L -n | grep -E '^(TCP|UDP)')"
finish
