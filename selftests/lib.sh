# SPDX-License-Identifier: GPL-2.0
#
# Helpers for vs selftests. Source it from a test script:
#
#	. "$(dirname "$0")/lib.sh"
#
# A test reports each case with ok/fail/skip (nested TAP lines the runner
# indents), and ends with `finish`, which exits 0 when nothing failed, 1 when
# something did, and $KSFT_SKIP (4) when everything was skipped. Network
# namespaces made with setup_ns are deleted on exit, whatever happens.

KSFT_PASS=0
KSFT_FAIL=1
KSFT_SKIP=4

# TIME_SCALE (default 1): a factor for timeouts that a test must wait out,
# set by make check-debug, whose sanitizer kernel is several times slower.
TIME_SCALE=${TIME_SCALE:-1}

VS_TOP=${VS_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}
VS_KO=${VS_KO:-$VS_TOP/build/$(uname -r)/vs.ko}

__case=0
__failed=0
__passed=0
__skipped=0
__ns_list=()
__cleanups=()

ok() {
	__case=$((__case + 1))
	__passed=$((__passed + 1))
	echo "ok $__case $*"
}

fail() {
	__case=$((__case + 1))
	__failed=$((__failed + 1))
	echo "not ok $__case $*"
}

skip() {
	__case=$((__case + 1))
	__skipped=$((__skipped + 1))
	echo "ok $__case # SKIP $*"
}

# check "description" CMD...: one case, passed when CMD succeeds. On failure
# the command's output is shown and check returns 1 (for "|| show more").
check() {
	local what=$1 out
	shift
	if out=$("$@" 2>&1); then
		ok "$what"
	else
		fail "$what"
		[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/#   /'
		return 1
	fi
}

# check_eq "description" EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then
		ok "$1"
	else
		fail "$1"
		diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | sed 's/^/#   /'
		return 1
	fi
}

log() {
	echo "# $*"
}

# Abort the whole test (counts as a failure).
die() {
	fail "$*"
	exit $KSFT_FAIL
}

finish() {
	echo "# $__passed passed, $__failed failed, $__skipped skipped"
	[ $__failed -gt 0 ] && exit $KSFT_FAIL
	[ $__passed -eq 0 ] && [ $__skipped -gt 0 ] && exit $KSFT_SKIP
	exit $KSFT_PASS
}

# Skip the whole test unless running as root inside the test VM.
require_vm() {
	if [ "$(id -u)" != 0 ] || [ ! -e /run/vs-vm ]; then
		echo "# SKIP: needs the test VM (scripts/vm-run)"
		exit $KSFT_SKIP
	fi
}

require_cmd() {
	local c
	for c in "$@"; do
		if ! command -v "$c" > /dev/null; then
			echo "# SKIP: $c not installed"
			exit $KSFT_SKIP
		fi
	done
}

# defer CMD...: run CMD at exit (last deferred first).
defer() {
	__cleanups+=("$*")
}

__run_cleanups() {
	local i ns
	for ((i = ${#__cleanups[@]} - 1; i >= 0; i--)); do
		eval "${__cleanups[$i]}" > /dev/null 2>&1
	done
	for ns in "${__ns_list[@]}"; do
		ip netns del "$ns" > /dev/null 2>&1
	done
}
trap __run_cleanups EXIT

# setup_ns VAR...: make one netns per VAR with a random suffix, lo up, and
# store its name in VAR.
setup_ns() {
	local var name
	for var in "$@"; do
		name="$var-$(mktemp -u XXXXXX)"
		ip netns add "$name" || return 1
		ip -n "$name" link set lo up || return 1
		__ns_list+=("$name")
		printf -v "$var" '%s' "$name"
	done
}

# cleanup_ns NS...: delete namespaces now rather than at exit.
cleanup_ns() {
	local ns i
	for ns in "$@"; do
		ip netns del "$ns" > /dev/null 2>&1
		for i in "${!__ns_list[@]}"; do
			[ "${__ns_list[$i]}" = "$ns" ] && unset '__ns_list[i]'
		done
	done
}

# veth NS1 IF1 ADDR1 NS2 IF2 ADDR2: a veth pair between two namespaces with
# an address (CIDR, may be empty) on each end, both up.
veth() {
	local ns1=$1 if1=$2 a1=$3 ns2=$4 if2=$5 a2=$6
	ip link add "$if1" netns "$ns1" type veth peer name "$if2" netns "$ns2" || return 1
	[ -n "$a1" ] && { ip -n "$ns1" addr add "$a1" dev "$if1" || return 1; }
	[ -n "$a2" ] && { ip -n "$ns2" addr add "$a2" dev "$if2" || return 1; }
	ip -n "$ns1" link set "$if1" up && ip -n "$ns2" link set "$if2" up
}

# busywait TIMEOUT_MS CMD...: retry CMD until it succeeds or TIMEOUT_MS
# (times TIME_SCALE) passes; returns CMD's last status.
busywait() {
	local timeout_ms=$(($1 * TIME_SCALE)) start now rc
	shift
	start=$(date +%s%3N)
	while true; do
		"$@" && return 0
		rc=$?
		now=$(date +%s%3N)
		[ $((now - start)) -ge "$timeout_ms" ] && return $rc
		sleep 0.05
	done
}

# The vs module: load_vs inserts the freshly built vs.ko unless loaded.
vs_loaded() {
	[ -d /sys/module/vs ]
}

# vs needs nf_defrag_ipv6 (IPv6 fragments), which insmod does not load.
load_vs() {
	local out
	# Loaded and initialised (a load in progress has /sys/module/vs too).
	[ "$(cat /sys/module/vs/initstate 2> /dev/null)" = live ] && return 0
	modprobe -q nf_defrag_ipv6
	out=$(insmod "$VS_KO" 2>&1) && return 0
	# The test beside this one (SELFTEST_JOBS=2) loaded it at the same
	# moment: insmod waited for that load to finish, then said EEXIST.
	vs_loaded && return 0
	echo "$out" >&2
	return 1
}

unload_vs() {
	! vs_loaded || rmmod vs
}
