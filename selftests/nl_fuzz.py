#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A structured fuzzer for the "vs" generic netlink family (selftest).

    nl_fuzz.py [--seconds S] [--messages N] [--seed SEED] [--netns N]
               [--workers W] [--trace]
    nl_fuzz.py --replay FILE     send the hex messages of FILE (one
                                 sendmsg a line, "-" for stdin), print
                                 each answer

Every namespace (the initial one and N-1 new ones) gets fuzz workers, a
dumper and a traffic process, all running at once:

  fuzz     nl_fuzz_engine (nl_fuzz_engine.c, built by make all into
           build/selftests; Python was too slow for a million messages):
           random messages for every VS_CMD_*: mostly valid ones drawn from
           a small pool of services and real servers, IPv4 and IPv6 (so the
           table fills and NEW_CONN finds services; an IPv6 address is the
           namespace's IPv4 one with a tail, so its first four bytes still
           say whose it is), boundary values, and "dirty" ones:
           wrong attribute types and lengths, nests that are not, unknown
           attributes and flags, broken netlink and genl headers, several
           messages in one sendmsg. Each answer is checked and counted.
  dumper   full dumps (services with their servers, servers, connections),
           some abandoned half-way by closing the socket; every entry
           listed must belong to this namespace.
  traffic  TCP SYNs and UDP datagrams to the namespace's VIPs, a few NAT
           and DR services it keeps in place, a local real server that
           answers: the netfilter hooks run while the table changes.

Namespace k owns the addresses 172.(16+k).0.0/16 and the firewall marks
m with m % N == k; nothing else is ever created there, so a dump that
lists anything else has crossed namespaces. Each worker's messages are
a function of --seed and its number (the interleaving between processes
is not): a failure prints the seed, and --trace prints every message
before it is sent (for --replay, in a boot where the family has the same
id). The output is TAP.
"""
import argparse
import collections
import ctypes
import errno
import json
import os
import random
import re
import select
import signal
import socket
import struct
import subprocess
import sys
import time
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vsnl  # noqa: E402  (the raw genetlink client the other tests use)
from vsnl import (NLA_F_NESTED, NLM_F_ACK, NLM_F_DUMP,  # noqa: E402
                  NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR)

# --- the protocol (include/uapi/linux/vs.h) ---------------------------------

CMD = vsnl.CMDS
CMD_NAMES = {v: k for k, v in CMD.items()}
A = vsnl.TOP                       # VS_A_*
SVC = dict(vsnl.NESTED["service"], num_dests=11, stats=12)
DEST = dict(vsnl.NESTED["dest"], active_conns=7, inact_conns=8,
            persist_conns=9, stats=10)
INFO = vsnl.NESTED["info"]
CONN = vsnl.NESTED["conn"]
DUMP_ONLY = {CMD["get_dest"], CMD["get_conn"]}
DUMPABLE = DUMP_ONLY | {CMD["get_service"]}

NLM_F_MULTI = 0x2
NLM_F_DUMP_INTR = 0x10
NLMSG_NOOP = 1
TCP, UDP = socket.IPPROTO_TCP, socket.IPPROTO_UDP
FWD_DR, FWD_NAT = 1, 2
CLONE_NEWNET = 0x40000000


def u8(v):
    return struct.pack("=B", v & 0xff)


def u32(v):
    return struct.pack("=I", v & 0xffffffff)


def be16(v):
    return struct.pack(">H", v & 0xffff)


def addr(ip, tail=b"\0" * 12):
    """union vs_addr: IPv4 in the first 4 bytes, zeros after."""
    return socket.inet_aton(ip) + tail


def errname(e):
    """An answer's name: ok, an errno's, or none (no final answer)."""
    if e is None:
        return "none"
    return "ok" if e == 0 else errno.errorcode.get(e, "E%d" % e)


# --- who owns what ------------------------------------------------------------

class Plan:
    """The share of addresses and marks of namespace k out of n."""

    def __init__(self, k, n, name):
        self.k, self.n, self.name = k, n, name
        self.net = "172.%d" % (16 + k)

    def ip(self, c, d):
        return "%s.%d.%d" % (self.net, c, d)

    def owns_addr(self, a4):
        return a4[0] == 172 and a4[1] == 16 + self.k

    def foreign_addr(self, a4):
        """An address another namespace uses on purpose (172.(16+j)).
        An address made of random bytes the kernel took belongs to
        whoever sent it (seed 2821f162 made a service 124.113.1.38)."""
        return a4[0] == 172 and 16 <= a4[1] < 16 + self.n and not self.owns_addr(a4)

    def owns_mark(self, m):
        return m % self.n == self.k

    def foreign_mark(self, m):
        """A mark another namespace uses on purpose (mark(j), j <= 1000, or
        its mark_max). A mark made of random bytes the kernel took as a
        valid u32 belongs to whoever sent it, so only these tell a leak."""
        return not self.owns_mark(m) and (m <= self.n * 1001 or m > 0xffffffff - self.n)

    def mark(self, j):
        return self.k + self.n * j

    # The services the fuzz workers (nl_fuzz_engine.c, pool_keys) mostly
    # name, so that NEW_DEST, SET, DEL and NEW_CONN find what exists; the
    # traffic aims at them too.
    def pool_keys(self):
        keys = [(p, self.ip(0, v), port) for p in (TCP, UDP)
                for v in (1, 2, 3) for port in (80, 443, 0)]
        return keys + [("fw", self.mark(j)) for j in (1, 2, 3)]

    def local_rs(self):
        return self.ip(2, 1)

    def baseline(self):
        """Services the traffic process keeps in place (VIPs .0.200+)."""
        vip, vip2, rs = self.ip(0, 200), self.ip(0, 201), self.local_rs()
        return [
            ((TCP, vip, 80), "rr", [(rs, 8080, FWD_NAT), (self.ip(1, 1), 80, FWD_NAT)]),
            ((UDP, vip, 53), "rr", [(rs, 5353, FWD_NAT), (self.ip(1, 1), 53, FWD_NAT)]),
            ((TCP, vip2, 80), "wlc", [(rs, 80, FWD_DR), (self.ip(1, 2), 80, FWD_DR)]),
            (("fw", self.mark(1000)), "rr",
             [(rs, 8080, FWD_NAT), (self.ip(1, 3), 80, FWD_NAT)]),
        ]


# --- messages -----------------------------------------------------------------

class Attr:
    """One attribute: bytes, or a list of Attr (a nest)."""

    def __init__(self, atype, value, flags=None):
        self.type = atype
        self.value = value
        nested = isinstance(value, list)
        self.flags = (NLA_F_NESTED if nested else 0) if flags is None else flags
        self.len_delta = 0          # a lie in nla_len

    def encode(self):
        if isinstance(self.value, list):
            payload = b"".join(a.encode() for a in self.value)
        else:
            payload = self.value
        hdr = struct.pack("=HH", (4 + len(payload) + self.len_delta) & 0xffff,
                          (self.type | self.flags) & 0xffff)
        return hdr + payload + b"\0" * (-len(payload) % 4)


class Msg:
    """One netlink + genl message, with every header field open to lies."""

    def __init__(self, family, cmd, attrs, dump, seq):
        self.type, self.cmd, self.attrs, self.seq = family, cmd, attrs, seq
        self.flags = NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        self.version, self.reserved = 1, 0
        self.nlmsg_len = None       # None: the true length
        self.cut = None             # send only this many bytes
        self.raw = None             # random bytes instead of all of it

    def encode(self):
        if self.raw is not None:
            return self.raw
        body = struct.pack("=BBH", self.cmd, self.version, self.reserved)
        body += b"".join(a.encode() for a in self.attrs)
        n = 16 + len(body) if self.nlmsg_len is None else self.nlmsg_len
        out = struct.pack("=IHHII", n & 0xffffffff, self.type,
                          self.flags & 0xffff, self.seq, 0) + body
        return out if self.cut is None else out[:self.cut]


# --- talking to the kernel ------------------------------------------------------

def kernel_view(buf):
    """What netlink_rcv_skb makes of a buffer: the messages it handles
    (their bytes by seq), stopping at a length it cannot trust."""
    seen, off = {}, 0
    while len(buf) - off >= 16:
        n, mtype, flags, seq = struct.unpack_from("=IHHI", buf, off)
        if n < 16 or n > len(buf) - off:
            break
        seen[seq] = buf[off:off + n]
        off += min((n + 3) & ~3, len(buf) - off)
    return seen


class Stats:
    """What one process saw; merged in the parent."""

    COUNTERS = ("answers", "by_cmd", "ok_by_cmd", "anomalies", "counts",
                "no_extack", "extack_on_ok")

    def __init__(self):
        for c in self.COUNTERS:
            setattr(self, c, collections.Counter())
        self.examples = []

    def anomaly(self, kind, detail):
        self.anomalies[kind] += 1
        if len(self.examples) < 8:
            self.examples.append("%s: %s" % (kind, detail))

    def to_json(self):
        d = {c: dict(getattr(self, c)) for c in self.COUNTERS}
        d["examples"] = self.examples
        return d

    def merge(self, d):
        for c in self.COUNTERS:
            getattr(self, c).update(d.get(c, {}))
        self.examples += d.get("examples", [])[:8 - len(self.examples)]


class Sock:
    """A genetlink socket in one namespace that sends a buffer and sorts
    out every answer: finals (ACK or DONE) by seq, the data messages, and
    anything that should not be there."""

    SENTINEL = 0xfffffff0

    def __init__(self, plan, family, stats, cap_ack=True, check=True):
        # check: look into every entry a reply lists (slow under TCG, so
        # the fuzz workers leave that to the dumpers)
        self.plan, self.family, self.stats, self.check = plan, family, stats, check
        s = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, vsnl.NETLINK_GENERIC)
        s.setsockopt(vsnl.SOL_NETLINK, vsnl.NETLINK_EXT_ACK, 1)
        s.setsockopt(vsnl.SOL_NETLINK, vsnl.NETLINK_CAP_ACK, int(cap_ack))
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        # A kernel timeout, not Python's: that one polls and reads the
        # clock around every call, which is slow under TCG.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, struct.pack("=qq", 20, 0))
        s.bind((0, 0))
        self.sock, self.portid = s, s.getsockname()[0]
        self.texts = {}             # extended-ACK message by seq (--replay)

    def close(self):
        self.sock.close()

    def exchange(self, buf):
        """Send buf and read every answer. When each message the kernel
        will handle asks for an ACK, that is until each has its ACK (or
        DONE); else a NOOP follows, ACKed once the kernel has handled buf,
        and reading goes on until that ACK has come and every dump is done.
        Returns ({seq: errno or None}, [(cmd, attrs bytes)], view)."""
        view = kernel_view(buf)
        finals, data, open_dumps = {}, [], set()
        self.texts.clear()
        self.sock.send(buf)
        noop = not all(struct.unpack_from("=H", h, 6)[0] & NLM_F_ACK for h in view.values())
        if noop:
            self.sock.send(struct.pack("=IHHII", 16, NLMSG_NOOP,
                                       NLM_F_REQUEST | NLM_F_ACK, self.SENTINEL, 0))
        synced = False
        while (not synced or open_dumps) if noop else len(finals) < len(view):
            try:
                chunk = self.sock.recv(1 << 20)
            except BlockingIOError:
                self.stats.anomaly("hang", "no answer in 20 s to %s" % buf[:64].hex())
                break
            except OSError as e:
                if e.errno != errno.ENOBUFS:
                    raise
                self.stats.counts["overruns"] += 1
                continue
            synced |= self.parse(chunk, view, finals, data, open_dumps)
        return finals, data, view

    def parse(self, chunk, view, finals, data, open_dumps):
        synced, off = False, 0
        while off < len(chunk):
            if len(chunk) - off < 16:
                self.stats.anomaly("garbled", "trailing %d bytes" % (len(chunk) - off))
                break
            n, mtype, flags, seq, pid = struct.unpack_from("=IHHII", chunk, off)
            msg = chunk[off:off + n]
            if n < 16 or n > len(chunk) - off:
                self.stats.anomaly("garbled", "nlmsg_len %d of %d" % (n, len(chunk) - off))
                break
            off += (n + 3) & ~3
            if pid != self.portid or (seq not in view and seq != self.SENTINEL):
                self.stats.anomaly("foreign", "pid %d seq %#x type %d" % (pid, seq, mtype))
                continue
            if seq == self.SENTINEL:
                synced |= self.sentinel(msg, mtype)
            elif mtype == NLMSG_ERROR:
                self.final(finals, seq, self.ack(msg, flags, view[seq]))
                open_dumps.discard(seq)
            elif mtype == NLMSG_DONE:
                err = struct.unpack_from("=i", msg, 16)[0] if n >= 20 else 0
                if n < 20 or err > 0:
                    self.stats.anomaly("garbled", "DONE %s" % msg.hex())
                self.final(finals, seq, -err)
                open_dumps.discard(seq)
            elif mtype == struct.unpack_from("=H", view[seq], 4)[0] and n >= 20:
                if flags & NLM_F_MULTI:
                    open_dumps.add(seq)
                self.stats.counts["intr"] += bool(flags & NLM_F_DUMP_INTR)
                if mtype == self.family:
                    data.append((msg[16], msg[20:]))
                    if self.check:
                        self.check_owner(msg[16], msg[20:])
            else:
                self.stats.anomaly("garbled", "type %d: %s" % (mtype, msg[:48].hex()))
        return synced

    def sentinel(self, msg, mtype):
        if mtype != NLMSG_ERROR or len(msg) < 20 or struct.unpack_from("=i", msg, 16)[0]:
            self.stats.anomaly("garbled", "sentinel answer %s" % msg[:48].hex())
        return True

    def final(self, finals, seq, err):
        if seq in finals:
            self.stats.anomaly("twice", "seq %#x answered %s then %s" % (
                seq, finals[seq], err))
        finals[seq] = err

    def ack(self, msg, flags, sent_hdr):
        """The errno of an NLMSG_ERROR, checked: a real errno, the request's
        header echoed, an extended-ACK offset inside the request."""
        if len(msg) < 36:
            self.stats.anomaly("garbled", "short ACK %s" % msg.hex())
            return None
        err = struct.unpack_from("=i", msg, 16)[0]
        if err > 0 or (err and -err not in errno.errorcode):
            self.stats.anomaly("garbled", "ACK error %d" % err)
        if msg[20:36] != sent_hdr[:16]:
            self.stats.anomaly("garbled", "ACK echoes %s for %s" % (
                msg[20:36].hex(), sent_hdr[:16].hex()))
        tlvs = vsnl.ack_tlvs(msg, flags) if flags & 0x200 else {}
        self.texts[struct.unpack_from("=I", msg, 8)[0]] = tlvs.get(vsnl.NLMSGERR_ATTR_MSG)
        self.count_extack(sent_hdr, err, tlvs.get(vsnl.NLMSGERR_ATTR_MSG))
        if vsnl.NLMSGERR_ATTR_OFFS in tlvs:
            offs = struct.unpack("=I", tlvs[vsnl.NLMSGERR_ATTR_OFFS][:4])[0]
            if not 20 <= offs < struct.unpack_from("=I", sent_hdr)[0]:
                self.stats.anomaly("garbled", "extack offset %d" % offs)
        return -err

    def count_extack(self, sent_hdr, err, text):
        """The spec promises a message with every refusal of a vs command
        (genl's own refusals aside: a dump of a do-only command and the
        reverse, a second dump while one runs)."""
        self.stats.counts["extack_msgs"] += text is not None
        if len(sent_hdr) < 20 or struct.unpack_from("=H", sent_hdr, 4)[0] != self.family:
            return
        cmd, flags = sent_hdr[16], struct.unpack_from("=H", sent_hdr, 6)[0]
        name = CMD_NAMES.get(cmd)
        dump = flags & NLM_F_DUMP == NLM_F_DUMP
        if not name or dump != (cmd in DUMPABLE) and cmd != CMD["get_service"] or \
                err == -errno.EBUSY:
            return
        if err and text is None:
            what = "%s%s %s" % (name, " dump" if dump else "", errname(-err))
            if not self.stats.no_extack[what] and len(self.stats.examples) < 8:
                self.stats.examples.append("no extended ACK: %s: %s" % (what, sent_hdr.hex()))
            self.stats.no_extack[what] += 1
        elif not err and text:
            self.stats.extack_on_ok["%s: %s" % (name, text.rstrip(b"\0").decode())] += 1

    def check_owner(self, cmd, payload):
        """Per-netns isolation: whatever a reply lists is ours."""
        for atype, nest in vsnl.attrs(payload):
            inner = dict(vsnl.attrs(nest))
            if atype == A["service"]:
                a, m = inner.get(SVC["addr"]), inner.get(SVC["fwmark"])
                self.stats.counts["listed_services"] += 1
            elif atype == A["dest"]:
                a, m = inner.get(DEST["addr"]), None
                self.stats.counts["listed_dests"] += 1
            elif atype == A["conn"]:
                a, m = inner.get(CONN["vaddr"]), inner.get(CONN["fwmark"])
                d = inner.get(CONN["daddr"])
                if d and self.plan.foreign_addr(d):
                    self.stats.anomaly("isolation", "conn to %s" % socket.inet_ntoa(d[:4]))
                self.stats.counts["listed_conns"] += 1
            else:
                continue
            if a and self.plan.foreign_addr(a):
                self.stats.anomaly("isolation", "netns %d lists %s (%s)" % (
                    self.plan.k, socket.inet_ntoa(a[:4]), CMD_NAMES.get(cmd)))
            mark = struct.unpack("=I", m)[0] if m else 0
            if mark and self.plan.foreign_mark(mark):
                self.stats.anomaly("isolation", "netns %d lists mark %d" % (self.plan.k, mark))

    def request(self, cmd, attrs, dump=False):
        """One well-formed request; returns (errno, data)."""
        msg = Msg(self.family, cmd, attrs, dump, random.randrange(1, 1 << 30))
        finals, data, _ = self.exchange(msg.encode())
        return finals.get(msg.seq), data


# --- the processes ------------------------------------------------------------------

stop = False


def on_term(signum, frame):
    global stop
    stop = True


def fuzz_worker(ctx, plan, index, wfd):
    """Become nl_fuzz_engine (selftests/nl_fuzz_engine.c): the generator,
    the mutations and the answer checks in C, which writes its Stats as
    JSON to wfd itself."""
    os.set_inheritable(wfd, True)
    budget = -1 if ctx.budget == float("inf") else int(ctx.budget)
    argv = [ctx.engine, "--family", str(ctx.family), "--seed", ctx.seed,
            "--index", str(index), "--k", str(plan.k), "--n", str(plan.n),
            "--out-fd", str(wfd), "--budget", str(budget),
            "--deadline", "%.3f" % ctx.deadline] + (["--trace"] if ctx.trace else [])
    os.execv(ctx.engine, argv)


def dumper(ctx, plan, index, stats):
    """Full dumps, one service's servers, connections; some abandoned."""
    rnd = random.Random("%s/%d" % (ctx.seed, index))
    sock = Sock(plan, ctx.family, stats)
    while not stop:
        err, data = sock.request(CMD["get_service"], [Attr(A["dump_flags"], u32(1))], True)
        count_dump(stats, err, data)
        services = [p for c, p in data if c == CMD["get_service"]]
        if services:
            nest = dict(vsnl.attrs(rnd.choice(services)))[A["service"]]
            key = [Attr(t, v) for t, v in vsnl.attrs(nest)
                   if t in (SVC["af"], SVC["protocol"], SVC["addr"], SVC["port"], SVC["fwmark"])]
            err, data = sock.request(CMD["get_dest"], [Attr(A["service"], key)], True)
            stats.counts["dest_dumps_" + errname(err)] += 1
        err, data = sock.request(CMD["get_conn"], [], True)
        count_dump(stats, err, data)
        if rnd.random() < 0.3:
            abandon(ctx, plan, rnd, stats)
        time.sleep(0.2)
    sock.close()


def count_dump(stats, err, data):
    """The largest table a dump has shown, by kind of entry."""
    stats.counts["dumps"] += 1
    if err != 0:
        stats.anomaly("dump", "full dump failed: %s" % errname(err))
    n = collections.Counter(cmd for cmd, _ in data)
    for name in ("service", "dest", "conn"):
        key = "max_%ss" % name
        stats.counts[key] = max(stats.counts[key], n[CMD["get_" + name]])


def abandon(ctx, plan, rnd, stats):
    """Start a dump, read one chunk, close the socket."""
    s = Sock(plan, ctx.family, stats)
    cmd = rnd.choice([CMD["get_service"], CMD["get_conn"]])
    attrs = [Attr(A["dump_flags"], u32(1))] if cmd == CMD["get_service"] else []
    s.sock.send(Msg(ctx.family, cmd, attrs, True, 1).encode())
    if rnd.random() < 0.7:
        s.sock.recv(rnd.choice([64, 4096, 1 << 16]))
    s.close()
    stats.counts["abandoned_dumps"] += 1


def ensure_baseline(sock, plan, stats):
    """(Re)create the services traffic needs; EEXIST when they are there."""
    for key, sched, dests in plan.baseline():
        kattrs = ([Attr(SVC["fwmark"], u32(key[1]))] if key[0] == "fw" else
                  [Attr(SVC["protocol"], u8(key[0])), Attr(SVC["addr"], addr(key[1])),
                   Attr(SVC["port"], be16(key[2]))])
        darr = [Attr(A["dest"], [Attr(DEST["addr"], addr(a)), Attr(DEST["port"], be16(p)),
                                 Attr(DEST["fwd"], u8(f))]) for a, p, f in dests]
        err, _ = sock.request(CMD["new_service"], [Attr(A["service"], kattrs + [
            Attr(SVC["sched"], sched.encode() + b"\0"), Attr(SVC["dests"], darr)])])
        stats.counts["baseline_" + errname(err)] += 1
    # A fuzzed SET_INFO may have made this namespace a standby.
    err, _ = sock.request(CMD["set_info"], [Attr(A["info"], [Attr(INFO["backup_only"], u8(0))])])
    stats.counts["baseline_backup_only_" + errname(err)] += 1


class Traffic:
    """Clients and a local real server in one namespace."""

    def __init__(self, plan, rnd, stats):
        self.p, self.r, self.stats = plan, rnd, stats
        self.clients = collections.deque()
        self.nat = set()            # listeners only vs's NAT can reach
        self.listeners = [self.listen(socket.SOCK_STREAM, plan.local_rs(), 8080, True),
                          self.listen(socket.SOCK_DGRAM, plan.local_rs(), 5353, True),
                          self.listen(socket.SOCK_STREAM, "0.0.0.0", 80, False),
                          self.listen(socket.SOCK_DGRAM, "0.0.0.0", 53, False)]
        self.udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.udp.setblocking(False)
        self.targets = [k for k in plan.pool_keys() if k[0] != "fw"] + \
            [k for k, _, _ in plan.baseline()]

    def listen(self, kind, ip, port, via_nat):
        s = socket.socket(socket.AF_INET, kind)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((ip, port))
        if kind == socket.SOCK_STREAM:
            s.listen(128)
        s.setblocking(False)
        if via_nat:
            self.nat.add(s)
        return s

    def target(self):
        """(proto, vip, port, mark): baseline half the time."""
        key = self.r.choice(self.targets)
        if key[0] == "fw":
            return self.r.choice([TCP, UDP]), self.p.ip(0, 202), 80, key[1]
        return key[0], key[1], key[2] or self.r.randrange(1, 65536), 0

    def send_one(self):
        proto, vip, port, mark = self.target()
        src = (self.p.ip(3, self.r.randrange(1, 64)), 0)
        kind = socket.SOCK_STREAM if proto == TCP else socket.SOCK_DGRAM
        s = socket.socket(socket.AF_INET, kind)
        s.setblocking(False)
        if mark:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_MARK, mark)
        try:
            s.bind(src)
            if proto == TCP:
                s.connect_ex((vip, port))      # a SYN
            else:
                s.sendto(self.r.randbytes(self.r.randrange(1, 200)), (vip, port))
            self.stats.counts["packets"] += 1
        except OSError as e:                   # refused, unreachable: fine
            self.stats.counts["send_" + errname(e.errno)] += 1
        self.clients.append(s)
        while len(self.clients) > 32:
            self.clients.popleft().close()

    def serve(self):
        # Paced: the VM has two CPUs for all the processes.
        ready, _, _ = select.select(self.listeners, [], [], 0.03)
        for s in ready:
            try:
                if s.type == socket.SOCK_STREAM:
                    c, _ = s.accept()
                    c.close()
                else:
                    data, peer = s.recvfrom(2048)
                    s.sendto(data, peer)
            except OSError:
                continue
            if s in self.nat:
                self.stats.counts["served_via_nat"] += 1


def traffic(ctx, plan, index, stats):
    rnd = random.Random("%s/%d" % (ctx.seed, index))
    sock = Sock(plan, ctx.family, stats)
    t = Traffic(plan, rnd, stats)
    last = 0
    while not stop:
        if time.time() - last > 1:
            ensure_baseline(sock, plan, stats)
            last = time.time()
        t.send_one()
        t.serve()
    sock.close()


# --- the parent ---------------------------------------------------------------------

def sh(*cmd, ns=None, check=True):
    full = (["ip", "netns", "exec", ns] if ns else []) + list(cmd)
    return subprocess.run(full, check=check, capture_output=True, text=True)


def setup_netns(plan):
    """A dummy link holding the local real server and the route to the
    remote ones (a dummy drops what it is given), every VIP local."""
    ns = plan.name
    if ns:
        sh("ip", "netns", "add", ns)
    sh("ip", "link", "set", "lo", "up", ns=ns)
    sh("ip", "link", "add", "vsfuzz0", "type", "dummy", ns=ns)
    sh("ip", "link", "set", "vsfuzz0", "up", ns=ns)
    sh("ip", "addr", "add", plan.ip(1, 254) + "/24", "dev", "vsfuzz0", ns=ns)
    sh("ip", "addr", "add", plan.local_rs() + "/32", "dev", "vsfuzz0", ns=ns)
    for net in (0, 3):              # VIPs and clients: whole /24s local
        sh("ip", "route", "add", "local", plan.ip(net, 0) + "/24", "dev", "lo", ns=ns)
    # A little of every setting: drain on delete, re-schedule templates of
    # quiesced servers, and a tiny table that fills up.
    settings = {1: ["expire_nodest_conn=0", "expire_quiescent_template=1"],
                2: ["conn_max=300", "slow_start=5"]}.get(plan.k % 3, [])
    for s in settings:
        sh("sysctl", "-qw", "net.vs." + s, ns=ns)


def teardown_netns(plan):
    if plan.name:
        return sh("ip", "netns", "del", plan.name, check=False).returncode == 0
    for net in (0, 3):
        sh("ip", "route", "del", "local", plan.ip(net, 0) + "/24", "dev", "lo", check=False)
    return sh("ip", "link", "del", "vsfuzz0", check=False).returncode == 0


def enter(plan):
    if not plan.name:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + plan.name, os.O_RDONLY)
    if libc.setns(fd, CLONE_NEWNET):
        raise OSError(ctypes.get_errno(), "setns " + plan.name)
    os.close(fd)


def spawn(ctx, role, plan, index):
    """Fork a process for role; it writes its Stats as JSON to a pipe."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid:
        os.close(wfd)
        return {"pid": pid, "fd": rfd, "role": role, "k": plan.k, "buf": b""}
    os.close(rfd)
    signal.signal(signal.SIGTERM, on_term)
    signal.signal(signal.SIGINT, on_term)
    stats = Stats()
    result = {"role": role, "k": plan.k}
    try:
        enter(plan)
        if role == "fuzz":
            fuzz_worker(ctx, plan, index, wfd)     # does not return
        ROLES[role](ctx, plan, index, stats)
    except BaseException:
        result["exception"] = traceback.format_exc()
    cpu = os.times()
    stats.counts["cpu_ms_" + role] = int(cpu.user * 1000)
    stats.counts["sys_ms_" + role] = int(cpu.system * 1000)
    result["stats"] = stats.to_json()
    with os.fdopen(wfd, "w") as f:
        json.dump(result, f)
    os._exit(0)


ROLES = {"fuzz": fuzz_worker, "dumper": dumper, "traffic": traffic}


class Kmsg:
    """The kernel log from now on, watched for BUG/WARNING while we run."""

    def __init__(self, bad_re):
        self.re = bad_re
        self.fd = os.open("/dev/kmsg", os.O_RDONLY | os.O_NONBLOCK)
        os.lseek(self.fd, 0, os.SEEK_END)
        self.bad = []

    def poll(self):
        while True:
            try:
                line = os.read(self.fd, 8192).decode(errors="replace")
            except BlockingIOError:
                return
            except OSError:             # EPIPE: a line was overwritten
                continue
            text = line.split(";", 1)[-1].strip()
            if self.re.search(text) and len(self.bad) < 20:
                self.bad.append(text)


def run_children(ctx, plans, kmsg):
    procs, index = [], 0
    ctx.deadline = time.time() + ctx.seconds
    for plan in plans:
        roles = ["fuzz"] * ctx.workers + ["dumper", "traffic"]
        for role in roles:
            procs.append(spawn(ctx, role, plan, index))
            index += 1
    results, signalled = [], 0
    fds = {p["fd"]: p for p in procs}
    while fds:
        ready, _, _ = select.select(list(fds), [], [], 0.5)
        kmsg.poll()
        for fd in ready:
            chunk = os.read(fd, 65536)
            if chunk:
                fds[fd]["buf"] += chunk
                continue
            p = fds.pop(fd)
            os.close(fd)
            os.waitpid(p["pid"], 0)
            results.append(finished(p))
        fuzzing = any(p["role"] == "fuzz" for p in fds.values())
        if kmsg.bad and not signalled:
            # Show what the fuzzers sent just before, then stop them all.
            print("# kernel log: %s" % kmsg.bad[0])
            signal_all(fds.values(), signal.SIGUSR1, "fuzz")
            time.sleep(0.5)
        if (not fuzzing or kmsg.bad) and not signalled:
            signal_all(fds.values(), signal.SIGTERM)
            signalled = time.time()
        elif signalled and time.time() - signalled > 60:
            signal_all(fds.values(), signal.SIGKILL)    # reported as died
    return results


def signal_all(procs, sig, role=None):
    for p in procs:
        if role is None or p["role"] == role:
            try:
                os.kill(p["pid"], sig)
            except ProcessLookupError:
                pass


def finished(p):
    try:
        return json.loads(p["buf"])
    except ValueError:
        return {"role": p["role"], "k": p["k"], "died": True, "stats": {}}


class Tap:
    def __init__(self):
        self.n = self.failed = 0

    def case(self, good, what, *details):
        self.n += 1
        self.failed += not good
        print("%sok %d %s" % ("" if good else "not ", self.n, what))
        for d in details if not good else ():
            print("#   %s" % d)
        return good


def summary(results, plans, secs):
    total, per_ns = Stats(), {p.k: Stats() for p in plans}
    for r in results:
        total.merge(r.get("stats", {}))
        per_ns[r["k"]].merge(r.get("stats", {}))
    c, a = total.counts, total.answers
    seen = sum(a.values())
    print("# %d messages in %.1f s: %.0f messages/s (%d handled by the kernel, "
          "%d cut short before it could)" % (
              c["messages"], secs, c["messages"] / max(secs, 0.001), seen, c["unparsed"]))
    print("# answers: " + ", ".join("%s %d" % kv for kv in a.most_common()))
    print("# with an extended-ACK message: %d; dumps interrupted (NLM_F_DUMP_INTR): %d" % (
        c["extack_msgs"], c["intr"]))
    for what, counter in (("refusals without an extended-ACK message", total.no_extack),
                          ("extended-ACK messages with a success", total.extack_on_ok)):
        if counter:
            print("# %s: %s" % (what, ", ".join("%s %d" % kv for kv in counter.most_common())))
    print("# CPU seconds (user+system): " + ", ".join("%s %.1f+%.1f" % (
        role, c["cpu_ms_" + role] / 1000, c["sys_ms_" + role] / 1000) for role in ROLES))
    print("# accepted by command: " + ", ".join(
        "%s %d/%d" % (cmd, total.ok_by_cmd[cmd], n) for cmd, n in sorted(total.by_cmd.items())))
    for k, s in per_ns.items():
        sc = s.counts
        print("# netns %d: dumps %d (most services %d, servers %d, connections %d), "
              "abandoned %d, packets %d, served via NAT %d" % (
                  k, sc["dumps"], sc["max_services"], sc["max_dests"], sc["max_conns"],
                  sc["abandoned_dumps"], sc["packets"], sc["served_via_nat"]))
    return total, per_ns


def assert_fuzz(tap, results, total, per_ns):
    bad = ["%s in netns %d: %s" % (r["role"], r["k"], "died without a report"
                                   if r.get("died") else r["exception"].strip().splitlines()[-1])
           for r in results if r.get("died") or r.get("exception")]
    for r in results:
        if r.get("exception"):
            sys.stdout.write("".join("#   " + l + "\n" for l in r["exception"].splitlines()))
    tap.case(not bad, "every worker finished without an unexpected exception", *bad)
    a = total.answers
    seen = sum(a.values()) or 1
    ok, silent = a["ok"], a["silent"]
    refused = seen - ok - silent
    tap.case(ok >= 0.1 * seen, "at least 10%% of the messages were accepted (%d of %d)" % (ok, seen))
    tap.case(refused >= 0.1 * seen, "at least 10%% were refused (%d)" % refused)
    an = total.anomalies
    tap.case(not (an["garbled"] or an["foreign"] or an["twice"]),
             "every answer was well formed: a real errno, the request's header, "
             "our port and seq (garbled %d, foreign %d, answered twice %d)" % (
                 an["garbled"], an["foreign"], an["twice"]), *total.examples)
    tap.case(not (an["unanswered"] or an["hang"]),
             "every message that asked for an ACK got one (unanswered %d, hangs %d)" % (
                 an["unanswered"], an["hang"]), *total.examples)
    silent = dict(total.no_extack)
    tap.case(total.counts["extack_msgs"] > 0 and not silent,
             "every refused vs command carries an extended-ACK message (%d messages)" %
             total.counts["extack_msgs"], *["%s: %d without" % kv for kv in silent.items()] +
             [e for e in total.examples if e.startswith("no extended ACK")])
    tap.case(total.ok_by_cmd["new_conn"] > 0 and total.ok_by_cmd["new_dest"] > 0,
             "the table filled: servers added (%d), connections installed (%d)" % (
                 total.ok_by_cmd["new_dest"], total.ok_by_cmd["new_conn"]))
    iso = [k for k, s in per_ns.items() if s.anomalies["isolation"] or s.anomalies["dump"]]
    listed = [k for k, s in per_ns.items() if not s.counts["max_services"] or
              not s.counts["max_conns"]]
    tap.case(not iso and not listed,
             "each namespace's dumps listed services and connections, all its own",
             *(["netns %s listed nothing" % listed] if listed else []) + total.examples)
    quiet = [k for k, s in per_ns.items() if not s.counts["served_via_nat"]]
    tap.case(not quiet, "traffic reached the local real server through vs in every namespace",
             *["netns %d: no packet came through" % k for k in quiet])


def sanity(tap):
    """After all that, the family still works for vsadm."""
    vip, rs = "192.0.2.1:80", "192.0.2.2:8080"
    steps = [["vsadm", "-A", "-t", vip, "-s", "rr"],
             ["vsadm", "-a", "-t", vip, "-r", rs, "-m", "-w", "3"]]
    out = ""
    for cmd in steps:
        p = subprocess.run(cmd, capture_output=True, text=True)
        out += p.stdout + p.stderr
    listing = subprocess.run(["vsadm", "-L", "-n", "-t", vip], capture_output=True, text=True)
    tap.case(re.search(r"->\s+%s\s+Masq\s+3\b" % re.escape(rs), listing.stdout) is not None,
             "vsadm adds a service and a server and lists them", out, listing.stdout,
             listing.stderr)
    d = subprocess.run(["vsadm", "-D", "-t", vip], capture_output=True, text=True)
    gone = subprocess.run(["vsadm", "-L", "-n", "-t", vip], capture_output=True, text=True)
    tap.case(d.returncode == 0 and gone.returncode != 0, "vsadm deletes it", d.stderr, gone.stdout)


def unload(tap):
    """rmmod vs: give namespace teardown (asynchronous) a few seconds."""
    start = time.time()
    while True:
        p = subprocess.run(["rmmod", "vs"], capture_output=True, text=True)
        if p.returncode == 0 or time.time() - start > 10:
            break
        time.sleep(0.2)
    tap.case(p.returncode == 0, "rmmod vs (%.1f s)" % (time.time() - start), p.stderr)


def replay(path, family):
    """Send each line's hex as one sendmsg; print the answers."""
    stats = Stats()
    sock = Sock(Plan(0, 1, None), family, stats)
    lines = sys.stdin if path == "-" else open(path)
    for line in lines:
        words = line.split()
        if not words:
            continue
        buf = bytes.fromhex(words[-1])
        finals, data, view = sock.exchange(buf)
        print("sent %d bytes, kernel saw %d message(s): %s; %d data message(s)" % (
            len(buf), len(view), ", ".join(
                "seq %#x %s %r" % (s, errname(finals.get(s)), sock.texts.get(s))
                for s in view), len(data)))
    for e in stats.examples:
        print("anomaly " + e)
    return 1 if stats.anomalies else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60)
    ap.add_argument("--messages", type=int, default=0, help="total, instead of --seconds")
    ap.add_argument("--seed", default=None)
    ap.add_argument("--netns", type=int, default=3, help="namespaces, the initial one included")
    ap.add_argument("--workers", type=int, default=2, help="fuzz workers per namespace")
    ap.add_argument("--trace", action="store_true", help="print every batch before sending it")
    ap.add_argument("--replay", metavar="FILE")
    args = ap.parse_args()
    top = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # What selftests/run and vm-run call a kernel problem.
    bad_re = re.compile(open(os.path.join(top, "scripts/klog-bad.re")).read().strip())

    engine = os.path.join(top, "build/selftests/nl_fuzz_engine")
    if not args.replay and not os.access(engine, os.X_OK):
        print("not ok 1 %s is built (make all)" % engine)
        return 1
    g = vsnl.Genl()
    family = g.family("vs")
    g.sock.close()
    if family is None:
        print("not ok 1 the vs family resolves (is vs.ko loaded?)")
        return 1
    if args.replay:
        return replay(args.replay, family)

    seed = args.seed or "%08x" % random.SystemRandom().getrandbits(32)
    print("# seed %s (rerun with --seed %s)" % (seed, seed))
    fuzzers = args.netns * args.workers
    ctx = argparse.Namespace(
        seed=seed, family=family, trace=args.trace, workers=args.workers, engine=engine,
        budget=-(-args.messages // fuzzers) if args.messages else float("inf"),
        seconds=args.seconds if not args.messages else 1e9)
    print("# %d namespaces x (%d fuzz workers, a dumper, traffic); %s" % (
        args.netns, args.workers, "%d messages" % args.messages if args.messages
        else "%g s" % args.seconds))
    tag = re.sub(r"\W", "_", seed)[:16]
    plans = [Plan(k, args.netns, None if k == 0 else "nlfuzz-%s-%d" % (tag, k))
             for k in range(args.netns)]
    tap = Tap()
    print("TAP version 13")
    try:
        for plan in plans:
            setup_netns(plan)
        kmsg = Kmsg(bad_re)
        start = time.time()
        results = run_children(ctx, plans, kmsg)
        secs = time.time() - start
        kmsg.poll()
        total, per_ns = summary(results, plans, secs)
        assert_fuzz(tap, results, total, per_ns)
        tap.case(not kmsg.bad, "no BUG/WARNING in the kernel log while fuzzing", *kmsg.bad)
        sanity(tap)
    finally:
        gone = [teardown_netns(p) for p in plans]
    tap.case(all(gone), "the namespaces and the init namespace's links are deleted")
    unload(tap)
    print("1..%d" % tap.n)
    if tap.failed:
        print("# FAILED with seed %s: rerun with --seed %s" % (seed, seed))
    return 1 if tap.failed else 0


if __name__ == "__main__":
    sys.exit(main())
