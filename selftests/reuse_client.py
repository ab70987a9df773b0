#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""reuse_client.py VIP PORT COUNT NPORTS: COUNT sequential HTTP/1.0
requests from NPORTS fixed client ports in turn (the server closes first,
so each port comes back while the director still has the previous
connection in TIME_WAIT). Prints "ok N slowest_ms servers_per_port" (the
fewest distinct servers, by the name in the reply body, any port reached)
or the first error."""
import socket
import sys
import time

vip, port, count, nports = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    int(sys.argv[4])
slowest = 0.0
seen = {}
for i in range(count):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("", 41000 + i % nports))
    start = time.monotonic()
    s.settimeout(10)
    try:
        s.connect((vip, port))
        s.sendall(b"GET / HTTP/1.0\r\n\r\n")
        data = b""
        while True:
            chunk = s.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError as e:
        print("error at %d: %s" % (i, e))
        sys.exit(1)
    s.close()
    slowest = max(slowest, time.monotonic() - start)
    if b" 200 " not in data.split(b"\r\n", 1)[0]:
        print("error at %d: bad reply %r" % (i, data[:40]))
        sys.exit(1)
    seen.setdefault(i % nports, set()).add(data.split(b"\r\n\r\n", 1)[1])
print("ok %d %.0f %d" % (count, slowest * 1000,
                         min(len(v) for v in seen.values())))
