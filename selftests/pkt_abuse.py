#!/usr/bin/python3 -S
# SPDX-License-Identifier: GPL-2.0
"""Malformed and hostile IPv4 traffic for pkt_abuse.sh.

Packets are built byte by byte here and sent whole on an AF_PACKET socket:
a raw IP socket would fix the total length and the header checksum, and
scapy takes ten seconds to import in the TCG test VM. Captures are read
back from tcpdump's pcap files.

    pkt_abuse.py COMMAND ARGS...     (one cmd_COMMAND function each)

Commands that judge print "ok DESCRIPTION" or "fail DESCRIPTION" lines
(with "# detail" lines after a failure) for pkt_abuse.sh to count; senders
print a manifest for a later judge, one probe a line as tab-separated
key=value fields.

Python runs with -S and without json (no site, no re): each start costs
seconds under TCG otherwise, and the test starts it some thirty times.
"""
import os
import random
import select
import socket
import struct
import sys
import time

ETH_P_IP = 0x0800
TCP, UDP, ICMP = 6, 17, 1
FIN, SYN, RST, PSH, ACK, URG, ECE, CWR = 1, 2, 4, 8, 16, 32, 64, 128
UDP_SEGMENT = 103

# --- building -----------------------------------------------------------------


def csum(data):
    """The Internet checksum (RFC 1071)."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def aton(a):
    return socket.inet_aton(a)


def ip(src, dst, proto, payload, opts=b"", ihl=None, tot_len=None, ident=0,
       frag=0, mf=False, df=False, ttl=64, tos=0, version=4, check=None):
    """An IPv4 header and payload; every field may be set to a lie.
    frag is the fragment offset in bytes; check="bad" spoils the checksum."""
    hlen = 20 + len(opts)
    ihl = hlen // 4 if ihl is None else ihl
    tot_len = hlen + len(payload) if tot_len is None else tot_len
    fo = (0x2000 if mf else 0) | (0x4000 if df else 0) | (frag >> 3)
    hdr = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, tos, tot_len,
                      ident, fo, ttl, proto, 0, aton(src), aton(dst)) + opts
    good = csum(hdr)
    c = good ^ 0x5a5a if check == "bad" else good if check is None else check
    return hdr[:10] + struct.pack("!H", c) + hdr[12:] + payload


def pseudo(src, dst, proto, length):
    return aton(src) + aton(dst) + struct.pack("!BBH", 0, proto, length)


def tcp(src, dst, sport, dport, flags, seq=1, ack=0, payload=b"", opts=b"",
        doff=None, win=65535, check=None):
    doff = (20 + len(opts)) // 4 if doff is None else doff
    seg = struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4,
                      flags, win, 0, 0) + opts + payload
    good = csum(pseudo(src, dst, TCP, len(seg)) + seg)
    c = good ^ 0x5a5a if check == "bad" else good if check is None else check
    return seg[:16] + struct.pack("!H", c) + seg[18:]


def udp(src, dst, sport, dport, payload, check=None, length=None):
    length = 8 + len(payload) if length is None else length
    dgram = struct.pack("!HHHH", sport, dport, length, 0) + payload
    good = csum(pseudo(src, dst, UDP, len(dgram)) + dgram) or 0xffff
    c = good ^ 0x5a5a if check == "bad" else good if check is None else check
    return dgram[:6] + struct.pack("!H", c) + dgram[8:]


def icmp(itype, code, data, rest=0, check=None):
    msg = struct.pack("!BBHI", itype, code, 0, rest) + data
    good = csum(msg)
    c = good ^ 0x5a5a if check == "bad" else good if check is None else check
    return msg[:2] + struct.pack("!H", c) + msg[4:]


def frags(src, dst, proto, l4, size, ident, **kw):
    """l4 cut into IP fragments of size bytes (a multiple of 8)."""
    out = []
    for off in range(0, len(l4), size):
        part = l4[off:off + size]
        out.append(ip(src, dst, proto, part, ident=ident, frag=off,
                      mf=off + size < len(l4), **kw))
    return out


# IP options, each padded to a multiple of four bytes.
OPT_RR = bytes([7, 39, 4]) + bytes(36) + b"\x00"          # record route, 9 slots
OPT_TS = bytes([68, 36, 5, 0]) + bytes(32)                # timestamps only
OPT_NOP = b"\x01" * 40                                    # 60-byte header


class Link:
    """Whole Ethernet frames out of one interface, to one MAC."""

    def __init__(self, ifname, dmac):
        self.sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
        self.sock.bind((ifname, 0))
        self.src = self.sock.getsockname()[4]
        self.dst = bytes.fromhex(dmac.replace(":", ""))
        self.sent = 0

    def send(self, pkt):
        frame = self.dst + self.src + struct.pack("!H", ETH_P_IP) + pkt
        try:
            self.sock.send(frame)
            self.sent += 1
        except OSError as e:  # ENOBUFS under a flood: counted as not sent
            if e.errno not in (105, 11):
                raise


def sniffer(ifname):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
    s.bind((ifname, 0))
    return s


def say(ok, what, *detail):
    print(("ok " if ok else "fail ") + what)
    for d in detail:
        print("# " + str(d))
    sys.stdout.flush()


def emit(**kw):
    """One manifest line: tab-separated key=value fields."""
    print("\t".join("%s=%s" % kv for kv in kw.items()), flush=True)


def manifest(path):
    """The manifest lines of a file as dicts (values are strings)."""
    for line in open(path):
        if "=" in line and not line.startswith("#"):
            yield dict(f.split("=", 1) for f in line.rstrip("\n").split("\t"))


# --- header abuse: nothing here may open a connection -------------------------------


def cmd_headers(ifname, dmac, cip, vip, *ports):
    """headers IF DMAC CLIENT VIP PROTO:PORT...: for each service port, IP
    and L4 headers that lie, odd TCP flags and fragments that never make a
    whole datagram. Prints {"noconn": sport, "what": ...} for each probe
    whose client port must not appear in the connection table."""
    link = Link(ifname, dmac)
    sport = [20000 + random.randrange(0, 20) * 1000]
    group = [""]

    def probe(what, proto, vport, build, noconn=True):
        sport[0] += 1
        for pkt in build(sport[0], vport):
            link.send(pkt)
        if noconn:
            emit(noconn=sport[0], group=group[0],
                 what="%s to %s %d" % (what, proto, vport))

    for spec in ports:
        proto, vport = spec.split(":")
        vport = int(vport)
        pnum = TCP if proto == "tcp" else UDP

        def l4(s, d, payload=b"x" * 32, flags=SYN):
            if pnum == TCP:
                return tcp(cip, vip, s, d, flags, payload=payload)
            return udp(cip, vip, s, d, payload)
        # IP headers that lie: the stack drops them before any netfilter
        # hook, so this only bites a vs that parsed packets earlier (an
        # ingress hook) or trusted them further.
        group[0] = "IP headers that lie"
        probe("IP total length past the end", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d), tot_len=200)])
        probe("IP ihl 4", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d), ihl=4)])
        probe("IP ihl 15 past the end", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d)[:20], ihl=15, tot_len=40)])
        probe("bad IP header checksum", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d), check="bad")])
        probe("IP version 6 in an IPv4 frame", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d), version=6)])
        # L4 headers cut short: no ports or no full header, no connection
        # (IPVS drops a packet whose TCP or UDP header is not all there).
        group[0] = "TCP/UDP headers cut short"
        probe("L4 header of 3 bytes", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d)[:3])])
        probe("L4 header of 4 bytes (ports only)", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d)[:4])])
        probe("L4 header of 7 bytes", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d)[:7])])
        if pnum == TCP:
            probe("TCP header of 19 bytes", proto, vport, lambda s, d: [
                ip(cip, vip, TCP, l4(s, d, b"")[:19])])
            probe("total length trimming the TCP header", proto, vport,
                  lambda s, d: [ip(cip, vip, TCP, l4(s, d), tot_len=32)])
            # Flags that must not open a connection (only SYN without RST
            # may).
            group[0] = "TCP without SYN or with SYN+RST"
            for name, fl in (("no flags", 0), ("FIN alone", FIN),
                             ("RST alone", RST), ("SYN+RST", SYN | RST),
                             ("ACK alone", ACK), ("all flags", 0xff),
                             ("FIN+PSH+URG (xmas)", FIN | PSH | URG)):
                probe("TCP " + name, proto, vport,
                      lambda s, d, fl=fl: [ip(cip, vip, TCP, l4(s, d, flags=fl))])
            # Odd ones that may: sent for the abuse, not judged here.
            for fl in (SYN | FIN, SYN | ACK, SYN | FIN | PSH | URG, SYN | ECE | CWR):
                probe("TCP flags %#x" % fl, proto, vport,
                      lambda s, d, fl=fl: [ip(cip, vip, TCP, l4(s, d, flags=fl))],
                      noconn=False)
            probe("TCP data offset 15 past the end", proto, vport, lambda s, d: [
                ip(cip, vip, TCP, tcp(cip, vip, s, d, SYN, doff=15))], noconn=False)
            probe("TCP data offset 2", proto, vport, lambda s, d: [
                ip(cip, vip, TCP, tcp(cip, vip, s, d, SYN, doff=2))], noconn=False)
        else:
            probe("UDP length 7", proto, vport, lambda s, d: [
                ip(cip, vip, UDP, udp(cip, vip, s, d, b"x" * 32, length=7))],
                noconn=False)
            probe("UDP length past the end", proto, vport, lambda s, d: [
                ip(cip, vip, UDP, udp(cip, vip, s, d, b"x" * 32, length=900))],
                noconn=False)
        # Fragments alone never make a datagram: the stack holds them until
        # ipfrag_time and vs must never see them.
        group[0] = "fragments that make no datagram"

        def pieces(s, d):
            return frags(cip, vip, pnum, l4(s, d, b"y" * 64), 24, ident=s)
        probe("lone first fragment", proto, vport, lambda s, d: pieces(s, d)[:1])
        probe("lone middle fragment", proto, vport, lambda s, d: pieces(s, d)[1:2])
        probe("lone last fragment", proto, vport, lambda s, d: pieces(s, d)[-1:])
        probe("first and last fragment, middle missing", proto, vport,
              lambda s, d: [pieces(s, d)[0], pieces(s, d)[-1]])
        probe("overlapping fragments", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d, b"z" * 64)[:40], ident=s, mf=True),
            ip(cip, vip, pnum, l4(s, d, b"z" * 64)[16:], ident=s, frag=16)])
        probe("fragment overlapping the L4 header", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d, b"w" * 64)[:16], ident=s, mf=True),
            ip(cip, vip, pnum, bytes(8) + l4(s, d, b"w" * 64)[16:], ident=s,
               frag=8)])
        probe("tiny first fragment (8 bytes)", proto, vport, lambda s, d: [
            ip(cip, vip, pnum, l4(s, d)[:8], ident=s, mf=True)])
    print("# sent %d frames" % link.sent, flush=True)


def cmd_judge_conns(path, conns):
    """judge-conns MANIFEST CONNS: no probe of the manifest has a
    connection in CONNS (vsadm -L -n -c output); a case per group."""
    table = open(conns).read()
    groups = {}
    for m in manifest(path):
        bad = ":%s " % m["noconn"] in table
        groups.setdefault(m["group"], []).append((m["what"], bad))
    for group, probes in groups.items():
        bad = [w for w, b in probes if b]
        say(not bad, "%s open no connection (%d probes)" % (group, len(probes)),
            *["opened one: " + w for w in bad])


# --- paths that must work, or must not ----------------------------------------------


class Probes:
    """Crafted probes sent all at once, their answers awaited together: a
    UDP probe's answer is an echo on its own bound socket, a TCP SYN's a
    SYN-ACK seen by the sniffer. A probe that must stay unanswered costs no
    more than the common deadline."""

    def __init__(self, link, ifname, cip, vip):
        self.link, self.cip, self.vip = link, cip, vip
        self.sn = sniffer(ifname)
        self.udp = {}    # socket -> (what, want, expected payload)
        self.tcp = {}    # (vport, sport) -> (what, want)
        self.got = set()

    def udp_probe(self, what, want, vport, payload, build):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((self.cip, 0))
        for pkt in build(s.getsockname()[1]):
            self.link.send(pkt)
        self.udp[s] = (what, want, vport, payload)

    def syn_probe(self, what, want, vport, build):
        sport = random.randrange(40000, 60000)
        for pkt in build(sport):
            self.link.send(pkt)
        self.tcp[(vport, sport)] = (what, want)

    def wait(self, timeout):
        """Collect answers until every wanted one came (and half the
        deadline passed, for unwanted ones to show) or the deadline."""
        start = time.time()
        wanted = sum(w for _, w, *_ in list(self.udp.values()) + list(self.tcp.values()))
        while True:
            spent = time.time() - start
            hits = sum(1 for k in self.got
                       if (self.udp.get(k) or self.tcp.get(k))[1])
            if spent >= timeout or (hits >= wanted and spent >= timeout / 2):
                break
            ready = select.select(list(self.udp) + [self.sn], [], [],
                                  timeout - spent)[0]
            for s in ready:
                if s is self.sn:
                    self.sniffed(s.recvfrom(65535))
                    continue
                try:
                    data, peer = s.recvfrom(65536)
                except OSError:
                    continue
                what, want, vport, payload = self.udp[s]
                if peer == (self.vip, vport) and data == payload:
                    self.got.add(s)

    def sniffed(self, rx):
        data, addr = rx
        if addr[2] == socket.PACKET_OUTGOING or len(data) < 54:
            return
        p = data[14:]
        if struct.unpack_from("!H", data, 12)[0] != ETH_P_IP or p[9] != TCP \
                or p[12:16] != aton(self.vip):
            return
        t = p[(p[0] & 15) * 4:]
        key = struct.unpack_from("!HH", t)
        if key in self.tcp and t[13] & (SYN | ACK) == SYN | ACK:
            self.got.add(key)

    def judge(self):
        for k, (what, want, *_) in list(self.udp.items()) + list(self.tcp.items()):
            say((k in self.got) == want, what)


def cmd_paths(ifname, dmac, cip, vip, nat_udp, dr_udp, nat_tcp, dr_tcp):
    """paths IF DMAC CLIENT VIP NAT_UDP DR_UDP NAT_TCP DR_TCP: crafted
    packets whose fate is known. IP options, UDP checksum 0 and a datagram
    sent in fragments reach the server and come back; a bad TCP or UDP
    checksum must stay bad through NAT (incremental update), so the server
    drops it and nothing comes back."""
    pr = Probes(Link(ifname, dmac), ifname, cip, vip)
    ports = {"NAT": (int(nat_udp), int(nat_tcp)), "DR": (int(dr_udp), int(dr_tcp))}
    data = b"abuse-" + os.urandom(8).hex().encode()
    big = data * (3000 // len(data))
    for fwd, (up, tp) in ports.items():
        for oname, opts in (("record-route", OPT_RR), ("timestamp", OPT_TS),
                            ("40 bytes of NOP", OPT_NOP)):
            pr.udp_probe("UDP with IP option %s through %s is echoed"
                         % (oname, fwd), True, up, data, lambda s: [
                             ip(cip, vip, UDP, udp(cip, vip, s, up, data),
                                opts=opts)])
            pr.syn_probe("TCP SYN with IP option %s through %s is answered"
                         % (oname, fwd), True, tp, lambda s: [
                             ip(cip, vip, TCP, tcp(cip, vip, s, tp, SYN),
                                opts=opts)])
        pr.udp_probe("UDP with checksum 0 through %s is echoed" % fwd, True,
                     up, data, lambda s: [
                         ip(cip, vip, UDP, udp(cip, vip, s, up, data, check=0))])
        pr.udp_probe("UDP with a bad checksum through %s stays bad (not "
                     "echoed)" % fwd, False, up, data, lambda s: [
                         ip(cip, vip, UDP, udp(cip, vip, s, up, data,
                                               check="bad"))])
        pr.syn_probe("TCP SYN with a bad checksum through %s stays bad (not "
                     "answered)" % fwd, False, tp, lambda s: [
                         ip(cip, vip, TCP, tcp(cip, vip, s, tp, SYN,
                                               check="bad"))])
        # 3000 bytes in fragments, last first: reassembled before vs; the
        # server's fragmented echo is reassembled by vs (NAT) and
        # fragmented again toward the client.
        pr.udp_probe("a UDP datagram sent in fragments, last first, through "
                     "%s is echoed whole (%d bytes)" % (fwd, len(big)), True,
                     up, big, lambda s: list(reversed(frags(
                         cip, vip, UDP, udp(cip, vip, s, up, big), 1200,
                         ident=s))))
    pr.wait(4.0)
    pr.judge()


def setns(name):
    """Enter network namespace NAME (ip netns's); sockets made afterwards
    live there, and stay there when the process moves on."""
    import ctypes
    libc = ctypes.CDLL(None, use_errno=True)
    fd = os.open("/run/netns/" + name, os.O_RDONLY)
    if libc.setns(fd, 0x40000000) != 0:     # CLONE_NEWNET
        raise OSError(ctypes.get_errno(), "setns " + name)
    os.close(fd)


def cmd_udp_echo(*specs):
    """udp-echo NS:ADDR:PORT,PORT... ...: echo every datagram, on sockets
    in several namespaces, from one process: Python takes seconds to start
    under TCG, and socat forks a process per datagram."""
    socks = []
    for spec in specs:
        ns, addr, ports = spec.split(":")
        setns(ns)
        for p in ports.split(","):
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((addr, int(p)))
            socks.append(s)
    print("ready", flush=True)
    while True:
        for s in select.select(socks, [], [])[0]:
            try:
                data, peer = s.recvfrom(65536)
                s.sendto(data, peer)
            except OSError:
                pass


def cmd_udp_ask(vip, when, *specs):
    """udp-ask VIP WHEN PORT=NAME...: one datagram to each VIP:PORT at
    once; each must come back (three tries, 3 s each)."""
    socks = {}
    for spec in specs:
        port, name = spec.split("=", 1)
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.connect((vip, int(port)))
        socks[s] = (name, ("%s-%s" % (when, port)).encode(), [False])
    for _ in range(3):
        for s, (name, msg, done) in socks.items():
            if not done[0]:
                s.send(msg)
        end = time.time() + 3
        while time.time() < end and not all(d[0] for _, _, d in socks.values()):
            for s in select.select(list(socks), [], [], end - time.time())[0]:
                try:
                    if s.recv(65536) == socks[s][1]:
                        socks[s][2][0] = True
                except OSError:
                    pass
        if all(d[0] for _, _, d in socks.values()):
            break
    for name, msg, done in socks.values():
        say(done[0], "%s: %s echoes" % (when, name))


# --- live connections ---------------------------------------------------------------


def cmd_udp_flows(vip, *flows):
    """udp-flows VIP VPORT:CPORT...: a UDP flow to each VIP:VPORT from
    client port CPORT (0: any), each echoed once; prints "flow VPORT CPORT"
    for each. The sockets close, the connections stay in the table."""
    for f in flows:
        vport, cport = (int(x) for x in f.split(":"))
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind(("", cport))
        s.settimeout(3)
        for _ in range(3):
            s.sendto(b"hello", (vip, vport))
            try:
                s.recvfrom(65536)
                print("flow %d %d" % (vport, s.getsockname()[1]), flush=True)
                break
            except OSError:
                pass
        s.close()


def cmd_tcp_live(ifname, dmac, cip, vip, vport, count):
    """tcp-live IF DMAC CLIENT VIP PORT COUNT: a TCP echo connection that
    must keep echoing through forged resets on its tuple: print "port N",
    echo every 0.2 s until a line comes on stdin (the real server's side
    storms meanwhile), then COUNT resets from the client's side in bursts,
    an echo after each. Like IPVS, vs takes a reset at its word (the entry
    goes to CLOSE, 10 s) but traffic keeps the entry, and the endpoints
    ignore resets out of their window: the connection lives on."""
    s = socket.create_connection((vip, int(vport)), timeout=10)
    link = Link(ifname, dmac)
    port, errors, n = s.getsockname()[1], [], 0

    def echo():
        nonlocal n
        n += 1
        msg = b"ping%d\n" % n
        try:
            s.sendall(msg)
            got = b""
            while len(got) < len(msg):
                part = s.recv(100)
                if not part:
                    break
                got += part
        except OSError as e:
            got = str(e).encode()
        if got != msg:
            errors.append("echo %d: %r" % (n, got))
        return got == msg
    echo()
    print("port %d" % port, flush=True)
    while not select.select([sys.stdin], [], [], 0.2)[0]:
        if not echo():
            break
    sys.stdin.readline()
    burst = max(1, int(count) // 10)
    for _ in range(10):
        if errors:
            break
        rst_storm(link, cip, vip, port, int(vport), burst)
        echo()
    say(not errors and n > 11, "the live TCP connection to %s:%s echoes all "
        "through RST storms (%d echoes)" % (vip, vport, n), *errors)


def rst_storm(link, src, dst, sport, dport, count):
    """Resets (and RST+ACKs) with random sequence numbers on one tuple:
    out of the window, so the endpoints ignore them; vs must not end the
    connection on their account."""
    for i in range(count):
        fl = RST if i % 2 else RST | ACK
        link.send(ip(src, dst, TCP, tcp(src, dst, sport, dport, fl,
                                        seq=random.getrandbits(32),
                                        ack=random.getrandbits(32))))


def cmd_rst_storm(ifname, dmac, src, dst, sport, dport, count):
    """rst-storm IF DMAC SRC DST SPORT DPORT COUNT: forged resets on one
    connection's tuple (the real server's side of tcp-live)."""
    rst_storm(Link(ifname, dmac), src, dst, int(sport), int(dport), int(count))


# --- ICMP errors ---------------------------------------------------------------------

ERRORS = (("port unreachable", 3, 3, 0), ("fragmentation needed", 3, 4, 1280),
          ("time exceeded", 11, 0, 0), ("parameter problem", 12, 0, 20 << 24),
          ("source quench", 4, 0, 0))


def quoted(src, dst, proto, sport, dport, **kw):
    """The start of a packet as an ICMP error quotes it: IP header and
    the first 8 bytes of TCP or UDP."""
    if proto == UDP:
        l4 = udp(src, dst, sport, dport, b"abcdefgh")[:8]
    else:
        l4 = tcp(src, dst, sport, dport, ACK, seq=1234)[:8]
    return ip(src, dst, proto, l4, tot_len=kw.pop("tot_len", 60), **kw)


def icmp_probes(psrc, pdst, qsrc, qdst, qsport, qdport, proto, tag0):
    """The ICMP errors sent about one flow, sent by psrc to pdst, quoting
    qsrc:qsport -> qdst:qdport. Yields (tag, name, kind, packet)."""
    tag = tag0

    def outer(name, kind, msg, **kw):
        nonlocal tag
        tag += 1
        return tag, name, kind, ip(psrc, pdst, ICMP, msg, ident=tag, **kw)
    q = quoted(qsrc, qdst, proto, qsport, qdport)
    for name, t, c, rest in ERRORS:
        yield outer(name, "xlat", icmp(t, c, q, rest))
    yield outer("port unreachable quoting IP options", "xlat",
                icmp(3, 3, quoted(qsrc, qdst, proto, qsport, qdport,
                                  opts=OPT_NOP[:8])))
    yield outer("port unreachable with a bad ICMP checksum", "no-valid-xlat",
                icmp(3, 3, q, check="bad"))
    yield outer("time exceeded with a bad ICMP checksum", "no-valid-xlat",
                icmp(11, 0, q, check="bad"))
    # A quoted fragment at offset 64: its first bytes are payload, here
    # made to look like the flow's ports.
    frag = ip(qsrc, qdst, proto, struct.pack("!HH", qsport, qdport) + b"\0" * 4,
              frag=64, tot_len=60)
    yield outer("quoting a fragment at offset 64", "untouched",
                icmp(3, 3, frag))
    # ihl 0 (version 0): the "ports" would be the header's own first bytes,
    # version/ihl+tos and total length, made to match the flow.
    hdr0 = bytearray(ip(qsrc, qdst, proto, b"\0" * 8, ihl=0, version=0))
    struct.pack_into("!HH", hdr0, 0, qsport, qdport)
    yield outer("quoting an IP header with ihl 0", "untouched",
                icmp(3, 3, bytes(hdr0)))
    hdr1 = bytearray(ip(qsrc, qdst, proto, b"\0" * 8, ihl=1))
    struct.pack_into("!HH", hdr1, 4, qsport, qdport)
    yield outer("quoting an IP header with ihl 1", "untouched",
                icmp(11, 0, bytes(hdr1)))
    yield outer("quoting 12 bytes of IP header", "untouched",
                icmp(3, 3, q[:12]))
    yield outer("quoting a header without its ports", "untouched",
                icmp(3, 3, q[:22]))
    yield outer("quoting an ihl of 15 past the end", "untouched",
                icmp(3, 3, bytearray([0x4f]) + q[1:]))
    yield outer("quoting garbage", "untouched", icmp(3, 1, os.urandom(28)))
    yield outer("quoting nothing", "untouched", icmp(3, 3, b""))
    yield outer("echo request to the VIP", "untouched", icmp(8, 0, b"ping"))


def send_probes(link, way, psrc, pdst, qsrc, qdst, qsport, qdport, tag0):
    for tag, name, kind, pkt in icmp_probes(psrc, pdst, qsrc, qdst, qsport,
                                            qdport, UDP, tag0):
        link.send(pkt)
        emit(way=way, tag=tag, name=name, kind=kind, pkt=pkt.hex())
    return tag


def cmd_icmp_client(ifname, dmac, cip, vip, nat_vport, nat_cport, dr_vport,
                    dr_cport):
    """icmp-client IF DMAC CLIENT VIP NAT_VPORT NAT_CPORT DR_VPORT DR_CPORT:
    the client's ICMP errors about the replies VIP -> client of a NAT flow
    ("in") and of a DR flow ("dr"); a manifest line for each."""
    link = Link(ifname, dmac)
    send_probes(link, "in", cip, vip, vip, cip, int(nat_vport),
                int(nat_cport), 0xa000)
    send_probes(link, "dr", cip, vip, vip, cip, int(dr_vport), int(dr_cport),
                0xb000)


def cmd_icmp_server(ifname, dmac, rip, cip, rport, cport):
    """icmp-server IF DMAC RIP CLIENT RPORT CPORT: a NAT real server's ICMP
    errors about client -> RIP packets ("out"), one also in three
    fragments, then fragments of replies that never make a datagram (lone
    first, middle, last; overlapping); a manifest line for each."""
    link = Link(ifname, dmac)
    rport, cport = int(rport), int(cport)
    tag = send_probes(link, "out", rip, cip, cip, rip, cport, rport, 0xc000)
    tag += 1
    msg = icmp(3, 3, quoted(cip, rip, UDP, cport, rport))
    for p in frags(rip, cip, ICMP, msg, 16, ident=tag):
        link.send(p)
    emit(way="out", tag=tag, name="port unreachable sent in three fragments",
         kind="xlat", pkt=ip(rip, cip, ICMP, msg, ident=tag).hex())
    d = udp(rip, cip, rport, cport, b"F" * 200)
    parts = {
        "lone first fragment": lambda t: [ip(rip, cip, UDP, d[:64], ident=t,
                                             mf=True)],
        "lone middle fragment": lambda t: [ip(rip, cip, UDP, d[64:128],
                                              ident=t, frag=64, mf=True)],
        "lone last fragment": lambda t: [ip(rip, cip, UDP, d[128:], ident=t,
                                            frag=128)],
        "overlapping fragments": lambda t: [
            ip(rip, cip, UDP, d[:96], ident=t, mf=True),
            ip(rip, cip, UDP, d[64:], ident=t, frag=64)],
    }
    for name, build in parts.items():
        tag += 1
        for p in build(tag):
            link.send(p)
        emit(way="out", tag=tag, name="reply: " + name, kind="absent", pkt="")


def read_pcap(path):
    """The IP packets of an Ethernet pcap file, fragments put together by
    (source, IP id): the director may send a reassembled packet on in its
    original fragments' sizes (frag_max_size)."""
    data = open(path, "rb").read()
    if len(data) < 24:
        return []
    magic = struct.unpack_from("<I", data)[0]
    end = "<" if magic in (0xa1b2c3d4, 0xa1b23c4d) else ">"
    off, out, parts = 24, [], {}
    while off + 16 <= len(data):
        incl = struct.unpack_from(end + "IIII", data, off)[2]
        frame = data[off + 16:off + 16 + incl]
        off += 16 + incl
        if len(frame) < 34 or struct.unpack_from("!H", frame, 12)[0] != ETH_P_IP:
            continue
        p = frame[14:]
        fo = struct.unpack_from("!H", p, 6)[0]
        if fo & 0x3fff:
            parts.setdefault((p[12:16], p[4:6]), []).append(p)
        else:
            out.append(p)
    for frs in parts.values():
        frs.sort(key=lambda p: struct.unpack_from("!H", p, 6)[0] & 0x1fff)
        hl = (frs[0][0] & 15) * 4
        body = b""
        for p in frs:
            at = (struct.unpack_from("!H", p, 6)[0] & 0x1fff) * 8
            h = (p[0] & 15) * 4
            body = body[:at] + p[h:struct.unpack_from("!H", p, 2)[0]]
        whole = bytearray(frs[0][:hl] + body)
        struct.pack_into("!H", whole, 2, len(whole))   # id (the tag) kept
        struct.pack_into("!H", whole, 6, 0)
        out.append(bytes(whole))
    return out


def icmp_view(p):
    """What a judge looks at in an ICMP error: outer and quoted addresses
    and ports, and whether the ICMP and quoted IP checksums hold."""
    hl = (p[0] & 15) * 4
    m = p[hl:struct.unpack_from("!H", p, 2)[0]]
    inner = m[8:]
    v = {"src": socket.inet_ntoa(p[12:16]), "dst": socket.inet_ntoa(p[16:20]),
         "msg": m, "icmp_ok": csum(m) == 0}
    if len(inner) >= 20:
        ihl = (inner[0] & 15) * 4
        v.update(isrc=socket.inet_ntoa(inner[12:16]),
                 idst=socket.inet_ntoa(inner[16:20]),
                 iip_ok=ihl >= 20 and len(inner) >= ihl and csum(inner[:ihl]) == 0)
        if ihl >= 20 and len(inner) >= ihl + 4:
            v["isport"], v["idport"] = struct.unpack_from("!HH", inner, ihl)
    return v


def tagged(pcap):
    seen = {}
    for p in read_pcap(pcap):
        seen.setdefault(struct.unpack_from("!H", p, 4)[0], []).append(p)
    return seen


def cmd_judge_icmp(path, to_rs, to_client, vip, rip, vport, rport):
    """judge-icmp MANIFEST TO_RS TO_CLIENT VIP RIP VPORT RPORT: what the
    director let out of the probes in MANIFEST. TO_RS and TO_CLIENT are
    captures of what left it toward the real servers and the client.
      in   the client's errors about VIP -> client (NAT), seen in TO_RS:
           translated, they are RIP -> client
      out  the real server's errors about client -> RIP, seen in TO_CLIENT:
           translated, they come from the VIP about client -> VIP
      dr   the client's errors about a DR flow, seen in TO_CLIENT (the
           same segment): passed to the server as they are
    and the kind of probe says what must be seen:
      xlat           translated (dr: passed as it is), checksums valid
      no-valid-xlat  never translated with a valid ICMP checksum (dr:
                     never passed on with one)
      untouched      if it comes out at all, untranslated: the ICMP bytes
                     and the source as sent (nothing mistaken for ports);
                     not judged for dr
      absent         nothing with its tag comes out"""
    caps = {"in": tagged(to_rs), "out": tagged(to_client)}
    caps["dr"] = caps["out"]
    vport, rport = int(vport), int(rport)
    want = {"in": dict(dst=rip, isrc=rip, isport=rport),
            "out": dict(src=vip, idst=vip, idport=vport),
            "dr": dict(dst=vip, isrc=vip)}
    keys = ("src", "dst", "isrc", "idst", "isport", "idport", "icmp_ok", "iip_ok")
    for m in manifest(path):
        way = m["way"]
        got = caps[way].get(int(m["tag"]), [])
        sent = icmp_view(bytes.fromhex(m["pkt"])) if m["pkt"] else None
        views = [icmp_view(p) for p in got if p[9] == ICMP]
        xlated = [v for v in views if all(v.get(k) == x for k, x in want[way].items())]
        if way == "dr":   # passed on, not translated
            xlated = [v for v in xlated if v["msg"] == sent["msg"]]
        what = "%s: %s" % (way, m["name"])
        if m["kind"] == "xlat":
            good = [v for v in xlated if v["icmp_ok"] and v["iip_ok"]]
            say(bool(good), what + (" is passed to the server as it is"
                                    if way == "dr" else
                                    " is translated with valid checksums"),
                *["came out: %s" % {k: v.get(k) for k in keys} for v in views])
        elif m["kind"] == "no-valid-xlat" and way == "dr":
            bad = [v for v in views if v["icmp_ok"]]
            say(not bad, what + " is not passed on with a valid checksum",
                *["came out: %s" % {k: v.get(k) for k in keys} for v in bad])
        elif m["kind"] == "no-valid-xlat":
            bad = [v for v in xlated if v["icmp_ok"]]
            say(not bad, what + " does not come out translated with a valid "
                "checksum", *["came out: %s" % {k: v.get(k) for k in keys}
                              for v in bad])
        elif m["kind"] == "untouched" and way == "dr":
            pass    # sent for the abuse: DR rewrites nothing to judge
        elif m["kind"] == "untouched":
            changed = [v for v in views if v["msg"] != sent["msg"] or
                       v["src"] != sent["src"]]
            say(not changed, what + " is not translated",
                *["came out as %s -> %s, ICMP %s" % (v["src"], v["dst"],
                                                     v["msg"][:36].hex())
                  for v in changed])
        elif m["kind"] == "absent":
            say(not got, what + " does not come out",
                "%d packets with its tag came out" % len(got))


# --- floods -----------------------------------------------------------------------


def fold(s):
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return s


def cmd_flood(ifname, dmac, kind, vip, vport, count, seconds="0"):
    """flood IF DMAC syn|udp VIP PORT COUNT [SECONDS]: COUNT SYNs or
    datagrams from random addresses of 198.18.0.0/15 and random ports;
    with SECONDS, keep sending for that long (COUNT per second at most).
    Prints the number sent."""
    link = Link(ifname, dmac)
    vport, count, seconds = int(vport), int(count), float(seconds)
    net = struct.unpack("!I", aton("198.18.0.0"))[0]
    # One packet from 0.0.0.0 port 0, its checksums without their complement;
    # each packet adds its source address and port (and TCP sequence) to
    # them: building every packet anew is too slow in Python under TCG.
    if kind == "syn":
        pkt = bytearray(ip("0.0.0.0", vip, TCP, tcp("0.0.0.0", vip, 0, vport, SYN,
                                                     seq=0)))
    else:
        pkt = bytearray(ip("0.0.0.0", vip, UDP, udp("0.0.0.0", vip, 0, vport,
                                                     b"flood")))
    l4sum_at = 20 + (16 if kind == "syn" else 6)
    ipsum = ~struct.unpack_from("!H", pkt, 10)[0] & 0xffff
    l4sum = ~struct.unpack_from("!H", pkt, l4sum_at)[0] & 0xffff

    def one():
        src = net + random.getrandbits(17)
        sport = random.randrange(1024, 65535)
        words = (src >> 16) + (src & 0xffff)
        struct.pack_into("!I", pkt, 12, src)
        struct.pack_into("!H", pkt, 20, sport)
        struct.pack_into("!H", pkt, 10, ~fold(ipsum + words) & 0xffff)
        extra = 0
        if kind == "syn":
            seq = random.getrandbits(32)
            struct.pack_into("!I", pkt, 24, seq)
            extra = (seq >> 16) + (seq & 0xffff)
        c = ~fold(l4sum + words + sport + extra) & 0xffff
        struct.pack_into("!H", pkt, l4sum_at, c or (0xffff if kind != "syn" else 0))
        return bytes(pkt)
    end = time.time() + seconds
    while True:
        start = time.time()
        for i in range(count):
            link.send(one())
            if i % 64 == 63:
                time.sleep(0.002)   # let the director's backlog drain
        if time.time() >= end:
            break
        time.sleep(max(0, 1 - (time.time() - start)))
    print(link.sent, flush=True)


def cmd_sample(stopfile):
    """sample STOPFILE: "first COUNT REFUSED" at once, then poll the
    connection count every 50 ms until STOPFILE exists and print "max N
    samples M last COUNT REFUSED"."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import vsnl
    g = vsnl.Genl()
    fam = g.family("vs")

    def info():
        replies, err, _, _ = g.request(fam, vsnl.CMDS["get_info"], b"", 0)
        vals = {}
        for _, nest in vsnl.attrs(replies[0][1]):
            for itype, data in vsnl.attrs(nest):
                vals[itype] = int.from_bytes(data, "little")
        return vals[vsnl.INFO["conn_count"]], vals[vsnl.INFO["conn_refused"]]
    count, refused = info()
    print("first %d %d" % (count, refused), flush=True)
    top, n = count, 1
    while True:     # and one sample after STOPFILE appears
        stop = os.path.exists(stopfile)
        count, refused = info()
        top, n = max(top, count), n + 1
        if stop:
            break
        time.sleep(0.05)
    print("max %d samples %d last %d %d" % (top, n, count, refused), flush=True)


# --- GSO -------------------------------------------------------------------------


def cmd_udp_gso(vip, segs, size, *ports):
    """udp-gso VIP SEGS SIZE PORT...: to each VIP:PORT one send of SEGS
    segments of SIZE bytes with UDP_SEGMENT; every segment must come back
    as its own echo."""
    segs, size = int(segs), int(size)
    payload = b"".join(b"%04d" % i + b"g" * (size - 4) for i in range(segs))
    socks = {}
    for port in ports:
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_UDP, UDP_SEGMENT, size)
        s.connect((vip, int(port)))
        s.send(payload)
        socks[s] = (port, set())
    end = time.time() + 5
    while time.time() < end and any(len(g) < segs for _, g in socks.values()):
        for s in select.select(list(socks), [], [], end - time.time())[0]:
            try:
                d = s.recv(65536)
            except OSError:
                continue
            if len(d) == size:
                socks[s][1].add(d[:4])
    for port, got in socks.values():
        say(len(got) == segs, "GSO: a UDP_SEGMENT send of %d x %d bytes to "
            "%s:%s comes back as %d echoes" % (segs, size, vip, port, segs),
            "%d came back" % len(got))


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    fn = globals().get("cmd_" + sys.argv[1].replace("-", "_"))
    if not fn:
        raise SystemExit("unknown command " + sys.argv[1])
    return fn(*sys.argv[2:]) or 0


if __name__ == "__main__":
    sys.exit(main())
