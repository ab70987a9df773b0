#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# FTP over IPv6 through a firewall-mark service with persistence, as
# ftp.sh runs it over IPv4 (Red Hat's LVS guide, section 3.5), with
# ip6tables marks on VIP6 and "vsadm -A -f 21 -6". IPv6 FTP names no
# address in its passive answer (EPSV) and its active command (EPRT)
# carries the client's own: neither needs a helper. vsftpd on three real
# servers, curl as the client, passive and active mode, NAT and direct
# routing, the file compared byte for byte.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm
require_cmd vsftpd curl ip6tables

tmp=$(mktemp -d)
defer rm -rf "$tmp"
head -c 200000 /dev/urandom > "$tmp/file"

ftpd() { FTP_V4=NO FTP_V6=YES ftp_serve "$1" "$tmp/file"; }

run_mode() { # nat|dr
	local mode=$1 flag=-m i got
	[ "$mode" = dr ] && flag=-g
	"topo_$mode" 3 || die "topology $mode"
	topo_v6 "$mode" 3 || die "IPv6 on topology $mode"
	for i in 1 2 3; do ftpd "$(rs_ns $i)"; done
	for i in 1 2 3; do wait_port "$(rs_ns $i)" tcp 21 || die "vsftpd on rs$i"; done
	local d="in_ns $dir"
	$d ip6tables -t mangle -A PREROUTING -p tcp -d $VIP6/128 --dport 21 -j MARK --set-mark 21
	$d ip6tables -t mangle -A PREROUTING -p tcp -d $VIP6/128 --dport 10000:10100 -j MARK --set-mark 21
	if [ "$mode" = nat ]; then
		$d ip6tables -t nat -A POSTROUTING -p tcp -s 2001:db8:12::/64 --sport 20 -j MASQUERADE
	else
		$d ip6tables -t mangle -A PREROUTING -p tcp -d $VIP6/128 --dport 20 -j MARK --set-mark 21
	fi
	$d vsadm -A -f 21 -6 -s rr -p 300
	for i in 1 2 3; do $d vsadm -a -f 21 -6 -r "$(rs_addr6 "$mode" "$i")" $flag; done
	check "$mode: -L -n lists the IPv6 fwmark service" \
		grep -qE "^FWM  21 IPv6 +rr +persistent 300" <<< "$($d vsadm -L -n)"

	got=$tmp/got-$mode
	in_ns "$client" curl -s -g --max-time 20 -o "$got.pasv" "ftp://[$VIP6]/file"
	check "$mode: passive (EPSV) FTP download over IPv6 is byte-identical" \
		cmp -s "$tmp/file" "$got.pasv"
	in_ns "$client" curl -s -g --max-time 20 --ftp-port "$CLIENT6" -o "$got.port" \
		"ftp://[$VIP6]/file"
	check "$mode: active (EPRT) FTP download over IPv6 is byte-identical" \
		cmp -s "$tmp/file" "$got.port"
	check "$mode: control and data went to one server (persistence)" \
		test "$($d vsadm -L -n -c | awk '$1 == "TCP" { print $6 }' | sed 's/\]:.*//' | sort -u | wc -l)" -eq 1
	cleanup_ns "$client" "$dir" "$rs1" "$rs2" "$rs3" "$sw"
}

load_vs || die "insmod"
run_mode nat
run_mode dr
finish
