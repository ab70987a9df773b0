#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# vsd_listeners.py N PORT: N TCP listeners on 127.77.x.y:PORT (x, y from
# the index), accepting and closing every connection, for vsd's scale test.
# Prints "ready" once all listen; runs until killed.
import selectors
import socket
import sys


def addr(i):
    return "127.77.%d.%d" % (i // 250, i % 250 + 1)


def main():
    n, port = int(sys.argv[1]), int(sys.argv[2])
    sel = selectors.DefaultSelector()
    for i in range(n):
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((addr(i), port))
        s.listen(64)
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    print("ready", flush=True)
    while True:
        for key, _ in sel.select():
            try:
                c, _ = key.fileobj.accept()
                c.close()
            except OSError:
                pass


main()
