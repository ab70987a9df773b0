#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Persistence and firewall-mark services (NAT, three real servers, round
# robin so that anything sticking is persistence's doing):
# - -p 300 -M 255.255.255.0: clients of one /24 all reach one server, and
#   -L shows "persistent 300 mask 255.255.255.0"; --persistent-conn counts
#   the entries;
# - a persistence entry outlives its last connection by the timeout, then
#   goes, and the client is scheduled afresh;
# - HTTP on 80 and 443 bundled under one mark (mangle PREROUTING) with
#   persistence reach the same server whatever the port;
# - expire_quiescent_template=1: a persistent client of a quiesced server
#   moves on; with 0 (the default) it stays.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd curl nginx iptables socat

load_vs || die "insmod"
topo_nat 3 || die "topology"
for i in 1 2 3; do
	http_server "$(rs_ns $i)" "rs$i" 80 || die "nginx"
	http_server "$(rs_ns $i)" "rs$i" 443 || die "nginx"
	name_server "$(rs_ns $i)" udp 53 "rs$i"
done
for i in 1 2 3; do
	wait_port "$(rs_ns $i)" tcp 80 && wait_port "$(rs_ns $i)" tcp 443 &&
		wait_port "$(rs_ns $i)" udp 53 || die "servers"
done
d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }
# Client addresses in two /24s.
for i in $(seq 101 106); do c ip addr add 192.168.26.$i/24 dev eth0; done
c ip addr add 192.168.27.1/24 dev eth0
for i in $(seq 2 6); do c ip addr add 192.168.27.$i/24 dev eth0; done
d ip route add 192.168.27.0/24 via $CLIENT_IP

get() { # FROM URL
	c curl -s --max-time 5 --interface "$1" "$2"
}
names() { # URL FROM...: the distinct servers that answered
	local url=$1 a
	shift
	for a in "$@"; do get "$a" "$url"; done | sort -u | tr '\n' ' '
}

# --- netmask persistence -------------------------------------------------------
d vsadm -A -t $VIP:80 -s rr -p 300 -M 255.255.255.0
for i in 1 2 3; do d vsadm -a -t $VIP:80 -r 10.11.12.$i:80 -m; done
check "-L shows persistence and netmask" \
	grep -q "^TCP  $VIP:80 rr persistent 300 mask 255.255.255.0" <<< "$(d vsadm -L -n)"
a=$(names http://$VIP/ 192.168.26.101 192.168.26.102 192.168.26.103 192.168.26.104 192.168.26.105 192.168.26.106)
check "six clients of one /24 reach one server ($a)" test "$(wc -w <<< "$a")" -eq 1
b=$(names http://$VIP/ 192.168.27.1 192.168.27.2 192.168.27.3 192.168.27.4)
check "four clients of another /24 reach one server ($b)" test "$(wc -w <<< "$b")" -eq 1
check_eq "--persistent-conn counts one entry per /24" 2 \
	"$(d vsadm -L -n --persistent-conn | awk '$1 == "->" { n += $4 } END { print n }')" ||
	d vsadm -L -n -c | sed 's/^/# /'

check "the entries are listed as templates" \
	grep -q "192.168.26.0:0" <<< "$(d vsadm -L -n -c)"

# --- expiry after the last connection -----------------------------------------
# UDP, so connections end on a timeout we can set: 3 s; persistence 4 s
# (times TIME_SCALE on a slow kernel, where one question takes seconds).
ts=${TIME_SCALE:-1}
d vsadm --set 0 0 $((3 * ts))
d vsadm -A -u $VIP:53 -s rr -p $((4 * ts))
for i in 1 2 3; do d vsadm -a -u $VIP:53 -r 10.11.12.$i:53 -m; done
# A lost answer (a slow host) is asked again: the same template decides.
ask() {
	local i
	for i in 1 2 3; do
		echo q | udp_ask "$client" $VIP 53 "$1" 2>/dev/null && return
	done
}
first=$(ask 192.168.26.101)
sleep $((2 * ts))
check_eq "within the timeout the client sticks" "$first" "$(ask 192.168.26.101)"
tmpl() { d vsadm -L -n -c | grep -c "^UDP .* 192.168.26.101:0 "; }
no_tmpl() { test "$(tmpl)" -eq 0; }
sleep $((4 * ts))
check_eq "the entry outlives its last connection" 1 "$(tmpl)"
check "and is gone after the timeout" busywait $((10000 * ts)) no_tmpl
# rr moved on since: the next request is scheduled afresh.
check "the client is scheduled afresh" test "$(ask 192.168.26.101)" != "$first"

# --- firewall-mark bundle 80 + 443 --------------------------------------------
d vsadm -D -t $VIP:80
d iptables -t mangle -A PREROUTING -p tcp -d $VIP --dport 80 -j MARK --set-mark 1
d iptables -t mangle -A PREROUTING -p tcp -d $VIP --dport 443 -j MARK --set-mark 1
d vsadm -A -f 1 -s rr -p 300
for i in 1 2 3; do d vsadm -a -f 1 -r 10.11.12.$i -m; done
check "-L shows the fwmark service" grep -q "^FWM  1 rr persistent 300" <<< "$(d vsadm -L -n)"
both=""
for port in 80 443 80 443 443 80; do
	both+="$(get 192.168.26.102 http://$VIP:$port/) "
done
check "ports 80 and 443 reach the same server ($both)" \
	test "$(tr ' ' '\n' <<< "$both" | grep . | sort -u | wc -l)" -eq 1
check "the connections kept their ports" \
	grep -q "10.11.12.[123]:443" <<< "$(d vsadm -L -n -c)"

# --- a persistent client of a quiesced server -------------------------------------
srv=$(get 192.168.26.103 http://$VIP/)
d vsadm -e -f 1 -r 10.11.12.${srv#rs} -m -w 0
check_eq "expire_quiescent_template=0: the client stays" "$srv" \
	"$(get 192.168.26.103 http://$VIP/)"
d sysctl -qw net.vs.expire_quiescent_template=1
check "expire_quiescent_template=1: the client moves on" \
	test "$(get 192.168.26.103 http://$VIP/)" != "$srv"
finish
