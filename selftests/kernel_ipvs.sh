#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The kernel's own IPVS selftest (tools/testing/selftests/netfilter/
# ipvs.sh of Debian's linux-source-6.1, extracted at build time into
# build/selftests/kernel) with vsadm as its ipvsadm: direct routing, NAT
# and tunnel mode, a client sending 32 bytes through a director to a
# server with nc, compared. Its "modprobe ip_vs" is answered without
# loading IPVS, so only vs can forward; every ipvsadm command it runs must
# reach vsadm and succeed.
. "$(dirname "$0")/lib.sh"
require_vm
require_cmd nc vsadm

script=$(cd "$(dirname "$0")/.." && pwd)/build/selftests/kernel/ipvs.sh
[ -x "$script" ] || die "no $script (make selftests)"
load_vs || die "insmod"
shim=$(mktemp -d)
defer rm -rf "$shim"
cat > "$shim/ipvsadm" <<SH
#!/bin/sh
vsadm "\$@"
rc=\$?
echo "\$rc \$*" >> $shim/calls
exit \$rc
SH
cat > "$shim/modprobe" <<SH
#!/bin/sh
# IPVS stays out: only vs may forward.
case " \$* " in *" ip_vs "*) exit 0 ;; esac
exec /sbin/modprobe "\$@"
SH
chmod +x "$shim/ipvsadm" "$shim/modprobe"
ipvs_before=$(grep -c '^ip_vs ' /proc/modules)

out=$(cd "$shim" && PATH="$shim:$PATH" timeout 120 bash "$script" 2>&1)
rc=$?
log "$(sed 's/^/  /' <<< "$out")"
check_eq "the kernel's ipvs.sh passes with vsadm as ipvsadm" 0 "$rc"
check "it ran the tunnel case" grep -q "Testing Tunnel mode" <<< "$out"
check_eq "each mode added a service and a server through vsadm, all accepted" \
	"6 0" "$(grep -c '^0 -[Aa] ' "$shim/calls") $(grep -vc '^0 ' "$shim/calls")"
check "vsadm -a -i among them (tunnel)" grep -q "^0 -a -i " "$shim/calls"
check_eq "IPVS was not loaded by it" "$ipvs_before" "$(grep -c '^ip_vs ' /proc/modules)"
finish
