// SPDX-License-Identifier: GPL-2.0
/*
 * checklisten PORT INTERVAL_MS
 *
 * The real servers of the health-check row: one TCP listener on
 * 0.0.0.0:PORT in a namespace that holds every real server's address, so
 * it accepts the checks made to all of them. Each accepted connection is
 * one check of the address it was made to (getsockname), stamped with
 * CLOCK_MONOTONIC when accepted; the socket stays open until the checker
 * closes it (as a real server's would), so the checker's side keeps the
 * TIME_WAIT. The addresses must lie in one /16: the low 16 bits index
 * them.
 *
 * Signals make the measurement window:
 *   SIGUSR1  start a window (forget what came before)
 *   SIGUSR2  end it: print one line
 *
 *	checks=N secs=S addrs=A intervals=M mean_int_ms=X mean_dev_ms=D
 *	p99_dev_ms=P max_dev_ms=Q min_per_addr=L max_per_addr=H
 *
 *   N checks (accepts) in S seconds to A distinct addresses; M intervals
 *   between two successive checks of one address, both in the window,
 *   their mean, and their absolute deviation from INTERVAL_MS (mean, 99th
 *   percentile, max); the fewest and most checks of one address seen.
 *   SIGTERM, SIGINT  exit.
 *
 * Used by scripts/bench/health.sh. One thread, one epoll loop: under TCG
 * a scripted listener would be the bottleneck.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NADDR 65536
#define BUCKET_NS 100000LL		/* deviation histogram: 0.1 ms buckets */
#define NBUCKET 1000000			/* up to 100 s */

static long long last[NADDR];		/* last check of each address, ns */
static unsigned int count[NADDR];	/* its checks in the window */
static unsigned int hist[NBUCKET + 1];

static long long win_start;
static long long checks, intervals, sum_int, sum_dev, max_dev;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void window_start(void)
{
	memset(count, 0, sizeof(count));
	memset(hist, 0, sizeof(hist));
	checks = intervals = sum_int = sum_dev = max_dev = 0;
	win_start = now_ns();
}

static void window_end(void)
{
	long long secs = now_ns() - win_start, acc = 0, p99 = -1;
	unsigned int lo = ~0U, hi = 0, addrs = 0;
	int i;

	for (i = 0; i < NADDR; i++) {
		if (!count[i])
			continue;
		addrs++;
		if (count[i] < lo)
			lo = count[i];
		if (count[i] > hi)
			hi = count[i];
	}
	for (i = 0; i <= NBUCKET && intervals; i++) {
		acc += hist[i];
		if (acc * 100 >= intervals * 99) {
			p99 = i;
			break;
		}
	}
	printf("checks=%lld secs=%.3f addrs=%u intervals=%lld mean_int_ms=%.3f "
	       "mean_dev_ms=%.3f p99_dev_ms=%.2f max_dev_ms=%.2f "
	       "min_per_addr=%u max_per_addr=%u\n",
	       checks, secs / 1e9, addrs, intervals,
	       intervals ? sum_int / 1e6 / intervals : 0,
	       intervals ? sum_dev / 1e6 / intervals : 0,
	       p99 < 0 ? 0 : (p99 + 1) * BUCKET_NS / 1e6, max_dev / 1e6,
	       addrs ? lo : 0, hi);
	fflush(stdout);
}

static void record(unsigned int a, long long t, long long want)
{
	long long d, dev;

	if (win_start) {
		checks++;
		count[a]++;
		if (last[a] >= win_start) {
			d = t - last[a];
			dev = d > want ? d - want : want - d;
			intervals++;
			sum_int += d;
			sum_dev += dev;
			if (dev > max_dev)
				max_dev = dev;
			hist[dev / BUCKET_NS < NBUCKET ? dev / BUCKET_NS : NBUCKET]++;
		}
	}
	last[a] = t;
}

int main(int argc, char **argv)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct epoll_event ev, evs[256];
	long long want;
	int lfd, efd, sfd, one = 1, n, i;
	sigset_t mask;

	if (argc != 3) {
		fprintf(stderr, "usage: checklisten PORT INTERVAL_MS\n");
		return 2;
	}
	sin.sin_port = htons(atoi(argv[1]));
	want = atoll(argv[2]) * 1000000LL;

	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGUSR2);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	sigprocmask(SIG_BLOCK, &mask, NULL);
	sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);

	lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || sfd < 0 ||
	    bind(lfd, (struct sockaddr *)&sin, sizeof(sin)) < 0 ||
	    listen(lfd, 65535) < 0) {
		perror("checklisten");
		return 1;
	}
	efd = epoll_create1(EPOLL_CLOEXEC);
	ev.events = EPOLLIN;
	ev.data.fd = lfd;
	epoll_ctl(efd, EPOLL_CTL_ADD, lfd, &ev);
	ev.data.fd = sfd;
	epoll_ctl(efd, EPOLL_CTL_ADD, sfd, &ev);
	printf("ready\n");
	fflush(stdout);

	for (;;) {
		n = epoll_wait(efd, evs, 256, -1);
		if (n < 0 && errno != EINTR) {
			perror("epoll_wait");
			return 1;
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == lfd) {
				struct sockaddr_in local;
				socklen_t len;
				char buf[64];
				int c;

				for (;;) {
					c = accept4(lfd, NULL, NULL,
						    SOCK_NONBLOCK | SOCK_CLOEXEC);
					if (c < 0)
						break;
					len = sizeof(local);
					if (getsockname(c, (struct sockaddr *)&local, &len) == 0)
						record(ntohl(local.sin_addr.s_addr) & (NADDR - 1),
						       now_ns(), want);
					/* Closed by the checker already? */
					if (read(c, buf, sizeof(buf)) == 0) {
						close(c);
						continue;
					}
					ev.events = EPOLLIN | EPOLLRDHUP;
					ev.data.fd = c;
					if (epoll_ctl(efd, EPOLL_CTL_ADD, c, &ev) < 0)
						close(c);
				}
			} else if (fd == sfd) {
				struct signalfd_siginfo si;

				while (read(sfd, &si, sizeof(si)) == sizeof(si)) {
					if (si.ssi_signo == SIGUSR1)
						window_start();
					else if (si.ssi_signo == SIGUSR2)
						window_end();
					else
						return 0;
				}
			} else {
				char buf[256];
				ssize_t r = read(fd, buf, sizeof(buf));

				/* The checker closed (or reset): so do we. */
				if (r == 0 || (r < 0 && errno != EAGAIN) ||
				    (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)))
					close(fd);
			}
		}
	}
}
