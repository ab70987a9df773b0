#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Unload under traffic: rmmod and modprobe of vs in a loop while UDP floods
# the virtual services from every CPU, the table restored (vsadm -R) after
# each load. Every unload happens with thousands of connections in the
# table, packets inside the hooks on both CPUs, NAT replies crossing the
# FORWARD hook and a connection dump looping in another process. Unloading
# must wait for the hooks to finish before freeing the per-netns state;
# a module that does not crashes or warns here. (An nftables table keeps
# the netfilter static keys on throughout, see hold_hook_keys.)
#
#   client (pktgen on every CPU, 10.0.0.0/22 sources) -- pub -- director
#     -- priv -- rs1, rs2 (UDP echo on 5000/5001, TCP name on 80)
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/stress_lib.sh"
require_vm
require_cmd python3 socat nft
require_pktgen
hold_hook_keys || die "nft table holding the hook keys"

load_vs || die "insmod"
topo_nat 2 || die "topology"
d() { in_ns "$dir" "$@"; }
# De-NATed replies to pktgen's made-up sources go back to the client.
d ip route add 10.0.0.0/8 via $CLIENT_IP
for i in 1 2; do
	udp_server "$(rs_ns $i)" 5000 0.0.0.0 ""
	defer "kill $! 2>/dev/null"
	udp_server "$(rs_ns $i)" 5001 0.0.0.0 ""
	defer "kill $! 2>/dev/null"
	name_server "$(rs_ns $i)" tcp 80 "rs$i"
done
for i in 1 2; do
	wait_port_long "$(rs_ns $i)" udp 5000 && wait_port_long "$(rs_ns $i)" tcp 80 ||
		die "servers on rs$i"
done

tmp=$(mktemp -d)
defer rm -rf "$tmp"
cat > "$tmp/table" <<EOF
-C
-A -u $VIP:5000 -s rr
-a -u $VIP:5000 -r 10.11.12.1:5000 -m
-a -u $VIP:5000 -r 10.11.12.2:5000 -m
-A -u $VIP:5001 -s sh -p 30
-a -u $VIP:5001 -r 10.11.12.1:5001 -m
-a -u $VIP:5001 -r 10.11.12.2:5001 -m -w 2
-A -t $VIP:80 -s wlc
-a -t $VIP:80 -r 10.11.12.1:80 -m
-a -t $VIP:80 -r 10.11.12.2:80 -m
EOF
d vsadm -R < "$tmp/table" || die "table"

# A dump of the connection table, over and over, while the module comes
# and goes: it fails while vs is away (or loads it back through the
# family's alias, which is a race of its own). Counts the good ones.
dump_loop() {
	local n=0
	while [ ! -e "$tmp/stop" ]; do
		d vsadm -L -n -c > /dev/null 2>&1 && n=$((n + 1))
		sleep 0.2
	done
	echo "$n" > "$tmp/dumps"
}

# One cycle: unload with the table full and traffic in the hooks, load,
# restore the table, and wait until traffic makes connections again.
# Prints the connections made and packets seen just before the unload and
# the milliseconds that unloading, loading, restoring and traffic's return
# took.
traffic_back() {
	test "$(svc_stats "$dir" udp $VIP:5000 | cut -d' ' -f1)" -gt 0
}
cycle() {
	local conns inpkts t0 t1 t2 t3 t4
	read -r conns inpkts _ <<< "$(svc_stats "$dir" udp $VIP:5000)"
	t0=$(date +%s%3N)
	rmmod_vs || return 1
	t1=$(date +%s%3N)
	modprobe vs || return 1
	t2=$(date +%s%3N)
	# A dump may have loaded it already: the table starts with -C.
	d vsadm -R < "$tmp/table" || return 1
	t3=$(date +%s%3N)
	busywait 10000 traffic_back || return 1
	t4=$(date +%s%3N)
	echo "$inpkts $conns $((t1 - t0)) $((t2 - t1)) $((t3 - t2)) $((t4 - t3))"
}

dmac=$(d cat /sys/class/net/eth0/address)
# 1,024 sources x 4 ports x 2 services: a pool of 8,192 flows.
pg_flood "$client" "$dmac" $VIP 5000-5001 10.0.0.1-10.0.3.255 1024-1027 ||
	die "pktgen"
check "traffic makes connections" busywait 10000 traffic_back
dump_loop &
dumper=$!
defer "touch $tmp/stop; wait $dumper"

cycles=0 flowed=0 conns_min="" t_rm=0 t_load=0 t_restore=0 t_back=0
min=$(stress_min 6)
start=$(date +%s)
end=$(stress_deadline)
while stress_more $cycles "$min" "$end"; do
	out=$(cycle) || { log "cycle $((cycles + 1)) failed"; break; }
	cycles=$((cycles + 1))
	read -r inpkts conns ms_rm ms_load ms_restore ms_back <<< "$out"
	t_rm=$((t_rm + ms_rm)) t_load=$((t_load + ms_load))
	t_restore=$((t_restore + ms_restore)) t_back=$((t_back + ms_back))
	[ "$inpkts" -gt 0 ] && flowed=$((flowed + 1))
	[ -z "$conns_min" ] || [ "$conns" -lt "$conns_min" ] && conns_min=$conns
done
secs=$(($(date +%s) - start))
sent=$(pg_sent "$client")
touch "$tmp/stop"
wait $dumper
log "$cycles unload/load cycles in $secs s ($(rate $cycles $secs)/s), $(cat "$tmp/dumps") dumps done, $sent packets sent ($(rate "$sent" "$secs")/s); fewest connections made before an unload: ${conns_min:-none}"
[ "$cycles" -gt 0 ] && log "mean ms: rmmod $((t_rm / cycles)), modprobe $((t_load / cycles)), restore $((t_restore / cycles)), traffic back $((t_back / cycles))"
check "unload/load cycles under traffic: $cycles (at least $min)" test "$cycles" -ge "$min"
check_eq "traffic passed the service before every unload" "$cycles" "$flowed"
check "every unload found connections made" test "${conns_min:-0}" -gt 0
check "the dump loop ran" test "$(cat "$tmp/dumps")" -gt 0

# Unload with the flood still going and a second namespace with its own
# table, once more, then stop the flood.
setup_ns other
in_ns "$other" vsadm -R < "$tmp/table"
check "unload with traffic in the hooks and two tables" rmmod_vs
pg_stop "$client"
modprobe vs && d vsadm -R < "$tmp/table" || die "reload"

# The table works after the storm.
check_eq "a UDP request is answered" "hello" \
	"$(echo hello | udp_ask "$client" $VIP 5000)"
check "a TCP request is answered" \
	grep -qx "rs[12]" <<< "$(in_ns "$client" socat -t 5 - TCP:$VIP:80 < /dev/null)"
d vsadm -C
check "after the flush the connection count returns to 0" \
	busywait 5000 conn_count_is "$dir" 0
check "vs unloads at the end" rmmod_vs
check_eq "every connection was freed (vs_conn cache gone)" none "$(vs_conn_slab)"
finish
