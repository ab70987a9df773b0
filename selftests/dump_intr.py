#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""dump_intr.py CASE: run one dump of the "vs" family, change the table
after the first part of it has been read, read the rest, and print
"intr" if any message after the change (NLMSG_DONE included) carries
NLM_F_DUMP_INTR, "clean" if none does. The table is set up by
dump_intr.sh: service A (TCP 10.9.0.1:80) with many real servers, B
(10.9.0.2:80) with one.

Cases: none (no change), other (a service C comes and goes),
a-servers (all of A's servers are deleted), a-gone (A is deleted);
"dests-" before a case dumps A's servers alone (VS_CMD_GET_DEST) instead
of the whole table.
"""
import socket
import struct
import subprocess
import sys

import vsnl

A = ["service.protocol=u8:6", "service.addr=ip:10.9.0.1",
     "service.port=be16:80"]
NLM_F_DUMP_INTR = 0x10


def change(case):
    vsadm = ["vsadm"]
    if case == "none":
        return
    if case == "other":
        cmds = [["-A", "-t", "10.9.0.3:80"], ["-D", "-t", "10.9.0.3:80"]]
    elif case == "a-servers":
        out = subprocess.run(vsadm + ["-S", "-n"], check=True,
                             capture_output=True, text=True).stdout
        rules = [l.replace("-a ", "-d ", 1).split(" -m")[0]
                 for l in out.splitlines() if l.startswith("-a -t 10.9.0.1:80")]
        subprocess.run(vsadm + ["-R"], input="\n".join(rules) + "\n",
                       check=True, text=True)
        return
    elif case == "a-gone":
        cmds = [["-D", "-t", "10.9.0.1:80"]]
    else:
        raise SystemExit("unknown case " + case)
    for c in cmds:
        subprocess.run(vsadm + c, check=True)


def main():
    case = sys.argv[1]
    g = vsnl.Genl()
    # A small receive buffer keeps each part of the dump small.
    g.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    fam = g.family("vs")
    if case.startswith("dests-"):
        case = case[len("dests-"):]
        cmd, payload = vsnl.CMDS["get_dest"], vsnl.build(A)
    else:
        cmd = vsnl.CMDS["get_service"]
        payload = vsnl.build(["dump_flags=u32:1"])
    body = struct.pack("=BBH", cmd, 1, 0) + payload
    g.sock.send(struct.pack("=IHHII", 16 + len(body), fam,
                            vsnl.NLM_F_REQUEST | vsnl.NLM_F_DUMP, 7, 0) + body)
    parts = 0
    flagged = False
    messages = 0
    while True:
        data = g.sock.recv(1 << 20)
        parts += 1
        off, done = 0, False
        while off < len(data):
            length, mtype, mflags = struct.unpack_from("=IHH", data, off)
            if mtype == vsnl.NLMSG_ERROR:
                err = struct.unpack_from("=i", data, off + 16)[0]
                print("error %d" % err)
                return 1
            if parts > 1 and mflags & NLM_F_DUMP_INTR:
                flagged = True
            messages += mtype != vsnl.NLMSG_DONE
            done = done or mtype == vsnl.NLMSG_DONE
            off += (length + 3) & ~3
        if done:
            break
        if parts == 1:
            change(case)
    # A dump read in one part never saw the change: the case proves nothing.
    if parts < 3:
        print("too-short %d" % parts)
        return 1
    print("intr" if flagged else "clean", messages, parts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
