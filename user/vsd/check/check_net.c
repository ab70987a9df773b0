// SPDX-License-Identifier: GPL-2.0
/*
 * Network probes: a non-blocking socket walked through connect, send and
 * receive by the event loop, and a judge that decides as soon as the bytes
 * received allow (a literal expect fails at its first wrong byte, an HTTP
 * check at its status line), so a check holds its socket no longer than it
 * must.
 *
 *   connect  TCP: connect; with send, write it; with expect, read and match
 *            (literal prefix, or POSIX regex with use_regex). UDP: send a
 *            datagram, match the reply; an ICMP refusal fails; without
 *            expect, silence until connect_timeout passes.
 *   http     GET http_url HTTP/1.0; the status must be http_status, the
 *            body (first 16 KiB) must match http_regex if set.
 *   agent    connect to agent_port, read a line that starts with the
 *            1-minute load average (/proc/loadavg's format).
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "probe.h"

enum { CONNECTING, SENDING, READING };

#define EXPECT_BUF	4096
#define HTTP_BUF	16384
#define AGENT_BUF	512

/* ------------------------------------------------------------------ */
/* Matching                                                             */

/* Printable, quoted-safe excerpt of what a server said, for reasons. */
static void excerpt(const char *buf, size_t len, char *out, size_t outlen)
{
	size_t i, o = 0;

	for (i = 0; i < len && o + 5 < outlen; i++) {
		unsigned char c = (unsigned char)buf[i];

		if (c == '\r' || c == '\n' || c == '\t') {
			out[o++] = '\\';
			out[o++] = c == '\r' ? 'r' : c == '\n' ? 'n' : 't';
		} else {
			out[o++] = c >= ' ' && c < 0x7f && c != '\'' ? (char)c : '.';
		}
	}
	if (i < len && o + 3 < outlen) {
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
}

/* ------------------------------------------------------------------ */
/* The socket                                                           */

struct judge {
	/* 1 pass, 0 fail (probe_done called), -1 need more. */
	int (*fn)(struct probe *p, bool eof);
	size_t cap;
};

static int judge_expect(struct probe *p, bool eof);
static int judge_http(struct probe *p, bool eof);
static int judge_agent(struct probe *p, bool eof);

static void net_stop(struct probe *p)
{
	if (p->fd >= 0) {
		/* Close with a reset: no TIME_WAIT left behind on either side
		 * for thousands of checks a second.
		 */
		struct linger lg = { .l_onoff = 1, .l_linger = 0 };

		if (p->cc.protocol == IPPROTO_TCP)
			setsockopt(p->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
		loop_io_del(p->loop, &p->io);
		close(p->fd);
		p->fd = -1;
	}
	free(p->buf);
	free(p->req_own);
	p->buf = p->req_own = NULL;
	p->req = NULL;
	p->len = p->cap = p->sent = p->req_len = 0;
}

static bool wants_reply(const struct probe *p)
{
	return p->cc.type != VSD_CHECK_CONNECT ||
	       p->cc.protocol == IPPROTO_UDP || p->cc.expect_len;
}

static int judge(struct probe *p, bool eof)
{
	switch (p->cc.type) {
	case VSD_CHECK_HTTP:
		return judge_http(p, eof);
	case VSD_CHECK_AGENT:
		return judge_agent(p, eof);
	default:
		return judge_expect(p, eof);
	}
}

static void do_connected(struct probe *p)
{
	int err = 0;
	socklen_t len = sizeof(err);

	if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) == 0 && err) {
		probe_done(p, false, "connect: %s", strerror(err));
		return;
	}
	p->phase = SENDING;
}

/* false when the attempt ended. */
static bool do_send(struct probe *p)
{
	while (p->sent < p->req_len ||
	       (p->cc.protocol == IPPROTO_UDP && !p->sent && !p->req_len)) {
		ssize_t n = send(p->fd, p->req + p->sent, p->req_len - p->sent,
				 MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return true;
		if (n < 0) {
			probe_done(p, false, "send: %s", strerror(errno));
			return false;
		}
		p->sent += (size_t)n;
		if (!p->req_len)
			break;		/* the empty UDP datagram went out */
	}
	if (!wants_reply(p)) {
		probe_done(p, true, p->req_len ? "connected, sent" : "connected");
		return false;
	}
	p->phase = READING;
	loop_io_mod(p->loop, &p->io, EPOLLIN);
	return true;
}

static void do_read(struct probe *p)
{
	for (;;) {
		ssize_t n = recv(p->fd, p->buf + p->len, p->cap - p->len, 0);
		int r;

		if (n < 0 && errno == EAGAIN)
			return;
		if (n < 0) {
			probe_done(p, false, "%s", errno == ECONNREFUSED &&
				   p->cc.protocol == IPPROTO_UDP ?
				   "refused (ICMP port unreachable)" :
				   strerror(errno));
			return;
		}
		p->len += (size_t)n;
		p->buf[p->len] = '\0';
		/* A datagram is a whole answer; a full buffer is all we
		 * read. Given the end, judge() always decides.
		 */
		r = judge(p, !n || p->len == p->cap ||
			  p->cc.protocol == IPPROTO_UDP);
		if (r >= 0)
			return;
	}
}

static void on_io(struct loop_io *io, uint32_t events)
{
	struct probe *p = (struct probe *)((char *)io - offsetof(struct probe, io));

	(void)events;
	if (p->phase == CONNECTING) {
		do_connected(p);
		if (p->phase == CONNECTING)
			return;
	}
	if (p->phase == SENDING && !do_send(p))
		return;
	if (p->phase == READING && p->fd >= 0)
		do_read(p);
}

/* The server's socket address, of its family. */
static socklen_t server_sockaddr(const struct probe *p,
				 struct sockaddr_storage *ss)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (p->af == AF_INET6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(p->port);
		memcpy(&sin6->sin6_addr, p->addr.bytes, sizeof(sin6->sin6_addr));
		return sizeof(*sin6);
	}
	sin->sin_family = AF_INET;
	sin->sin_port = htons(p->port);
	sin->sin_addr.s_addr = p->addr.ip;
	return sizeof(*sin);
}

static void net_open(struct probe *p, size_t cap)
{
	struct sockaddr_storage sa;
	socklen_t salen = server_sockaddr(p, &sa);
	int type = p->cc.protocol == IPPROTO_UDP ? SOCK_DGRAM : SOCK_STREAM;
	bool reply = wants_reply(p);

	/* A plain connect check, the common one by far, reads nothing. */
	p->cap = reply ? cap : 0;
	p->buf = reply ? malloc(cap + 1) : NULL;
	if (reply && !p->buf) {
		probe_done(p, false, "out of memory");
		return;
	}
	p->fd = socket(sa.ss_family, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (p->fd < 0) {
		probe_done(p, false, "socket: %s", strerror(errno));
		return;
	}
	p->io.fd = p->fd;
	p->io.fn = on_io;
	p->phase = CONNECTING;
	if (connect(p->fd, (struct sockaddr *)&sa, salen) &&
	    errno != EINPROGRESS) {
		probe_done(p, false, "connect: %s", strerror(errno));
		return;
	}
	if (loop_io_add(p->loop, &p->io, EPOLLOUT)) {
		probe_done(p, false, "epoll: %s", strerror(errno));
		return;
	}
}

/* ------------------------------------------------------------------ */
/* connect, send/expect, UDP                                            */

static int judge_expect(struct probe *p, bool eof)
{
	char ex[64];
	int m = check_expect_match(p, p->buf, p->len);

	if (m == 1) {
		probe_done(p, true, "expect matched");
		return 1;
	}
	if (m < 0 && !eof)
		return -1;
	excerpt(p->buf, p->len, ex, sizeof(ex));
	if (m == 0 || p->len)
		probe_done(p, false, "expect: got '%s'", ex);
	else
		probe_done(p, false, "expect: closed without a reply");
	return 0;
}

static void net_start(struct probe *p)
{
	p->req = p->cc.send;
	p->req_len = p->cc.send_len;
	net_open(p, EXPECT_BUF);
}

/* UDP without expect: no refusal within connect_timeout is a pass. */
static bool net_timed_out(struct probe *p)
{
	return p->cc.protocol == IPPROTO_UDP && !p->cc.expect_len &&
	       p->phase == READING;
}

const struct probe_ops check_net_ops = {
	.start = net_start, .stop = net_stop, .timed_out = net_timed_out,
};

/* ------------------------------------------------------------------ */
/* HTTP                                                                 */

static int http_status(struct probe *p, const char *eol)
{
	char line[64], ex[64];
	unsigned int major, minor, status;
	size_t n = (size_t)(eol - p->buf);

	if (n >= sizeof(line))
		n = sizeof(line) - 1;
	memcpy(line, p->buf, n);
	line[n] = '\0';
	if (sscanf(line, "HTTP/%u.%u %u", &major, &minor, &status) != 3) {
		excerpt(p->buf, n, ex, sizeof(ex));
		probe_done(p, false, "http: bad status line '%s'", ex);
		return 0;
	}
	if (status != p->cc.http_status) {
		probe_done(p, false, "http: status %u (expected %u)", status,
			   p->cc.http_status);
		return 0;
	}
	return (int)status;
}

static int judge_http(struct probe *p, bool eof)
{
	const char *eol = memchr(p->buf, '\n', p->len), *body;
	int status;

	if (!eol) {
		if (!eof)
			return -1;
		probe_done(p, false, p->len ? "http: no status line" :
			   "http: closed without a reply");
		return 0;
	}
	status = http_status(p, eol);
	if (!status)
		return 0;
	if (!p->has_re) {
		probe_done(p, true, "http status %d", status);
		return 1;
	}
	body = memmem(p->buf, p->len, "\r\n\r\n", 4);
	if (body)
		body += 4;
	else if ((body = memmem(p->buf, p->len, "\n\n", 2)))
		body += 2;
	if (body && check_regex_match(&p->re, body,
				p->len - (size_t)(body - p->buf))) {
		probe_done(p, true, "http status %d, body matches", status);
		return 1;
	}
	if (!eof)
		return -1;
	probe_done(p, false, body ? "http: body does not match http_regex" :
		   "http: headers not complete");
	return 0;
}

static void http_start(struct probe *p)
{
	const char *open = p->af == AF_INET6 ? "[" : "";
	const char *close = p->af == AF_INET6 ? "]" : "";
	char host[300];

	/* An IPv6 literal in Host: goes in brackets (RFC 3986), port or not. */
	if (p->cc.http_host)
		snprintf(host, sizeof(host), "%s", p->cc.http_host);
	else if (p->port == 80)
		snprintf(host, sizeof(host), "%s%s%s", open, p->addr_str, close);
	else
		snprintf(host, sizeof(host), "%s%s%s:%u", open, p->addr_str,
			 close, p->port);
	if (asprintf(&p->req_own,
		     "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: vsd/%s\r\nConnection: close\r\n\r\n",
		     p->cc.http_url, host, VS_VERSION) < 0) {
		p->req_own = NULL;
		probe_done(p, false, "out of memory");
		return;
	}
	p->req = p->req_own;
	p->req_len = strlen(p->req_own);
	net_open(p, HTTP_BUF);
}

const struct probe_ops check_http_ops = {
	.start = http_start, .stop = net_stop,
};

/* ------------------------------------------------------------------ */
/* Load agent                                                           */

static int judge_agent(struct probe *p, bool eof)
{
	char ex[64], *end;
	double load;

	if (!memchr(p->buf, '\n', p->len) && !eof)
		return -1;
	load = strtod(p->buf, &end);
	if (end == p->buf || load < 0 || load > 1e6 ||
	    (*end && *end != ' ' && *end != '\n' && *end != '\r')) {
		excerpt(p->buf, p->len, ex, sizeof(ex));
		probe_done(p, false, "agent: no load average in '%s'", ex);
		return 0;
	}
	p->load = load;
	probe_done(p, true, "load %.2f", load);
	return 1;
}

static void agent_start(struct probe *p)
{
	net_open(p, AGENT_BUF);
}

const struct probe_ops check_agent_ops = {
	.start = agent_start, .stop = net_stop,
};
