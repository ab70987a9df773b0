// SPDX-License-Identifier: GPL-2.0
/*
 * connrate ADDR PORT SECONDS CONCURRENCY
 *
 * ADDR is an IPv4 or an IPv6 address.
 *
 * Short TCP connections as fast as they complete: CONCURRENCY connections
 * in flight, each one connect, "GET / HTTP/1.0" with Connection: close,
 * read the answer to the end (the server closes), close; then the next.
 * After SECONDS it prints
 *
 *	conns=N errors=E seconds=S
 *
 * N counts connections whose whole answer (an HTTP 200) arrived within
 * the time; E counts refused, reset, timed-out or wrong answers.
 * Used by scripts/bench/guest for the new-connections-per-second row.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAXC 256
#define CONN_TIMEOUT_NS 5000000000LL

static const char req[] = "GET / HTTP/1.0\r\nHost: vs\r\nConnection: close\r\n\r\n";

struct conn {
	int fd;
	int sent;		/* request written */
	int got;		/* answer bytes so far */
	char head[16];		/* the start of the answer */
	long long start;
};

static struct sockaddr_storage dst;
static socklen_t dst_len;
static int ep;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int start(struct conn *c)
{
	struct epoll_event ev = { .events = EPOLLOUT, .data.ptr = c };

	c->fd = socket(dst.ss_family, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (c->fd < 0)
		return -1;
	c->sent = 0;
	c->got = 0;
	c->start = now_ns();
	if (connect(c->fd, (struct sockaddr *)&dst, dst_len) < 0 &&
	    errno != EINPROGRESS) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
		close(c->fd);
		c->fd = -1;
		return -1;
	}
	return 0;
}

static void stop(struct conn *c)
{
	epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
	close(c->fd);
	c->fd = -1;
}

/* 1: finished well, -1: failed, 0: in progress. */
static int step(struct conn *c)
{
	char buf[4096];
	ssize_t n;

	if (!c->sent) {
		int err = 0;
		socklen_t len = sizeof(err);
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };

		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err)
			return -1;
		if (write(c->fd, req, sizeof(req) - 1) != sizeof(req) - 1)
			return -1;
		c->sent = 1;
		epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
		return 0;
	}
	for (;;) {
		n = read(c->fd, buf, sizeof(buf));
		if (n > 0) {
			if (c->got < (int)sizeof(c->head)) {
				int k = sizeof(c->head) - c->got;

				memcpy(c->head + c->got, buf, n < k ? n : k);
			}
			c->got += n;
			continue;
		}
		if (n == 0)
			return c->got >= 12 && !memcmp(c->head + 8, " 200", 4) &&
			       !memcmp(c->head, "HTTP/1.", 7) ? 1 : -1;
		return errno == EAGAIN ? 0 : -1;
	}
}

static int parse_dst(const char *addr, int port)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)&dst;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&dst;

	memset(&dst, 0, sizeof(dst));
	if (inet_pton(AF_INET, addr, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons(port);
		dst_len = sizeof(*sin);
		return 0;
	}
	if (inet_pton(AF_INET6, addr, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons(port);
		dst_len = sizeof(*sin6);
		return 0;
	}
	return -1;
}

int main(int argc, char **argv)
{
	static struct conn conns[MAXC];
	struct epoll_event evs[MAXC];
	long long t0, end, t;
	long ok = 0, errors = 0;
	int i, n, conc, inflight = 0;

	if (argc != 5) {
		fprintf(stderr, "usage: connrate ADDR PORT SECONDS CONCURRENCY\n");
		return 2;
	}
	if (parse_dst(argv[1], atoi(argv[2])) < 0) {
		fprintf(stderr, "connrate: bad address %s\n", argv[1]);
		return 2;
	}
	conc = atoi(argv[4]);
	if (conc < 1 || conc > MAXC) {
		fprintf(stderr, "connrate: concurrency 1..%d\n", MAXC);
		return 2;
	}
	ep = epoll_create1(0);
	if (ep < 0) {
		perror("epoll_create1");
		return 1;
	}
	t0 = now_ns();
	end = t0 + (long long)(atof(argv[3]) * 1e9);
	for (i = 0; i < conc; i++) {
		if (start(&conns[i]) == 0)
			inflight++;
		else
			errors++;
	}
	while (inflight && (t = now_ns()) < end) {
		int ms = (end - t) / 1000000 + 1;

		n = epoll_wait(ep, evs, MAXC, ms > 100 ? 100 : ms);
		t = now_ns();
		for (i = 0; i < n; i++) {
			struct conn *c = evs[i].data.ptr;
			int r = step(c);

			if (!r)
				continue;
			stop(c);
			inflight--;
			if (t > end)
				continue;
			if (r > 0)
				ok++;
			else
				errors++;
			if (start(c) == 0)
				inflight++;
			else
				errors++;
		}
		/* A connection stuck for seconds (a lost SYN) counts as an error. */
		for (i = 0; i < conc; i++) {
			struct conn *c = &conns[i];

			if (c->fd >= 0 && t - c->start > CONN_TIMEOUT_NS) {
				stop(c);
				inflight--;
				errors++;
				if (start(c) == 0)
					inflight++;
			}
		}
	}
	printf("conns=%ld errors=%ld seconds=%.3f\n", ok, errors,
	       (now_ns() - t0) / 1e9);
	return 0;
}
