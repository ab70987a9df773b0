#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Scale: one vsd process checks 2,000 real servers every second - TCP
# connect checks against 2,000 listeners on the host's loopback
# (127.77.x.y, selftests/vsd_listeners.py) - with --no-kernel, so nothing
# touches this host's kernel table. After a warm-up it measures a window of
# SCALE_SECS (default 30) seconds and reports vsd's CPU time per 1,000
# checks and how late checks started (lateness) and how far each
# interval strayed from 1 s (jitter). Timings are reported, not asserted:
# the host may be busy with other work. What is asserted is that every
# server is up and each was checked about once a second.
. "$(dirname "$0")/lib.sh"
require_cmd python3

N=${SCALE_SERVERS:-2000}
SECS=${SCALE_SECS:-30}
PER=100
tmp=$(mktemp -d)
defer "rm -rf $tmp"
vsd=$VS_TOP/build/bin/vsd
[ -x "$vsd" ] || make -s -C "$VS_TOP/user" > /dev/null 2>&1 || die "build vsd"

# Listeners on a port nobody else uses on 127.77.0.0/16.
for port in $(shuf -i 20000-29999 -n 5); do
	python3 "$(dirname "$0")/vsd_listeners.py" "$N" "$port" > "$tmp/listeners" 2>&1 &
	lpid=$!
	busywait 20000 grep -qs ready "$tmp/listeners" && break
	kill $lpid 2> /dev/null
	wait $lpid 2> /dev/null
	lpid=
done
[ -n "$lpid" ] || die "listeners"
defer "kill $lpid 2> /dev/null"

{
	echo "network = nat"
	echo "reconcile_interval = 5"
	for ((v = 0; v < N / PER; v++)); do
		printf 'virtual v%d {\n\taddress = 10.77.%d.1\n\tport = %d\n' $v $v $port
		printf '\tcheck_interval = 1\n\tconnect_timeout = 0.5\n\ttimeout = 3\n\treentry = 0\n'
		for ((s = 0; s < PER; s++)); do
			i=$((v * PER + s))
			printf '\tserver s%d {\n\t\taddress = 127.77.%d.%d\n\t}\n' \
				$i $((i / 250)) $((i % 250 + 1))
		done
		echo "}"
	done
} > "$tmp/vsd.conf"
check "vsd -t: $N servers in $((N / PER)) virtual services" "$vsd" -t -f "$tmp/vsd.conf"

"$vsd" -d -f "$tmp/vsd.conf" -s "$tmp/sock" -p "$tmp/pid" --no-kernel \
	> "$tmp/log" 2>&1 &
vpid=$!
defer "kill $vpid 2> /dev/null"

json() {
	"$vsd" -s "$tmp/sock" status --json
}
ups() {
	json | python3 -c 'import json, sys
j = json.load(sys.stdin)
print(sum(s["state"] == "up" and s["in_table"] for v in j["virtuals"] for s in v["servers"]))'
}
all_up() {
	[ "$(ups 2> /dev/null)" = "$N" ]
}
check "every server is up and in the (in-memory) table" busywait 30000 all_up ||
	{ tail -5 "$tmp/log" | sed 's/^/#   /'; finish; }

snapshot() { # snapshot FILE: status json plus vsd's CPU ticks
	json > "$1"
	awk '{ print $14 + $15 }' "/proc/$vpid/stat" > "$1.cpu"
}
sleep 3		# warm-up: the first attempts are spread over the first second
snapshot "$tmp/a"
sleep "$SECS"
snapshot "$tmp/b"

python3 - "$tmp/a" "$tmp/b" "$(getconf CLK_TCK)" "$SECS" "$N" > "$tmp/report" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
ticks = [int(open(f + ".cpu").read()) for f in sys.argv[1:3]]
hz, secs, n = int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
ca, cb = a["checks"], b["checks"]
att = cb["attempts"] - ca["attempts"]
cpu = (ticks[1] - ticks[0]) / hz
late = (cb["lateness_us"]["sum"] - ca["lateness_us"]["sum"]) / max(att, 1)
jn = cb["jitter_us"]["n"] - ca["jitter_us"]["n"]
jit = (cb["jitter_us"]["sum"] - ca["jitter_us"]["sum"]) / max(jn, 1)
hist = {k: cb["lateness_us"]["hist_le"][k] - ca["lateness_us"]["hist_le"][k]
        for k in cb["lateness_us"]["hist_le"]}
acc, p99 = 0, "inf"
for k in hist:
    acc += hist[k]
    if acc >= 0.99 * att:
        p99 = k
        break
fails = sum(s["check"]["fails"] for v in b["virtuals"] for s in v["servers"])
print("checks %d in %.0f s: %.0f per second (want %d)" % (att, secs, att / secs, n))
print("cpu %.2f s: %.3f s per 1000 checks, %.1f%% of one CPU" %
      (cpu, 1000 * cpu / max(att, 1), 100 * cpu / secs))
print("lateness mean %.0f us, p99 <= %s us; interval jitter mean %.0f us" %
      (late, p99, jit))
print("since start: lateness max %d us, jitter max %d us; failed checks %d" %
      (cb["lateness_us"]["max"], cb["jitter_us"]["max"], fails))
print("RATE %d" % round(att / secs))
PY
sed 's/^/# /' "$tmp/report" | grep -v RATE
rate=$(sed -n 's/^RATE //p' "$tmp/report")
# About once a second each: the grid keeps checks from drifting, so only a
# starved process falls behind by more than a few percent.
check "each server checked about once a second ($rate/s for $N servers)" \
	test "$rate" -ge $((N * 9 / 10)) -a "$rate" -le $((N * 11 / 10))
check "still every server up" all_up
kill $vpid
check "vsd stops on SIGTERM" busywait 5000 sh -c "! kill -0 $vpid 2> /dev/null"
finish
