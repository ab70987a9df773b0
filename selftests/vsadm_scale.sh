#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A large table: 10,000 services with 10 real servers each (110,000 lines)
# loaded with one vsadm -R, listed and saved back identically, cleared and
# loaded again; then vs.ko is unloaded with the table in place. The unload
# must succeed without a kernel warning (the runner checks the log), the
# module must hold no references, and no slab cache may keep the objects
# (compared with /proc/slabinfo from before the module was loaded). Five
# more rounds of load, 2,000 services, unload look for teardown races.
#
#   [ VM, init netns: 10,000 services x 10 servers ]   control plane only
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm
require_cmd awk python3

SERVICES=10000
SERVERS=10
work=$(mktemp -d)
defer rm -rf "$work"

# name active_objs objsize, for every cache
slabs() {
	awk 'NR > 2 { print $1, $2, $4 }' /proc/slabinfo | sort
}

ms() {
	echo $(($(date +%s%N) / 1000000))
}

unload_vs
slabs > "$work/slab.before"
load_vs || die "insmod vs.ko"

awk -v n=$SERVICES -v m=$SERVERS 'BEGIN {
	for (i = 0; i < n; i++) {
		s = sprintf("-t 10.%d.%d.%d:80", 1 + int(i / 65536),
			    int(i / 256) % 256, i % 256)
		printf "-A %s -s wrr\n", s
		for (j = 1; j <= m; j++)
			printf "-a %s -r 172.16.%d.%d:8080 -m -w %d\n", s,
			       i % 256, j, j
	}
}' > "$work/rules"
lines=$(wc -l < "$work/rules")
check_eq "the input has 110,000 lines" $((SERVICES * (SERVERS + 1))) "$lines"

start=$(ms)
check "vsadm -R of 10,000 services x 10 servers" \
	bash -c "$VSADM -R < $work/rules"
took=$(($(ms) - start))
log "vsadm -R: $lines lines in $took ms"
# ipvsadm -R needs about a minute for this under TCG; vsadm a few seconds.
check "loaded in under 60 s (took $took ms)" test "$took" -lt 60000

check "the whole table is listed" bash -c "$VSADM -L --json | python3 -c '
import json, sys
s = json.load(sys.stdin)[\"services\"]
assert len(s) == $SERVICES, len(s)
assert all(len(x[\"servers\"]) == $SERVERS for x in s)
assert sum(d[\"weight\"] for x in s for d in x[\"servers\"]) == $SERVICES * 55
'"
check "-L -n has a line per service and server" \
	test "$(vsadm -L -n | wc -l)" -eq $((lines + 3))
vsadm -S -n | sort > "$work/saved"
sort "$work/rules" > "$work/sorted"
check "-S -n gives back the same lines" cmp -s "$work/saved" "$work/sorted"
check "the module holds no references" \
	test "$(cat /sys/module/vs/refcnt)" = 0

start=$(ms)
check "-C of the whole table" vsadm -C
log "vsadm -C: $(($(ms) - start)) ms"
check_out "-C empties it" "" vsadm -S -n
check "-R again after -C" bash -c "$VSADM -R < $work/rules"
check "the table is back" \
	test "$(vsadm -S -n | wc -l)" -eq "$lines"

check "rmmod with 10,000 services loaded" rmmod vs
check "the module is gone" test ! -e /sys/module/vs
# Unloading with a table tears down services and connections together;
# do it a few more times, with smaller tables, to catch ordering races.
head -n 22000 "$work/rules" > "$work/rules.2000"
for round in 1 2 3 4 5; do
	load_vs &&
	"$VSADM" -R < "$work/rules.2000" &&
	rmmod vs
	check "round $round: load 2,000 services, unload" test ! -e /sys/module/vs
done
slabs > "$work/slab.after"
# A cache that kept even a tenth of the services would grow by 1,000
# objects; day-to-day noise in the VM is a few hundred.
grown=$(join "$work/slab.before" "$work/slab.after" |
	awk '$4 - $2 > 1000 { print $1 ": " $2 " -> " $4 }')
check_eq "no slab cache grew by more than 1,000 objects" "" "$grown"
left=$(join -v 2 "$work/slab.before" "$work/slab.after" | awk '{ print $1 }')
check_eq "no slab cache was left behind" "" "$left"
finish
