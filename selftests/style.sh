#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel code passes checkpatch (from Debian's linux-source-6.1) and
# sparse (C=2) without a word, and builds with W=1 on both kernels (the
# build itself uses -Werror).
. "$(dirname "$0")/lib.sh"
out=$("$VS_TOP/scripts/style" 2>&1)
rc=$?
check "checkpatch and sparse are quiet" test $rc -eq 0 ||
	printf '%s\n' "$out" | sed 's/^/#   /'
finish
