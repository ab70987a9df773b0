#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Long-lived TCP flows through active-active directors, checked byte by byte.

aa_flows.py HOST PORT FLOWS SECONDS READY RESULT STOP

Opens FLOWS connections to HOST:PORT, one after the other. The server
(socat in front of "echo NAME; exec cat") first sends its name, then
echoes. Once every flow is open, READY gets one line per flow: "LOCALPORT
SERVERNAME". Then, until the file STOP exists (the test's moves are
done) or SECONDS have passed, each flow sends a chunk of random bytes
every 0.2 s and reads it back; a byte that differs, a reset or a stall of
more than 60 s ends that flow as failed. At the end each flow half-closes,
reads the rest of its echo and must see the server close after it. RESULT
gets one line per flow: "LOCALPORT SERVERNAME ok|fail BYTES [WHY]".
A flow that ECMP moves to another director whose vs chose another server
would meet that server's reset: so "ok" also means "never changed server".
"""

import os
import selectors
import socket
import sys
import time

CHUNK = 512
PERIOD = 0.2
STALL = 60.0


class Flow:
    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=30)
        self.port = self.sock.getsockname()[1]
        self.name = self._line()
        self.sock.setblocking(False)
        self.sent = bytearray()
        self.got = 0
        self.why = None
        self.closing = False
        self.done = False
        self.last = time.monotonic()

    def _line(self):
        data = b""
        while not data.endswith(b"\n"):
            b = self.sock.recv(1)
            if not b:
                raise OSError("closed before its name")
            data += b
        return data.decode().strip()

    def send(self):
        chunk = os.urandom(CHUNK)
        self.sent += chunk
        try:
            self.sock.sendall(chunk)
        except BlockingIOError:
            pass  # the echo is behind; the bytes wait in our buffer
        except OSError as e:
            self.fail("send: %s" % e)

    def readable(self):
        try:
            data = self.sock.recv(65536)
        except BlockingIOError:
            return
        except OSError as e:
            self.fail("recv: %s" % e)
            return
        if not data:
            if not self.closing or self.got != len(self.sent):
                self.fail("closed by the server after %d bytes" % self.got)
            else:
                self.done = True
            return
        want = self.sent[self.got:self.got + len(data)]
        if bytes(want) != data:
            self.fail("bytes differ at %d" % self.got)
            return
        self.got += len(data)
        self.last = time.monotonic()

    def fail(self, why):
        if self.why is None:
            self.why = why
        self.done = True


def main():
    host, port, nflows, secs, ready, result, stop = sys.argv[1:8]
    flows = []
    for _ in range(int(nflows)):
        flows.append(Flow(host, int(port)))
    with open(ready + ".tmp", "w") as f:
        for fl in flows:
            f.write("%d %s\n" % (fl.port, fl.name))
    os.rename(ready + ".tmp", ready)

    sel = selectors.DefaultSelector()
    for fl in flows:
        sel.register(fl.sock, selectors.EVENT_READ, fl)
    end = time.monotonic() + float(secs)
    next_send = time.monotonic()
    while True:
        now = time.monotonic()
        live = [fl for fl in flows if not fl.done]
        if not live:
            break
        if now >= end or os.path.exists(stop):
            for fl in live:
                if not fl.closing:
                    fl.closing = True
                    try:
                        fl.sock.shutdown(socket.SHUT_WR)
                    except OSError as e:
                        fl.fail("shutdown: %s" % e)
        elif now >= next_send:
            for fl in live:
                fl.send()
            next_send = now + PERIOD
        for fl in live:
            if now - fl.last > STALL and fl.got < len(fl.sent):
                fl.fail("stalled at %d of %d bytes" % (fl.got, len(fl.sent)))
        for key, _ in sel.select(timeout=0.05):
            fl = key.data
            if not fl.done:
                fl.readable()
    with open(result + ".tmp", "w") as f:
        for fl in flows:
            ok = fl.why is None and fl.got == len(fl.sent)
            f.write("%d %s %s %d%s\n" % (fl.port, fl.name,
                                        "ok" if ok else "fail", fl.got,
                                        "" if ok else " " + (fl.why or "short")))
    os.rename(result + ".tmp", result)


if __name__ == "__main__":
    main()
