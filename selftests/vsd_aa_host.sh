#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsd's active-active mode on the host, in a network namespace of the
# test's own (unshare -n: nothing touches this host's routes; vsd
# --no-kernel keeps the vs table in memory). Three directors on lo of
# that namespace, each told which one it is with --self:
#
#   vsd 10.0.5.1 ──┐  heartbeats on UDP 5390, routes in table 250
#   vsd 10.0.5.2 ──┤  (the same file)
#   vsd 10.0.5.3 ──┘  (a file with another serial_no: refused)
#
# First director 1 alone, the only one touching the table: a stale route
# of protocol 251 is deleted at start; the healthy VIP (a check_type none
# server; also the VIP of a second virtual whose server is down) becomes
# "192.0.2.10 dev lo proto 251" in table 250 once the listening time is
# over, the VIP whose only server is down does not; a route deleted by
# hand comes back; drain --wait withdraws it and returns once drained,
# undrain announces it again, and a reload in between keeps the drain;
# SIGTERM withdraws it; a host with several of the directors' addresses
# needs --self, and vsd says which it found. Then the three: each
# sees the others, the one with the other file is refused and says why,
# the others see it refused and its file differing, a drain shows on the
# peers, and a SIGKILLed director is dead to the others after deadtime.
. "$(dirname "$0")/lib.sh"
require_cmd ip python3

if [ -z "${VS_AA_NETNS:-}" ]; then
	[ "$(id -u)" = 0 ] && unshare -n true 2> /dev/null ||
		{ echo "# SKIP: needs a network namespace of its own (root, unshare -n)"; exit $KSFT_SKIP; }
	VS_AA_NETNS=1 exec unshare -n "$0" "$@"
fi

vsd=$VS_TOP/build/bin/vsd
[ -x "$vsd" ] || make -s -C "$VS_TOP/user" > /dev/null 2>&1 || die "build vsd"
tmp=$(mktemp -d)
defer "rm -rf $tmp"
ip link set lo up
for i in 1 2 3; do ip addr add 10.0.5.$i/32 dev lo; done

head -c 32 /dev/urandom | base64 > "$tmp/hb.key"
chmod 600 "$tmp/hb.key"
cat > "$tmp/vsd.conf" << EOF
serial_no = 1
active_active = 1
director = 10.0.5.1
director = 10.0.5.2
director = 10.0.5.3
heartbeat_key = $tmp/hb.key
heartbeat_port = 5390
keepalive = 0.2
deadtime = 0.6
reconcile_interval = 0.5
network = direct
virtual web {
	address = 192.0.2.10
	port = 80
	scheduler = mh
	scheduler_flags = mh-port
	check_type = none
	server rs1 {
		address = 10.0.6.1
	}
}
virtual web_tls {
	address = 192.0.2.10
	port = 443
	scheduler = mh
	check_interval = 0.2
	server rs1 {
		address = 127.0.0.1
		port = 443
	}
}
virtual down {
	address = 192.0.2.11
	port = 443
	scheduler = mh
	check_interval = 0.2
	server rs1 {
		address = 127.0.0.1
		port = 443
	}
}
EOF
sed 's/^serial_no = 1$/serial_no = 2/' "$tmp/vsd.conf" > "$tmp/other.conf"

# start N FILE: director 10.0.5.N in the background.
start() {
	"$vsd" -d --no-kernel --self 10.0.5.$1 -f "$tmp/$2" -s "$tmp/$1.sock" \
		-p "$tmp/$1.pid" > "$tmp/$1.log" 2>&1 &
	echo $! > "$tmp/$1.vpid"
	disown $!	# no "Killed" from the shell when a test kills it
	defer "kill \$(cat $tmp/$1.vpid)"
}

stop() {
	local pid
	pid=$(cat "$tmp/$1.vpid")
	kill "-${2:-TERM}" "$pid"
	busywait 5000 bash -c "! kill -0 $pid 2> /dev/null"
}

routed() {
	ip route show table 250 proto 251 | grep -q "^$1 dev lo "
}

# aa N EXPR: a Python expression on director N's "active_active" (as a).
aa() {
	"$vsd" -s "$tmp/$1.sock" status --json |
		python3 -c "import json, sys; a = json.load(sys.stdin)['active_active']; print($2)"
}

peer() {	# peer N ADDR EXPR: on the peer ADDR of director N (as p)
	aa "$1" "[$3 for p in a['peers'] if p['address'] == '$2'][0]"
}

says() {	# says WORD CMD...: CMD prints WORD
	local want=$1
	shift
	[ "$("$@" 2> /dev/null)" = "$want" ]
}

check "vsd -t accepts the file" "$vsd" -t -f "$tmp/vsd.conf"

# --- one director ---------------------------------------------------------
ip route add 198.51.100.1/32 dev lo table 250 proto 251
start 1 vsd.conf
check "director 1 answers" busywait 5000 test -S "$tmp/1.sock"
check "a route an earlier run left in the table is deleted at start" \
	busywait 2000 bash -c "! ip route show table 250 | grep -q 198.51.100.1"
check "the healthy VIP is announced after the listening time" busywait 3000 routed 192.0.2.10
check_eq "... as a route of protocol 251 on lo in table 250" \
	"192.0.2.10 dev lo proto 251 scope link" "$(ip route show table 250 | grep 192.0.2.10 | sed 's/ *$//')"
check "the VIP whose server is down is not" bash -c "! ip route show table 250 | grep -q 192.0.2.11"
check_eq "vsd status says why" "no healthy server" \
	"$(aa 1 "[v['reason'] for v in a['vips'] if v['address'] == '192.0.2.11'][0]")"
check "the status's text has the mode line" bash -c \
	"'$vsd' -s '$tmp/1.sock' status | grep -q '^mode: active-active, director 10.0.5.1 of 3; 1 of 2 VIPs announced in table 250'"
ip route del 192.0.2.10/32 dev lo table 250
check "a route deleted by hand comes back" busywait 3000 routed 192.0.2.10

out=$(timeout 20 "$vsd" -s "$tmp/1.sock" drain 30 --wait)
check_eq "drain --wait returns 0 once drained" 0 $?
check "... and said so" grep -q "drained (0 connections left)" <<< "$out"
check "draining withdrew the VIP" bash -c "! ip route show table 250 | grep -q 192.0.2.10"
check_eq "vsd status: drained" drained "$(aa 1 "a['drain']['state']")"
kill -HUP "$(cat "$tmp/1.vpid")"
check "a reload (SIGHUP) is done" busywait 3000 grep -q "reloaded $tmp/vsd.conf" "$tmp/1.log"
check_eq "... and the director is still drained" "drained False" \
	"$(aa 1 "'%s %s' % (a['drain']['state'], any(v['announced'] for v in a['vips']))")"
check "undrain" "$vsd" -s "$tmp/1.sock" undrain
check "the VIP is announced again" busywait 2000 routed 192.0.2.10
stop 1
check "SIGTERM withdraws every route" bash -c "! ip route show table 250 proto 251 | grep -q ."
check "... and logs it" grep -q "192.0.2.10 withdrawn: vsd stops" "$tmp/1.log"

out=$(timeout 10 "$vsd" -d --no-kernel -f "$tmp/vsd.conf" -s "$tmp/x.sock" -p "$tmp/x.pid" 2>&1)
check_eq "without --self, three local directors: vsd does not start" 1 $?
check "... and says which it found" grep -q "active-active: 10.0.5.1 and 10.0.5.2 and 10.0.5.3 are all addresses of this host: run each director on its own host, or name it with --self" <<< "$out"

# --- three directors ------------------------------------------------------
start 1 vsd.conf
start 2 vsd.conf
check "directors 1 and 2 hear each other" busywait 5000 says True \
	peer 1 10.0.5.2 "p['alive'] and p['announcing'] and p['config_match']"
start 3 other.conf
check "director 3, whose file differs, is refused" busywait 5000 \
	says "config differs from 10.0.5.1" aa 3 "a['refused']"
check_eq "... and announces nothing" 0 "$(aa 3 "sum(v['announced'] for v in a['vips'])")"
check "... and logs why" grep -q "refused, this director announces nothing: its configuration differs from director 10.0.5.1's" "$tmp/3.log"
check_eq "director 1 sees it refused, its file differing" "True False" \
	"$(peer 1 10.0.5.3 "'%s %s' % (p['refused'], p['config_match'])")"
check_eq "director 1 is not refused" None "$(aa 1 "a['refused']")"
"$vsd" -s "$tmp/2.sock" drain > /dev/null
check "a drain shows on the peers" busywait 2000 says True \
	peer 1 10.0.5.2 "p['draining'] and not p['announcing']"
stop 2 KILL
check "a SIGKILLed director is dead to the others after deadtime" busywait 3000 \
	says False peer 1 10.0.5.2 "p['alive']"
check_eq "the heartbeats were all authentic" 0 \
	"$(aa 1 "a['ignored']['forged'] + a['ignored']['replayed'] + a['ignored']['stranger']")"
finish
