#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The host unit tests of the userspace (user/tests/ROOM/test_FILE.c, the
# tests of user/ROOM/FILE.c, built into build/tests/ROOM/ by
# `make -C user tests`): one case per test program, whose
# own TAP is shown nested under it. A program passes when it exits 0, meets
# its plan and prints no "not ok".
. "$(dirname "$0")/lib.sh"

dir=$VS_TOP/build/tests
make -s -C "$VS_TOP/user" tests > /dev/null 2>&1 ||
	die "make -C user tests failed"

mapfile -t progs < <(find "$dir" -type f -name 'test_*' ! -name '*.[od]' | sort)
[ ${#progs[@]} -gt 0 ] || die "no unit test programs in $dir"

for prog in "${progs[@]}"; do
	name=${prog#"$dir"/}
	out=$("$prog" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed 's/^/    /'
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\)$/\1/p' <<< "$out")
	cases=$(grep -cE '^(not )?ok [0-9]' <<< "$out")
	if [ $rc -ne 0 ]; then
		fail "$name (exit $rc)"
	elif grep -q '^not ok' <<< "$out"; then
		fail "$name (a case failed)"
	elif [ -z "$plan" ] || [ "$plan" != "$cases" ]; then
		fail "$name (plan ${plan:-missing}, $cases cases)"
	else
		ok "$name ($cases cases)"
	fi
done
finish
