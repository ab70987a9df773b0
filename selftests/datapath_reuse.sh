#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Client port reuse (kubernetes#70747): 2,000 sequential short HTTP
# connections from four fixed client ports, the server closing first, so
# every new SYN finds its port's previous connection in TIME_WAIT on the
# director. Each must be scheduled at once: the client's kernel must not
# have retransmitted a single SYN (IPVS's conn_reuse_mode held such SYNs
# for a second), and each must be scheduled afresh rather than glued to
# the old connection's server: round robin takes every port to all three
# servers. The slowest connection is reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd nginx python3 nstat

load_vs || die "insmod"
topo_nat 3 || die "topology"
for i in 1 2 3; do
	http_server "$(rs_ns $i)" "rs$i" 80 || die "nginx on rs$i"
done
for i in 1 2 3; do wait_port "$(rs_ns $i)" tcp 80 || die "nginx on rs$i"; done
in_ns "$dir" vsadm -A -t $VIP:80 -s rr
for i in 1 2 3; do in_ns "$dir" vsadm -a -t $VIP:80 -r 10.11.12.$i:80 -m; done

syn_retrans() {
	in_ns "$client" nstat -az TcpExtTCPSynRetrans | awk '$1 == "TcpExtTCPSynRetrans" { print $2 }'
}
before=$(syn_retrans)
out=$(in_ns "$client" "$VS_TOP/selftests/reuse_client.py" $VIP 80 2000 4)
after=$(syn_retrans)
log "$out (slowest connection in ms, fewest servers per client port)"
check "2000 connections from 4 reused ports completed" grep -q "^ok 2000 " <<< "$out"
check_eq "no SYN was retransmitted" 0 "$((after - before))"
check "each reused port was scheduled afresh (reached all 3 servers)" \
	test "$(awk '{ print $4 }' <<< "$out")" = 3
check "the director saw the ports again in TIME_WAIT" \
	grep -q "TIME_WAIT" <<< "$(in_ns "$dir" vsadm -L -n -c)"

# One client port, one real server, two VIPs one after the other: the
# second connection's replies look just like the first's to the director,
# whose closing connection must give way rather than refuse the new one.
VIP2=192.168.26.11
in_ns "$dir" ip addr add $VIP2/24 dev eth0 label eth0:2
for v in $VIP $VIP2; do
	in_ns "$dir" vsadm -A -t $v:81 -s rr
	in_ns "$dir" vsadm -a -t $v:81 -r 10.11.12.1:80 -m
done
# HTTP/1.0: the server closes first, so the client keeps no TIME_WAIT
# of its own on that port.
first=$(in_ns "$client" curl -0 -s --max-time 5 --local-port 42000 http://$VIP:81/)
second=$(in_ns "$client" curl -0 -s --max-time 5 --local-port 42000 http://$VIP2:81/)
check_eq "the same client port reaches one server through two VIPs in turn" \
	"rs1 rs1" "$first $second"
finish
