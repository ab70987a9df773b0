#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Every kind of bad input to vsadm: one line on stderr naming the bad
# value, exit 2 for a bad command line or input and 1 for what the kernel
# refuses, and no change at all to the table (vsadm -S -n and the timeouts
# compared before and after). -R applies nothing when any line is bad, and
# undoes what it applied when the kernel refuses a line it could not check.
#
#   [ VM, init netns: the vs table ]   control plane only, no traffic
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm

load_vs || die "insmod vs.ko"
vsadm -A -t 192.168.0.30:80 -s wlc -p 300 -M 255.255.255.0 &&
vsadm -a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1 &&
vsadm -a -t 192.168.0.30:80 -r 192.168.0.122 -m -w 3 -x 100 -y 50 &&
vsadm -A -u 10.0.0.1:53 -s rr &&
vsadm -A -f 7 -s wrr -p || die "building the table"

# --- bad command lines: exit 2 ----------------------------------------------
refused "unknown scheduler" 2 "unknown scheduler 'foo'" \
	vsadm -A -t 1.2.3.4:80 -s foo
refused "-E with an unknown scheduler leaves the service alone" 2 \
	"unknown scheduler 'foo'" vsadm -E -t 192.168.0.30:80 -s foo
refused "bad address" 2 "bad address '1.2.3.400'" vsadm -A -t 1.2.3.400:80
refused "bad server address" 2 "bad address '10.0.0.256'" \
	vsadm -a -t 192.168.0.30:80 -r 10.0.0.256
refused "bad port" 2 "bad port '99999'" vsadm -A -t 1.2.3.4:99999
refused "unknown port name" 2 "bad port 'nosuchport'" \
	vsadm -A -t 1.2.3.4:nosuchport
refused "port 0 without persistence" 2 "port 0 requires persistence (-p)" \
	vsadm -A -t 1.2.3.4:0
refused "no port without persistence" 2 "port 0 requires persistence (-p)" \
	vsadm -A -t 1.2.3.4
refused "-E to port-0 semantics without -p" 2 \
	"port 0 requires persistence (-p)" vsadm -E -t 192.168.0.30:0
refused "negative weight" 2 "weight '-1' out of range 0..2147483647" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -w -1
refused "weight too big" 2 \
	"weight '2147483648' out of range 0..2147483647" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -w 2147483648
refused "-e with a bad weight leaves the server alone" 2 "bad weight 'x'" \
	vsadm -e -t 192.168.0.30:80 -r 192.168.0.122 -m -w x
refused "lower threshold above upper" 2 \
	"lower threshold 20 is above upper threshold 10" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -x 10 -y 20
refused "fwmark 0" 2 "bad fwmark '0'" vsadm -A -f 0
refused "unknown option" 2 "unknown option '--bogus'" vsadm --bogus
refused "unknown short option" 2 "unknown option '-q'" vsadm -A -q
refused "netmask with holes" 2 \
	"netmask '255.0.255.0' is not contiguous (vs needs a prefix)" \
	vsadm -A -t 1.2.3.4:80 -M 255.0.255.0 -p
refused "netmask without persistence" 2 \
	"netmask '255.255.255.0' needs persistence (-p)" \
	vsadm -A -t 1.2.3.4:80 -M 255.255.255.0
refused "persistence timeout 0" 2 \
	"persistence timeout '0' out of range 1..2592000" \
	vsadm -A -t 1.2.3.4:80 -p 0
refused "a tunnel type on a NAT server" 2 "option '--tun-type' needs tunneling (-i)" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -m --tun-type gue
refused "GUE without a port" 2 "tunnel type gue needs a port (--tun-port)" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -i --tun-type gue
refused "a tunnel source on a DR server" 2 "option '--tun-src' needs tunneling (-i)" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -g --tun-src 192.168.0.1
refused "an IPv6 tunnel source for an IPv4 server" 2 \
	"tunnel source '2001:db8::9' is IPv6 but real server '192.168.0.123' is IPv4" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -i --tun-src 2001:db8::9
refused "a bad tunnel source" 2 "bad address '192.168.0.300'" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -i --tun-src 192.168.0.300
refused "IPv6 server behind an IPv4 service" 2 \
	"real server '[2001:db8::2]:80' is IPv6 but the service is IPv4 (only tunneling, -i, mixes them)" \
	vsadm -a -t 192.168.0.30:80 -r '[2001:db8::2]:80' -m
refused "IPv6 -M 129" 2 "IPv6 netmask '129' out of range 1..128" \
	vsadm -A -t '[2001:db8::1]:80' -p -M 129
refused "two commands" 2 "only one command at a time: '-A' and '-D'" \
	vsadm -A -D -t 1.2.3.4:80
refused "an option the command does not take" 2 \
	"option '-w' cannot be used with -A" vsadm -A -t 1.2.3.4:80 -w 2
refused "-a without -r" 2 "-a needs a real server (-r)" \
	vsadm -a -t 192.168.0.30:80
refused "-A without a service" 2 "-A needs a service (-t, -u or -f)" \
	vsadm -A -s rr
refused "--set with two values" 2 "--set needs 3 timeouts: tcp tcpfin udp" \
	vsadm --set 1 2
refused "--set with a bad value" 2 "bad timeout 'x'" vsadm --set 1 2 x
refused "NAT server without a port" 2 \
	"masquerading server '192.168.0.9:0' needs a port" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.9:0 -m

# --- refused by the kernel: exit 1 ------------------------------------------------
refused "service exists" 1 "service TCP 192.168.0.30:80 already exists" \
	vsadm -A -t 192.168.0.30:80
refused "fwmark service exists" 1 "service FWM 7 already exists" \
	vsadm -A -f 7 -s rr
refused "-D of a missing service" 1 "no such service TCP 9.9.9.9:80" \
	vsadm -D -t 9.9.9.9:80
refused "-E of a missing service" 1 "no such service UDP 9.9.9.9:80" \
	vsadm -E -u 9.9.9.9:80
refused "-a to a missing service" 1 "no such service TCP 9.9.9.9:80" \
	vsadm -a -t 9.9.9.9:80 -r 1.1.1.1
refused "-Z of a missing service" 1 "no such service TCP 9.9.9.9:80" \
	vsadm -Z -t 9.9.9.9:80
refused "-L of a missing service" 1 "no such service FWM 99" \
	vsadm -L -n -f 99
refused "server exists" 1 \
	"server 192.168.0.121:80 already exists in service TCP 192.168.0.30:80" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.121:80
refused "a multicast tunnel source" 1 \
	"cannot add server 192.168.0.123:80 to service TCP 192.168.0.30:80: a tunnel source must be a unicast address" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123 -i --tun-src 224.0.0.5
refused "-e of a missing server" 1 \
	"no such server 192.168.0.199:80 in service TCP 192.168.0.30:80" \
	vsadm -e -t 192.168.0.30:80 -r 192.168.0.199:80
refused "-d of a missing server" 1 \
	"no such server 192.168.0.122:81 in service TCP 192.168.0.30:80" \
	vsadm -d -t 192.168.0.30:80 -r 192.168.0.122:81
# A scheduler ipvsadm has and vs.ko does not (yet): only the kernel knows.
missing=
for sched in ovf fo nq sed mh sh dh lblcr lblc; do
	if vsadm -A -t 1.2.3.4:80 -s $sched 2> /dev/null; then
		vsadm -D -t 1.2.3.4:80
	else
		missing=$sched
		break
	fi
done
if [ -n "$missing" ]; then
	refused "a scheduler the module lacks" 1 \
		"scheduler '$missing' is not available in the vs module" \
		vsadm -A -t 1.2.3.4:80 -s $missing
	refused "-E to a scheduler the module lacks" 1 \
		"scheduler '$missing' is not available in the vs module" \
		vsadm -E -t 192.168.0.30:80 -s $missing -p 300 -M 255.255.255.0
else
	skip "the module has every scheduler: none to test ENOENT with"
fi

# --- -R: all or nothing --------------------------------------------------------------
IN=$'-A -t 5.5.5.5:80\n-a -t 5.5.5.5:80 -r 6.6.6.6\n-A -t 1.2.3.400:80'
refused "-R: a bad line, nothing applied" 2 "line 3: bad address '1.2.3.400'" \
	vsadm -R
IN=$'-A -t 5.5.5.5:80\n# comment\n\n-a -t 5.5.5.5:80 -r 6.6.6.6 -w -1'
refused "-R: line numbers count comments and blank lines" 2 \
	"line 4: weight '-1' out of range 0..2147483647" vsadm -R
IN=$'-A -t 5.5.5.5:80\n-a -t 5.5.5.5:80 -r 6.6.6.6\n-A -t 192.168.0.30:80'
refused "-R: a conflict with the table, nothing applied" 1 \
	"line 3: service TCP 192.168.0.30:80 already exists" vsadm -R
IN=$'-A -t 5.5.5.5:80\n-D -t 5.5.5.5:80\n-a -t 5.5.5.5:80 -r 6.6.6.6'
refused "-R: a conflict with an earlier line" 1 \
	"line 3: no such service TCP 5.5.5.5:80" vsadm -R
IN=$'-A -t 5.5.5.5:80\n-L -n'
refused "-R: listing is not a restore line" 2 \
	"line 2: -L cannot be used in restore input" vsadm -R
IN=$(vsadm -S -n)
refused "-R of the saved table onto itself" 1 \
	"line 1: service TCP 192.168.0.30:80 already exists" vsadm -R
if [ -n "$missing" ]; then
	# The kernel refuses line 6 after lines 1-5 were applied: undone,
	# the flush included.
	IN=$'-E -u 10.0.0.1:53 -s lc\n--set 10 10 10\n-C\n-A -t 5.5.5.5:80\n-a -t 5.5.5.5:80 -r 6.6.6.6'
	IN+=$'\n-A -t 5.5.5.6:80 -s '$missing$'\n-A -t 5.5.5.7:80'
	refused "-R: the kernel refuses a line, everything is undone" 1 \
		"line 6: scheduler '$missing' is not available in the vs module" \
		vsadm -R
else
	skip "the module has every scheduler: no line the kernel alone refuses"
fi
IN=
out=$(printf -- '-A -t 1.2.3:80\n-A -t 1.2.3.4:80 -s nope\n' | vsadm -R 2>&1)
check_eq "-R reports every bad line" \
"vsadm: line 1: bad address '1.2.3'
vsadm: line 2: unknown scheduler 'nope'" "$out"

# --- no module -----------------------------------------------------------------------
rmmod vs || die "rmmod vs"
modprobe_path=$(cat /proc/sys/kernel/modprobe)
defer "echo '$modprobe_path' > /proc/sys/kernel/modprobe"
# Resolving the family would load vs.ko: make module loading fail.
echo /bin/false > /proc/sys/kernel/modprobe
out=$(vsadm -L -n 2>&1)
rc=$?
check_eq "no module: -L says how to load it" \
	"vsadm: vs module not loaded: modprobe vs" "$out"
check_eq "no module: exit 1" 1 "$rc"
out=$(vsadm -A -t 1.2.3.4:80 2>&1)
check_eq "no module: -A says so too" \
	"vsadm: vs module not loaded: modprobe vs" "$out"
check "no module: still not loaded" test ! -d /sys/module/vs
echo "$modprobe_path" > /proc/sys/kernel/modprobe
finish
