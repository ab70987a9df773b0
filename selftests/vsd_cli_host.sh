#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsd's command line and daemon plumbing on the host (--no-kernel: the
# table stays in memory, this host's kernel is not touched): `vsd -t` on
# the shipped examples and on bad files (one precise line, exit 1; a FIFO
# refused, not waited on), bad
# options (exit 2), the control socket (mode 0600, other users refused),
# the locked pid file, reload by SIGHUP and `vsd reload`, clean exit; the
# man pages render without a warning.
. "$(dirname "$0")/lib.sh"
require_cmd python3 groff setpriv

vsd=$VS_TOP/build/bin/vsd
[ -x "$vsd" ] || make -s -C "$VS_TOP/user" > /dev/null 2>&1 || die "build vsd"
tmp=$(mktemp -d)
defer "rm -rf $tmp"
chmod 755 "$tmp"

for ex in nat dr; do
	check "vsd -t accepts examples/$ex.conf" "$vsd" -t -f "$VS_TOP/user/vsd/examples/$ex.conf"
done

printf 'network = nat\nvirtual web {\n\taddress = 192.168.26.10\n\tport = 80\n\tweigth = 3\n}\n' > "$tmp/bad.conf"
err=$("$vsd" -t -f "$tmp/bad.conf" 2>&1)
rc=$?
check_eq "vsd -t on a bad file exits 1" 1 "$rc"
check_eq "with one line naming file, line and key" "$tmp/bad.conf:5: unknown key 'weigth'" "$err"
err=$("$vsd" -t -f "$tmp/nonexistent.conf" 2>&1)
check_eq "a missing file" "$tmp/nonexistent.conf: cannot read: No such file or directory" "$err"
mkfifo "$tmp/fifo.conf"
err=$(timeout 10 "$vsd" -t -f "$tmp/fifo.conf" 2>&1)
check_eq "a FIFO is refused at once, not waited on" "$tmp/fifo.conf: cannot read: not a regular file" "$err"
# The two-node example names its key file, which a host does not have.
sed "s|^heartbeat_key = .*|heartbeat_key = $tmp/hb.key|" \
	"$VS_TOP/user/vsd/examples/two-node.conf" > "$tmp/two-node.conf"
head -c 32 /dev/urandom | base64 > "$tmp/hb.key"
chmod 600 "$tmp/hb.key"
check "vsd -t accepts examples/two-node.conf (with a key file)" "$vsd" -t -f "$tmp/two-node.conf"
"$vsd" --frobnicate > /dev/null 2>&1
check_eq "an unknown option exits 2" 2 $?
err=$("$vsd" restart 2>&1)
check_eq "an unknown command exits 2 and says so" "2 vsd: unknown command 'restart' (expected status, reload, takeover, release, drain, undrain or passwd)" "$? $err"
err=$("$vsd" -s "$tmp/none.sock" status 2>&1)
check_eq "status without a daemon exits 1" "1 vsd: cannot reach vsd at $tmp/none.sock: No such file or directory" "$? $err"

# A daemon with one unchecked service.
conf() {
	printf 'serial_no = %s\nvirtual web {\n\taddress = 10.1.1.1\n\tcheck_type = none\n\tserver a {\n\t\taddress = 10.2.2.%s\n\t}\n}\n' "$1" "$2"
}
conf 1 1 > "$tmp/vsd.conf"
cp "$tmp/vsd.conf" "$tmp/good.conf"
"$vsd" -d --no-kernel -f "$tmp/vsd.conf" -s "$tmp/sock" -p "$tmp/pid" > "$tmp/log" 2>&1 &
vpid=$!
defer "kill $vpid 2> /dev/null"
check "vsd starts" busywait 5000 "$vsd" -s "$tmp/sock" status
check_eq "the pid file holds its pid" "$vpid" "$(cat "$tmp/pid" 2> /dev/null)"
check_eq "the control socket is a socket of mode 0600" "socket 600" \
	"$(stat -c '%F %a' "$tmp/sock" | sed 's/^.*socket/socket/')"
chmod 666 "$tmp/sock"
err=$(setpriv --reuid=nobody --regid=nogroup --clear-groups "$vsd" -s "$tmp/sock" status 2>&1)
check_eq "another user is refused even when the mode allows it" \
	"1 vsd: permission denied: the control socket is root's" "$? $err"
err=$("$vsd" -d --no-kernel -f "$tmp/vsd.conf" -s "$tmp/sock2" -p "$tmp/pid" 2>&1)
check_eq "a second vsd on the same pid file refuses to start" \
	"1 vsd: pid file $tmp/pid is locked: is vsd running already?" "$? $err"
check "status shows the service" \
	grep -q "^  a  .*10.2.2.1:80 .*up .*weight 1/1 (table 1)" <<< "$("$vsd" -s "$tmp/sock" status)"

conf 2 2 > "$tmp/vsd.conf"
kill -HUP $vpid
serial() {
	"$vsd" -s "$tmp/sock" status --json | python3 -c 'import json, sys; print(json.load(sys.stdin)["serial"])'
}
serial_is() {
	[ "$(serial 2> /dev/null)" = "$1" ]
}
check "SIGHUP reloads (serial 2)" busywait 5000 serial_is 2
check "the new server replaced the old one in the table" \
	grep -q "10.2.2.2:80 .*(table 1)" <<< "$("$vsd" -s "$tmp/sock" status)"
echo "bogus line" >> "$tmp/vsd.conf"
err=$("$vsd" -s "$tmp/sock" reload 2>&1)
check_eq "vsd reload of a bad file exits 1 with the error" \
	"1 $tmp/vsd.conf:9: expected 'key = value', 'virtual NAME {', 'server NAME {' or '}', got 'bogus line'" \
	"$? $(head -1 <<< "$err")"
check_eq "and the running configuration stays" 2 "$(serial)"
kill $vpid
check "SIGTERM: vsd exits" busywait 5000 sh -c "! kill -0 $vpid 2> /dev/null"
check "the pid file and the socket are removed" test ! -e "$tmp/pid" -a ! -e "$tmp/sock"

# In the background: the starting command waits for the outcome.
err=$("$vsd" --no-kernel -f "$tmp/good.conf" -s "$tmp/nodir/sock" -p "$tmp/pid" 2>&1)
check_eq "a failed start in the background is reported, exit 1" \
	"1 vsd: $tmp/nodir/sock: No such file or directory" "$? $err"
"$vsd" --no-kernel -f "$tmp/good.conf" -s "$tmp/sock" -p "$tmp/pid"
check_eq "a good start in the background exits 0" 0 $?
bpid=$(cat "$tmp/pid" 2> /dev/null)
defer "kill $bpid 2> /dev/null"
check "the detached vsd answers" "$vsd" -s "$tmp/sock" status
kill -TERM "$bpid"
check "and stops on SIGTERM" busywait 5000 sh -c "! kill -0 $bpid 2> /dev/null || grep -q '^State:.*Z' /proc/$bpid/status"

for m in vsd.8 vsd.conf.5; do
	out=$(groff -man -ww -z "$VS_TOP/Documentation/$m" 2>&1)
	check_eq "$m renders without warnings" "" "$out"
done
finish
