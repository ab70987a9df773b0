#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kmemleak on the debug kernel (make check-debug), run last: vs leaves
# nothing behind. A workload of its own first (services of every kind,
# persistence, NAT and DR connections, sync installs, dumps, deletions),
# so the test means something alone; then the module is unloaded and
# kmemleak scans the whole kernel. Any unreferenced object allocated from
# vs's code - by any test of this boot, every load of the module (selftests/run
# records where each one lived) - fails the test. Leaks of other parts of
# the kernel are only reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
require_vm

kl=/sys/kernel/debug/kmemleak
[ -w $kl ] || { skip "no kmemleak (not the debug kernel)"; finish; }

load_vs || die "insmod"
topo_nat 2 || die "topology"
for i in 1 2; do
	udp_server "$(rs_ns $i)" 53 0.0.0.0 ""
	defer "kill $! 2>/dev/null"
	echo_server "$(rs_ns $i)" tcp 80
done
d() { in_ns "$dir" vsadm "$@"; }
d -A -u $VIP:53 -s rr
d -A -t $VIP:80 -s wlc -p 60
d -A -f 7 -s mh
d -A -t $VIP:0 -s lblcr -p 30
for i in 1 2; do
	d -a -u $VIP:53 -r 10.11.12.$i:53 -m
	d -a -t $VIP:80 -r 10.11.12.$i:80 -m
	d -a -f 7 -r 10.11.12.$i:80 -m
	d -a -t $VIP:0 -r 10.11.12.$i -m
done
wait_port "$rs1" udp 53 && wait_port "$rs1" tcp 80 || die "servers"
for i in $(seq 1 30); do
	echo q | udp_ask "$client" $VIP 53 > /dev/null
	echo q | in_ns "$client" socat -t 2 - TCP:$VIP:80 > /dev/null
done
check "connections and persistence entries were made" \
	test "$(vs_info "$dir" conn_count)" -gt 30
# A sync batch of what is here, installed again, and dumps.
conns=$(in_ns "$dir" vsadm -L -n -c | wc -l)
d -L -n -c > /dev/null && d -S -n > /dev/null
d -d -t $VIP:80 -r 10.11.12.2:80
d -E -u $VIP:53 -s sh
d -D -f 7
log "$conns connection lines listed"
cleanup_ns "$dir" "$client" "$rs1" "$rs2" "$sw"
grep '^vs ' /proc/modules >> /run/vs-module-ranges
check "the module unloads" rmmod vs

# Objects younger than 5 s are never reported; two scans settle the rest.
sleep 6
echo scan > $kl
sleep 1
echo scan > $kl
report=$(cat $kl)
ours=$(python3 - "$report" /run/vs-module-ranges <<'PY'
import re, sys
report, ranges_file = sys.argv[1], sys.argv[2]
ranges = set()
for line in open(ranges_file):
    f = line.split()
    if len(f) >= 6 and f[5].startswith("0x") and int(f[5], 16):
        base = int(f[5], 16)
        ranges.add((base, base + int(f[1])))
def ours(block):
    if re.search(r"\[vs\]|\bvs_", block):
        return True
    for a in re.findall(r"\[<([0-9a-f]{16})>\]", block):
        a = int(a, 16)
        if any(lo <= a < hi for lo, hi in ranges):
            return True
    return False
blocks = re.split(r"(?m)^(?=unreferenced object)", report)
leaks = [b for b in blocks if b.strip() and ours(b)]
print("%d %d %d" % (len(leaks), len([b for b in blocks if b.strip()]), len(ranges)))
for b in leaks[:3]:
    sys.stderr.write(b)
PY
)
read -r n_ours n_all n_ranges <<< "$ours"
log "kmemleak: $n_all suspected leaks in the kernel, $n_ours from vs ($n_ranges module loads known)"
check "addresses of the module loads were recorded" test "$n_ranges" -gt 0
check_eq "kmemleak finds no leak from vs" 0 "$n_ours"
finish
