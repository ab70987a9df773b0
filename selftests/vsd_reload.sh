#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reloading vsd (SIGHUP and `vsd reload`) touches only what changed: on
# the LVS guide's NAT example (topo.sh) with a web service and a TCP echo
# service, a changed web service is edited in place while an open
# connection to the unchanged echo service keeps working and its counters
# keep counting; a bad file is rejected whole (the table does not change,
# the error names file:line); a virtual removed from the file leaves the
# table; shutdown_action = flush removes vsd's services on exit.
#
#     client ---- director (vsd) ---- rs1 rs2 rs3 (nginx :80, echo :7)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd nginx curl socat
. "$(dirname "$0")/vsd_lib.sh"

load_vs || die "insmod"
topo_nat 3 || die "topology"
for i in 1 2 3; do
	web_start $i || die "nginx on rs$i"
	echo_server "$(rs_ns $i)" tcp 7
	wait_port "$(rs_ns $i)" tcp 7 || die "echo on rs$i"
done

# conf SERIAL WEB_SCHED RS1_WEIGHT WITH_RS3 WITH_ECHO [EXTRA_GLOBAL]
conf() {
	cat <<EOF
serial_no = $1
network = nat
reconcile_interval = 0.5
$6
virtual web {
	address = $VIP eth0:1
	port = 80
	scheduler = $2
	check_interval = 0.2
	connect_timeout = 1
	timeout = 1
	reentry = 0
	http_url = /
	server rs1 {
		address = 10.11.12.1
		weight = $3
	}
	server rs2 {
		address = 10.11.12.2
		weight = 2
	}
EOF
	[ "$4" = 1 ] && cat <<EOF
	server rs3 {
		address = 10.11.12.3
		weight = 2
	}
EOF
	echo "}"
	[ "$5" = 1 ] && cat <<EOF
virtual echo {
	address = $VIP eth0:1
	port = 7
	scheduler = rr
	check_interval = 0.2
	timeout = 1
	server rs1 {
		address = 10.11.12.1
	}
	server rs2 {
		address = 10.11.12.2
	}
}
EOF
}

WEB="-t $VIP:80"
ECHO="-t $VIP:7"
stat_of() { # stat_of SERVICE COLUMN (3 Conns, 4 InPkts)
	# shellcheck disable=SC2086
	d vsadm -L -n --stats $1 | awk -v c="$2" '$1 == "TCP" { print $c }'
}
sched_of() {
	# shellcheck disable=SC2086
	d vsadm -L -n $1 | awk '$1 == "TCP" { print $3 }'
}
hup() {
	kill -HUP "$(cat "$VSD_PID")"
}

conf 1 rr 2 0 1 > "$VSD_CONF"
vsd_start -D || die "vsd starts"
check "web: two servers at weight 2" busywait 10000 servers_at_is "$WEB" 2 2
check "echo: two servers" busywait 10000 servers_at_is "$ECHO" 1 2

coproc ECHOCONN { ip netns exec "$client" socat -T 60 - TCP:$VIP:7; }
defer "kill $ECHOCONN_PID 2> /dev/null"
echo one >&"${ECHOCONN[1]}"
read -r -t 5 reply <&"${ECHOCONN[0]}"
check_eq "a long connection to the echo service works" one "$reply"
check_eq "web answers" "rs1:2 rs2:2" "$(curl_names 4 http://$VIP/)"
echo_pkts=$(stat_of "$ECHO" 4)
web_conns=$(stat_of "$WEB" 3)

# --- a changed file -------------------------------------------------------
conf 2 wlc 3 1 1 > "$VSD_CONF"
mark=$(log_mark)
hup
check "SIGHUP: the new server rs3 joins web" \
	busywait 10000 dest_weight_is "$WEB" 10.11.12.3:80 2
check_eq "web's scheduler is now wlc" wlc "$(sched_of "$WEB")"
check_eq "rs1's weight is now 3" 3 "$(dest_weight "$WEB" 10.11.12.1:80)"
check "the reload is logged with its serial" \
	busywait 2000 vsd_log_has "reloaded .*vsd.conf \(serial 2\)"
changes=$(tail -n +$((mark + 1)) "$VSD_LOG" | grep -E "TCP $VIP:[0-9]+: ")
log "table changes of the reload:"
printf '%s\n' "$changes" | sed 's/^/#   /'
check_eq "exactly three changes, all to web" \
	"TCP $VIP:80: set scheduler wlc|TCP $VIP:80: server 10.11.12.1:80 masq weight 3|TCP $VIP:80: add server 10.11.12.3:80 masq weight 2" \
	"$(sed -E 's/^[0-9:.]+ vsd: [a-z]+: //; s/ \(was.*//; s/, persistence.*//' <<< "$changes" | paste -sd'|')"
echo two >&"${ECHOCONN[1]}"
read -r -t 5 reply <&"${ECHOCONN[0]}"
check_eq "the open connection to the unchanged echo service survives" two "$reply"
check "echo's counters keep counting (not reset)" \
	test "$(stat_of "$ECHO" 4)" -gt "$echo_pkts"
check "web's counters stay (edited, not re-created)" \
	test "$(stat_of "$WEB" 3)" -ge "$web_conns"

# --- vsd reload with the same file: nothing to do ---------------------------
mark=$(log_mark)
out=$(vsd -s "$VSD_SOCK" reload 2>&1)
check "vsd reload succeeds" test $? -eq 0
check "and says so" grep -q "reloaded .*vsd.conf" <<< "$out"
check_eq "an unchanged file changes nothing in the table" "" \
	"$(tail -n +$((mark + 1)) "$VSD_LOG" | grep -E "TCP $VIP:[0-9]+: ")"

# --- a bad file --------------------------------------------------------------
before=$(d vsadm -S -n)
cp "$VSD_CONF" "$VSD_TMP/good.conf"
conf 3 fastest 9 0 0 > "$VSD_CONF"
line=$(grep -n "scheduler = fastest" "$VSD_CONF" | cut -d: -f1)
mark=$(log_mark)
hup
check "SIGHUP with a bad file: rejected, logged with file:line" \
	busywait 3000 vsd_log_has "vsd.conf:$line: key 'scheduler': bad value 'fastest' \(expected rr\|wrr"
check "the running configuration stays" vsd_log_has "rejected, the running configuration stays"
sleep 1
check_eq "the table did not change at all" "$before" "$(d vsadm -S -n)"
out=$(vsd -s "$VSD_SOCK" reload 2>&1)
check "vsd reload with a bad file exits non-zero" test $? -ne 0
check "and prints the error" grep -q "vsd.conf:$line: key 'scheduler': bad value 'fastest'" <<< "$out"
json=$(vsd -s "$VSD_SOCK" status --json)
check_eq "status: still serial 2, last reload rejected" "2 rejected" \
	"$(python3 -c 'import json, sys; j = json.load(sys.stdin); print(j["serial"], j["last_reload"].split(":")[0])' <<< "$json")"
echo three >&"${ECHOCONN[1]}"
read -r -t 5 reply <&"${ECHOCONN[0]}"
check_eq "the echo connection still works" three "$reply"

# --- a virtual removed, then flush on exit -----------------------------------
conf 4 wlc 3 1 0 "shutdown_action = flush" > "$VSD_CONF"
mark=$(log_mark)
out=$(vsd -s "$VSD_SOCK" reload 2>&1)
check "a virtual removed from the file is deleted from the table" \
	busywait 3000 sh -c "! ip netns exec $dir vsadm -L -n | grep -q '$VIP:7 '"
check_eq "and web is not touched" "" \
	"$(tail -n +$((mark + 1)) "$VSD_LOG" | grep -E "TCP $VIP:80: ")"
vsd_stop
check "shutdown_action = flush: vsd's services are gone on exit" \
	sh -c "! ip netns exec $dir vsadm -L -n | grep -q '$VIP:80 '"
[ $__failed -gt 0 ] && show_vsd_log
finish
