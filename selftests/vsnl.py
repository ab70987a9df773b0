#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A raw generic-netlink client for the "vs" family, for selftests that
must send what vsadm never would: malformed, unknown or out-of-range
attributes, and check the exact errno and extended-ACK message.

    vsnl.py CMD [ATTR...]     send one request, print the reply or error

Attributes are written as a small tree:
    service.protocol=u8:6 service.addr=ip:10.0.0.1 service.port=be16:80
    dest.addr=ip:10.1.1.1 service.flags=u32:0x80 service.bogus#99=u32:1
A name#N gives an explicit attribute number (for unknown attributes).
Prints "error <errno-name> <extack message>" and exits 1 on an error ACK,
prints one line per reply message (attributes decoded) and exits 0 else.
"""
import errno
import os
import socket
import struct
import sys

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLM_F_ACK = 4
NLM_F_DUMP = 0x300
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLA_F_NESTED = 0x8000
SOL_NETLINK = 270
NETLINK_EXT_ACK = 11
NETLINK_CAP_ACK = 10
NLMSGERR_ATTR_MSG = 1
NLMSGERR_ATTR_OFFS = 2
NLM_F_CAPPED = 0x100

CMDS = {
    "get_info": 1, "new_service": 2, "set_service": 3, "del_service": 4,
    "get_service": 5, "new_dest": 6, "set_dest": 7, "del_dest": 8,
    "get_dest": 9, "flush": 10, "zero": 11, "get_timeouts": 12,
    "set_timeouts": 13, "get_conn": 14, "new_conn": 15, "set_info": 16,
}
DUMPS = {"get_service", "get_dest", "get_conn"}
TOP = {"service": 1, "dest": 2, "info": 3, "timeouts": 4, "conn": 5,
       "dump_flags": 6, "conns": 7}
NESTED = {
    "service": {"af": 1, "protocol": 2, "addr": 3, "port": 4, "fwmark": 5,
                "sched": 6, "flags": 7, "timeout": 8, "netmask": 9,
                "dests": 10},
    "dest": {"addr": 1, "port": 2, "fwd": 3, "weight": 4, "u_thresh": 5,
             "l_thresh": 6},
    "timeouts": {"tcp": 1, "tcp_fin": 2, "udp": 3},
    "info": {"backup_only": 8, "sloppy_tcp": 9},
    "conn": {"protocol": 1, "caddr": 2, "cport": 3, "vaddr": 4, "vport": 5,
             "daddr": 6, "dport": 7, "fwmark": 8, "state": 9, "expires": 10,
             "flags": 11, "fwd": 12, "af": 13},
}


def nla(atype, payload):
    hdr = struct.pack("=HH", 4 + len(payload), atype)
    return hdr + payload + b"\0" * ((4 - len(payload) % 4) % 4)


def value(spec):
    kind, _, text = spec.partition(":")
    if kind == "u8":
        return struct.pack("=B", int(text, 0))
    if kind == "u16":
        return struct.pack("=H", int(text, 0))
    if kind == "u32":
        return struct.pack("=I", int(text, 0))
    if kind == "u64":
        return struct.pack("=Q", int(text, 0))
    if kind == "be16":
        return struct.pack(">H", int(text, 0))
    if kind == "ip":
        return socket.inet_aton(text) + b"\0" * 12
    if kind == "str":
        return text.encode() + b"\0"
    if kind == "hex":
        return bytes.fromhex(text)
    raise SystemExit("bad value %r" % spec)


def number(name, table):
    if "#" in name:
        return int(name.split("#", 1)[1])
    if name not in table:
        raise SystemExit("unknown attribute %r" % name)
    return table[name]


def build(args):
    """service.x=... -> one nest per top-level name, in order of appearance."""
    nests, flat = {}, []
    for arg in args:
        path, _, spec = arg.partition("=")
        parts = path.split(".")
        top = number(parts[0], TOP)
        if len(parts) == 1:
            flat.append(nla(top, value(spec)))
            continue
        inner = NESTED.get(parts[0].split("#")[0], {})
        nests.setdefault(top, b"")
        nests[top] += nla(number(parts[1], inner), value(spec))
    out = b"".join(nla(t | NLA_F_NESTED, body) for t, body in nests.items())
    return out + b"".join(flat)


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_EXT_ACK, 1)
        self.sock.setsockopt(SOL_NETLINK, NETLINK_CAP_ACK, 1)
        self.sock.bind((0, 0))
        self.seq = 1

    def request(self, family, cmd, payload, flags):
        self.seq += 1
        body = struct.pack("=BBH", cmd, 1, 0) + payload
        msg = struct.pack("=IHHII", 16 + len(body), family,
                          flags | NLM_F_REQUEST | NLM_F_ACK, self.seq, 0)
        self.sock.send(msg + body)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            off = 0
            while off < len(data):
                length, mtype, mflags, _, _ = struct.unpack_from("=IHHII",
                                                                 data, off)
                chunk = data[off:off + length]
                off += (length + 3) & ~3
                if mtype == NLMSG_DONE:
                    return replies, 0, "", mflags
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from("=i", chunk, 16)[0]
                    return replies, -err, extack(chunk, mflags), mflags
                replies.append((mflags, chunk[20:]))

    def family(self, name):
        payload = nla(CTRL_ATTR_FAMILY_NAME, name.encode() + b"\0")
        replies, err, _, _ = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                          payload, 0)
        if err:
            return None
        for atype, data in attrs(replies[0][1]):
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack("=H", data)[0]
        return None


def ack_tlvs(chunk, flags):
    """The extended-ACK attributes of an NLMSG_ERROR message, by type."""
    # With NETLINK_CAP_ACK only the request's header follows nlmsgerr.
    # Else the whole request does, padded to 4 bytes.
    off = 16 + 4 + 16
    if not flags & NLM_F_CAPPED:
        off = 16 + (4 + struct.unpack_from("=I", chunk, 20)[0] + 3) // 4 * 4
    return dict(attrs(chunk[off:]))


def extack(chunk, flags):
    msg = ack_tlvs(chunk, flags).get(NLMSGERR_ATTR_MSG, b"")
    return msg.rstrip(b"\0").decode(errors="replace")


def attrs(data):
    off = 0
    while off + 4 <= len(data):
        length, atype = struct.unpack_from("=HH", data, off)
        if length < 4:
            break
        yield atype & 0x3fff, data[off + 4:off + length]
        off += (length + 3) & ~3


def show(data, depth=0):
    out = []
    for atype, payload in attrs(data):
        if len(payload) >= 4 and depth < 2 and all(
                4 <= l <= len(payload) for l in [
                    struct.unpack_from("=H", payload, 0)[0]]) and \
                atype in (1, 2, 3, 4, 5, 12, 13, 10) and depth == 0:
            out.append("%d{%s}" % (atype, show(payload, depth + 1)))
        else:
            out.append("%d=%s" % (atype, payload.hex()))
    return " ".join(out)


INFO = {"version": 1, "conn_tab_size": 2, "conn_count": 3, "conn_max": 4,
        "services": 5, "conn_refused": 6, "backup_only": 8, "sloppy_tcp": 9}


def info(g, fam, field):
    """vsnl.py info FIELD: one VS_CMD_GET_INFO value, in decimal."""
    replies, err, msg, _ = g.request(fam, CMDS["get_info"], b"", 0)
    if err:
        print("error %s %s" % (errno.errorcode.get(err, str(err)), msg))
        return 1
    for atype, nest in attrs(replies[0][1]):
        for itype, data in attrs(nest):
            if itype == INFO[field]:
                print(int.from_bytes(data, "little"))
                return 0
    return 1


def listen(g, fam):
    """vsnl.py listen: print each sync event's VS_A_CONN nest in hex, one a
    line, flushed (for "vsnl.py install" in another namespace)."""
    replies, err, msg, _ = g.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY,
                                     nla(CTRL_ATTR_FAMILY_NAME, b"vs\0"), 0)
    group = None
    for atype, data in attrs(replies[0][1]):
        if atype == 7:  # CTRL_ATTR_MCAST_GROUPS
            for _, grp in attrs(data):
                fields = dict(attrs(grp))
                if fields.get(1, b"").rstrip(b"\0") == b"sync":
                    group = struct.unpack("=I", fields[2])[0]
    if group is None:
        print("error no sync group")
        return 1
    g.sock.setsockopt(SOL_NETLINK, 1, group)  # NETLINK_ADD_MEMBERSHIP
    print("listening", flush=True)
    while True:
        data = g.sock.recv(1 << 20)
        off = 0
        while off < len(data):
            length = struct.unpack_from("=I", data, off)[0]
            for atype, nest in attrs(data[off + 20:off + length]):
                if atype == TOP["conn"]:
                    print(nest.hex(), flush=True)
            off += (length + 3) & ~3


def install(g, fam):
    """vsnl.py install: read VS_A_CONN nests in hex from stdin, one a line,
    and install each with VS_CMD_NEW_CONN; print "ok" or the error."""
    for line in sys.stdin:
        line = line.strip()
        if not line or line == "listening":
            continue
        conn = nla(TOP["conn"] | NLA_F_NESTED, bytes.fromhex(line))
        payload = nla(TOP["conns"] | NLA_F_NESTED, conn)
        _, err, msg, _ = g.request(fam, CMDS["new_conn"], payload, 0)
        print("ok" if not err else "error %s %s" % (
            errno.errorcode.get(err, str(err)), msg), flush=True)
    return 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] in ("listen", "install"):
        g = Genl()
        fn = listen if sys.argv[1] == "listen" else install
        return fn(g, g.family("vs"))
    if len(sys.argv) == 3 and sys.argv[1] == "info":
        g = Genl()
        return info(g, g.family("vs"), sys.argv[2])
    if len(sys.argv) < 2 or sys.argv[1] not in CMDS:
        raise SystemExit(__doc__)
    name = sys.argv[1]
    g = Genl()
    fam = g.family("vs")
    if fam is None:
        print("error ENOENT family vs not found")
        return 2
    flags = NLM_F_DUMP if name in DUMPS and not os.environ.get("VSNL_DOIT") \
        else 0
    replies, err, msg, mflags = g.request(fam, CMDS[name],
                                          build(sys.argv[2:]), flags)
    for rflags, payload in replies:
        print(("intr " if rflags & 0x10 else "") + show(payload))
    if err:
        print("error %s %s" % (errno.errorcode.get(err, str(err)), msg))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
