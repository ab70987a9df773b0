#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Listings stay consistent while the table changes under them. Services
# are resumed by creation id, so services coming and going cannot make a
# dump skip or repeat another; when the servers of the service being
# resumed change between two messages, the kernel flags the dump
# (NLM_F_DUMP_INTR) and vsadm runs it again. Every listing is a table that
# existed: never a service or server twice, never a server without its
# service. strace shows the dump being rerun.
#
#   [ VM, init netns: 300 services x 10 servers, one service coming and
#     going in a loop while vsadm -S -n lists; then one service of 2,000
#     servers, one of them coming and going ]
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
log "30 listings under service churn: $good consistent, $busy gave up, $reruns rerun"
check_eq "no torn listing" 0 "$torn"
check_eq "services coming and going never spoil a listing" 30 "$good"
check_out "the table is intact" "$(sort "$work/rules")" \
	bash -c "$VSADM -S -n | grep -v 10.4.0.1 | sort"

# One service whose 2,000 servers span many dump messages; a server of it
# comes and goes. Dumps that resume it after a change are flagged.
"$VSADM" -C
awk 'BEGIN {
	print "-A -t 10.6.0.1:80 -s rr"
	for (j = 0; j < 2000; j++)
		printf "-a -t 10.6.0.1:80 -r 172.19.%d.%d:80 -m -w 1\n", int(j / 250), j % 250 + 1
}' > "$work/big"
"$VSADM" -R < "$work/big" || die "loading 2000 servers"
sort "$work/big" > "$work/bigsorted"
rm -f "$work/stop"
(
	while [ ! -e "$work/stop" ]; do
		"$VSADM" -a -t 10.6.0.1:80 -r 10.7.0.1:80 -m
		"$VSADM" -d -t 10.6.0.1:80 -r 10.7.0.1:80
	done
) > /dev/null 2>&1 &
churn=$!
good=0 torn=0 busy=0 reruns=0
for i in $(seq 20); do
	strace -f -e trace=sendto -o "$work/trace" "$VSADM" -S -n \
		> "$work/out" 2> "$work/err"
	rc=$?
	[ "$(grep -c 'sendto' "$work/trace")" -gt 1 ] && reruns=$((reruns + 1))
	if [ $rc -ne 0 ]; then
		busy=$((busy + 1))
	elif [ -z "$(sort "$work/out" | uniq -d)" ] &&
	     cmp -s <(grep -v 10.7.0.1 "$work/out" | sort) "$work/bigsorted"; then
		good=$((good + 1))
	else
		torn=$((torn + 1))
	fi
done
touch "$work/stop"
wait $churn
log "20 listings under server churn: $good consistent, $busy gave up, $reruns rerun"
check_eq "no torn listing under server churn" 0 "$torn"
check "the kernel flagged racing dumps and vsadm reran them" \
	test "$reruns" -ge 1
finish
