// SPDX-License-Identifier: GPL-2.0
/*
 * The event loop: epoll for fds and (through a signalfd) signals, a binary
 * min-heap of timers. epoll_pwait2() gives timers microsecond resolution
 * without a timerfd to re-arm; kernels before 5.11 get epoll_wait()'s
 * milliseconds.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/wait.h>

#include "loop.h"

#define MAX_EVENTS 64

struct loop {
	int epfd;
	bool stop;
	bool no_pwait2;
	struct loop_timer **heap;
	size_t n_timers, cap_timers;
	/* The batch being dispatched, so loop_io_del() can void the events
	 * still pending for an fd that a callback just closed.
	 */
	struct epoll_event *batch;
	int batch_n;
	/* Signals. */
	struct loop_io sigio;
	sigset_t sigmask;
	void (*sigfn[NSIG])(int signo);
	struct loop_child *children;
};

uint64_t loop_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000 + (uint64_t)ts.tv_nsec / 1000;
}

double loop_wall(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ------------------------------------------------------------------ */
/* Timers                                                              */

static void heap_set(struct loop *l, size_t i, struct loop_timer *t)
{
	l->heap[i] = t;
	t->slot = i + 1;
}

static void heap_up(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	while (i > 0) {
		size_t parent = (i - 1) / 2;

		if (l->heap[parent]->when <= t->when)
			break;
		heap_set(l, i, l->heap[parent]);
		i = parent;
	}
	heap_set(l, i, t);
}

static void heap_down(struct loop *l, size_t i)
{
	struct loop_timer *t = l->heap[i];

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= l->n_timers)
			break;
		if (c + 1 < l->n_timers && l->heap[c + 1]->when < l->heap[c]->when)
			c++;
		if (t->when <= l->heap[c]->when)
			break;
		heap_set(l, i, l->heap[c]);
		i = c;
	}
	heap_set(l, i, t);
}

void loop_timer_cancel(struct loop *l, struct loop_timer *t)
{
	size_t i;
	struct loop_timer *last;

	if (!t->slot)
		return;
	i = t->slot - 1;
	t->slot = 0;
	last = l->heap[--l->n_timers];
	if (last == t)
		return;
	heap_set(l, i, last);
	heap_up(l, i);
	heap_down(l, last->slot - 1);
}

/* Arming never fails to the caller: every check and the reconciler rely on
 * their timers, so a daemon that cannot grow its heap has lost already.
 */
void loop_timer_at(struct loop *l, struct loop_timer *t, uint64_t when)
{
	loop_timer_cancel(l, t);
	if (l->n_timers == l->cap_timers) {
		size_t cap = l->cap_timers ? 2 * l->cap_timers : 256;
		void *p = realloc(l->heap, cap * sizeof(*l->heap));

		if (!p)
			abort();
		l->heap = p;
		l->cap_timers = cap;
	}
	t->when = when;
	heap_set(l, l->n_timers++, t);
	heap_up(l, l->n_timers - 1);
}

void loop_timer_in(struct loop *l, struct loop_timer *t, uint64_t us)
{
	loop_timer_at(l, t, loop_now() + us);
}

static void run_timers(struct loop *l)
{
	uint64_t now = loop_now();

	while (l->n_timers && l->heap[0]->when <= now && !l->stop) {
		struct loop_timer *t = l->heap[0];

		loop_timer_cancel(l, t);
		t->fn(t);
	}
}

/* ------------------------------------------------------------------ */
/* File descriptors                                                    */

int loop_io_add(struct loop *l, struct loop_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	io->events = events;
	return epoll_ctl(l->epfd, EPOLL_CTL_ADD, io->fd, &ev) ? -errno : 0;
}

int loop_io_mod(struct loop *l, struct loop_io *io, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = io };

	if (io->events == events)
		return 0;
	io->events = events;
	return epoll_ctl(l->epfd, EPOLL_CTL_MOD, io->fd, &ev) ? -errno : 0;
}

void loop_io_del(struct loop *l, struct loop_io *io)
{
	int i;

	epoll_ctl(l->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	for (i = 0; i < l->batch_n; i++)
		if (l->batch[i].data.ptr == io)
			l->batch[i].data.ptr = NULL;
}

/* ------------------------------------------------------------------ */
/* Signals and children                                                */

static void reap_children(struct loop *l)
{
	struct loop_child **pp, *c;
	int status;
	pid_t pid;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (pp = &l->children; (c = *pp); pp = &c->next)
			if (c->pid == pid)
				break;
		if (!c)
			continue;
		*pp = c->next;
		c->next = NULL;
		c->fn(c, status);
	}
}

static void on_signalfd(struct loop_io *io, uint32_t events)
{
	struct loop *l = (struct loop *)((char *)io - offsetof(struct loop, sigio));
	struct signalfd_siginfo si;

	(void)events;
	while (read(io->fd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			reap_children(l);
		else if (si.ssi_signo < NSIG && l->sigfn[si.ssi_signo])
			l->sigfn[si.ssi_signo](si.ssi_signo);
	}
}

static int update_sigmask(struct loop *l)
{
	if (sigprocmask(SIG_BLOCK, &l->sigmask, NULL))
		return -errno;
	if (signalfd(l->sigio.fd, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

int loop_signal(struct loop *l, int signo, void (*fn)(int signo))
{
	l->sigfn[signo] = fn;
	sigaddset(&l->sigmask, signo);
	return update_sigmask(l);
}

void loop_child_watch(struct loop *l, struct loop_child *c)
{
	c->next = l->children;
	l->children = c;
}

void loop_child_unwatch(struct loop *l, struct loop_child *c)
{
	struct loop_child **pp;

	for (pp = &l->children; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			c->next = NULL;
			return;
		}
}

/* ------------------------------------------------------------------ */

struct loop *loop_new(void)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return NULL;
	l->sigio.fd = -1;
	l->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (l->epfd < 0)
		goto err;
	sigemptyset(&l->sigmask);
	sigaddset(&l->sigmask, SIGCHLD);
	l->sigio.fd = signalfd(-1, &l->sigmask, SFD_NONBLOCK | SFD_CLOEXEC);
	l->sigio.fn = on_signalfd;
	if (l->sigio.fd < 0 || update_sigmask(l) ||
	    loop_io_add(l, &l->sigio, EPOLLIN))
		goto err;
	return l;
err:
	loop_free(l);
	return NULL;
}

void loop_free(struct loop *l)
{
	if (!l)
		return;
	if (l->sigio.fd >= 0)
		close(l->sigio.fd);
	if (l->epfd >= 0)
		close(l->epfd);
	free(l->heap);
	free(l);
}

void loop_stop(struct loop *l)
{
	l->stop = true;
}

static int wait_events(struct loop *l, struct epoll_event *evs)
{
	struct timespec ts, *tsp = NULL;
	int n;

	if (l->n_timers) {
		uint64_t now = loop_now(), when = l->heap[0]->when;
		uint64_t us = when > now ? when - now : 0;

		ts.tv_sec = (time_t)(us / 1000000);
		ts.tv_nsec = (long)(us % 1000000) * 1000;
		tsp = &ts;
	}
	if (!l->no_pwait2) {
		n = epoll_pwait2(l->epfd, evs, MAX_EVENTS, tsp, NULL);
		if (n >= 0 || errno != ENOSYS)
			return n;
		l->no_pwait2 = true;
	}
	/* Round up so a timer is never woken for early and spun on. */
	return epoll_wait(l->epfd, evs, MAX_EVENTS,
			  tsp ? (int)((ts.tv_sec * 1000000 + ts.tv_nsec / 1000 +
				       999) / 1000) : -1);
}

int loop_run(struct loop *l)
{
	struct epoll_event evs[MAX_EVENTS];
	int i, n;

	l->stop = false;
	while (!l->stop) {
		run_timers(l);
		if (l->stop)
			break;
		n = wait_events(l, evs);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		l->batch = evs;
		l->batch_n = n;
		for (i = 0; i < n && !l->stop; i++) {
			struct loop_io *io = evs[i].data.ptr;

			if (io)
				io->fn(io, evs[i].events);
		}
		l->batch_n = 0;
	}
	return 0;
}
