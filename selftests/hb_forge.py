#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""hb_forge.py KEYFILE ADDR PORT KIND: send one heartbeat to ADDR:PORT as
the primary director would, but wrong: KIND is "forged" (another key),
"replayed" (sequence 1, long since passed), "stale" (an hour old), or
"good" (right key, current clock and sequence; it echoes no nonce, so the
receiver takes it as unfresh). Layout and keys: user/vsd/failover/hb.c."""
import hashlib
import hmac
import socket
import struct
import sys
import time

keyfile, addr, port, kind = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
shared = open(keyfile, "rb").read().rstrip(b"\r\n")
if kind == "forged":
    shared = b"not-the-key-of-these-directors"
key = hmac.new(shared, b"vsd heartbeat from the primary", hashlib.sha256).digest()
now = int(time.time() * 1e6)
seq = {"replayed": 1}.get(kind, now + 10**9)
t = {"stale": now - 3600 * 10**6}.get(kind, now)
body = (b"VSHB" + bytes([2, 0, 1, 1]) + struct.pack(">QQQ", seq, t, 1) +
        bytes(32) + struct.pack(">QQ", 0x5EED, 0))
mac = hmac.new(key, body, hashlib.sha256).digest()
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(body + mac, (addr, port))
