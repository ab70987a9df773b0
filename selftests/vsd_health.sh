#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsd keeping a NAT service true (the NAT example of Red Hat's LVS guide,
# topo.sh): three nginx real servers checked over HTTP, a fourth as the
# sorry server.
#
#     client 192.168.26.100
#        |
#   ==== pub ==== director (vsd, VIP 192.168.26.10) ==== priv ====
#                                                  rs1 rs2 rs3  rs4 (sorry)
#                                                  10.11.12.1-3 10.11.12.4
#
# Kill a server: it leaves the pool within timeout + one interval and curl
# through the VIP never reaches it afterwards. Start it again: it returns
# only after reentry, its weight ramping up from weight >> 5. Change the
# table by hand with vsadm: vsd puts it back. Every server down: the sorry
# server answers, and leaves when a server returns. vs.ko reloaded: vsd
# rebuilds its service. On SIGTERM the table stays (shutdown_action = keep).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd nginx curl
. "$(dirname "$0")/vsd_lib.sh"

INTERVAL=0.2
TIMEOUT=1
REENTRY=1.5

load_vs || die "insmod"
topo_nat 4 || die "topology"
for i in 1 2 3; do
	web_start $i || die "nginx on rs$i"
done
web_start 4 sorry || die "nginx on rs4 (sorry)"

cat > "$VSD_CONF" <<EOF
# the LVS guide's NAT example, checked fast
serial_no = 1
primary = $DIRECTOR_PUB
service = lvs
network = nat
nat_router = $NAT_ROUTER eth1:1
reconcile_interval = 0.5
virtual web {
	active = 1
	address = $VIP eth0:1
	port = 80
	protocol = tcp
	scheduler = rr
	check_interval = $INTERVAL
	connect_timeout = 1
	timeout = $TIMEOUT
	reentry = $REENTRY
	http_url = /
	http_regex = "^rs[0-9]"
	sorry_server = 10.11.12.4
	server rs1 {
		address = 10.11.12.1
		weight = 32
	}
	server rs2 {
		address = 10.11.12.2
		weight = 32
	}
	server rs3 {
		address = 10.11.12.3
		weight = 32
	}
}
EOF
SVC="-t $VIP:80"

vsd_start -D || die "vsd starts"
check "all three servers join the pool at their weight" \
	busywait 10000 servers_at_is "$SVC" 32 3 || show_vsd_log
check_eq "the sorry server is not in the table while servers are up" "-" \
	"$(dest_weight "$SVC" 10.11.12.4:80)"
check_eq "round robin reaches every server" "rs1:3 rs2:3 rs3:3" \
	"$(curl_names 9 http://$VIP/)"

# --- a server dies --------------------------------------------------------
mark=$(log_mark)
# SIGKILL: the port closes at once (a graceful stop can take a while in the
# emulated VM, nginx serving meanwhile). From t0 on, rs2 can pass no check.
web_kill 2
t0=$KILLED_AT
check "rs2 leaves the table" busywait 10000 dest_weight_is "$SVC" 10.11.12.2:80 -
t1=$(log_ms_after "$mark" "delete server 10.11.12.2:80") || t1=$((t0 + 99999))
left=$((t1 - t0))
limit=$(awk -v t=$TIMEOUT -v i=$INTERVAL 'BEGIN { print int((t + i) * 1000) }')
log "rs2 was deleted from the table ${left} ms after nginx was killed (timeout + interval = $limit ms)"
# Allow 300 ms for the emulated VM to run the check and the netlink
# exchange on top of what vsd promises.
check "rs2 leaves within timeout + one interval" test "$left" -le $((limit + 300))
check "vsd logged why" vsd_log_has "check http 10.11.12.2:80: (up|failing) -> down \(connect: Connection refused\)"
check_eq "afterwards curl never reaches rs2" "rs1:10 rs3:10" \
	"$(curl_names 20 http://$VIP/)"
status=$(vsd -s "$VSD_SOCK" status)
check "vsd status shows rs2 down with the reason" \
	grep -qE "^  rs2 +10\.11\.12\.2:80 +down .*connect: Connection refused" <<< "$status"

# --- it comes back -------------------------------------------------------
mark=$(log_mark)
web_start 2 || die "nginx on rs2 again"
check "rs2 returns at full weight" busywait 15000 dest_weight_is "$SVC" 10.11.12.2:80 32
back=$(log_ms_after "$mark" "http 10.11.12.2:80: down -> returning")
up=$(log_ms_after "$mark" "http 10.11.12.2:80: returning -> up")
log "rs2 passed its first check at $back, returned at $up: $((up - back)) ms later"
check "rs2 returns only after passing for reentry ($REENTRY s)" \
	test $((up - back)) -ge "$(awk -v r=$REENTRY 'BEGIN { print int(r * 1000) }')"
check "it starts at weight 32 >> 5 = 1" vsd_log_has "server rs2 \(10\.11\.12\.2:80\) returns to the pool, slow start from weight 1"
# Each step is a change to the table (logged at debug level by -D).
weights=$(tail -n +$((mark + 1)) "$VSD_LOG" |
	sed -nE 's/.*(add server|server) 10\.11\.12\.2:80 masq weight ([0-9]+).*/\2/p' | tr '\n' ' ')
check_eq "its weight in the table doubles each check: 1 2 4 8 16 32" "1 2 4 8 16 32 " "$weights"
check "curl reaches rs2 again" grep -q rs2 <<< "$(curl_names 9 http://$VIP/)"

# --- hands on the table ---------------------------------------------------
d vsadm -e $SVC -r 10.11.12.1:80 -m -w 5
d vsadm -a $SVC -r 10.11.12.7:80 -m -w 1
d vsadm -d $SVC -r 10.11.12.3:80
check "a weight changed by hand is put back" \
	busywait 5000 dest_weight_is "$SVC" 10.11.12.1:80 32
check "a server added by hand is removed" \
	busywait 5000 dest_weight_is "$SVC" 10.11.12.7:80 -
check "a server deleted by hand is added back" \
	busywait 5000 dest_weight_is "$SVC" 10.11.12.3:80 32
check "the corrections are logged" \
	vsd_log_has "correcting a change made behind vsd's back: TCP $VIP:80: server 10.11.12.1:80 masq weight 32 \(was masq weight 5\)"

# --- everything down: the sorry server -------------------------------------
web_stop 1
web_stop 2
web_stop 3
check "every server down: the sorry server enters" \
	busywait 10000 dest_weight_is "$SVC" 10.11.12.4:80 1
check_eq "and no real server is left in the table" "- - -" \
	"$(dest_weight "$SVC" 10.11.12.1:80) $(dest_weight "$SVC" 10.11.12.2:80) $(dest_weight "$SVC" 10.11.12.3:80)"
check_eq "the sorry server answers" "sorry:4" "$(curl_names 4 http://$VIP/)"
web_start 1 || die "nginx on rs1 again"
check "a server returns: the sorry server leaves" \
	busywait 10000 dest_weight_is "$SVC" 10.11.12.4:80 -
check_eq "and rs1 answers" "rs1:4" "$(curl_names 4 http://$VIP/)"
check "the sorry server's moves are logged" \
	vsd_log_has "virtual web: a real server is up: sorry server 10.11.12.4:80 leaves"

# --- vs.ko unloaded and loaded again under vsd --------------------------------
svc_listed() {
	d vsadm -L -n | grep -q "^TCP  $VIP:80 "
}
check "vs.ko can be unloaded under a running vsd" unload_vs
# vsd's next request may load it first, through the family's module alias.
load_vs 2> /dev/null
check "vs.ko is loaded again" vs_loaded
check "vsd finds the new module and puts its service back" busywait 10000 svc_listed
check "with the server that is up" busywait 5000 sh -c "ip netns exec $dir vsadm -L -n | grep -q '10.11.12.1:80'"
check "and says it corrected the table" \
	vsd_log_has "correcting a change made behind vsd's back: TCP $VIP:80: add service"

# --- stop ------------------------------------------------------------------
vsd_stop
check "SIGTERM: vsd exits" test ! -e "$VSD_PID"
check "shutdown_action keep: the service stays in the table" \
	grep -q "$VIP:80" <<< "$(d vsadm -L -n)"
[ $__failed -gt 0 ] && show_vsd_log
finish
