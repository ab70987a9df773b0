#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every command needs CAP_NET_ADMIN, reads included (addresses of real
# servers and clients are not for every user): an unprivileged user, and
# root without CAP_NET_ADMIN, are refused with one clear line, exit 1 and
# no change; an unprivileged user given CAP_NET_ADMIN alone may do all.
#
#   [ VM, init netns: the vs table ]   uid 65534, with and without the cap
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm
require_cmd setpriv capsh

load_vs || die "insmod vs.ko"
vsadm -A -t 192.168.0.30:80 -s wlc -p 300 &&
vsadm -a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1 ||
	die "building the table"

nobody() {
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all "$@"
}

no_cap() {
	capsh --drop=cap_net_admin -- -c "$(printf '%q ' "$@")"
}

admin() {
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		--inh-caps=+net_admin --ambient-caps=+net_admin "$@"
}

denied="permission denied (need CAP_NET_ADMIN)"
reads=("-L" "-L -n" "-l -n --stats" "-L -n -t 192.168.0.30:80" "-S -n"
       "-L --timeout" "-L -n -c" "-L --json")
writes=("-A -t 1.2.3.4:80" "-E -t 192.168.0.30:80 -s rr"
	"-D -t 192.168.0.30:80" "-a -t 192.168.0.30:80 -r 192.168.0.122"
	"-e -t 192.168.0.30:80 -r 192.168.0.121 -w 5"
	"-d -t 192.168.0.30:80 -r 192.168.0.121" "-C" "-Z"
	"-Z -t 192.168.0.30:80" "--set 10 10 10" "--set 0 0 0")

for cmd in "${reads[@]}" "${writes[@]}"; do
	# shellcheck disable=SC2086
	refused "uid 65534: vsadm $cmd" 1 "$denied" nobody vsadm $cmd
done
for cmd in "-L -n" "-S -n" "-A -t 1.2.3.4:80" "-C"; do
	# shellcheck disable=SC2086
	refused "root without CAP_NET_ADMIN: vsadm $cmd" 1 "$denied" \
		no_cap vsadm $cmd
done
IN="-A -t 1.2.3.4:80"
refused "uid 65534: vsadm -R" 1 "$denied" nobody vsadm -R
IN=

# Bad input is reported as such before permissions matter.
refused "uid 65534: bad input is still exit 2" 2 "bad address '1.2.3.400'" \
	nobody vsadm -A -t 1.2.3.400:80

check "uid 65534 with CAP_NET_ADMIN: -L" admin vsadm -L -n
check "uid 65534 with CAP_NET_ADMIN: -A" admin vsadm -A -t 1.2.3.4:80
check "uid 65534 with CAP_NET_ADMIN: -a" \
	admin vsadm -a -t 1.2.3.4:80 -r 10.0.0.1 -m -w 2
check_out "the changes are there" \
"-A -t 1.2.3.4:80 -s wlc
-a -t 1.2.3.4:80 -r 10.0.0.1:80 -m -w 2" \
	bash -c "$VSADM -S -n | grep 1.2.3.4"
check "uid 65534 with CAP_NET_ADMIN: -R" \
	bash -c "echo '-D -t 1.2.3.4:80' | setpriv --reuid=65534 --regid=65534 \
		--clear-groups --inh-caps=+net_admin --ambient-caps=+net_admin \
		$VSADM -R"
check "and -R applied" bash -c "! $VSADM -S -n | grep -q 1.2.3.4"

# CAP_NET_ADMIN counts in the initial user namespace only, as for IPVS:
# root of a new user namespace, even in a network namespace of its own,
# may neither read nor change vs there, nor raise its net.vs settings. So
# an unprivileged user can make no service, no connection and no
# persistence entry anywhere: none of the host's memory is theirs to take.
"$VSADM" -A -t 5.5.5.5:80
userns() { # run as uid 65534, root of a new user and network namespace
	nobody unshare --user --map-root-user --net "$@"
}
refused "user namespace root: its own netns's table, read" 1 "$denied" \
	userns vsadm -L -n
refused "user namespace root: its own netns's table, change" 1 "$denied" \
	userns vsadm -A -t 6.6.6.6:80
refused "user namespace root: the initial netns's table, read" 1 "$denied" \
	nobody unshare --user --map-root-user vsadm -L -n
refused "user namespace root: the initial netns's table, change" 1 "$denied" \
	nobody unshare --user --map-root-user vsadm -D -t 5.5.5.5:80
check_out "user namespace root: installing a connection is refused" \
	"error EPERM" bash -c "$(printf '%q ' setpriv --reuid=65534 --regid=65534 \
	--clear-groups --inh-caps=-all unshare --user --map-root-user --net \
	"$VS_TOP/selftests/vsnl.py") new_conn conns.conn#1.protocol=u8:17 | cut -d' ' -f1-2"
check "user namespace root: net.vs.conn_max is read-only there" \
	userns sh -c 'before=$(cat /proc/sys/net/vs/conn_max)
		echo 2147483647 > /proc/sys/net/vs/conn_max 2>/dev/null
		test "$(cat /proc/sys/net/vs/conn_max)" = "$before" &&
		test "$(stat -c %a /proc/sys/net/vs/conn_max)" = 444'
check "the initial table is unchanged" bash -c "$VSADM -S -n | grep -q 5.5.5.5"
finish
