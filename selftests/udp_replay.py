#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""udp_replay.py PCAP ADDR PORT: send the UDP payloads of a tcpdump -w
capture (Ethernet, IPv4) to ADDR:PORT, in order, from an ephemeral port of
this namespace: a captured datagram replayed, or reflected to its sender.
Prints how many were sent."""
import socket
import struct
import sys

path, addr, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
data = open(path, "rb").read()
magic = struct.unpack("<I", data[:4])[0]
endian = "<" if magic in (0xA1B2C3D4, 0xA1B23C4D) else ">"
off, sent = 24, 0
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
while off + 16 <= len(data):
    caplen = struct.unpack(endian + "I", data[off + 8:off + 12])[0]
    frame = data[off + 16:off + 16 + caplen]
    off += 16 + caplen
    if len(frame) < 14 + 20 or frame[12:14] != b"\x08\x00":
        continue
    ihl = (frame[14] & 0x0F) * 4
    if frame[14 + 9] != 17:
        continue
    udp = frame[14 + ihl:]
    length = struct.unpack(">H", udp[4:6])[0]
    s.sendto(udp[8:length], (addr, port))
    sent += 1
print(sent)
