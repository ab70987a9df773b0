# SPDX-License-Identifier: GPL-2.0
#
# IPv6 through the director, shared by datapath_nat6.sh and
# datapath_dr6.sh, on the topologies of topo.sh with IPv6 beside IPv4
# (topo_v6). Source lib.sh and topo.sh first.
#
# suite MODE FWD: curl spreads round robin over three servers, TCP and UDP
# echoes come back byte for byte (a 1 MB one over a narrower path to the
# servers, a 4 kB datagram in fragments, one behind a destination options
# header), the connection table lists the IPv6 connections, and a
# persistent service with -M 64 keeps a client's /64 on one server.

d() { in_ns "$dir" "$@"; }
c() { in_ns "$client" "$@"; }

# udp_dstopts ADDR PORT TEXT: TEXT from the client to ADDR:PORT behind a
# destination options header (a PadN); prints the answer.
udp_dstopts() {
	c python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
# next header (the kernel fills it in), length 0 (8 bytes), PadN of 4
s.setsockopt(socket.IPPROTO_IPV6, getattr(socket, "IPV6_DSTOPTS", 59),
             bytes([0, 0, 1, 4, 0, 0, 0, 0]))
s.settimeout(10)
s.sendto(sys.argv[3].encode(), (sys.argv[1], int(sys.argv[2])))
sys.stdout.buffer.write(s.recv(65536))' "$1" "$2" "$3"
}

spread() {
	local out="" i
	for i in $(seq 9); do
		out+="$(c curl -s -g --max-time 5 "http://[$VIP6]/") "
	done
	tr ' ' '\n' <<< "$out" | grep . | sort | uniq -c |
		awk '{ printf "%s%s:%s", (NR > 1 ? " " : ""), $2, $1 }'
}

suite() {
	local mode=$1 fwd=$2 i tmp
	HTTP_V6=1
	for i in 1 2 3; do
		http_server "$(rs_ns $i)" "rs$i" 80 || die "nginx on rs$i"
		in_ns "$(rs_ns $i)" socat -t 5 TCP6-LISTEN:7,fork,reuseaddr EXEC:cat \
			> /dev/null 2>&1 &
		defer "kill $! 2>/dev/null"
		if [ "$mode" = dr ]; then
			echo_server "$(rs_ns $i)" udp 7 "$VIP6"
		else
			echo_server "$(rs_ns $i)" udp 7 "::"
		fi
	done
	for i in 1 2 3; do
		wait_port "$(rs_ns $i)" tcp 80 && wait_port "$(rs_ns $i)" tcp 7 &&
			wait_port "$(rs_ns $i)" udp 7 || die "servers on rs$i"
	done
	check "$mode: add the IPv6 services" eval \
		"d vsadm -A -t [$VIP6]:80 -s rr && d vsadm -A -t [$VIP6]:7 -s rr &&
		 d vsadm -A -u [$VIP6]:7 -s rr"
	for i in 1 2 3; do
		for s in "-t [$VIP6]:80" "-t [$VIP6]:7" "-u [$VIP6]:7"; do
			# shellcheck disable=SC2086
			d vsadm -a $s -r "[$(rs_addr6 "$mode" $i)]" "$fwd" || fail "vsadm -a $s"
		done
	done
	check_eq "$mode: curl, nine requests, three per server" \
		"rs1:3 rs2:3 rs3:3" "$(spread)"
	tmp=$(mktemp -d)
	head -c 65536 /dev/urandom > "$tmp/in"
	c socat -t 5 -T 10 - "TCP6:[$VIP6]:7" < "$tmp/in" > "$tmp/out"
	check "$mode: TCP echo over IPv6 is byte-identical" cmp -s "$tmp/in" "$tmp/out"
	check_eq "$mode: a 1 MB echo over a 1400-byte path to the servers: whole, the client learned 1400" \
		"same 1400" "$(pmtu_echo "$mode" 1400 "$VIP6" "[$VIP6]")"
	head -c 1000 /dev/urandom | base64 -w0 > "$tmp/uin"
	udp_ask "$client" "$VIP6" 7 < "$tmp/uin" > "$tmp/uout"
	check "$mode: UDP echo over IPv6 is byte-identical" cmp -s "$tmp/uin" "$tmp/uout"
	# The director puts the fragments together (nf_defrag_ipv6) to find
	# the ports, and sends them on as they came.
	head -c 3000 /dev/urandom | base64 -w0 > "$tmp/fin"
	udp_ask "$client" "$VIP6" 7 < "$tmp/fin" > "$tmp/fout"
	check "$mode: a 4 kB UDP echo in fragments over IPv6 is byte-identical" \
		cmp -s "$tmp/fin" "$tmp/fout"
	capture "$tmp/opts" "ip6[6] == 60"
	check_eq "$mode: a datagram behind a destination options header is echoed" \
		"opts" "$(udp_dstopts "$VIP6" 7 opts)"
	wait $capture_pid
	check "$mode: and it left the client with the header" grep -q "DSTOPT" "$tmp/opts"
	rm -rf "$tmp"
	check "$mode: -L -n -c lists IPv6 connections" \
		grep -qF "[$CLIENT6]" <<< "$(d vsadm -L -n -c)"

	# Every scheduler over IPv6: three requests, three answers (the
	# hashing ones hash all 16 bytes: sh keeps the client on one server).
	local sched got bad=""
	for sched in rr wrr lc wlc lblc lblcr dh sh sed nq mh fo ovf; do
		d vsadm -E -t "[$VIP6]:80" -s $sched || { bad+=" $sched:-E"; continue; }
		got=$(for i in 1 2 3; do c curl -s -g --max-time 5 "http://[$VIP6]/"; echo; done |
			grep -x "rs[123]")
		[ "$(wc -l <<< "$got")" = 3 ] || bad+=" $sched:lost"
		[ $sched = sh ] && [ "$(sort -u <<< "$got" | wc -l)" != 1 ] && bad+=" sh:moved"
	done
	check_eq "$mode: every scheduler serves IPv6 (rr wrr lc wlc lblc lblcr dh sh sed nq mh fo ovf)" "" "$bad"
	d vsadm -E -t "[$VIP6]:80" -s rr

	# Persistence by /64: two client addresses of one /64, one server.
	c ip addr add 2001:db8:26::101/64 dev eth0 nodad
	check "$mode: persistent service with -M 64" \
		d vsadm -E -t "[$VIP6]:80" -s rr -p 60 -M 64
	local a b
	a=$(c curl -s -g --max-time 5 --interface $CLIENT6 "http://[$VIP6]/")
	b=$(c curl -s -g --max-time 5 --interface 2001:db8:26::101 "http://[$VIP6]/")
	check_eq "$mode: -M 64: both addresses of the /64 reach one server" "$a" "$b"
	check "$mode: -L -n shows mask 64" \
		grep -q "persistent 60 mask 64" <<< "$(d vsadm -L -n)"
	c ip addr del 2001:db8:26::101/64 dev eth0
	d vsadm -C
}


# capture FILE FILTER: tcpdump on the client's eth0 for one packet, in the
# background ($capture_pid), listening when this returns.
capture() {
	c timeout 10 tcpdump -c 1 -n -i eth0 "$2" > "$1" 2> "$1.err" &
	capture_pid=$!
	busywait 5000 grep -q "listening on" "$1.err"
}
