# SPDX-License-Identifier: GPL-2.0
#
# Two directors running vsd with failover, for the failover selftests
# (source lib.sh and topo.sh first). The NAT example of Red Hat's LVS
# guide: director A (primary, 192.168.26.9 / 10.11.12.9) and B (backup,
# 192.168.26.8 / 10.11.12.8) share the public and private segments; the
# VIP 192.168.26.10 (eth0:1) and the NAT router 10.11.12.10 (eth1:1)
# float between them.
#
#     client 192.168.26.100
#        |
#   ==== pub 192.168.26.0/24 ====+===============+=====
#                          eth0 .26.9      eth0 .26.8
#                          director A      director B
#                          eth1 .12.9      eth1 .12.8
#                                |               |
#   ==== priv 10.11.12.0/24 =====+===============+=====+============+====
#                                                 rs1 .12.1 ... rs3 .12.3
#
#   The active director holds the VIP .26.10 and the NAT router .12.10
#   (the real servers' default route); heartbeats and connection sync
#   run between A and B on both segments.

FO_TMP=$(mktemp -d)
defer "rm -rf $FO_TMP"
head -c 32 /dev/urandom | base64 > "$FO_TMP/hb.key"
chmod 600 "$FO_TMP/hb.key"

# Heartbeats every 0.1 s, dead after 0.5 s: times TIME_SCALE on a slow
# (sanitizer) kernel, where a loaded loop misses half a second easily.
FO_KEEPALIVE=$(awk -v t="$TIME_SCALE" 'BEGIN { print 0.1 * t }')
FO_DEADTIME=$(awk -v t="$TIME_SCALE" 'BEGIN { print 0.5 * t }')

# fo_topology: the namespaces, the servers (echo on 7, name on 8), no
# floating address anywhere yet.
fo_topology() {
	topo_nat 2 || return 1
	dirA=$dir
	ip -n "$dirA" addr del "$VIP/24" dev eth0
	ip -n "$dirA" addr del "$NAT_ROUTER/24" dev eth1
	topo_director dirB 192.168.26.8 10.11.12.8 novip || return 1
	for i in 1 2; do
		echo_server "$(rs_ns $i)" tcp 7
		name_server "$(rs_ns $i)" tcp 8 "rs$i"
	done
	for i in 1 2; do
		wait_port "$(rs_ns $i)" tcp 7 && wait_port "$(rs_ns $i)" tcp 8 ||
			return 1
	done
}

fo_virtual() { # NAME PORT [PERSISTENT]
	printf 'virtual %s {\n\tactive = 1\n\taddress = %s eth0:1\n\tprotocol = tcp\n\tport = %s\n\tscheduler = rr\n\tcheck_type = none\n' \
		"$1" "$VIP" "$2"
	[ -n "$3" ] && printf '\tpersistent = %s\n' "$3"
	for i in 1 2; do
		printf '\tserver rs%s {\n\t\taddress = 10.11.12.%s\n\t\tactive = 1\n\t}\n' "$i" "$i"
	done
	printf '}\n'
}

# fo_conf FILE [KEY=VALUE...]: the directors' configuration; a KEY given
# here replaces its default or is added.
fo_conf() {
	local file=$1 kv k
	local -A val=()
	local -a keys=()
	shift
	for kv in serial_no=1 primary=192.168.26.9 primary_private=10.11.12.9 \
		backup=192.168.26.8 backup_private=10.11.12.8 heartbeat=1 \
		"heartbeat_key=$FO_TMP/hb.key" "keepalive=$FO_KEEPALIVE" \
		"deadtime=$FO_DEADTIME" \
		garp_repeat=3 garp_interval=0.2 network=nat \
		"nat_router=$NAT_ROUTER eth1:1" "$@"; do
		k=${kv%%=*}
		[ -n "${val[$k]+set}" ] || keys+=("$k")
		val[$k]=${kv#*=}
	done
	{
		for k in "${keys[@]}"; do echo "$k = ${val[$k]}"; done
		fo_virtual echo 7
		fo_virtual sticky 8 300
	} > "$file"
}

# fo_start NAME NS CONF: vsd for director NAME (A or B) in NS.
fo_start() {
	local name=$1 ns=$2 conf=$3
	in_ns "$ns" vsd -d -f "$conf" -s "$FO_TMP/$name.sock" \
		-p "$FO_TMP/$name.pid" >> "$FO_TMP/$name.log" 2>&1 &
	defer "fo_kill $name TERM"
	busywait 10000 fo_up "$name" || {
		log "vsd $name did not start:"
		sed 's/^/#   /' "$FO_TMP/$name.log"
		return 1
	}
}

fo_up() {
	fo_status "$1" > /dev/null 2>&1
}

fo_kill() { # NAME SIGNAL
	local pid
	pid=$(cat "$FO_TMP/$1.pid" 2> /dev/null) || return 0
	kill -"$2" "$pid" 2> /dev/null
	busywait 5000 sh -c "! kill -0 $pid 2> /dev/null"
}

fo_status() { # NAME [--json]
	vsd -s "$FO_TMP/$1.sock" status "${@:2}"
}

fo_active() { # NAME: is it the active director?
	fo_status "$1" | grep -q "^failover: .* ACTIVE"
}

fo_standby() {
	fo_status "$1" | grep -q "^failover: .* standby"
}

fo_json() { # NAME PYTHON-EXPR on the status JSON as s
	fo_status "$1" --json | python3 -c "import json, sys; s = json.load(sys.stdin); print($2)"
}

fo_synced() { # NAME: it received sync datagrams
	[ "$(fo_json "$1" 's["failover"]["sync"]["received"] > 0')" = True ]
}

backup_only() { # NS: the namespace's net.vs.backup_only
	ip netns exec "$1" cat /proc/sys/net/vs/backup_only
}

has_vip() { # NS
	ip -n "$1" -4 addr show dev eth0 | grep -q " $VIP/"
}

# fo_panel_weight NS WEIGHT: log in to the panel of NS's vsd (127.0.0.1:8080,
# admin / "correct horse") and save rs2's weight in virtual echo (serial 1);
# prints the HTTP status.
fo_panel_weight() {
	local web="$VS_TOP/selftests/vsd_web_client.py"
	in_ns "$1" "$web" --jar "$FO_TMP/jar" http://127.0.0.1:8080 POST /api/login \
		'{"user":"admin","password":"correct horse"}' > /dev/null
	in_ns "$1" "$web" --jar "$FO_TMP/jar" --csrf http://127.0.0.1:8080 POST /api/config \
		'{"serial":1,"ops":[{"op":"set","virtual":"echo","server":"rs2","keys":{"weight":"'"$2"'"}}]}' |
		head -1
}
