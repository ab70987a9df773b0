# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the scheduler selftests (sched_*.sh), on top of the NAT
# topology of topo.sh. Source lib.sh and topo.sh first.
#
# Schedulers that hash or cache by address need many clients and many
# destinations:
#
#   topo_src_range     the client may send from any address of SRC_NET
#                      (172.30.0.0/16, bound per connection); the director
#                      routes replies to them back to it.
#   topo_dst_range M   the client reaches any address of DST_NET
#                      (10.99.0.0/16) port 80 through the director, which
#                      takes them as local and marks them M: a firewall-mark
#                      service balances them, destination addresses intact.
#
# sched_client runs the test client (Python, one process for many
# connections, each opened only after the previous one was answered, so
# the order the scheduler sees is the order of the input).

SRC_NET=172.30
DST_NET=10.99

d() { in_ns "$dir" "$@"; }

topo_src_range() {
	ip -n "$client" route add local $SRC_NET.0.0/16 dev lo &&
		ip -n "$dir" route add $SRC_NET.0.0/16 via $CLIENT_IP
}

topo_dst_range() {
	ip -n "$dir" route add local $DST_NET.0.0/16 dev lo || return 1
	ip netns exec "$dir" nft -f - <<EOF || return 1
table ip vs_sched_test {
	chain pre {
		type filter hook prerouting priority mangle;
		ip daddr $DST_NET.0.0/16 tcp dport 80 meta mark set $1
	}
}
EOF
	ip -n "$client" route add $DST_NET.0.0/16 via $DIRECTOR_PUB
}

# http_servers N: nginx on rs1..rsN port 80, each answering with its name.
http_servers() {
	local i
	for ((i = 1; i <= $1; i++)); do
		http_server "$(rs_ns "$i")" "rs$i" 80 || return 1
	done
	for ((i = 1; i <= $1; i++)); do
		wait_port "$(rs_ns "$i")" tcp 80 || return 1
	done
}

# add_server SVC I [VSADM OPTIONS]: rsI (NAT, port 80) to service SVC
# ("-t VIP:80" or "-f MARK"). add_servers SVC N [OPTIONS]: rs1..rsN.
add_server() {
	local svc=$1 i=$2
	shift 2
	# shellcheck disable=SC2086
	d vsadm -a $svc -r "10.11.12.$i:80" -m "$@"
}

add_servers() {
	local svc=$1 n=$2 i
	shift 2
	for ((i = 1; i <= n; i++)); do
		add_server "$svc" "$i" "$@" || return 1
	done
}

__sched_client_py='
import socket, sys, time

def connect(src, dst, port):
    s = socket.socket()
    s.settimeout(15)
    # Bound before connecting: a port from bind() is unique on the
    # client, while connect() reuses a port towards another destination.
    # Behind NAT, VIP:80 and VIP:82 can lead to the same real server,
    # where two connections from one port would be one.
    addr, _, sport = src.partition(":")
    if sport:
        # A given port is used again: close with a reset, leaving no
        # TIME_WAIT to refuse the next connection from it.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                     b"\x01\x00\x00\x00\x00\x00\x00\x00")
    s.bind(("" if addr == "-" else addr, int(sport or 0)))
    s.connect((dst, port))
    return s

def ask(s):
    s.sendall(b"GET / HTTP/1.1\r\nHost: vs\r\n\r\n")
    buf = b""
    while b"\r\n\r\n" not in buf:
        data = s.recv(4096)
        if not data:
            raise EOFError
        buf += data
    head, body = buf.split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    while len(body) < length:
        data = s.recv(4096)
        if not data:
            raise EOFError
        body += data
    return body.decode().strip()

def out(*words):
    print(*words, flush=True)

mode, port = sys.argv[1], int(sys.argv[2])
if mode in ("get", "hold"):
    held = []
    for line in sys.stdin:
        if not line.split():
            continue
        src, dst = line.split()[:2]
        try:
            s = connect(src, dst, port)
            out(src, dst, ask(s))
            if mode == "get":
                s.close()
            else:
                held.append(s)
        except Exception:
            out(src, dst, "ERR")
    if mode == "hold":
        out("ready")
        while True:
            time.sleep(3600)
elif mode == "session":
    s = connect(sys.argv[3], sys.argv[4], port)
    for line in sys.stdin:
        try:
            out(ask(s))
        except Exception:
            out("ERR")
'

# sched_client MODE PORT [SRC DST]: the client, in the client namespace.
#   get      stdin lines "SRC DST" (SRC "-" for the default, "ADDR:PORT"
#            for a given source port, closed by a reset): one HTTP
#            request and connection each; prints "SRC DST NAME", NAME the
#            server that answered, ERR if none did. Behind NAT,
#            connections to different destinations can reach one server
#            with the same addresses: each takes its own port (bound
#            before connect) and the client closes first, so TIME_WAIT
#            stays with it and never refuses the server's next one.
#   hold     the same, but every connection stays open; prints "ready"
#            after the last and keeps them until killed.
#   session  one keep-alive connection from SRC to DST, asked again for
#            every line of stdin; prints the name each time.
sched_client() {
	in_ns "$client" python3 -c "$__sched_client_py" "$@"
}

# hold_start FILE PORT < SPEC: sched_client hold in the background, its
# output in FILE, its pid in $held_pid; waits for it to be ready. Not in a
# pipeline (held_pid would be lost with the subshell): feed it with < or
# < <(...).
hold_start() {
	local file=$1
	shift
	# Not through a function: $! must be the client itself. A background
	# command reads /dev/null unless told otherwise: <&0.
	ip netns exec "$client" python3 -c "$__sched_client_py" hold "$@" \
		<&0 > "$file" &
	held_pid=$!
	defer "kill $held_pid 2>/dev/null"
	busywait 60000 grep -q '^ready' "$file"
}

hold_stop() {
	kill "$1" 2>/dev/null
	wait "$1" 2>/dev/null
	return 0
}

# repeat N SRC DST: N lines "SRC DST", the spec of N connections.
repeat() {
	local i
	for ((i = 0; i < $1; i++)); do
		echo "$2 $3"
	done
}

# names FILE: the server column of a client's output, one per line.
names() {
	awk 'NF == 3 { print $3 }' "$1"
}

# tally: "rs1:N rs2:N ..." from names on stdin, in name order.
tally() {
	sort | uniq -c | awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}

# stats_conns SVC: "addr:conns" per real server of service SVC from the
# director's counters, in the order they were added.
stats_conns() {
	# shellcheck disable=SC2086
	d vsadm -L -n --stats $1 | awk '$1 == "->" && $2 ~ /^[0-9]/ { printf "%s%s:%s", (n++ ? " " : ""), $2, $3 }'
}
