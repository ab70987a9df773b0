#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# backup_only, the standby's switch (Ultra Monkey's two nodes: each director
# is also a real server). A director of the direct-routing topology (topo.sh
# topo_dr) runs its own HTTP and UDP servers on the VIP. With backup_only on
# it schedules nothing: new requests to the VIP are served by the director's
# own servers and no connection is made, while a connection already in the
# table (here one that sync installed) still goes to the server it names.
# Set by the sysctl and by VS_CMD_SET_INFO alike, per namespace; bad values
# are refused with the value unchanged.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd curl nginx python3

load_vs || die "insmod"
topo_dr 2 || die "topology"
http_server "$dir" director 80 || die "nginx on the director"
udp_server "$dir" 53 "$VIP" $'director\n'
defer "kill $! 2>/dev/null"
for i in 1 2; do
	http_server "$(rs_ns $i)" "rs$i" 80 || die "nginx on rs$i"
	udp_server "$(rs_ns $i)" 53 "$VIP" "rs$i"$'\n'
	defer "kill $! 2>/dev/null"
done
for ns in "$dir" "$rs1" "$rs2"; do
	wait_port "$ns" tcp 80 && wait_port "$ns" udp 53 || die "servers"
done

d() { in_ns "$dir" "$@"; }
nl() { d "$VS_TOP/selftests/vsnl.py" "$@"; }
sysctl_value() { d cat /proc/sys/net/vs/backup_only; }
info_value() { d "$VS_TOP/selftests/vsnl.py" info backup_only; }
http() { in_ns "$client" curl -s --max-time 5 "http://$VIP/"; }
# udp_from PORT: one datagram to VIP:53 from the client's port PORT.
udp_from() {
	in_ns "$client" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("", int(sys.argv[2])))
s.settimeout(5)
s.sendto(b"q", (sys.argv[1], 53))
print(s.recv(100).decode().strip())' "$VIP" "$1"
}

# rs1 takes new connections, rs2 (weight 0) none: an answer from rs2 can
# only come from a connection entry.
d vsadm -A -t $VIP:80 -s rr && d vsadm -A -u $VIP:53 -s rr || die "services"
for p in "-t $VIP:80" "-u $VIP:53"; do
	# shellcheck disable=SC2086
	d vsadm -a $p -r 192.168.26.1 -g -w 1 && d vsadm -a $p -r 192.168.26.2 -g -w 0 ||
		die "servers"
done

check_eq "off by default (sysctl)" 0 "$(sysctl_value)"
check_eq "off by default (VS_CMD_GET_INFO)" 0 "$(info_value)"
check_eq "directing: HTTP to the VIP goes to rs1" rs1 "$(http)"

# The sysctl.
d sysctl -qw net.vs.backup_only=1
check_eq "the sysctl turns it on; GET_INFO says so" 1 "$(info_value)"
conns=$(vs_info "$dir" conn_count)
check_eq "on: HTTP to the VIP is served by the director itself" director "$(http)"
check_eq "on: so is UDP" director "$(udp_from 5001)"
check_eq "on: no connection was made" "$conns" "$(vs_info "$dir" conn_count)"
check_eq "the init namespace's own setting is untouched" 0 \
	"$(cat /proc/sys/net/vs/backup_only)"

# A connection from the active director's sync, to rs2, installed while
# standing by: kept, not used.
conn=$(python3 -c '
import sys
sys.path.insert(0, sys.argv[1])
import vsnl
print(b"".join(vsnl.nla(vsnl.NESTED["conn"][k], vsnl.value(v)) for k, v in
               (a.split("=", 1) for a in sys.argv[2:])).hex())' "$VS_TOP/selftests" \
	af=u16:2 protocol=u8:17 caddr=ip:$CLIENT_IP cport=be16:5002 \
	vaddr=ip:$VIP vport=be16:53 daddr=ip:192.168.26.2 dport=be16:53 \
	state=u8:11 expires=u32:120000 flags=u32:0)
check_eq "on: a synced connection is installed" ok "$(nl install <<< "$conn")"
check "and listed" grep -q "$CLIENT_IP:5002 .*192.168.26.2:53" \
	<<< "$(d vsadm -L -n -c)"
check_eq "its flow still goes to its server, rs2: nothing new is scheduled, the old goes on" \
	rs2 "$(udp_from 5002)"
check_eq "while a new flow is served here" director "$(udp_from 5004)"

# VS_CMD_SET_INFO.
check "SET_INFO turns it off" nl set_info info.backup_only=u8:0
check_eq "the sysctl says so" 0 "$(sysctl_value)"
check_eq "off: the synced connection's flow goes on to its server, rs2" rs2 \
	"$(udp_from 5002)"
check_eq "off: the flow served here while on is now scheduled (rs1)" rs1 "$(udp_from 5004)"
check_eq "off: a new flow is scheduled (rs1)" rs1 "$(udp_from 5003)"
check_eq "off: HTTP to rs1 again" rs1 "$(http)"
check "SET_INFO turns it on" nl set_info info.backup_only=u8:1
check_eq "the sysctl says so" 1 "$(sysctl_value)"
check_eq "on again: served here" director "$(http)"

# Bad input: refused, the value unchanged.
refuse() { # WHAT ERRNO ARGS...
	local what=$1 want=$2 out
	shift 2
	out=$(nl set_info "$@")
	check "$what: $want" grep -q "^error $want " <<< "$out"
	check_eq "$what: still on" 1 "$(sysctl_value)"
}
refuse "backup_only 2" ERANGE info.backup_only=u8:2
refuse "a read-only member (conn_max)" EINVAL info.backup_only=u8:0 info.conn_max#4=u32:5
refuse "no VS_A_INFO" EINVAL
refuse "an attribute SET_INFO does not take" EINVAL \
	service.af=u16:2 info.backup_only=u8:0
refuse "a u32 where a u8 belongs" EINVAL info.backup_only=u32:0
check "the sysctl refuses 2" sh -c "! ip netns exec $dir sysctl -qw net.vs.backup_only=2 2>/dev/null"
check_eq "and keeps 1" 1 "$(sysctl_value)"
finish
