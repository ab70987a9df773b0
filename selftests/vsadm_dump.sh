#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Listings stay consistent while the table changes under them: a dump that
# spans many messages and races a change is flagged by the kernel
# (NLM_F_DUMP_INTR) and vsadm runs it again, so every listing is a table
# that existed: never a service twice, never a server without its service.
# strace shows the dump being rerun.
#
#   [ VM, init netns: 300 services x 10 servers, one service coming and
#     going in a loop while vsadm -S -n lists ]
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm
require_cmd awk strace

load_vs || die "insmod vs.ko"
work=$(mktemp -d)
defer rm -rf "$work"
awk 'BEGIN {
	for (i = 0; i < 300; i++) {
		s = sprintf("-t 10.3.%d.%d:80", int(i / 256), i % 256)
		printf "-A %s -s rr\n", s
		for (j = 1; j <= 10; j++)
			printf "-a %s -r 172.18.%d.%d:80 -m -w 1\n", s, i % 256, j
	}
}' > "$work/rules"
vsadm -R < "$work/rules" || die "loading 300 services"
base=$(wc -l < "$work/rules")

# One service with one server, added and deleted ten times a second (a
# tight loop of changes would interrupt every dump of this size, and vsadm
# would rightly give up: "the table kept changing").
(
	while [ ! -e "$work/stop" ]; do
		"$VSADM" -A -t 10.4.0.1:80 && "$VSADM" -a -t 10.4.0.1:80 -r 10.5.0.1
		sleep 0.05
		"$VSADM" -D -t 10.4.0.1:80
		sleep 0.05
	done
) > /dev/null 2>&1 &
churn=$!
defer "touch $work/stop; wait $churn"

sort "$work/rules" > "$work/sorted"

# A table that existed: the 300 services whole, no line twice, and the
# coming-and-going service absent, alone, or with its server.
consistent() {
	local extra
	[ -z "$(sort "$1" | uniq -d)" ] || return 1
	grep -v '10\.4\.0\.1' "$1" | sort > "$work/rest"
	cmp -s "$work/rest" "$work/sorted" || return 1
	extra=$(grep '10\.4\.0\.1' "$1" | cut -d' ' -f1 | tr '\n' ' ')
	case $extra in
	"" | "-A " | "-A -a ") return 0 ;;
	esac
	return 1
}

good=0 torn=0 busy=0 reruns=0
for i in $(seq 30); do
	strace -f -e trace=sendto -o "$work/trace" "$VSADM" -S -n \
		> "$work/out" 2> "$work/err"
	rc=$?
	[ "$(grep -c 'sendto' "$work/trace")" -gt 1 ] && reruns=$((reruns + 1))
	if [ $rc -ne 0 ]; then
		if grep -qx "vsadm: the table kept changing while being read; try again" \
			"$work/err"; then
			busy=$((busy + 1))
		else
			torn=$((torn + 1))
			log "listing $i: $(cat "$work/err")"
		fi
	elif consistent "$work/out"; then
		good=$((good + 1))
	else
		torn=$((torn + 1))
		cp "$work/out" "$work/torn.$i"
	fi
done
touch "$work/stop"
wait $churn
log "30 listings under churn: $good consistent, $busy gave up, $reruns rerun"
check_eq "no torn listing" 0 "$torn"
check "most listings succeed" test "$good" -ge 15
check "the kernel flagged racing dumps and vsadm reran them" \
	test "$reruns" -ge 1
check_out "the table is intact" "$(sort "$work/rules")" \
	bash -c "$VSADM -S -n | grep -v 10.4.0.1 | sort"
finish
