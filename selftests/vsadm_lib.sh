# SPDX-License-Identifier: GPL-2.0
#
# Helpers for the vsadm_*.sh selftests; source it after lib.sh. Not a test.
#
#	check_out "description" "expected stdout" CMD...
#	refused "description" STATUS "message" CMD...
#
# refused is the heart of the error tests: CMD must exit with STATUS, print
# exactly "vsadm: message" on stderr and nothing on stdout, and leave the
# table (vsadm -S -n and the timeouts) as it was. Set IN to feed CMD's
# stdin (for vsadm -R).

VSADM=${VSADM:-$VS_TOP/build/bin/vsadm}
IN=

vsadm() {
	"$VSADM" "$@"
}

# The whole state a bad command must not change.
table_state() {
	"$VSADM" -S -n 2>&1
	"$VSADM" -L --timeout 2>&1
}

__vsadm_err=$(mktemp)
__vsadm_a=$(mktemp)
__vsadm_b=$(mktemp)
defer rm -f "$__vsadm_err" "$__vsadm_a" "$__vsadm_b"

# diff of two strings, as comment lines (files: the VM has no /dev/fd).
show_diff() {
	printf '%s\n' "$1" > "$__vsadm_a"
	printf '%s\n' "$2" > "$__vsadm_b"
	diff "$__vsadm_a" "$__vsadm_b" | sed 's/^/#   /'
}

check_out() {
	local what=$1 want=$2 out rc
	shift 2
	out=$("$@" 2> "$__vsadm_err")
	rc=$?
	if [ $rc -eq 0 ] && [ "$out" = "$want" ] && [ ! -s "$__vsadm_err" ]; then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "#   exit $rc, stderr: $(cat "$__vsadm_err")"
	show_diff "$want" "$out"
	return 1
}

refused() {
	local what=$1 want_rc=$2 want_msg=$3 before after out err rc
	shift 3
	before=$(table_state)
	out=$("$@" 2> "$__vsadm_err" <<< "$IN")
	rc=$?
	err=$(cat "$__vsadm_err")
	after=$(table_state)
	if [ "$rc" = "$want_rc" ] && [ "$err" = "vsadm: $want_msg" ] &&
	   [ -z "$out" ] && [ "$before" = "$after" ]; then
		ok "$what"
		return 0
	fi
	fail "$what"
	echo "#   exit $rc (want $want_rc)"
	echo "#   stderr: $err"
	echo "#   want:   vsadm: $want_msg"
	[ -n "$out" ] && echo "#   stdout: $out"
	[ "$before" = "$after" ] || {
		echo "#   the table changed:"
		show_diff "$before" "$after"
	}
	return 1
}

# The first line of -L is ours; the rest is ipvsadm's layout.
version_line_ok() {
	grep -qxE 'IP Virtual Server \(vs\) version [0-9]+\.[0-9]+\.[0-9]+ \(size=[0-9]+\)'
}
