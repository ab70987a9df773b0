#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The test harness tests itself (on the host): scripts/vm-run passes exit
# statuses through, fails on a kernel WARNING and on a timeout, and the
# runner and the summary fail on a failing test or a "not ok" line. A
# harness that cannot fail would make every other test meaningless.
. "$(dirname "$0")/lib.sh"
vmrun=$VS_TOP/scripts/vm-run

# One boot for both (each costs half a minute of emulated CPU).
out=$("$vmrun" sh -c 'echo hello from the guest; exit 7' 2>&1)
rc=$?
check_eq "vm-run prints the command's output" "hello from the guest" "$out"
check_eq "vm-run passes a failing exit status through" 7 "$rc"

out=$("$vmrun" sh -c 'echo "WARNING: CPU: 0 PID: 1 harness test" > /dev/kmsg' 2>&1)
rc=$?
check "vm-run fails on a kernel WARNING (got $rc)" test "$rc" -ne 0
check "vm-run prints the trace" grep -q "harness test" <<< "$out"

out=$(VM_TIMEOUT=10 "$vmrun" sleep 600 2>&1)
check_eq "vm-run stops a run at VM_TIMEOUT" 124 "$?"
check "vm-run says it timed out" grep -q "timed out" <<< "$out"

run=$VS_TOP/selftests/run
fx=$VS_TOP/selftests/fixtures
out=$("$run" --host "$fx/passes.sh" "$fx/skips.sh")
check "runner passes passing and skipped tests" test $? -eq 0
check "runner marks a skip" grep -q '^ok 2 selftests: vs: skips.sh # SKIP' <<< "$out"

out=$("$run" --host "$fx/passes.sh" "$fx/fails.sh")
check "runner fails on a failing test" test $? -ne 0
check "runner prints not ok for it" grep -q '^not ok 2 selftests: vs: fails.sh' <<< "$out"

out=$("$run" --host "$fx/prints_not_ok.sh")
check "runner fails a test that prints 'not ok' but exits 0" test $? -ne 0

summary=$VS_TOP/scripts/tap-summary
tap=$(mktemp)
defer rm -f "$tap"
"$run" --host "$fx/passes.sh" "$fx/fails.sh" "$fx/skips.sh" > "$tap"
out=$("$summary" "$tap")
rc=$?
check_eq "summary counts a mixed run" "1 passed, 1 failed, 1 skipped" "$(tail -n 1 <<< "$out")"
check "summary exits non-zero on a failure" test $rc -ne 0
"$run" --host "$fx/passes.sh" > "$tap"
check "summary exits 0 on a clean run" "$summary" "$tap"
: > "$tap"
check "summary fails on a run that produced no results" \
	sh -c "! '$summary' '$tap'"
finish
