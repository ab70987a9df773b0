#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Fuzz the "vs" generic netlink family (selftests/nl_fuzz.py): structured
# random messages for every command from several processes in the initial
# namespace and two new ones, with dumps, connection installs and traffic
# through the data path all the while; then the answers are checked, vsadm
# must still work, the namespaces go and vs unloads.
#
#   [ init netns ]  [ nlfuzz-SEED-1 ]  [ nlfuzz-SEED-2 ]   each one:
#     fuzz x2, dumper, traffic -> VIPs 172.(16+k).0.0/24 on lo
#     local real server 172.(16+k).2.1, remote ones 172.(16+k).1.0/24 (dummy)
#
# NL_FUZZ_SECONDS (default 60) or NL_FUZZ_MESSAGES (a total, e.g. 1000000
# for make check-debug) bound the run; NL_FUZZ_SEED replays a seed.
. "$(dirname "$0")/lib.sh"
require_vm
require_cmd python3 ip sysctl vsadm

load_vs || die "insmod vs.ko"
args=(--seconds "${NL_FUZZ_SECONDS:-60}")
[ -n "${NL_FUZZ_MESSAGES:-}" ] && args=(--messages "$NL_FUZZ_MESSAGES")
[ -n "${NL_FUZZ_SEED:-}" ] && args+=(--seed "$NL_FUZZ_SEED")
# The fuzzer prints the TAP cases itself and unloads vs as its last one.
exec python3 "$(dirname "$0")/nl_fuzz.py" "${args[@]}"
