# SPDX-License-Identifier: GPL-2.0
#
# LVS topologies for selftests and the demo, after the NAT example of Red
# Hat's LVS guide (chapter 3): a public segment 192.168.26.0/24 and a
# private segment 10.11.12.0/24, each a bridge in a "switch" namespace,
# hosts attached by veth (eth0 public, eth1 private). Source lib.sh first.
#
#   NAT (topo_nat N):
#
#     client 192.168.26.100                     rs1 10.11.12.1 ... rsN 10.11.12.N
#        |                                       |  default via 10.11.12.10
#   ==== pub ========= eth0 director eth1 ===== priv ====
#                      192.168.26.9  10.11.12.9
#                      VIP .26.10    NAT router 10.11.12.10 (floating)
#
#   Direct routing (topo_dr N): client, director and rs1..rsN all on pub
#   (rsI 192.168.26.I); each real server holds the VIP on lo and does not
#   answer ARP for it (arp_ignore=1, arp_announce=2), replying straight to
#   the client.
#
#     client 192.168.26.100   director 192.168.26.9   rs1 .26.1 ... rsN .26.N
#        |                      |  VIP .26.10 eth0      |  VIP on lo, no ARP
#   ==== pub ===================+=======================+====
#        ^------------- replies from rsI, source VIP ---'

VIP=192.168.26.10
NAT_ROUTER=10.11.12.10
CLIENT_IP=192.168.26.100
DIRECTOR_PUB=192.168.26.9
DIRECTOR_PRIV=10.11.12.9

# attach NS IFNAME BRIDGE [ADDR/PLEN]: a veth from NS to a bridge of sw.
attach() {
	local ns=$1 ifname=$2 br=$3 addr=$4 peer
	peer="v$(mktemp -u XXXXXXXX)"
	ip link add "$ifname" netns "$ns" type veth peer name "$peer" netns "$sw" || return 1
	ip -n "$sw" link set "$peer" master "$br" up || return 1
	ip -n "$ns" link set "$ifname" up || return 1
	[ -z "$addr" ] || ip -n "$ns" addr add "$addr" dev "$ifname"
}

topo_switch() {
	setup_ns sw || return 1
	ip -n "$sw" link add pub type bridge || return 1
	ip -n "$sw" link add priv type bridge || return 1
	ip -n "$sw" link set pub up && ip -n "$sw" link set priv up
}

# topo_director [VAR [PUB PRIV [novip]]]: a director namespace stored in
# $VAR (default "dir"): eth0 on pub, eth1 on priv, forwarding on, the VIP as
# a floating address on eth0 unless "novip" (a backup director).
topo_director() {
	local var=${1:-dir} pub=${2:-$DIRECTOR_PUB} priv=${3:-$DIRECTOR_PRIV}
	setup_ns "$var" || return 1
	local ns=${!var}
	attach "$ns" eth0 pub "$pub/24" || return 1
	attach "$ns" eth1 priv "$priv/24" || return 1
	ip netns exec "$ns" sysctl -qw net.ipv4.ip_forward=1
	[ "$4" = novip ] || ip -n "$ns" addr add "$VIP/24" dev eth0 label eth0:1
}

# float_to NS: the VIP and the NAT router address move to director NS,
# announced by gratuitous ARP (what failover does).
float_to() {
	local ns=$1 other
	for other in "$dir" "${dirB:-}"; do
		[ -n "$other" ] && [ "$other" != "$ns" ] || continue
		ip -n "$other" addr del "$VIP/24" dev eth0 2>/dev/null
		ip -n "$other" addr del "$NAT_ROUTER/24" dev eth1 2>/dev/null
	done
	ip -n "$ns" addr add "$VIP/24" dev eth0 label eth0:1
	ip -n "$ns" addr add "$NAT_ROUTER/24" dev eth1 label eth1:1
	in_ns "$ns" arping -q -U -c 2 -w 1 -I eth0 "$VIP"
	in_ns "$ns" arping -q -U -c 2 -w 1 -I eth1 "$NAT_ROUTER"
}

topo_client() {
	setup_ns client || return 1
	attach "$client" eth0 pub "$CLIENT_IP/24"
}

# rs_ns I: the name of real server I's namespace.
rs_ns() {
	local var="rs$1"
	echo "${!var}"
}

topo_nat() {
	local n=$1 i ns
	topo_switch && topo_client && topo_director || return 1
	ip -n "$dir" addr add "$NAT_ROUTER/24" dev eth1 label eth1:1
	for ((i = 1; i <= n; i++)); do
		setup_ns "rs$i" || return 1
		ns=$(rs_ns "$i")
		attach "$ns" eth1 priv "10.11.12.$i/24" || return 1
		ip -n "$ns" route add default via "$NAT_ROUTER" || return 1
	done
}

topo_dr() {
	local n=$1 i ns
	topo_switch && topo_client && topo_director || return 1
	for ((i = 1; i <= n; i++)); do
		setup_ns "rs$i" || return 1
		ns=$(rs_ns "$i")
		ip netns exec "$ns" sysctl -qw net.ipv4.conf.all.arp_ignore=1 \
			net.ipv4.conf.all.arp_announce=2
		attach "$ns" eth0 pub "192.168.26.$i/24" || return 1
		ip -n "$ns" addr add "$VIP/32" dev lo || return 1
	done
}

# topo_v6 MODE N: IPv6 beside IPv4 on a topology topo_nat or topo_dr built
# (dual stack, as sites run it): pub 2001:db8:26::/64, priv
# 2001:db8:12::/64, the hosts numbered as in IPv4 (VIP6 ::10, client
# ::100, director ::9 on both, NAT router 2001:db8:12::10; DR servers
# hold VIP6 on lo, which IPv6 neighbour discovery never answers from
# another interface). No duplicate address detection: addresses are
# usable at once. The director's VIP6 is deprecated (preferred_lft 0), as
# on a site's director: it still receives, but the director's own packets
# (a tunnel's outer header) leave from ::9, not from an address the
# servers hold too, which their tunnel devices would refuse as a source.
VIP6=2001:db8:26::10
CLIENT6=2001:db8:26::100
NAT_ROUTER6=2001:db8:12::10

topo_v6() {
	local mode=$1 n=$2 i ns
	for ns in "$client" "$dir"; do
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$client" addr add $CLIENT6/64 dev eth0 nodad || return 1
	ip netns exec "$dir" sysctl -qw net.ipv6.conf.all.forwarding=1
	ip -n "$dir" addr add 2001:db8:26::9/64 dev eth0 nodad || return 1
	ip -n "$dir" addr add $VIP6/64 dev eth0 nodad preferred_lft 0 || return 1
	ip -n "$dir" addr add 2001:db8:12::9/64 dev eth1 nodad || return 1
	[ "$mode" = nat ] && { ip -n "$dir" addr add $NAT_ROUTER6/64 dev eth1 nodad || return 1; }
	for ((i = 1; i <= n; i++)); do
		ns=$(rs_ns "$i")
		if [ "$mode" = nat ]; then
			ip -n "$ns" addr add "2001:db8:12::$i/64" dev eth1 nodad &&
				ip -n "$ns" -6 route add default via $NAT_ROUTER6 || return 1
		else
			ip -n "$ns" addr add "2001:db8:26::$i/64" dev eth0 nodad &&
				ip -n "$ns" addr add $VIP6/128 dev lo || return 1
		fi
	done
}

# rs_addr6 MODE I: real server I's IPv6 address in topology MODE.
rs_addr6() {
	if [ "$1" = nat ]; then echo "2001:db8:12::$2"; else echo "2001:db8:26::$2"; fi
}

# rs_addr MODE I: real server I's address in topology MODE (nat|dr).
rs_addr() {
	if [ "$1" = nat ]; then echo "10.11.12.$2"; else echo "192.168.26.$2"; fi
}

# pmtu_echo MODE MTU VIP URL-HOST: the director's routes to the servers
# narrowed to MTU (host routes by the same devices, as a VPN or tunnel
# link would), then a 1 MB TCP echo from the client to VIP port 7, whose
# segments only fit once the client has learned the path's MTU from the
# director's "fragmentation needed" or Packet Too Big. Prints "same" if
# the echo came back whole, then the MTU the client holds for VIP; the
# routes go again.
pmtu_echo() {
	local mode=$1 mtu=$2 vip=$3 host=$4 i a dev f out proto
	f=$(mktemp -d)
	for i in 1 2 3; do
		a=$(rs_addr "$mode" $i)
		[[ $vip == *:* ]] && a=$(rs_addr6 "$mode" $i)
		dev=$(ip -n "$dir" route get "$a" | grep -o 'dev [^ ]*' | cut -d' ' -f2)
		ip -n "$dir" route add "$a" dev "$dev" mtu "$mtu"
	done
	ip -n "$client" route flush cache
	ip -n "$client" -6 route flush cache
	head -c 1000000 /dev/urandom > "$f/in"
	proto=TCP
	[[ $vip == *:* ]] && proto=TCP6
	in_ns "$client" socat -t 10 -T 20 - "$proto:$host:7" < "$f/in" > "$f/out"
	cmp -s "$f/in" "$f/out" && out=same || out=differs
	echo "$out $(ip -n "$client" route get "$vip" | grep -o 'mtu [0-9]*' | cut -d' ' -f2)"
	for i in 1 2 3; do
		a=$(rs_addr "$mode" $i)
		[[ $vip == *:* ]] && a=$(rs_addr6 "$mode" $i)
		ip -n "$dir" route del "$a" mtu "$mtu"
	done
	rm -rf "$f"
}

# in_ns NS CMD...: run CMD in namespace NS.
in_ns() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@"
}

# Servers, stopped at exit. http_server NS NAME PORT: nginx answering every
# request with "NAME\n", and /addr with the address the request came to;
# PORT may be a comma-separated list (one nginx listening on each).
# echo_server NS PROTO PORT [ADDR]: socat echoing back, bound to ADDR if
# given (a UDP server behind direct routing must answer from the VIP).
http_server() {
	local ns=$1 name=$2 port=$3 dir p listen=""
	for p in ${port//,/ }; do
		listen+="listen $p reuseport; "
		# HTTP_V6=1: IPv6 too.
		[ -z "${HTTP_V6:-}" ] || listen+="listen [::]:$p reuseport ipv6only=on; "
	done
	dir=$(mktemp -d)
	mkdir -p "$dir/logs"
	cat > "$dir/nginx.conf" <<EOF
daemon on;
pid $dir/nginx.pid;
error_log $dir/logs/error.log;
worker_processes 1;
events { worker_connections 512; }
http {
	access_log off;
	client_body_temp_path $dir;
	proxy_temp_path $dir;
	fastcgi_temp_path $dir;
	uwsgi_temp_path $dir;
	scgi_temp_path $dir;
	server {
		$listen
		location / { return 200 "$name\n"; }
		location /addr { return 200 "\$server_addr\n"; }
	}
}
EOF
	in_ns "$ns" nginx -e "$dir/logs/error.log" -p "$dir" -c "$dir/nginx.conf" -g "user root;" || return 1
	defer "kill \$(cat $dir/nginx.pid) 2>/dev/null; rm -rf $dir"
}

echo_server() {
	local ns=$1 proto=$2 port=$3 bind=${4:+,bind=$4}
	if [ "$proto" = tcp ]; then
		# -t 5: when the client half-closes, wait for cat's last output
		# (socat's default 0.5 s loses the echo on a loaded TCG host).
		in_ns "$ns" socat -t 5 TCP-LISTEN:"$port",fork,reuseaddr$bind EXEC:cat \
			> /dev/null 2>&1 &
	else
		udp_server "$ns" "$port" "${4:-0.0.0.0}" ""
	fi
	defer "kill $! 2>/dev/null"
}

# udp_server NS PORT ADDR REPLY: one process answering every datagram at
# once, with REPLY or (empty REPLY) the datagram itself. socat forks a
# process per datagram, which a loaded host makes take seconds.
udp_server() {
	in_ns "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET,
                  socket.SOCK_DGRAM)
s.bind((sys.argv[2], int(sys.argv[1])))
reply = sys.argv[3].encode()
while True:
    data, peer = s.recvfrom(65536)
    s.sendto(reply or data, peer)' "$2" "$3" "$4" > /dev/null 2>&1 &
}

# wait_port NS PROTO PORT: until something listens there (up to 5 s).
# ftp_server NS ROOT [PASV_ADDRESS]: vsftpd in NS serving ROOT (0755, its
# files 0644) to anonymous users, read-only; active data connections from
# port 20, passive ones on ports 10000-10100 announcing PASV_ADDRESS (a
# server behind NAT must announce the VIP).
# ftp_serve NS FILE [PASV_ADDR]: ftp_server with a fresh root holding FILE
# as "file", readable by vsftpd's anonymous user, removed at exit.
ftp_serve() {
	local ns=$1 root
	root=$(mktemp -d)
	chmod 755 "$root"
	cp "$2" "$root/file"
	chmod 644 "$root/file"
	defer "rm -rf $root"
	ftp_server "$ns" "$root" "${3:-}"
}

# FTP_V6=YES FTP_V4=NO: vsftpd on IPv6 (and, as Debian builds it, IPv4 too).
ftp_server() {
	local ns=$1 root=$2 conf=$2.vsftpd.conf
	mkdir -p /run/vsftpd/empty
	cat > "$conf" <<CONF
listen=${FTP_V4:-YES}
listen_ipv6=${FTP_V6:-NO}
background=NO
anonymous_enable=YES
no_anon_password=YES
anon_root=$root
local_enable=NO
write_enable=NO
connect_from_port_20=YES
pasv_enable=YES
pasv_min_port=10000
pasv_max_port=10100
secure_chroot_dir=/run/vsftpd/empty
seccomp_sandbox=NO
xferlog_enable=NO
CONF
	[ -n "${3:-}" ] && echo "pasv_address=$3" >> "$conf"
	in_ns "$ns" vsftpd "$conf" > /dev/null 2>&1 &
	defer "kill $! 2> /dev/null; rm -f $conf"
}

wait_port() {
	local flag=-tln
	[ "$2" = udp ] && flag=-uln
	busywait 5000 sh -c "ip netns exec '$1' ss $flag | grep -q ':$3 '"
}

# name_server NS PROTO PORT NAME: answers each TCP connection or UDP
# datagram with "NAME\n" (TCP closes after answering).
name_server() {
	local ns=$1 proto=$2 port=$3 name=$4
	if [ "$proto" = tcp ]; then
		in_ns "$ns" socat TCP-LISTEN:"$port",fork,reuseaddr \
			SYSTEM:"echo $name" > /dev/null 2>&1 &
	else
		udp_server "$ns" "$port" 0.0.0.0 "$name"$'\n'
	fi
	defer "kill $! 2>/dev/null"
}

# udp_ask NS HOST PORT [SRC]: send stdin as one datagram (from address
# SRC), print the reply. Waits up to 10 s for it but no longer than it
# takes: socat would wait its full -t every time.
udp_ask() {
	in_ns "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6 if ":" in sys.argv[1] else socket.AF_INET,
                  socket.SOCK_DGRAM)
if sys.argv[3]:
    s.bind((sys.argv[3], 0))
s.settimeout(10)
s.sendto(sys.stdin.buffer.read(), (sys.argv[1], int(sys.argv[2])))
try:
    sys.stdout.buffer.write(s.recv(65536))
except OSError:
    sys.exit(1)' "$2" "$3" "${4:-}"
}

# vs_info NS FIELD: a VS_CMD_GET_INFO value (conn_count, conn_max,
# conn_tab_size, services, conn_refused) in namespace NS.
vs_info() {
	in_ns "$1" "$VS_TOP/selftests/vsnl.py" info "$2"
}
