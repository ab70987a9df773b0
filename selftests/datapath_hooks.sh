#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vs's netfilter hooks exist in a namespace only while it has something to
# serve: they come with its first service and go once the last service
# and the last connection are gone, so forwarded traffic (fragments
# included) no longer pays for them. Seen with `nft list hooks`, which
# needs nfnetlink_hook (Debian's 6.12 and the debug kernel; not 6.1).
#
#   [ VM, one netns: a UDP service on 10.77.0.1:53, a local real server ]
. "$(dirname "$0")/lib.sh"
require_vm
require_cmd nft

load_vs || die "insmod"
setup_ns ns || die "netns"
n() { ip netns exec "$ns" "$@"; }
hooks() { n nft list hooks ip 2>/dev/null | grep -c 'vs_.*_hook' ; }
no_hooks() { [ "$(hooks)" = 0 ]; }
# Without nfnetlink_hook the listing is empty, even of nftables' own hook.
n nft add table ip probe
n nft add chain ip probe c '{ type filter hook input priority 0; }'
n nft list hooks ip 2>/dev/null | grep -q 'probe' ||
	{ skip "nft list hooks unsupported by $(uname -r)"; finish; }
n nft delete table ip probe

check_eq "no service: no hook" 0 "$(hooks)"
n ip addr add 10.77.0.1/32 dev lo
n vsadm -A -u 10.77.0.1:53 -s rr
n vsadm -a -u 10.77.0.1:53 -r 10.77.0.1:5353 -m
check_eq "a service: the three hooks" 3 "$(hooks)"
check_eq "and the same three for IPv6" 3 \
	"$(n nft list hooks ip6 2>/dev/null | grep -c 'vs_.*_hook')"
n vsadm -D -u 10.77.0.1:53
check "its deletion: the hooks go within a few seconds" busywait 5000 no_hooks
check_eq "the IPv6 ones too" 0 \
	"$(n nft list hooks ip6 2>/dev/null | grep -c 'vs_.*_hook')"

# A connection outliving its service keeps the hooks until it ends.
n sysctl -qw net.vs.expire_nodest_conn=0
n vsadm --set 0 0 30
n vsadm -A -u 10.77.0.1:53 -s rr
n vsadm -a -u 10.77.0.1:53 -r 10.77.0.1:5353 -m
n python3 -c 'import socket; socket.socket(2, 2).sendto(b"x", ("10.77.0.1", 53))'
check "a datagram made a connection" \
	test "$(n "$VS_TOP/selftests/vsnl.py" info conn_count)" -ge 1
n vsadm -D -u 10.77.0.1:53
sleep 1.5
check_eq "a draining connection keeps the hooks" 3 "$(hooks)"
check "when it expires the hooks go" busywait 45000 no_hooks
n vsadm -A -u 10.77.0.1:53 -s rr
check_eq "a new service brings them back" 3 "$(hooks)"
finish
