#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsadm round trips against the real module: TCP, UDP, fwmark and
# persistent-with-netmask services, DR and NAT servers with weights and
# thresholds, added, edited and deleted; every listing (-L -n, -L, --stats,
# --rate, --thresholds, --persistent-conn, -S, -c, --timeout) compared with
# the exact text ipvsadm 1.31 prints for the same table (build/probe);
# -S | -C | -R restores an identical table; --json parses.
#
#   [ VM, init netns: the vs table ]   control plane only, no traffic
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/vsadm_lib.sh"
require_vm
require_cmd python3

load_vs || die "insmod vs.ko"

# --- the family loads the module ------------------------------------------
rmmod vs
out=$(vsadm -L -n 2>&1)
check "resolving the family autoloads vs.ko" test -d /sys/module/vs
check_eq "an empty table lists the headers" \
"Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn" \
	"$(tail -n +2 <<< "$out")"
if head -1 <<< "$out" | version_line_ok; then
	ok "first line: IP Virtual Server (vs) version X.Y.Z (size=N)"
else
	fail "first line: $(head -1 <<< "$out")"
fi

# --- the probe's table ------------------------------------------------------
# ipvsadm's probe used sh for the fwmark service and -p without a value
# (which gave 360 there); vs has wrr, and -p 360 says the same explicitly.
check "-A TCP persistent with netmask" \
	vsadm -A -t 192.168.0.30:80 -s wlc -p 300 -M 255.255.255.0
check "-a DR server" vsadm -a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1
check "-a NAT server with thresholds" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.122 -m -w 3 -x 100 -y 50
check "-A UDP" vsadm -A -u 10.0.0.1:53 -s rr
check "-a NAT server, weight 0" vsadm -a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0
check "-A fwmark persistent" vsadm -A -f 7 -s wrr -p 360
check "-a fwmark DR server" vsadm -a -f 7 -r 10.1.1.2 -g
check "-A all ports, persistent" vsadm -A -t 10.0.0.2:0 -s lc -p 60

list_n="Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0
  -> 192.168.0.121:80             Route   1      0          0         
  -> 192.168.0.122:80             Masq    3      0          0         
TCP  10.0.0.2:0 lc persistent 60
UDP  10.0.0.1:53 rr
  -> 10.1.1.1:5353                Masq    0      0          0         
FWM  7 wrr persistent 360
  -> 10.1.1.2:0                   Route   1      0          0         "
out=$(vsadm -L -n)
check_eq "-L -n: ipvsadm's text, ipvsadm's order" "$list_n" "$(tail -n +2 <<< "$out")"
check_eq "-Ln is -L -n" "$out" "$(vsadm -Ln)"
check_eq "-l -n is -L -n" "$out" "$(vsadm -l -n)"

check_out "-L: service and port names" \
"Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.0.30:http wlc persistent 300 mask 255.255.255.0
  -> 192.168.0.121:http           Route   1      0          0         
  -> 192.168.0.122:http           Masq    3      0          0         
TCP  10.0.0.2:0 lc persistent 60
UDP  10.0.0.1:domain rr
  -> 10.1.1.1:mdns                Masq    0      0          0         
FWM  7 wrr persistent 360
  -> 10.1.1.2:0                   Route   1      0          0         " \
	bash -c "$VSADM -L | tail -n +2"

stats_body="  -> RemoteAddress:Port
TCP  192.168.0.30:80                     0        0        0        0        0
  -> 192.168.0.121:80                    0        0        0        0        0
  -> 192.168.0.122:80                    0        0        0        0        0
TCP  10.0.0.2:0                          0        0        0        0        0
UDP  10.0.0.1:53                         0        0        0        0        0
  -> 10.1.1.1:5353                       0        0        0        0        0
FWM  7                                   0        0        0        0        0
  -> 10.1.1.2:0                          0        0        0        0        0"
check_out "--stats" \
"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
$stats_body" bash -c "$VSADM -L -n --stats | tail -n +2"
check_out "--exact --stats" \
"Prot LocalAddress:Port               Conns   InPkts  OutPkts  InBytes OutBytes
$stats_body" bash -c "$VSADM -L -n --exact --stats | tail -n +2"
check_out "--rate" \
"Prot LocalAddress:Port                 CPS    InPPS   OutPPS    InBPS   OutBPS
$stats_body" bash -c "$VSADM -L -n --rate | tail -n +2"
check_out "--thresholds" \
"Prot LocalAddress:Port            Uthreshold Lthreshold ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0
  -> 192.168.0.121:80             0          0          0          0         
  -> 192.168.0.122:80             100        50         0          0         
TCP  10.0.0.2:0 lc persistent 60
UDP  10.0.0.1:53 rr
  -> 10.1.1.1:5353                0          0          0          0         
FWM  7 wrr persistent 360
  -> 10.1.1.2:0                   0          0          0          0         " \
	bash -c "$VSADM -L -n --thresholds | tail -n +2"
check_out "--persistent-conn" \
"Prot LocalAddress:Port            Weight    PersistConn ActiveConn InActConn 
  -> RemoteAddress:Port
TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0
  -> 192.168.0.121:80             1         0           0          0         
  -> 192.168.0.122:80             3         0           0          0         
TCP  10.0.0.2:0 lc persistent 60
UDP  10.0.0.1:53 rr
  -> 10.1.1.1:5353                0         0           0          0         
FWM  7 wrr persistent 360
  -> 10.1.1.2:0                   1         0           0          0         " \
	bash -c "$VSADM -L -n --persistent-conn | tail -n +2"

save_n="-A -t 192.168.0.30:80 -s wlc -p 300 -M 255.255.255.0
-a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1
-a -t 192.168.0.30:80 -r 192.168.0.122:80 -m -w 3 -x 100 -y 50
-A -t 10.0.0.2:0 -s lc -p 60
-A -u 10.0.0.1:53 -s rr
-a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0
-A -f 7 -s wrr -p 360
-a -f 7 -r 10.1.1.2:0 -g -w 1"
check_out "-S -n: ipvsadm's lines, and the thresholds" "$save_n" vsadm -S -n
check_out "--save --numeric" "$save_n" vsadm --save --numeric
check_out "-S: names" \
"-A -t 192.168.0.30:http -s wlc -p 300 -M 255.255.255.0
-a -t 192.168.0.30:http -r 192.168.0.121:http -g -w 1
-a -t 192.168.0.30:http -r 192.168.0.122:http -m -w 3 -x 100 -y 50
-A -t 10.0.0.2:0 -s lc -p 60
-A -u 10.0.0.1:domain -s rr
-a -u 10.0.0.1:domain -r 10.1.1.1:mdns -m -w 0
-A -f 7 -s wrr -p 360
-a -f 7 -r 10.1.1.2:0 -g -w 1" vsadm -S
check_out "-S --nosort: creation order" \
"-A -t 192.168.0.30:80 -s wlc -p 300 -M 255.255.255.0
-a -t 192.168.0.30:80 -r 192.168.0.121:80 -g -w 1
-a -t 192.168.0.30:80 -r 192.168.0.122:80 -m -w 3 -x 100 -y 50
-A -u 10.0.0.1:53 -s rr
-a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0
-A -f 7 -s wrr -p 360
-a -f 7 -r 10.1.1.2:0 -g -w 1
-A -t 10.0.0.2:0 -s lc -p 60" vsadm -S -n --nosort
check_out "-L -n -t: one service, no version line" \
"Prot LocalAddress:Port Scheduler Flags
  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn
TCP  192.168.0.30:80 wlc persistent 300 mask 255.255.255.0
  -> 192.168.0.121:80             Route   1      0          0         
  -> 192.168.0.122:80             Masq    3      0          0         " \
	vsadm -L -n -t 192.168.0.30:80
check_out "-c: ipvsadm's header" \
"IPVS connection entries
pro expire state       source             virtual            destination" \
	vsadm -L -n -c
check_out "--timeout: defaults" "Timeout (tcp tcpfin udp): 900 120 300" \
	vsadm -L --timeout

# --- JSON ---------------------------------------------------------------------
json_check='
import json, sys
d = json.load(sys.stdin)
s = {(x["protocol"], x["address"], x["port"], x["fwmark"]): x for x in d["services"]}
assert len(s) == 4, s.keys()
w = s[("tcp", "192.168.0.30", 80, None)]
assert w["scheduler"] == "wlc" and w["persistent"] and w["timeout"] == 300
assert w["netmask"] == "255.255.255.0" and w["prefix_length"] == 24
r = {x["address"]: x for x in w["servers"]}
assert r["192.168.0.122"]["forward"] == "masq" and r["192.168.0.122"]["weight"] == 3
assert r["192.168.0.122"]["upper_threshold"] == 100
assert r["192.168.0.122"]["lower_threshold"] == 50
assert r["192.168.0.121"]["forward"] == "route"
assert set(w["stats"]) == {"conns", "inpkts", "outpkts", "inbytes", "outbytes",
                           "cps", "inpps", "outpps", "inbps", "outbps"}
f = s[("fwmark", None, None, 7)]
assert f["servers"][0]["port"] == 0 and f["timeout"] == 360
assert s[("udp", "10.0.0.1", 53, None)]["persistent"] is False
assert s[("tcp", "10.0.0.2", 0, None)]["servers"] == []
assert d["version"].count(".") == 2 and d["conn_tab_size"] > 0
'
check "--json: the whole table" \
	bash -c "$VSADM -L --json | python3 -c '$json_check'"
check "--json -t: one service" bash -c "$VSADM -L --json -u 10.0.0.1:53 |
	python3 -c 'import json,sys; d=json.load(sys.stdin); assert len(d[\"services\"]) == 1'"
check "--timeout --json" bash -c "$VSADM -L --timeout --json | python3 -c '
import json, sys
assert json.load(sys.stdin) == {\"tcp\": 900, \"tcpfin\": 120, \"udp\": 300}'"

# --- -S | -C | -R ---------------------------------------------------------------
saved=$(vsadm -S -n)
thresholds=$(vsadm -L -n --thresholds)
check "-C" vsadm -C
check_out "-C empties the table" "" vsadm -S -n
check "-R of the saved table" bash -c "$VSADM -R <<< '$saved'"
check_out "-S | -C | -R restores the same table" "$saved" vsadm -S -n
check_out "thresholds survive the round trip" "$thresholds" \
	vsadm -L -n --thresholds
check "-S with names | -C | -R" bash -c "$VSADM -S > /tmp/names.rules &&
	$VSADM -C && $VSADM -R < /tmp/names.rules"
check_out "names restore to the same table" "$saved" vsadm -S -n

# --- edits -------------------------------------------------------------------------
check "-E: new scheduler, persistence and mask" \
	vsadm -E -t 192.168.0.30:80 -s rr -p 600 -M 255.255.0.0
check_out "-E applied, servers kept" \
"TCP  192.168.0.30:80 rr persistent 600 mask 255.255.0.0
  -> 192.168.0.121:80             Route   1      0          0         
  -> 192.168.0.122:80             Masq    3      0          0         " \
	bash -c "$VSADM -L -n -t 192.168.0.30:80 | tail -n +3"
check "-E without options" vsadm -E -t 192.168.0.30:80
check_out "-E resets what it was not given (ipvsadm)" \
	"TCP  192.168.0.30:80 wlc" \
	bash -c "$VSADM -L -n -t 192.168.0.30:80 | sed -n 3p"
check "--edit-service -u ... --scheduler wlc" \
	vsadm --edit-service -u 10.0.0.1:53 --scheduler wlc
check_out "UDP service edited" "UDP  10.0.0.1:53 wlc" \
	bash -c "$VSADM -L -n | grep '^UDP'"
check "-e: weight and thresholds" \
	vsadm -e -t 192.168.0.30:80 -r 192.168.0.122 -m -w 7 -x 20 -y 5
check_out "-e applied" \
	"  -> 192.168.0.122:80             20         5          0          0         " \
	bash -c "$VSADM -L -n --thresholds | grep 192.168.0.122"
check "-e with -m only" vsadm -e -t 192.168.0.30:80 -r 192.168.0.122 -m
check_out "-e resets weight and thresholds (ipvsadm)" \
	"-a -t 192.168.0.30:80 -r 192.168.0.122:80 -m -w 1" \
	bash -c "$VSADM -S -n | grep 192.168.0.122"
check "-e DR to NAT needs the port: -r with port" \
	vsadm -e -t 192.168.0.30:80 -r 192.168.0.121:80 -m -w 2
check_out "server switched to NAT" \
	"  -> 192.168.0.121:80             Masq    2      0          0         " \
	bash -c "$VSADM -L -n | grep 192.168.0.121"
check "-a -m with another port" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.121:8080 -m -w 4
check "-a -g ignores the port given (ipvsadm)" \
	vsadm -a -t 192.168.0.30:80 -r 192.168.0.123:8080 -g
check_out "NAT keeps its port, DR takes the service's" \
"  -> 192.168.0.121:80             Masq    2      0          0         
  -> 192.168.0.121:8080           Masq    4      0          0         
  -> 192.168.0.122:80             Masq    1      0          0         
  -> 192.168.0.123:80             Route   1      0          0         " \
	bash -c "$VSADM -L -n -t 192.168.0.30:80 | tail -n +4"
check "-d a NAT server by its port" vsadm -d -t 192.168.0.30:80 -r 192.168.0.121:8080
check "-d a server without a port: the service's" \
	vsadm -d -t 192.168.0.30:80 -r 192.168.0.123
check "--delete-server" vsadm --delete-server -f 7 -r 10.1.1.2
check_out "servers deleted" \
"-A -t 192.168.0.30:80 -s wlc
-a -t 192.168.0.30:80 -r 192.168.0.121:80 -m -w 2
-a -t 192.168.0.30:80 -r 192.168.0.122:80 -m -w 1
-A -t 10.0.0.2:0 -s lc -p 60
-A -u 10.0.0.1:53 -s wlc
-a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0
-A -f 7 -s wrr -p 360" vsadm -S -n
check "-D fwmark" vsadm -D -f 7
check "--delete-service" vsadm --delete-service -t 10.0.0.2:0
check "-D with servers" vsadm -D -t 192.168.0.30:80
check_out "services deleted" \
"-A -u 10.0.0.1:53 -s wlc
-a -u 10.0.0.1:53 -r 10.1.1.1:5353 -m -w 0" vsadm -S -n

# --- counters, timeouts, names --------------------------------------------------
check "-Z all" vsadm -Z
check "-Z one service" vsadm -Z -u 10.0.0.1:53
check "--set 100 20 30" vsadm --set 100 20 30
check_out "--timeout shows them" "Timeout (tcp tcpfin udp): 100 20 30" \
	vsadm -L --timeout
check "--set 0 0 45: 0 leaves a timeout alone" vsadm --set 0 0 45
check_out "only udp changed" "Timeout (tcp tcpfin udp): 100 20 45" \
	vsadm -L --timeout
check "host and service names on input" vsadm -A -t localhost:http -s rr
check_out "listed numerically" "TCP  127.0.0.1:80 rr" \
	bash -c "$VSADM -L -n | grep 127.0.0.1"
check_out "listed by name" "TCP  localhost:http rr" \
	bash -c "$VSADM -L | grep localhost"

# --- -R batches a service with its servers ------------------------------------
rules=$(for s in 1 2 3; do
	echo "-A -t 10.9.0.$s:80 -s wrr"
	for r in 1 2 3; do
		echo "-a -t 10.9.0.$s:80 -r 10.8.$s.$r:8080 -m -w $r -x $((r * 10))"
	done
done)
check "-R of 3 services with 3 servers each" bash -c "$VSADM -R <<< '$rules'"
check_out "all of them are there" "$rules" \
	bash -c "$VSADM -S -n | grep '10\.9\.0\.' | sed 's/ -y 0\$//'"
check "-C" vsadm -C
check_out "-C" "" vsadm -S -n
finish
