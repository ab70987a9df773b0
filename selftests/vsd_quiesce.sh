#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# quiesce_server = 1: a failing server is set to weight 0 instead of being
# removed, so its open connections carry on while new ones go elsewhere.
# Two virtual services (a TCP echo on :7 and a name server on :9) check
# the same thing - nginx on each real server's port 80 (check_port) - so
# vsd runs one shared check per server, not two (keepalived#1495).
#
#     client ---- director (vsd) ---- rs1 rs2 rs3
#                                     :80 nginx (the health endpoint)
#                                     :7 echo, :9 answers "rsN"
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd nginx curl socat python3
. "$(dirname "$0")/vsd_lib.sh"

load_vs || die "insmod"
topo_nat 3 || die "topology"
for i in 1 2 3; do
	web_start $i || die "nginx on rs$i"
	echo_server "$(rs_ns $i)" tcp 7
	name_server "$(rs_ns $i)" tcp 9 "rs$i"
	wait_port "$(rs_ns $i)" tcp 7 && wait_port "$(rs_ns $i)" tcp 9 ||
		die "servers on rs$i"
done

virtual() { # virtual NAME PORT
	cat <<EOF
virtual $1 {
	address = $VIP eth0:1
	port = $2
	scheduler = rr
	quiesce_server = 1
	check_type = http
	check_port = 80
	http_url = /
	check_interval = 0.2
	connect_timeout = 1
	timeout = 0.6
	reentry = 0.4
	server rs1 {
		address = 10.11.12.1
	}
	server rs2 {
		address = 10.11.12.2
	}
	server rs3 {
		address = 10.11.12.3
	}
}
EOF
}
{
	echo "network = nat"
	virtual echo 7
	virtual names 9
} > "$VSD_CONF"
ECHO="-t $VIP:7"
NAMES="-t $VIP:9"

vsd_start || die "vsd starts"
check "echo: three servers at weight 1" busywait 10000 servers_at_is "$ECHO" 1 3
check "names: three servers at weight 1" busywait 10000 servers_at_is "$NAMES" 1 3
json=$(vsd -s "$VSD_SOCK" status --json)
check_eq "one check per server, shared by both services" "2 2 2 2 2 2" \
	"$(python3 -c 'import json, sys
j = json.load(sys.stdin)
print(" ".join(str(s["check"]["shared_by"]) for v in j["virtuals"] for s in v["servers"]))' <<< "$json")"

coproc ECHOCONN { ip netns exec "$client" socat -T 60 - TCP:$VIP:7; }
defer "kill $ECHOCONN_PID 2> /dev/null"
echo hello >&"${ECHOCONN[1]}"
read -r -t 5 reply <&"${ECHOCONN[0]}"
check_eq "a long connection to the echo service" hello "$reply"
rs=$(d vsadm -L -n -c | awk -v v="$VIP:7" '$1 == "TCP" && $5 == v { split($6, a, ":"); print a[1] }' | head -1)
i=${rs##*.}
log "it went to $rs (rs$i)"
check "the connection is in the table" test -n "$rs"

mark=$(log_mark)
web_stop "$i"
check "rs$i's health fails: weight 0 in echo, still listed" \
	busywait 10000 dest_weight_is "$ECHO" "$rs:7" 0
check_eq "and weight 0 in names (the same check)" 0 "$(dest_weight "$NAMES" "$rs:9")"
check "logged as quiesced" vsd_log_has "server rs$i \($rs:7\) quiesced \(weight 0\)"
check_eq "one check went down, not one per service" 1 \
	"$(tail -n +$((mark + 1)) "$VSD_LOG" | grep -c -- "-> down")"
echo still-here >&"${ECHOCONN[1]}"
read -r -t 5 reply <&"${ECHOCONN[0]}"
check_eq "the open connection to the quiesced server carries on" still-here "$reply"
names=""
for n in $(seq 12); do
	names+="$(c socat -T 3 - TCP:$VIP:9 < /dev/null) "
done
check_eq "new connections never reach the quiesced server" 0 \
	"$(grep -ow "rs$i" <<< "$names" | wc -l)"
check_eq "they all reach the others" 12 "$(grep -o 'rs[0-9]' <<< "$names" | wc -l)"

web_start "$i" || die "nginx on rs$i again"
check "healthy again: back at weight 1" \
	busywait 10000 dest_weight_is "$ECHO" "$rs:7" 1
echo bye >&"${ECHOCONN[1]}"
read -r -t 5 reply <&"${ECHOCONN[0]}"
check_eq "the connection lived through it all" bye "$reply"
[ $__failed -gt 0 ] && show_vsd_log
finish
