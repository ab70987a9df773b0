#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""failslab.py: every allocation a "vs" command makes fails once, in turn.

For each request below, from a known table: write N to
/proc/thread-self/fail-nth (the kernel then fails the N-th fault-injection
point this thread reaches, a slab allocation or a page allocation), send the
request, and look: the command either failed with an error and changed
nothing, or succeeded and made its whole change. N counts up until the
request no longer reaches an N-th allocation. The table is read with vsadm
(another process, no injection) after every attempt.

Prints "ok WHAT" or "not ok WHAT" per request (debug_failslab.sh numbers
them); exits 1 if any attempt left a half-made change.
"""
import errno
import os
import socket
import struct
import subprocess
import sys

import vsnl

VSADM = os.environ.get("VSADM", "vsadm")
CASES = 0
FAILED = 0


def vsadm(*args, stdin=None):
    return subprocess.run([VSADM] + list(args), input=stdin, text=True,
                          capture_output=True, check=False)


def state():
    """The table, its counters aside, and the number of connections."""
    table = vsadm("-S", "-n").stdout
    conns = vsadm("-L", "-n", "-c").stdout.count("\n")
    return table, conns


def reset(rules):
    vsadm("-C")
    if rules:
        out = vsadm("-R", stdin=rules)
        if out.returncode:
            raise SystemExit("setup failed: " + out.stderr)


def tap(ok, what):
    global CASES, FAILED
    CASES += 1
    FAILED += not ok
    print("%s %s" % ("ok" if ok else "not ok", what), flush=True)


class Injector:
    """fail-nth of this thread, opened before any injection."""

    def __init__(self):
        self.w = os.open("/proc/thread-self/fail-nth", os.O_WRONLY)
        self.r = os.open("/proc/thread-self/fail-nth", os.O_RDONLY)

    def arm(self, n):
        os.write(self.w, str(n).encode())

    def injected(self):
        """True when the armed failure happened (the file reads 0)."""
        return int(os.pread(self.r, 32, 0).strip() or b"0") == 0

    def disarm(self):
        os.write(self.w, b"0")


def send(g, fam, cmd, payload, flags, inj, n):
    """One request with the n-th allocation failing; its errno (None when
    the answer itself was lost) and whether the failure was injected."""
    g.seq += 1
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    msg = struct.pack("=IHHII", 16 + len(body), fam,
                      flags | vsnl.NLM_F_REQUEST | vsnl.NLM_F_ACK, g.seq, 0)
    inj.arm(n)
    try:
        g.sock.send(msg + body)
    except OSError as e:
        inj.disarm()
        return e.errno, True
    injected = inj.injected()
    inj.disarm()
    err = None
    try:
        while err is None:
            data = g.sock.recv(1 << 20)
            off = 0
            while off < len(data):
                length, mtype = struct.unpack_from("=IH", data, off)
                if mtype == vsnl.NLMSG_ERROR:
                    err = -struct.unpack_from("=i", data, off + 16)[0]
                elif mtype == vsnl.NLMSG_DONE:
                    err = -struct.unpack_from("=i", data, off + 16)[0] \
                        if length >= 20 else 0
                off += (length + 3) & ~3
    except socket.timeout:
        pass
    except OSError as e:  # ENOBUFS: the answer could not be allocated
        if e.errno != errno.ENOBUFS:
            raise
    return err, injected


def attempt_all(name, rules, cmd, args, flags=0, read_only=False):
    """Fail every allocation of one request in turn; check each outcome."""
    reset(rules)
    before = state()
    payload = vsnl.build(args)
    g = vsnl.Genl()
    g.sock.settimeout(5)
    fam = g.family("vs")
    inj = Injector()
    # The request whole, once, without injection: what success looks like.
    err, _ = send(g, fam, cmd, payload, flags, inj, 0)
    if err:
        tap(False, "%s: succeeds without injection (errno %s)" % (name, err))
        return
    after = state()
    half = []
    n = 0
    for n in range(1, 400):
        reset(rules)
        err, injected = send(g, fam, cmd, payload, flags, inj, n)
        now = state()
        if not injected:
            break
        if read_only:
            ok = now == before
        elif err:
            ok = now == before
        else:
            ok = now in (after, before) if err is None else now == after
        if not ok:
            half.append("n=%d errno=%s" % (n, err))
    tap(not half and n > 1,
        "%s: each of its %d allocations failed in turn, nothing half-made%s"
        % (name, n - 1, (": " + ", ".join(half[:5])) if half else ""))


SVC = ["service.protocol=u8:6", "service.addr=ip:10.7.0.1",
       "service.port=be16:80"]
BASE = "-A -t 10.7.0.1:80 -s %s\n" + "".join(
    "-a -t 10.7.0.1:80 -r 10.8.0.%d:80 -m -w %d\n" % (i, i)
    for i in range(1, 5))
PERSIST = "-A -t 10.7.0.2:80 -s rr -p 300\n-a -t 10.7.0.2:80 -r 10.8.1.1:80 -m\n"


def conn(i, tmpl=False):
    """A VS_A_CONN nest for the persistent service, as a dump would give:
    a persistence entry (client port 0, no state) or an established NAT
    connection."""
    a = lambda ip: socket.inet_aton(ip) + b"\0" * 12
    A = vsnl.NESTED["conn"]
    attrs = [
        vsnl.nla(A["af"], struct.pack("=H", socket.AF_INET)),
        vsnl.nla(A["protocol"], struct.pack("=B", socket.IPPROTO_TCP)),
        vsnl.nla(A["caddr"], a("10.9.0.%d" % i)),
        vsnl.nla(A["cport"], struct.pack(">H", 0 if tmpl else 40000 + i)),
        vsnl.nla(A["vaddr"], a("10.7.0.2")),
        vsnl.nla(A["vport"], struct.pack(">H", 80)),
        vsnl.nla(A["daddr"], a("10.8.1.1")),
        vsnl.nla(A["dport"], struct.pack(">H", 80)),
        vsnl.nla(A["fwmark"], struct.pack("=I", 0)),
        vsnl.nla(A["state"], struct.pack("=B", 0 if tmpl else 1)),
        vsnl.nla(A["expires"], struct.pack("=I", 60000)),
        vsnl.nla(A["flags"], struct.pack("=I", 1 if tmpl else 0)),
        vsnl.nla(A["fwd"], struct.pack("=B", 2)),
    ]
    return vsnl.nla(vsnl.TOP["conn"] | vsnl.NLA_F_NESTED, b"".join(attrs))


def new_conns():
    body = b"".join(conn(i, tmpl=True) + conn(i) for i in range(1, 4))
    return vsnl.nla(vsnl.TOP["conns"] | vsnl.NLA_F_NESTED, body)


def main():
    C = vsnl.CMDS
    cases = [
        ("new service (wlc)", "", C["new_service"], SVC),
        ("new service (lblcr)", "", C["new_service"],
         SVC + ["service.sched=str:lblcr"]),
        ("new service (mh)", "", C["new_service"],
         SVC + ["service.sched=str:mh"]),
        ("switch scheduler rr -> sh", BASE % "rr", C["set_service"],
         SVC + ["service.sched=str:sh"]),
        ("switch scheduler wlc -> mh", BASE % "wlc", C["set_service"],
         SVC + ["service.sched=str:mh"]),
        ("add a server (dh)", BASE % "dh", C["new_dest"],
         SVC + ["dest.addr=ip:10.8.0.9", "dest.port=be16:80",
                "dest.fwd=u8:1"]),
        ("add a server (wrr)", BASE % "wrr", C["new_dest"],
         SVC + ["dest.addr=ip:10.8.0.9", "dest.port=be16:80",
                "dest.fwd=u8:1"]),
        ("weight change (mh)", BASE % "mh", C["set_dest"],
         SVC + ["dest.addr=ip:10.8.0.2", "dest.port=be16:80",
                "dest.weight=u32:7"]),
        ("delete a server (lblc)", BASE % "lblc", C["del_dest"],
         SVC + ["dest.addr=ip:10.8.0.2", "dest.port=be16:80"]),
        ("delete a service", BASE % "sh", C["del_service"], SVC),
        ("flush", BASE % "rr" + PERSIST, C["flush"], []),
        ("zero", BASE % "rr", C["zero"], []),
        ("timeouts", "", C["set_timeouts"], ["timeouts.udp=u32:77"]),
    ]
    for name, rules, cmd, args in cases:
        attempt_all(name, rules, cmd, args)
    # Connections and persistence entries from a sync batch.
    reset(PERSIST)
    attempt_conns()
    # Reads: a failed one changes nothing either.
    for name, cmd, flags, args in [
            ("info", C["get_info"], 0, []),
            ("dump of the table", C["get_service"], vsnl.NLM_F_DUMP,
             ["dump_flags=u32:1"]),
            ("dump of connections", C["get_conn"], vsnl.NLM_F_DUMP, [])]:
        attempt_all(name, BASE % "rr" + PERSIST, cmd, args, flags,
                    read_only=True)
    vsadm("-C")
    return 1 if FAILED else 0


def attempt_conns():
    """VS_CMD_NEW_CONN with three connections and their persistence
    entries: whatever fails, the table holds whole entries only, and a
    failure says so."""
    g = vsnl.Genl()
    g.sock.settimeout(5)
    fam = g.family("vs")
    inj = Injector()
    payload = new_conns()
    bad = []
    n = 0
    for n in range(1, 400):
        reset(PERSIST)
        err, injected = send(g, fam, vsnl.CMDS["new_conn"], payload, 0,
                             inj, n)
        listing = vsadm("-L", "-n", "-c").stdout
        entries = [l for l in listing.splitlines()
                   if l.startswith("TCP") or l.startswith("IP")]
        if not injected:
            if len(entries) != 6:
                bad.append("whole batch: %d entries" % len(entries))
            break
        # A connection without its persistence entry is allowed (the
        # entry's allocation failed), entries beyond six are not.
        if len(entries) > 6 or (err == 0 and len(entries) != 6):
            bad.append("n=%d errno=%s entries=%d" % (n, err, len(entries)))
    tap(not bad and n > 1,
        "new connections: each of %d allocations failed in turn, no stray "
        "entry%s" % (n - 1, (": " + ", ".join(bad[:5])) if bad else ""))


if __name__ == "__main__":
    sys.exit(main())
