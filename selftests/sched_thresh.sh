#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The lower connection threshold (-y): a server that reached its upper
# threshold (-x) takes no new connections until its connections drop to
# the lower one, not merely below the upper. Without -y the lower one is
# 3/4 of the upper, as in IPVS.
#
#   client (UDP flows, each its own port) ---- director ---- rs1, rs2
#                                          VIP:53 rr       name servers
#
# UDP flows end by timeout (3 s here), so the client decides which flows
# live: it keeps sending on the ones it holds and falls silent on one to
# end it. rs1 has -x 4 -y 2; rs2 has no limit.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd python3

load_vs || die "insmod"
topo_nat 2 || die "topology"
for i in 1 2; do
	name_server "$(rs_ns $i)" udp 53 "rs$i"
done
for i in 1 2; do
	wait_port "$(rs_ns $i)" udp 53 || die "name server rs$i"
done
d() { in_ns "$dir" "$@"; }

# The client: "open N" makes N flows and prints "INDEX SERVER" for each;
# "drop I" stops refreshing flow I. The others are refreshed every second.
client_py='
import socket, sys, threading, time
vip = sys.argv[1]
flows, live, lock = [], set(), threading.Lock()

def refresh():
    while True:
        time.sleep(1)
        with lock:
            for i in list(live):
                flows[i].send(b"x\n")

def open_flow():
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((vip, 53))
    s.settimeout(3)
    s.send(b"x\n")
    try:
        name = s.recv(100).decode().strip()
    except OSError:
        name = "ERR"
    with lock:
        flows.append(s)
        live.add(len(flows) - 1)
    return len(flows) - 1, name

threading.Thread(target=refresh, daemon=True).start()
for line in sys.stdin:
    cmd = line.split()
    if cmd[0] == "open":
        for _ in range(int(cmd[1])):
            print(*open_flow(), flush=True)
    elif cmd[0] == "drop":
        with lock:
            live.discard(int(cmd[1]))
        print("dropped", cmd[1], flush=True)
'
coproc UDPC { in_ns "$client" python3 -u -c "$client_py" "$VIP"; }
defer "kill $UDPC_PID 2>/dev/null"

# flows N: open N flows, "INDEX SERVER" lines into $opened.
flows() {
	local line i
	opened=
	echo "open $1" >&"${UDPC[1]}"
	for ((i = 0; i < $1; i++)); do
		read -r -t 10 line <&"${UDPC[0]}" || return 1
		opened+="$line"$'\n'
	done
}

drop() {
	local line
	echo "drop $1" >&"${UDPC[1]}"
	read -r -t 10 line <&"${UDPC[0]}"
}

# conns I: rs I's connections (active + inactive) in the director's table.
conns() {
	d vsadm -L -n -u "$VIP:53" | awk -v rs="10.11.12.$1:53" \
		'$2 == rs { print $5 + $6 }'
}

rs1_holds() {
	[ "$(conns 1)" = "$1" ]
}

# on SERVER: the indices of the flows $opened sent to SERVER.
on() {
	awk -v s="$1" '$2 == s { print $1 }' <<< "$opened"
}

d vsadm --set 0 0 3
d vsadm -A -u "$VIP:53" -s rr
d vsadm -a -u "$VIP:53" -r 10.11.12.1:53 -m -x 4 -y 2
d vsadm -a -u "$VIP:53" -r 10.11.12.2:53 -m

flows 8
rs1_flows=$(on rs1 | tr '\n' ' ')
check_eq "8 flows: rs1 takes 4 and stops at its upper threshold" "4 4" \
	"$(on rs1 | wc -l) $(on rs2 | wc -l)"
flows 2
check_eq "at 4 of 4 it takes no more: both to rs2" "0 2" "$(on rs1 | wc -l) $(on rs2 | wc -l)"

# One rs1 flow ends: 3 is below the upper threshold but above the lower.
read -r f1 f2 f3 _ <<< "$rs1_flows"
drop "$f1"
check "one rs1 flow expires: rs1 holds 3" busywait 15000 rs1_holds 3
flows 4
check_eq "at 3 (over -y 2) still no new connection for rs1" "0" "$(on rs1 | wc -l)"

drop "$f2"
check "another expires: rs1 holds 2" busywait 15000 rs1_holds 2
flows 2
check_eq "at the lower threshold rs1 takes new connections again" "1" "$(on rs1 | wc -l)"

# Without -y the lower threshold is 3/4 of the upper one: -x 4 -> 3.
drop "$f3"
check "the third expires: rs1 holds 2" busywait 15000 rs1_holds 2
d vsadm -e -u "$VIP:53" -r 10.11.12.1:53 -m -x 4 -y 0
flows 4
check_eq "with -y 0, rs1 fills up to 4 again" "2 4" "$(on rs1 | wc -l) $(conns 1)"
f4=$(on rs1 | head -n 1)
flows 2
check_eq "full again: rs1 takes none" "0" "$(on rs1 | wc -l)"
drop "$f4"
check "one expires: rs1 holds 3, 3/4 of the upper threshold" \
	busywait 15000 rs1_holds 3
flows 2
check_eq "and so it takes new connections again" "1" "$(on rs1 | wc -l)"
check_eq "vsadm -L shows the thresholds" "4 0" \
	"$(d vsadm -L -n -u "$VIP:53" --thresholds | awk '$2 == "10.11.12.1:53" { print $3, $4 }')"
finish
