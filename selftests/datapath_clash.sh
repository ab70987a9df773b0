#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Two NAT connections whose replies look the same: one client address and
# port talking to one real server through two VIPs. The server can tell
# them apart only by time, and so does the director:
#  - UDP: the newer flow takes the reply tuple over. A client that asks
#    VIP1 and then VIP2 from one socket gets each answer from the VIP it
#    asked, and VIP1 again after that.
#  - TCP: an open connection keeps its replies; a second one from the
#    same port through the other VIP is refused (ICMP port unreachable,
#    ECONNREFUSED) and counted, and the first goes on undisturbed.
# The director once freed the refused entry while it was already visible
# (a use-after-free only a sanitizer kernel sees).
#
#   client 192.168.26.100:40000 -- director VIP1 .26.10, VIP2 .26.11
#                                    NAT --> rs1 10.11.12.1 (:53 udp, :80 tcp)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm

VIP2=192.168.26.11
load_vs || die "insmod"
topo_nat 1 || die "topology"
in_ns "$dir" ip addr add $VIP2/24 dev eth0 label eth0:2
udp_server "$rs1" 53 0.0.0.0 ""
defer "kill $! 2>/dev/null"
echo_server "$rs1" tcp 80
for v in $VIP $VIP2; do
	in_ns "$dir" vsadm -A -u $v:53 -s rr
	in_ns "$dir" vsadm -a -u $v:53 -r 10.11.12.1:53 -m
	in_ns "$dir" vsadm -A -t $v:80 -s rr
	in_ns "$dir" vsadm -a -t $v:80 -r 10.11.12.1:80 -m
done
wait_port "$rs1" udp 53 && wait_port "$rs1" tcp 80 || die "servers"

# One socket, three questions: which VIP answers each.
answers=$(in_ns "$client" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 40000))
s.settimeout(10)
out = []
for vip in sys.argv[1:]:
    s.sendto(b"q", (vip, 53))
    try:
        _, peer = s.recvfrom(100)
        out.append(peer[0])
    except OSError:
        out.append("none")
print(" ".join(out))' $VIP $VIP2 $VIP)
check_eq "UDP: one socket asking VIP1, VIP2, VIP1 hears each VIP back" \
	"$VIP $VIP2 $VIP" "$answers"

refused_before=$(vs_info "$dir" conn_refused)
tcp=$(in_ns "$client" python3 -c '
import socket, sys
def conn(vip):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("0.0.0.0", 40001))
    s.settimeout(10)
    s.connect((vip, 80))
    return s
def echo(s, data):
    s.sendall(data)
    return s.recv(100).decode()
first = conn(sys.argv[1])
out = [echo(first, b"a")]
try:
    conn(sys.argv[2])
    out.append("second-connected")
except ConnectionRefusedError:
    out.append("refused")
except OSError as e:
    out.append("error-%d" % e.errno)
out.append(echo(first, b"b"))
print(" ".join(out))' $VIP $VIP2)
check_eq "TCP: the open connection wins, the second is refused, the first goes on" \
	"a refused b" "$tcp"
check_eq "TCP: the refusal is counted" "$((refused_before + 1))" \
	"$(vs_info "$dir" conn_refused)"
finish
