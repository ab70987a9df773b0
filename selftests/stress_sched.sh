#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Schedulers under churn: nine UDP services (persistent rr and wlc, lblc,
# lblcr, dh, sh, mh, wrr, lc), three NAT servers each, while pktgen on
# every CPU sends from 1,023 client addresses to all of them with a 1 s
# UDP timeout (nearly every packet is scheduled anew) and 3 s persistence.
# In a tight loop, one vsadm -R batch a round: the first two servers'
# weights flip between 0 and n, the third is deleted and added back, and
# the wrr service's scheduler is swapped with rr and back. Each change
# swaps the scheduler's state under packets that are using the old one.
# Afterwards every service answers, every connection and persistence
# entry expires and the servers' counters return to 0.
#
#   client (pktgen, 10.0.0.1-10.0.3.255) -- pub -- director -- priv --
#     rs1, rs2, rs3 (UDP echo on 6000-6008)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/stress_lib.sh"
require_vm
require_cmd python3
require_pktgen

SCHEDS=("rr -p 3" "wlc -p 3" lblc lblcr dh sh mh wrr lc)
NSVC=${#SCHEDS[@]}
PORT0=6000
load_vs || die "insmod"
topo_nat 3 || die "topology"
d() { in_ns "$dir" "$@"; }
d ip route add 10.0.0.0/8 via $CLIENT_IP

# One process per server echoing on every service port.
multi_echo() {
	in_ns "$1" python3 -c '
import select, socket, sys
socks = []
for port in range(int(sys.argv[1]), int(sys.argv[2]) + 1):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    socks.append(s)
while True:
    for s in select.select(socks, [], [])[0]:
        data, peer = s.recvfrom(65536)
        s.sendto(data, peer)' $PORT0 $((PORT0 + NSVC - 1)) > /dev/null 2>&1 &
	defer "kill $! 2>/dev/null"
}
for i in 1 2 3; do
	multi_echo "$(rs_ns $i)"
done
for i in 1 2 3; do
	wait_port_long "$(rs_ns $i)" udp $((PORT0 + NSVC - 1)) || die "servers on rs$i"
done

tmp=$(mktemp -d)
defer rm -rf "$tmp"
svc() { echo "-u $VIP:$((PORT0 + $1))"; }
# The table: every service with its three servers, weight 1.
{
	echo "-C"
	for ((s = 0; s < NSVC; s++)); do
		echo "-A $(svc $s) -s ${SCHEDS[$s]}"
		for i in 1 2 3; do
			echo "-a $(svc $s) -r 10.11.12.$i -m -w 1"
		done
	done
	echo "--set 0 0 1"
} > "$tmp/table"
d vsadm -R < "$tmp/table" || die "table"

# round N: the batch of changes of round N.
round() {
	local n=$1 s w1 w2
	if ((n % 2)); then w1=0 w2=3; else w1=2 w2=0; fi
	for ((s = 0; s < NSVC; s++)); do
		echo "-e $(svc $s) -r 10.11.12.1 -m -w $w1"
		echo "-e $(svc $s) -r 10.11.12.2 -m -w $w2"
		if ((n % 2)); then
			echo "-d $(svc $s) -r 10.11.12.3"
		else
			echo "-a $(svc $s) -r 10.11.12.3 -m -w 1"
		fi
	done
	# The wrr service (index 7) changes scheduler every other round.
	((n % 4 == 1)) && echo "-E $(svc 7) -s rr"
	((n % 4 == 3)) && echo "-E $(svc 7) -s wrr"
	return 0
}

inpkts() { # the inpkts of every service, one line
	d vsadm -L -n --stats --exact | awk '$1 == "UDP" { printf "%s ", $4 } END { print "" }'
}

dmac=$(d cat /sys/class/net/eth0/address)
pg_flood "$client" "$dmac" $VIP $PORT0-$((PORT0 + NSVC - 1)) \
	10.0.0.1-10.0.3.255 1024-1025 || die "pktgen"
before=$(inpkts)
rounds=0 failed=0
min=$(stress_min 10)
start=$(date +%s)
end=$(stress_deadline)
while stress_more $rounds "$min" "$end"; do
	rounds=$((rounds + 1))
	round $rounds > "$tmp/round"
	d vsadm -R < "$tmp/round" > "$tmp/err" 2>&1 || {
		failed=$((failed + 1))
		cp "$tmp/err" "$tmp/lasterr"
	}
done
secs=$(($(date +%s) - start))
after=$(inpkts)
sent=$(pg_sent "$client")
pg_stop "$client"
log "$rounds rounds of $(wc -l < "$tmp/round") changes in $secs s ($(rate $rounds $secs)/s), $failed refused; $sent packets sent ($(rate "$sent" "$secs")/s)"
log "inpkts per service before: $before"
log "inpkts per service after:  $after"

check "change rounds under traffic: $rounds (at least $min)" test "$rounds" -ge "$min"
check_eq "every round was accepted" 0 "$failed" || sed 's/^/#   /' "$tmp/lasterr"
grew=$(paste <(tr ' ' '\n' <<< "$before") <(tr ' ' '\n' <<< "$after") |
	awk 'NF == 2 && $2 > $1 { n++ } END { print n + 0 }')
check_eq "traffic reached all $NSVC services during the loop" "$NSVC" "$grew"

# Consistency: the whole table back, every service answers a real client.
d vsadm -R < "$tmp/table" || fail "restore the table"
answers=$(in_ns "$client" python3 -c '
import socket, sys
vip, first, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
good = 0
for port in range(first, first + n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(5)
    s.sendto(b"ping", (vip, port))
    try:
        good += s.recv(100) == b"ping"
    except OSError:
        pass
print(good)' $VIP $PORT0 $NSVC)
check_eq "every service answers a request after the storm" "$NSVC" "$answers"
check "every connection and persistence entry expires" \
	busywait 20000 conn_count_is "$dir" 0
check_eq "the servers' active/inactive counters return to 0" 0 "$(dest_conns "$dir")"
check_eq "no server counts a persistence entry" 0 "$(persist_conns "$dir")"
d vsadm -C
check "vs unloads" rmmod_vs
check_eq "every connection was freed (vs_conn cache gone)" none "$(vs_conn_slab)"
finish
