#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A small HTTP client for vsd_web_host.sh, one request per run.

vsd_web_client.py [options] URL METHOD PATH [BODY]

Prints the status code on the first line, then the body. A jar file keeps
the session between runs: the cookie vsd set and the CSRF token of the
login answer. Options:
  --jar FILE      read the cookie from FILE; a login answer writes it
  --csrf          send the jar's CSRF token (X-CSRF-Token)
  --token T       send T as the CSRF token instead
  --origin O      send Origin: O
  --type T        Content-Type of BODY (default application/json)
  --src IP        connect from this local address (allow list tests)
  --body-file F   send the contents of F as the body
  --header NAME   print this response header instead of the body
  --until CODE    send the request again, on a new connection, until the
                  answer is CODE (at most --repeat times, default 100);
                  print the last answer
"""
import argparse
import http.client
import json
import ssl
import sys
import urllib.parse


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--jar')
    ap.add_argument('--csrf', action='store_true')
    ap.add_argument('--token')
    ap.add_argument('--origin')
    ap.add_argument('--type', default='application/json')
    ap.add_argument('--src')
    ap.add_argument('--header')
    ap.add_argument('--until', type=int)
    ap.add_argument('--repeat', type=int, default=100)
    ap.add_argument('url')
    ap.add_argument('method')
    ap.add_argument('path')
    ap.add_argument('--body-file')
    ap.add_argument('body', nargs='?')
    a = ap.parse_args()

    u = urllib.parse.urlsplit(a.url)
    src = (a.src, 0) if a.src else None
    jar = {}
    if a.jar:
        try:
            with open(a.jar) as f:
                jar = json.load(f)
        except (OSError, ValueError):
            jar = {}
    headers = {}
    if jar.get('cookie'):
        headers['Cookie'] = jar['cookie']
    if a.csrf and jar.get('csrf'):
        headers['X-CSRF-Token'] = jar['csrf']
    if a.token:
        headers['X-CSRF-Token'] = a.token
    if a.origin:
        headers['Origin'] = a.origin
    body = a.body.encode() if a.body is not None else None
    if a.body_file:
        body = open(a.body_file, 'rb').read()
    if body is not None:
        headers['Content-Type'] = a.type
    for _ in range(a.repeat if a.until else 1):
        if u.scheme == 'https':
            ctx = ssl.create_default_context()
            ctx.check_hostname = False
            ctx.verify_mode = ssl.CERT_NONE      # the test's own certificate
            conn = http.client.HTTPSConnection(u.hostname, u.port, timeout=20,
                                               source_address=src, context=ctx)
        else:
            conn = http.client.HTTPConnection(u.hostname, u.port, timeout=20,
                                              source_address=src)
        conn.request(a.method, a.path, body=body, headers=headers)
        r = conn.getresponse()
        data = r.read().decode(errors='replace')
        conn.close()
        if r.status == a.until:
            break
    cookie = r.getheader('Set-Cookie')
    if a.jar and cookie and a.path == '/api/login' and r.status == 200:
        jar = {'cookie': cookie.split(';')[0], 'csrf': json.loads(data)['csrf']}
        with open(a.jar, 'w') as f:
            json.dump(jar, f)
    print(r.status)
    if a.header:
        print(r.getheader(a.header) or '')
    else:
        sys.stdout.write(data)


if __name__ == '__main__':
    main()
