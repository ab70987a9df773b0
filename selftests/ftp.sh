#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FTP through a firewall-mark service with persistence, as Red Hat's LVS
# guide, section 3.5 sets it up (Documentation/fwmark.rst has the rules):
# mark 21 on the control port and the passive data ports, a persistent
# fwmark service, and for NAT the MASQUERADE rule that lets the servers'
# active-mode data connections (from port 20) out. vsftpd on three real
# servers, curl as the client, passive and active mode, NAT and direct
# routing, the file compared byte for byte. Then Ultra Monkey's persistent
# TCP VIP:21 service over direct routing, without marks.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd vsftpd curl iptables

tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c 200000 /dev/urandom > "$tmp/file"

# ftpd NS MODE: vsftpd serving "file"; behind NAT it announces the VIP.
ftpd() {
	ftp_serve "$1" "$tmp/file" "$([ "$2" = nat ] && echo "$VIP")"
}

run_mode() { # nat|dr
	local mode=$1 flag=-m i got
	[ "$mode" = dr ] && flag=-g
	"topo_$mode" 3 || die "topology $mode"
	for i in 1 2 3; do ftpd "$(rs_ns $i)" "$mode"; done
	for i in 1 2 3; do wait_port "$(rs_ns $i)" tcp 21 || die "vsftpd on rs$i"; done
	local d="in_ns $dir"
	$d iptables -t mangle -A PREROUTING -p tcp -d $VIP/32 --dport 21 -j MARK --set-mark 21
	$d iptables -t mangle -A PREROUTING -p tcp -d $VIP/32 --dport 10000:10100 -j MARK --set-mark 21
	# Active mode: NAT lets the servers' data connections out; direct
	# routing sends the client's answers to VIP:20 on to the server.
	if [ "$mode" = nat ]; then
		$d iptables -t nat -A POSTROUTING -p tcp -s 10.11.12.0/24 --sport 20 -j MASQUERADE
	else
		$d iptables -t mangle -A PREROUTING -p tcp -d $VIP/32 --dport 20 -j MARK --set-mark 21
	fi
	$d vsadm -A -f 21 -s rr -p 300
	for i in 1 2 3; do $d vsadm -a -f 21 -r "$(rs_addr "$mode" "$i")" $flag; done

	got=$tmp/got-$mode
	in_ns "$client" curl -s --max-time 20 -o "$got.pasv" "ftp://$VIP/file"
	check "$mode: passive FTP download is byte-identical" cmp -s "$tmp/file" "$got.pasv"
	in_ns "$client" curl -s --max-time 20 --ftp-port "$CLIENT_IP" -o "$got.port" "ftp://$VIP/file"
	check "$mode: active FTP download is byte-identical" cmp -s "$tmp/file" "$got.port"
	check "$mode: control and data went to one server (persistence)" \
		test "$($d vsadm -L -n -c | awk '$1 == "TCP" { print $6 }' | sed 's/:.*//' | sort -u | wc -l)" -eq 1
	cleanup_ns "$client" "$dir" "$rs1" "$rs2" "$rs3" "$sw"
}

# Ultra Monkey's table, as ipvsadm lists it there: "TCP VIP:21 rr persistent
# 600" over direct routing, no firewall marks. The persistent FTP service
# takes the data connections to its VIP too (from port 20, to the passive
# ports), as IPVS's does, and sends them to the control connection's server.
run_port21() {
	local i got=$tmp/got-21 conns
	topo_dr 3 || die "topology dr (port 21)"
	for i in 1 2 3; do ftpd "$(rs_ns $i)" dr; done
	for i in 1 2 3; do wait_port "$(rs_ns $i)" tcp 21 || die "vsftpd on rs$i"; done
	local d="in_ns $dir"
	$d vsadm -A -t $VIP:21 -s rr -p 600
	for i in 1 2 3; do $d vsadm -a -t $VIP:21 -r "192.168.26.$i" -g; done
	in_ns "$client" curl -s --max-time 20 -o "$got.pasv" "ftp://$VIP/file"
	check "port 21, no marks: passive FTP download is byte-identical" cmp -s "$tmp/file" "$got.pasv"
	in_ns "$client" curl -s --max-time 20 --ftp-port "$CLIENT_IP" -o "$got.port" "ftp://$VIP/file"
	check "port 21, no marks: active FTP download is byte-identical" cmp -s "$tmp/file" "$got.port"
	conns=$($d vsadm -L -n -c)
	check "the passive data connection went through the FTP service" \
		grep -qE " $VIP:100[0-9][0-9] " <<< "$conns"
	check "so did the active one's answer to port 20" grep -q " $VIP:20 " <<< "$conns"
	check "control and data went to one server (persistence)" \
		test "$(awk '$1 == "TCP" { print $6 }' <<< "$conns" | sed 's/:.*//' | sort -u | wc -l)" -eq 1
	cleanup_ns "$client" "$dir" "$rs1" "$rs2" "$rs3" "$sw"
}

load_vs || die "insmod"
run_mode nat
run_mode dr
run_port21
finish
