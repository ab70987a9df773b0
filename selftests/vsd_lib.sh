# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the vsd selftests (source lib.sh and topo.sh first):
# a vsd in the director's namespace, nginx real servers that can be
# stopped and started again, and the table as numbers.

VSD_TMP=$(mktemp -d)
defer "rm -rf $VSD_TMP"
VSD_CONF=$VSD_TMP/vsd.conf
VSD_SOCK=$VSD_TMP/vsd.sock
VSD_PID=$VSD_TMP/vsd.pid
VSD_LOG=$VSD_TMP/vsd.log

d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }

vsd_running() {
	[ -s "$VSD_PID" ] && kill -0 "$(cat "$VSD_PID")" 2> /dev/null
}

# vsd_start [ARGS...]: vsd in the director's namespace, in the foreground
# (its log in $VSD_LOG), answering on its control socket.
vsd_start() {
	d vsd -d -f "$VSD_CONF" -s "$VSD_SOCK" -p "$VSD_PID" "$@" \
		>> "$VSD_LOG" 2>&1 &
	defer vsd_stop
	busywait 5000 vsd_status_quiet || {
		log "vsd did not start:"
		sed 's/^/#   /' "$VSD_LOG"
		return 1
	}
}

vsd_status_quiet() {
	vsd -s "$VSD_SOCK" status > /dev/null 2>&1
}

vsd_stop() {
	local pid
	vsd_running || return 0
	pid=$(cat "$VSD_PID")
	kill -TERM "$pid"
	busywait 5000 sh -c "! kill -0 $pid 2> /dev/null"
}

# Times from vsd's own log (its stderr lines start with HH:MM:SS.mmm), so
# a measurement does not include how long a test takes to look.
# log_mark: the log's current length; log_ms_after MARK ERE: epoch ms of
# the first line after MARK matching ERE.
log_mark() {
	wc -l < "$VSD_LOG"
}

log_ms_after() {
	local line
	line=$(tail -n +$(($1 + 1)) "$VSD_LOG" | grep -E -m1 -- "$2") || return 1
	date -d "${line%% *}" +%s%3N
}

vsd_log_has() {
	grep -qE -- "$1" "$VSD_LOG"
}

show_vsd_log() {
	log "vsd log:"
	sed 's/^/#   /' "$VSD_LOG"
}

# An nginx per real server, answering "NAME\n" on PORT (80), that can be
# stopped and started again: web_start I [NAME] [PORT], web_stop I.
web_start() {
	local i=$1 name=${2:-rs$1} port=${3:-80} ns w
	ns=$(rs_ns "$i")
	w=$VSD_TMP/web$i
	mkdir -p "$w/logs"
	cat > "$w/nginx.conf" <<EOF
daemon on;
pid $w/nginx.pid;
error_log $w/logs/error.log;
worker_processes 1;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $w;
	proxy_temp_path $w;
	fastcgi_temp_path $w;
	uwsgi_temp_path $w;
	scgi_temp_path $w;
	server {
		listen $port reuseport;
		location / { return 200 "$name\n"; }
		location /sick { return 503 "sick\n"; }
	}
}
EOF
	in_ns "$ns" nginx -e "$w/logs/error.log" -p "$w" -c "$w/nginx.conf" \
		-g "user root;" || return 1
	[ -n "${__web_deferred[$i]:-}" ] || defer "web_stop $i"
	__web_deferred[$i]=1
	wait_port "$ns" tcp "$port"
}
declare -A __web_deferred

web_stop() {
	local i=$1 w=$VSD_TMP/web$1 pid
	[ -s "$w/nginx.pid" ] || return 0
	pid=$(cat "$w/nginx.pid")
	kill "$pid" 2> /dev/null
	busywait 5000 sh -c "! kill -0 $pid 2> /dev/null"
	rm -f "$w/nginx.pid"
}

# web_kill I: SIGKILL to real server I's nginx (master and workers, by
# pid), so its port closes at once - for measuring how fast vsd reacts.
# KILLED_AT: epoch ms just before the (builtin) kill; processes are slow
# to start in the emulated VM, so nothing is started in between.
web_kill() {
	local w=$VSD_TMP/web$1 pid pids t
	[ -s "$w/nginx.pid" ] || return 0
	pid=$(cat "$w/nginx.pid")
	pids="$pid $(pgrep -P "$pid" | tr '\n' ' ')"
	t=${EPOCHREALTIME/./}
	KILLED_AT=${t:0:-3}
	# shellcheck disable=SC2086
	kill -KILL $pids 2> /dev/null
	busywait 5000 sh -c "! kill -0 $pid 2> /dev/null"
	rm -f "$w/nginx.pid"
}

# dest_weight SERVICE RS: the weight of real server RS (addr:port) in
# SERVICE (as vsadm -L takes it, e.g. "-t 192.168.26.10:80"), or "-".
dest_weight() {
	local w
	# shellcheck disable=SC2086
	w=$(d vsadm -L -n $1 2> /dev/null | awk -v rs="$2" '$1 == "->" && $2 == rs { print $4 }')
	echo "${w:--}"
}

# servers_at SERVICE WEIGHT: how many servers of SERVICE have WEIGHT.
servers_at() {
	# shellcheck disable=SC2086
	d vsadm -L -n $1 2> /dev/null | awk -v w="$2" '$1 == "->" && $4 == w' | wc -l
}

servers_at_is() {
	[ "$(servers_at "$1" "$2")" = "$3" ]
}

dest_weight_is() {
	[ "$(dest_weight "$1" "$2")" = "$3" ]
}

now_ms() {
	date +%s%3N
}

# curl_names N URL: N requests through the client, the answers sorted and
# counted ("rs1:4 rs3:4"); failures count as "fail".
curl_names() {
	local n=$1 url=$2 i out=""
	for ((i = 0; i < n; i++)); do
		out+="$(c curl -s --max-time 3 "$url" || echo fail) "
	done
	tr ' ' '\n' <<< "$out" | grep . | sort | uniq -c |
		awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}
