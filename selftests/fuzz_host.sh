#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The userspace fuzzers (user/fuzz, libFuzzer with ASan and UBSan) for a
# fixed number of inputs each, from the seed corpora in the tree: the
# configuration parser and writer round trip, vsadm's command line and -R
# input, heartbeat datagrams, and the panel's JSON bodies. A crash, a
# sanitizer report, a timeout or a broken round trip fails it. Longer
# runs: make fuzz FUZZ_SECONDS=N.
. "$(dirname "$0")/lib.sh"
require_cmd clang

out=$("$VS_TOP/scripts/fuzz" 2>&1)
rc=$?
failed=0
while read -r line; do
	case $line in
	"ok "*) ok "${line#ok [0-9]* }" ;;
	"not ok "*) fail "${line#not ok [0-9]* }"; failed=1 ;;
	"#"*) echo "$line" ;;
	esac
done <<< "$out"
[ "$rc" = 0 ] || [ "$failed" = 1 ] || fail "scripts/fuzz exited $rc"
finish
