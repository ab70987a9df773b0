#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsd without root, as vsd.service runs it: a user of its own (uid 990
# here), the capabilities the unit's AmbientCapabilities names and no
# other (setpriv sets the same sets systemd does: ambient, inheritable,
# permitted, effective, bounding), no_new_privs. On failover_lib.sh's two
# directors, each vsd so confined:
# - binds the heartbeat port 539, programs the vs table, puts the floating
#   addresses up with gratuitous ARP, relays connections: the pair fails
#   over, a client's connection goes through each director in turn;
# - runs its check program and active_cmd as its own user with no
#   capability at all;
# - the backup takes the role by hand (vsd takeover) and keeps it: the
#   primary, having given it away, does not take it back;
# - saves from the panel (the configuration's directory is vsd's), and
#   takes a reload.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd setpriv python3 socat

UID_VSD=990
unit=$VS_TOP/user/vsd/vsd.service
# "CAP_NET_ADMIN CAP_NET_RAW ..." -> "+net_admin,+net_raw,..."
caps=$(sed -n 's/^AmbientCapabilities=//p' "$unit" | tr 'A-Z' 'a-z' |
	sed 's/cap_/+/g; s/ /,/g')
[ -n "$caps" ] || die "no AmbientCapabilities in $unit"
[ "$caps" = "$(sed -n 's/^CapabilityBoundingSet=//p' "$unit" | tr 'A-Z' 'a-z' |
	sed 's/cap_/+/g; s/ /,/g')" ] || die "the unit's bounding set is not its ambient set"
log "capabilities from vsd.service: $caps"

load_vs || die "insmod"
fo_topology || die "topology"

prog=$FO_TMP/prog
mkdir "$prog"
cat > "$prog/who.sh" <<'SH'
#!/bin/sh
st() { awk -v k="$1:" '$1 == k { print $2 }' /proc/self/status; }
echo "uid $(id -u) caps $(st CapEff) $(st CapPrm) $(st CapInh) $(st CapAmb) $(st CapBnd) nnp $(st NoNewPrivs)" > "$1"
SH
chmod 755 "$prog/who.sh"
web_conf() { # PORT
	printf 'web_port = %s\nweb_listen = 127.0.0.1\nweb_passwd_file = %s\n' \
		"$1" "$FO_TMP/passwd"
}
for n in a b; do
	fo_conf "$FO_TMP/$n.conf" preempt=0 \
		"active_cmd=$prog/who.sh $prog/active-$n.out"
	web_conf 8080 >> "$FO_TMP/$n.conf"
done
# The check program of the persistent virtual, as send_program runs it.
PROG=$prog perl -0pi -e 's/(virtual sticky \{.*?)check_type = none/$1check_type = program\n\tsend_program = "$ENV{PROG}\/who.sh $ENV{PROG}\/check-%h.out"/s' "$FO_TMP/a.conf"
grep -q 'send_program = ' "$FO_TMP/a.conf" || die "no send_program in a.conf"
printf 'correct horse\n' | vsd -f "$FO_TMP/a.conf" passwd admin > /dev/null ||
	die "vsd passwd"
# Everything vsd writes or reads alone is its user's; the key 0600.
chown -R $UID_VSD:$UID_VSD "$FO_TMP"
chmod 711 "$FO_TMP"

priv_start() { # NAME NS CONF
	in_ns "$2" setpriv --reuid=$UID_VSD --regid=$UID_VSD --clear-groups \
		--inh-caps=-all,"$caps" --ambient-caps="$caps" \
		--bounding-set=-all,"$caps" --no-new-privs \
		vsd -d -f "$3" -s "$FO_TMP/$1.sock" -p "$FO_TMP/$1.pid" \
		>> "$FO_TMP/$1.log" 2>&1 &
	defer "fo_kill $1 TERM"
	busywait 10000 fo_up "$1" || {
		log "vsd $1 did not start:"
		sed 's/^/#   /' "$FO_TMP/$1.log"
		return 1
	}
}
proc_status() { # NAME FIELD
	awk -v k="$2:" '$1 == k { print $2 }' "/proc/$(cat "$FO_TMP/$1.pid")/status"
}
priv_start A "$dirA" "$FO_TMP/a.conf" || die "vsd A"
priv_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"

want_caps=$(printf '%016x' $(( (1 << 10) | (1 << 12) | (1 << 13) )))
check_eq "vsd runs as uid $UID_VSD with CAP_NET_ADMIN, CAP_NET_RAW, CAP_NET_BIND_SERVICE alone" \
	"$UID_VSD $want_caps $want_caps 1" \
	"$(proc_status A Uid) $(proc_status A CapEff) $(proc_status A CapBnd) $(proc_status A NoNewPrivs)"
check "vsd status says so" \
	grep -q "^privileges: uid $UID_VSD, capabilities cap_net_bind_service,cap_net_admin,cap_net_raw=eip; programs run as uid $UID_VSD (vsd's own), no capabilities$" \
	<<< "$(fo_status A)"
check "the primary becomes active (heartbeats on port 539)" busywait 10000 fo_active A
check "the backup stands by" busywait 5000 fo_standby B
# Its panel (a dummy password hash) keeps it from its loop for a while
# after the heartbeat paths opened; what they hold is read before the
# peer is judged silent.
check "and never took the role while starting" \
	sh -c "! grep -q 'backup director is now active' $FO_TMP/B.log"
check "the primary holds the VIP (rtnetlink)" busywait 5000 has_vip "$dirA"
check_eq "the table vsd programmed serves" hello \
	"$(echo hello | in_ns "$client" socat -t 5 - TCP:$VIP:7)"
check_eq "active_cmd ran as vsd's user without any capability" \
	"uid $UID_VSD caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000 $want_caps nnp 1" \
	"$(busywait 5000 test -s "$prog/active-a.out"; cat "$prog/active-a.out")"
check_eq "so did the check program" \
	"uid $UID_VSD caps 0000000000000000 0000000000000000 0000000000000000 0000000000000000 $want_caps nnp 1" \
	"$(busywait 10000 test -s "$prog/check-10.11.12.1.out"; cat "$prog/check-10.11.12.1.out")"

# An open connection, synced to the backup, survives a takeover by hand.
mkfifo "$FO_TMP/in"
(in_ns "$client" socat -T 60 - TCP:$VIP:7 < "$FO_TMP/in" > "$FO_TMP/out" 2>&1) &
exec {hold}> "$FO_TMP/in"
trap '' PIPE
echo before >&$hold
busywait 5000 grep -qx before "$FO_TMP/out"
check "the backup holds the open connection (sync)" busywait 5000 \
	sh -c "ip netns exec $dirB vsadm -L -n -c | grep -q 'ESTABLISHED .* $VIP:7 '"
check "vsd takeover on the backup" vsd -s "$FO_TMP/B.sock" takeover
check "the backup becomes active" busywait 10000 fo_active B
check "and holds the VIP" busywait 5000 has_vip "$dirB"
check "the primary let it go" busywait 5000 sh -c "! ip -n $dirA -4 addr show dev eth0 | grep -q ' $VIP/'"
echo after >&$hold
check "the open connection carries on through the backup" busywait 5000 grep -qx after "$FO_TMP/out"
exec {hold}>&-
check "the backup's active_cmd ran as vsd's user" \
	busywait 5000 grep -q "^uid $UID_VSD caps 0000000000000000 " "$prog/active-b.out"

# A save from the panel (A's, in A's namespace): the file in vsd's
# directory is replaced and applied.
check_eq "a panel save is written and applied" 200 "$(fo_panel_weight "$dirA" 3)"
check "the file says weight 3, owned by vsd's user" \
	sh -c "grep -q 'weight = 3' $FO_TMP/a.conf && test \$(stat -c %u $FO_TMP/a.conf) = $UID_VSD"
check "and the table has it" busywait 5000 \
	sh -c "ip netns exec $dirA vsadm -L -n | grep -q '10.11.12.2:7 .* 3 '"
sed -i 's/weight = 3/weight = 4/; s/^serial_no = 2$/serial_no = 3/' "$FO_TMP/a.conf"
check "vsd reload" vsd -s "$FO_TMP/A.sock" reload
check "applies the hand edit" busywait 5000 \
	sh -c "ip netns exec $dirA vsadm -L -n | grep -q '10.11.12.2:7 .* 4 '"
check "no capability error in the logs" \
	sh -c "! grep -i 'operation not permitted\|permission denied' $FO_TMP/A.log $FO_TMP/B.log"
finish
