#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# An IPv6 VIP floats (failover_lib.sh topology, the LVS guide's NAT pair,
# plus an IPv6 virtual 2001:db8:26::10 on eth0): the active director
# holds it as a /128, and on a takeover the new one announces it with an
# unsolicited neighbour advertisement (Override set), IPv6's gratuitous
# ARP. The client's neighbour cache, which knew the old director's MAC
# for the VIP, has the new one's at once; without the advertisement it
# would keep the old one until its reachability probes failed (seconds).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd socat

load_vs || die "insmod"
fo_topology || die "topology"
ip -n "$client" addr add "$CLIENT6/64" dev eth0 nodad || die "client IPv6"
fo_conf "$FO_TMP/vsd.conf"
cat >> "$FO_TMP/vsd.conf" <<CONF
virtual web6 {
	active = 1
	address = $VIP6 eth0
	protocol = tcp
	port = 80
	scheduler = rr
	check_type = none
	server rs1 {
		address = 2001:db8:12::1
		active = 1
	}
}
CONF
check "vsd -t takes an IPv6 virtual with failover" vsd -t -f "$FO_TMP/vsd.conf"
fo_start A "$dirA" "$FO_TMP/vsd.conf" || die "vsd A"
fo_start B "$dirB" "$FO_TMP/vsd.conf" || die "vsd B"

has_vip6() { ip -n "$1" -6 addr show dev eth0 | grep -q " $VIP6/128"; }
mac_of() { ip -n "$1" link show eth0 | awk '/link\/ether/ { print $2 }'; }

check "A becomes active" busywait 10000 fo_active A
check "A holds the IPv6 VIP as a /128" busywait 5000 has_vip6 "$dirA"
check "B does not" sh -c "! ip -n $dirB -6 addr show | grep -q ' $VIP6/'"
# A datagram to the VIP makes the client resolve it (A answers).
poke() { echo x | in_ns "$client" socat -u - "UDP6-SENDTO:[$VIP6]:9" 2> /dev/null; }
macA=$(mac_of "$dirA") macB=$(mac_of "$dirB")
poke
check "the client resolves the VIP to A's MAC" \
	busywait 3000 sh -c "[ \"\$(ip -n $client -6 neigh show $VIP6 dev eth0 | awk '{ print \$3 }')\" = $macA ]"

fo_kill A KILL
check "B takes over" busywait $((5000 * TIME_SCALE)) fo_active B
check "B holds the IPv6 VIP" busywait 5000 has_vip6 "$dirB"
check "the client's cache has B's MAC at once (unsolicited NA)" \
	busywait 2000 sh -c "[ \"\$(ip -n $client -6 neigh show $VIP6 dev eth0 | awk '{ print \$3 }')\" = $macB ]"
finish
