#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every kind of vsd check against real servers, on the direct-routing
# topology of topo.sh (client, director and rs1..rs3 on 192.168.26.0/24,
# the VIP on each server's lo). Each virtual service is set up so that a
# check that did the wrong thing would let the wrong servers in:
#
#   http     GET /, body must match ^rs[12]          -> rs1 rs2
#   dns      UDP send "ping\n", expect "ping"        -> rs1 rs2 (rs3 refuses)
#   prog     curl http://%h/ (no shell), regex ^rs[13] -> rs1 rs3
#   banner   send a GET, expect "HTTP/1.1 200"        -> rs1 rs2 rs3
#   regex    send a GET, regex ^HTTP/1\.[01] 200 .*rs3 -> rs3
#   load     load agent: rs1 idle (x10), rs2 loaded, rs3 no agent
#   free     check_type none, and a server with active = 0
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd nginx curl socat python3
. "$(dirname "$0")/vsd_lib.sh"

load_vs || die "insmod"
topo_dr 3 || die "topology"
for i in 1 2 3; do
	web_start $i || die "nginx on rs$i"
done
for i in 1 2; do
	echo_server "$(rs_ns $i)" udp 53
	wait_port "$(rs_ns $i)" udp 53 || die "udp echo on rs$i"
done
name_server "$(rs_ns 1)" tcp 9696 "0.00 0.01 0.05 1/100 1234"
name_server "$(rs_ns 2)" tcp 9696 "3.00 2.50 2.00 9/100 1234"
wait_port "$(rs_ns 2)" tcp 9696 || die "agents"

servers() {
	for i in 1 2 3; do
		printf '\tserver rs%s {\n\t\taddress = 192.168.26.%s\n\t\tweight = %s\n\t}\n' \
			"$i" "$i" "${1:-1}"
	done
}
virtual() { # virtual NAME PORT [WEIGHT] [PROTOCOL]: then the keys on stdin
	echo "virtual $1 {"
	echo "	address = $VIP eth0:1"
	echo "	port = $2"
	echo "	protocol = ${4:-tcp}"
	echo "	scheduler = rr"
	# A first check slowed down by the emulated VM must not keep a
	# server out for Piranha's default 180 s.
	echo "	reentry = 0.5"
	sed 's/^/\t/'
	servers "${3:-1}"
	echo "}"
}
{
	cat <<EOF
serial_no = 7
network = direct
check_interval = 0.3
connect_timeout = 4
tcp_timeout = 901
tcpfin_timeout = 121
udp_timeout = 301
EOF
	virtual http 80 <<EOF
http_url = /
http_regex = "^rs[12]"
EOF
	virtual dns 53 1 udp <<EOF
send = "ping\n"
expect = "ping"
EOF
	virtual prog 81 <<EOF
send_program = "/usr/bin/curl -s -m 3 http://%h/"
expect = "^rs[13]"
use_regex = 1
EOF
	virtual banner 82 <<EOF
check_port = 80
send = "GET / HTTP/1.0\r\n\r\n"
expect = "HTTP/1.1 200"
EOF
	virtual regex 83 <<EOF
check_port = 80
send = "GET / HTTP/1.0\r\n\r\n"
expect = "^HTTP/1\.[01] 200 .*rs3"
use_regex = 1
EOF
	virtual load 84 2 <<EOF
check_port = 80
load_monitor = agent
agent_port = 9696
load_interval = 0.5
EOF
	cat <<EOF
virtual free {
	address = $VIP
	port = 85
	check_type = none
	server ghost {
		address = 192.168.26.99
	}
	server off {
		address = 192.168.26.1
		active = 0
	}
}
EOF
} > "$VSD_CONF"
check "vsd -t accepts the file" vsd -t -f "$VSD_CONF"

vsd_start || die "vsd starts"
# weights SERVICE: "w1 w2 w3" of rs1..rs3 ("-" when not in the table).
weights() {
	local i out=""
	for i in 1 2 3; do
		out+="$(dest_weight "$1" "192.168.26.$i:$2") "
	done
	echo "${out% }"
}
settled() { # settled SERVICE PORT WANT
	[ "$(weights "$1" "$2")" = "$3" ]
}
expect_table() { # expect_table WHAT SERVICE PORT WANT
	if busywait 20000 settled "$2" "$3" "$4"; then
		ok "$1"
	else
		fail "$1"
		log "want '$4', have '$(weights "$2" "$3")'"
	fi
}

expect_table "http: the body regex lets rs1 and rs2 in" "-t $VIP:80" 80 "1 1 -"
expect_table "udp send/expect: rs3 has no UDP server" "-u $VIP:53" 53 "1 1 -"
expect_table "program (curl %h) with a regex: rs1 and rs3" "-t $VIP:81" 81 "1 - 1"
expect_table "send/expect literal: all three" "-t $VIP:82" 82 "1 1 1"
expect_table "send/expect regex: rs3 only" "-t $VIP:83" 83 "- - 1"
expect_table "load agent: idle rs1 x10, loaded rs2 and agentless rs3 as configured" \
	"-t $VIP:84" 84 "20 2 2"
check_eq "check_type none: in the table unchecked; active = 0: not at all" "1 -" \
	"$(dest_weight "-t $VIP:85" 192.168.26.99:85) $(dest_weight "-t $VIP:85" 192.168.26.1:85)"
check "the connection timeouts are set" \
	grep -q "901 *121 *301" <<< "$(d vsadm -L --timeout)"

check_eq "through the VIP (direct routing) only rs1 and rs2 answer" "rs1:3 rs2:3" \
	"$(curl_names 6 http://$VIP/)"

down_reasons() {
	vsd -s "$VSD_SOCK" status --json | python3 -c 'import json, sys
j = json.load(sys.stdin)
for v in j["virtuals"]:
    for s in v["servers"]:
        if s["state"] == "down":
            print(v["name"], s["name"], s["reason"])' |
		sed -E 's/(200 OK.r.n).*/\1.../'
}
want_reasons="http rs3 http: body does not match http_regex
dns rs3 refused (ICMP port unreachable)
prog rs2 program output 'rs2.' does not match expect
regex rs1 expect: got 'HTTP/1.1 200 OK\\r\\n...
regex rs2 expect: got 'HTTP/1.1 200 OK\\r\\n..."
# A check a loaded host made time out once is down until it passes again.
reasons_settled() {
	[ "$(down_reasons)" = "$want_reasons" ]
}
busywait 15000 reasons_settled
reasons=$(down_reasons)
log "down, with their reasons:"
printf '%s\n' "$reasons" | sed 's/^/#   /'
check_eq "status --json gives each failure its reason" "$want_reasons" "$reasons"
# The agent answers within 0.5 s, or its server is shown without a load
# until it next does: a slow host is waited for.
shows_load() {
	grep -qE "^  rs1 +192\.168\.26\.1:84 +up +weight 20/2 \(table 20\).*\[load 0\.00\]" \
		<<< "$(vsd -s "$VSD_SOCK" status)"
}
check "the status text shows the load" busywait 10000 shows_load
[ $__failed -gt 0 ] && show_vsd_log
finish
