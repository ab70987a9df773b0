#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Connection-sync installs for stress_conn.sh: waves of VS_CMD_NEW_CONN
batches, as a backup director gets them, while traffic, the collector and
dumps work on the same table.

    stress_sync.py SECONDS VIP VPORT RIP[,RIP...] RPORT WAVE MIN [ONCE]

Each wave installs WAVE connections from clients 10.128.0.0/9 (500 a
message, 1.5 s to live), so the table swells by tens of thousands and
shrinks again as they expire, across the resize points of its
rhashtable; plus the tuples the pktgen flood uses (10.0.0.1-125, ports
1024-1027: the same connections traffic makes and touches) and their
persistence entries for VPORT + 1, 1 s to live. Between waves it waits for
the table to drain below a quarter of the wave (at most 5 s), reading
VS_CMD_GET_INFO. It stops after SECONDS, or later when fewer than MIN
waves were made (at most 3 x SECONDS more). With ONCE, one wave that
lives a minute, and no waiting.

Prints one line: waves, connections sent, errors by errno, and the
smallest and largest connection count and bucket count seen.
"""
import errno
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vsnl  # noqa: E402

CONN = {"protocol": 1, "caddr": 2, "cport": 3, "vaddr": 4, "vport": 5,
        "daddr": 6, "dport": 7, "fwmark": 8, "state": 9, "expires": 10,
        "flags": 11, "af": 13}
UDP_S_NORMAL = 11
F_TEMPLATE = 1
PER_MSG = 500  # a nest's length is 16 bits: 500 x 128 bytes fit


def addr(ip):
    return socket.inet_aton(ip) + b"\0" * 12


def conn(caddr, cport, vip, vport, rip, rport, ms, flags=0):
    a = vsnl.nla
    body = (a(CONN["af"], struct.pack("=H", socket.AF_INET)) +
            a(CONN["protocol"], struct.pack("=B", socket.IPPROTO_UDP)) +
            a(CONN["caddr"], addr(caddr)) +
            a(CONN["cport"], struct.pack(">H", cport)) +
            a(CONN["vaddr"], addr(vip)) +
            a(CONN["vport"], struct.pack(">H", vport)) +
            a(CONN["daddr"], addr(rip)) +
            a(CONN["dport"], struct.pack(">H", rport)) +
            a(CONN["state"], struct.pack("=B", UDP_S_NORMAL)) +
            a(CONN["expires"], struct.pack("=I", ms)) +
            a(CONN["flags"], struct.pack("=I", flags)))
    return a(vsnl.TOP["conn"] | vsnl.NLA_F_NESTED, body)


def messages(conns):
    """VS_A_CONNS payloads of PER_MSG connections each."""
    out = []
    for i in range(0, len(conns), PER_MSG):
        out.append(vsnl.nla(vsnl.TOP["conns"] | vsnl.NLA_F_NESTED,
                            b"".join(conns[i:i + PER_MSG])))
    return out


def build(vip, vport, rips, rport, wave, ms):
    """The wave's messages, built once and sent again every wave: the same
    tuples come back after they expired."""
    swell = []
    for i in range(wave):
        # 10.128.0.1 onwards
        caddr = socket.inet_ntoa(struct.pack(">I", 0x0a800000 + i + 1))
        swell.append(conn(caddr, 2000 + i % 7, vip, vport,
                          rips[i % len(rips)], rport, ms))
    same = []
    for h in range(1, 126):
        caddr = "10.0.0.%d" % h
        for port in range(1024, 1028):
            same.append(conn(caddr, port, vip, vport,
                             rips[(h + port) % len(rips)], rport, 1000))
        # The persistent service's entry for this client.
        same.append(conn(caddr, 0, vip, vport + 1, rips[h % len(rips)],
                         rport + 1, 1000, F_TEMPLATE))
    return messages(same) + messages(swell)


def info(g, fam):
    replies, err, _, _ = g.request(fam, vsnl.CMDS["get_info"], b"", 0)
    if err:
        return None
    vals = {}
    for _, nest in vsnl.attrs(replies[0][1]):
        for itype, data in vsnl.attrs(nest):
            vals[itype] = int.from_bytes(data, "little")
    return vals.get(vsnl.INFO["conn_count"]), vals.get(vsnl.INFO["conn_tab_size"])


def main():
    if len(sys.argv) not in (8, 9):
        raise SystemExit(__doc__)
    seconds = float(sys.argv[1])
    vip, vport = sys.argv[2], int(sys.argv[3])
    rips, rport, wave = sys.argv[4].split(","), int(sys.argv[5]), int(sys.argv[6])
    minimum = int(sys.argv[7])
    once = len(sys.argv) == 9
    g = vsnl.Genl()
    g.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
    fam = g.family("vs")
    msgs = build(vip, vport, rips, rport, wave, 60000 if once else 1500)
    errors = {}
    waves = sent = 0
    counts, sizes = [], []

    def sample():
        got = info(g, fam)
        if got and got[0] is not None:
            counts.append(got[0])
            sizes.append(got[1])
            return got[0]
        return None

    end = time.monotonic() + seconds
    hard_end = end + 3 * seconds
    while True:
        for m in msgs:
            _, err, _, _ = g.request(fam, vsnl.CMDS["new_conn"], m, 0)
            if err:
                name = errno.errorcode.get(err, str(err))
                errors[name] = errors.get(name, 0) + 1
        waves += 1
        sent += wave + 625
        sample()
        now = time.monotonic()
        if once or now >= hard_end or (now >= end and waves >= minimum):
            break
        # Let the collector shrink the table before the next swell.
        drain = time.monotonic() + 5
        while time.monotonic() < drain:
            n = sample()
            if n is not None and n < wave // 4:
                break
            time.sleep(0.2)
    print("waves %d sent %d errors %s conns %d-%d buckets %d-%d" % (
        waves, sent, ",".join("%s:%d" % e for e in sorted(errors.items()))
        or "none", min(counts or [0]), max(counts or [0]),
        min(sizes or [0]), max(sizes or [0])), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
