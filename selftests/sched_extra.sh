#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The schedulers ipvsadm knows beyond the classic eight: sed (shortest
# expected delay), nq (never queue), fo (weighted failover) and ovf
# (overflow), each with connections held open so the active counts are
# what the algorithm sees. NAT topology of topo.sh, three real servers
# answering HTTP with their names.
#
#   client ---- director (VIP:80) ---- rs1 rs2 rs3
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/sched_lib.sh"
require_vm
require_cmd nginx python3

load_vs || die "insmod"
topo_nat 3 || die "topology"
http_servers 3 || die "nginx"
tmp=$(mktemp -d)
defer rm -rf "$tmp"
SVC="-t $VIP:80"

hold() { # NAME N
	hold_start "$tmp/$1" 80 < <(repeat "$2" - $VIP) || return 1
	printf -v "pid_$1" '%s' "$held_pid"
}
held() { names "$tmp/$1" | tally; }
service() { # SCHED W1 W2 W3
	d vsadm -A $SVC -s "$1" && add_server "$SVC" 1 -w "$2" &&
		add_server "$SVC" 2 -w "$3" && add_server "$SVC" 3 -w "$4"
}

# sed, weights 1:3:0: (active + 1) / weight -> rs2 rs2 then rs1 (tie at
# 1: the first added), then rs2; rs3 is quiesced.
check "sed service, weights 1:3:0" service sed 1 3 0
hold a 4
check_eq "sed: 4 held connections, rs1:1 rs2:3" "rs1:1 rs2:3" "$(held a)"
hold b 4
check_eq "sed: 4 more, rs1:1 rs2:3 again" "rs1:1 rs2:3" "$(held b)"
hold_stop "$pid_a"; hold_stop "$pid_b"; d vsadm -D $SVC

# nq, weights 1:3:1: the idle servers first (rs1, rs2, rs3), then sed:
# rs2 (2/3) twice more before rs1 or rs3 (2/1).
check "nq service, weights 1:3:1" service nq 1 3 1
hold c 3
check_eq "nq: the first three go to the three idle servers" \
	"rs1:1 rs2:1 rs3:1" "$(held c)"
hold d 2
check_eq "nq: then by expected delay, rs2 twice" "rs2:2" "$(held d)"
hold_stop "$pid_c"; hold_stop "$pid_d"; d vsadm -D $SVC

# fo, weights 1:3:2: everything to rs2; quiesced, everything to rs3.
check "fo service, weights 1:3:2" service fo 1 3 2
hold e 5
check_eq "fo: all to the heaviest server" "rs2:5" "$(held e)"
d vsadm -e $SVC -r 10.11.12.2:80 -m -w 0
hold f 3
check_eq "fo: that one quiesced, all to the next heaviest" "rs3:3" "$(held f)"
hold_stop "$pid_e"; hold_stop "$pid_f"; d vsadm -D $SVC

# ovf, weights 2:1:0: rs1 until it holds 2, then rs2 until 1, then none.
check "ovf service, weights 2:1:0" service ovf 2 1 0
hold g 4
check_eq "ovf: weight as a budget of active connections, then nothing" \
	"ERR:1 rs1:2 rs2:1" "$(held g)"
hold_stop "$pid_g"; d vsadm -D $SVC
finish
