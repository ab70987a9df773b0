#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# NLM_F_DUMP_INTR reaches the client whenever a dump may have skipped or
# repeated something, even when no message of the changed service follows:
# the flag then rides on the next service's message or on NLMSG_DONE. A
# dump is read part by part (a small socket buffer); after the first part
# the table changes, and the rest is read. Changes that cannot disturb the
# dump (none; another service coming and going) leave it clean; losing
# the rest of the service being resumed (its servers deleted, or itself)
# flags it, for the whole-table dump and for a dump of one service's
# servers.
#
#   [ VM, init netns: A = TCP 10.9.0.1:80 with 600 servers, B = 10.9.0.2:80
#     with 1 ]
. "$(dirname "$0")/lib.sh"
require_vm

load_vs || die "insmod vs.ko"

setup_table() {
	vsadm -C
	awk 'BEGIN {
		print "-A -t 10.9.0.1:80 -s rr"
		for (i = 1; i <= 600; i++)
			printf "-a -t 10.9.0.1:80 -r 172.19.%d.%d:80 -m\n", int(i / 250), i % 250 + 1
		print "-A -t 10.9.0.2:80 -s rr"
		print "-a -t 10.9.0.2:80 -r 172.20.0.1:80 -m"
	}' | vsadm -R
}

for c in none other a-servers a-gone dests-none dests-other dests-a-servers dests-a-gone; do
	setup_table || die "building the table"
	out=$("$VS_TOP/selftests/dump_intr.py" "$c")
	log "$c: $out"
	case $c in
	*none|*other) want=clean ;;
	*) want=intr ;;
	esac
	check_eq "$c: the dump is $want" "$want" "${out%% *}"
done
finish
