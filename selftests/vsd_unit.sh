#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vsd under the shipped vsd.service, with systemd as PID 1: director A
# (failover_lib.sh topology) runs systemd in a PID and mount namespace of
# its network namespace, over the host's root with /etc made writable by an
# overlay (a "vsd" user, /etc/vs, the build's vsd) and a fresh /run and
# /tmp. The unit is the tree's own, only its /usr/sbin/vsd pointed at the
# copy of the build. Director B is a plain
# vsd. Under the unit, vsd is the vsd user with the unit's three
# capabilities, no_new_privs and its system call filter, and:
# - takes the role with vsd takeover: the VIP and the NAT router address
#   go up (rtnetlink, gratuitous ARP) and a client is served through it;
# - runs active_cmd and its check program as vsd, with no capability;
# - saves from its panel into /etc/vs (ProtectSystem=strict with
#   ReadWritePaths=/etc/vs), and takes systemctl reload;
# - stops with systemctl stop, leaving the table (shutdown_action keep).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/topo.sh"
. "$(dirname "$0")/failover_lib.sh"
require_vm
require_cmd unshare nsenter python3 socat perl
[ -x /lib/systemd/systemd ] || skip "no systemd on this root"

load_vs || die "insmod"
fo_topology || die "topology"

W=$FO_TMP/sd
etc=$W/up/vs			# /etc/vs as the namespace sees it
mkdir -p "$W/up" "$W/work" "$etc"

fo_conf "$FO_TMP/b.conf" preempt=0
fo_start B "$dirB" "$FO_TMP/b.conf" || die "vsd B"
check "B, alone, becomes active" busywait 10000 fo_active B

cat > "$etc/who.sh" <<'SH'
#!/bin/sh
st() { awk -v k="$1:" '$1 == k { print $2 }' /proc/self/status; }
echo "uid $(id -u) caps $(st CapEff) $(st CapPrm) $(st CapAmb) nnp $(st NoNewPrivs)" > "$1"
SH
chmod 755 "$etc/who.sh"
fo_conf "$etc/vsd.conf" preempt=0 heartbeat_key=/etc/vs/hb.key \
	"active_cmd=/etc/vs/who.sh /etc/vs/active.out"
printf 'web_port = 8080\nweb_listen = 127.0.0.1\nweb_passwd_file = /etc/vs/passwd\n' \
	>> "$etc/vsd.conf"
perl -0pi -e 's/(virtual sticky \{.*?)check_type = none/$1check_type = program\n\tsend_program = "\/etc\/vs\/who.sh \/etc\/vs\/check-%h.out"/s' \
	"$etc/vsd.conf"
cp "$FO_TMP/hb.key" "$etc/hb.key"
sed "s|/etc/vs/|$etc/|g" "$etc/vsd.conf" > "$FO_TMP/passwd.conf"
printf 'correct horse\n' | vsd -f "$FO_TMP/passwd.conf" passwd admin > /dev/null ||
	die "vsd passwd"
chown -R 990:990 "$etc"
# The unit's /usr/sbin/vsd: the build, copied where PrivateTmp and the
# namespace's own /tmp cannot hide it (the tree may be under /tmp).
mkdir -p "$W/up/vsd-bin"
cp "$VS_TOP/build/bin/vsd" "$W/up/vsd-bin/vsd"
chmod 600 "$etc/hb.key" "$etc/passwd"

cat > "$W/init.sh" <<INIT
#!/bin/bash
mount -t overlay overlay -o lowerdir=/etc,upperdir=$W/up,workdir=$W/work /etc || exit 1
echo "vsd:x:990:990:vsd:/nonexistent:/usr/sbin/nologin" >> /etc/passwd
echo "vsd:x:990:" >> /etc/group
mount -t tmpfs tmpfs /run
mkdir -p /run/systemd/system
sed "s|/usr/sbin/vsd|/etc/vsd-bin/vsd|g" "$VS_TOP/user/vsd/vsd.service" \
	> /run/systemd/system/vsd.service
printf '[Unit]\nDescription=vsd under test\nWants=vsd.service\nAfter=vsd.service\n' \
	> /run/systemd/system/vsd-test.target
# Nothing of the VM outside the namespaces: no sysctls, binfmt, modules
# or device nodes set by this boot.
for u in systemd-sysctl systemd-binfmt systemd-modules-load kmod-static-nodes \
	systemd-tmpfiles-setup-dev systemd-random-seed; do
	ln -s /dev/null /run/systemd/system/\$u.service
done
# systemd's boot empties /tmp (tmpfiles): its own, not the test's. Last:
# the tree may be under /tmp (the binary is copied to /etc/vsd-bin).
mount -t tmpfs tmpfs /tmp
export container=vs-selftest
exec /lib/systemd/systemd --system --unit=vsd-test.target
INIT
chmod 755 "$W/init.sh"
in_ns "$dirA" unshare --mount --pid --fork --mount-proc "$W/init.sh" \
	> "$W/systemd.log" 2>&1 &
upid=$!
defer "kill -9 $upid 2> /dev/null"
# in_ns (ip netns exec) -> unshare -> systemd
systemd_pid() { pgrep -x systemd -P "$(pgrep -x unshare -P $upid)"; }
busywait 10000 systemd_pid > /dev/null || die "systemd did not start"
pid1=$(systemd_pid)
defer "kill -9 $pid1 2> /dev/null"
in_sd() { nsenter -t "$pid1" -m -p "$@"; }
a_vsd() { in_sd /etc/vsd-bin/vsd "$@"; }

check "systemd starts vsd.service" busywait 90000 \
	sh -c "$(declare -f in_sd); pid1=$pid1; in_sd systemctl is-active -q vsd" 2> /dev/null || {
	log "systemd (pid $pid1, unshare $upid): $(ps -o pid,ppid,cmd -p $pid1 | tail -1)"
	sed 's/^/#   /' "$W/systemd.log" | head -60
}
check "vsd answers on /run/vsd/vsd.sock" busywait 10000 a_vsd status
vsd_pid=$(pgrep -x -u 990 vsd | head -1)
st() { awk -v k="$1:" '$1 == k { print $2 }' "/proc/$vsd_pid/status"; }
want_caps=$(printf '%016x' $(( (1 << 10) | (1 << 12) | (1 << 13) )))
check_eq "vsd runs as the vsd user with three capabilities, no_new_privs and a system call filter" \
	"990 $want_caps $want_caps 1 2" \
	"$(st Uid) $(st CapEff) $(st CapBnd) $(st NoNewPrivs) $(st Seccomp)"
check "it stands by (B holds the role, preempt = 0)" \
	busywait 10000 sh -c "$(declare -f in_sd a_vsd); pid1=$pid1; a_vsd status | grep -q '^failover: .* standby'"

check "vsd takeover under the unit" a_vsd takeover
check "A becomes active" busywait 10000 \
	sh -c "$(declare -f in_sd a_vsd); pid1=$pid1; a_vsd status | grep -q '^failover: .* ACTIVE'"
check "and holds the VIP" busywait 5000 has_vip "$dirA"
check "and the NAT router address" busywait 5000 \
	sh -c "ip -n $dirA -4 addr show dev eth1 | grep -q ' $NAT_ROUTER/'"
check "B gave way" busywait 10000 fo_standby B
check_eq "a client is served through A" hello \
	"$(echo hello | in_ns "$client" socat -t 5 - TCP:$VIP:7)"
check_eq "active_cmd ran as vsd without any capability" \
	"uid 990 caps 0000000000000000 0000000000000000 0000000000000000 nnp 1" \
	"$(busywait 10000 test -s "$etc/active.out"; cat "$etc/active.out")"
check_eq "so did the check program" \
	"uid 990 caps 0000000000000000 0000000000000000 0000000000000000 nnp 1" \
	"$(busywait 10000 test -s "$etc/check-10.11.12.1.out"; cat "$etc/check-10.11.12.1.out")"

check_eq "a panel save under ProtectSystem=strict writes /etc/vs/vsd.conf" 200 "$(fo_panel_weight "$dirA" 3)"
check "the file has it" grep -q 'weight = 3' "$etc/vsd.conf"
check "and the table" busywait 5000 \
	sh -c "ip netns exec $dirA vsadm -L -n | grep -q '10.11.12.2:7 .* 3 '"
# Edited through the namespace's /etc (the overlay), as an admin would.
in_sd sh -c "sed -i 's/weight = 3/weight = 4/; s/^serial_no = 2\$/serial_no = 3/' /etc/vs/vsd.conf &&
	chown 990:990 /etc/vs/vsd.conf"
check "systemctl reload vsd" in_sd systemctl reload vsd
check "applies the hand edit" busywait 5000 \
	sh -c "ip netns exec $dirA vsadm -L -n | grep -q '10.11.12.2:7 .* 4 '"
check "systemctl stop vsd" in_sd systemctl stop vsd
check "stops it" sh -c "$(declare -f in_sd); pid1=$pid1; ! in_sd systemctl is-active -q vsd"
check "leaving the table (shutdown_action keep)" \
	sh -c "ip netns exec $dirA vsadm -L -n | grep -q '10.11.12.2:7 .* 4 '"
in_sd journalctl -u vsd --no-pager > "$W/journal" 2>&1
check "vsd's journal has its start and stop" \
	sh -c "grep -q 'notice: started: /etc/vs/vsd.conf' $W/journal && grep -q 'notice: stopped' $W/journal"
check "and no permission error" \
	sh -c "! grep -qi 'operation not permitted\|permission denied\|bad system call' $W/journal"
finish
