/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The event loop of vsd: one thread, one epoll set, one-shot timers in a
 * min-heap, fd watches, signals (signalfd) and child processes. Everything
 * else in vsd - checks, reconciling, the control socket, and later failover
 * or a web panel - is callbacks on these four kinds of
 * event. Callers embed the structures below in their own objects, so arming
 * a timer or watching an fd never allocates.
 *
 * Time is CLOCK_MONOTONIC in microseconds (loop_now()).
 */
#ifndef _VSD_LOOP_H
#define _VSD_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct loop;

struct loop_timer {
	uint64_t when;			/* monotonic us */
	size_t slot;			/* heap index + 1; 0 = not armed */
	void (*fn)(struct loop_timer *t);
};

struct loop_io {
	int fd;
	uint32_t events;		/* EPOLLIN | EPOLLOUT as watched */
	void (*fn)(struct loop_io *io, uint32_t events);
};

struct loop_child {
	pid_t pid;
	struct loop_child *next;
	void (*fn)(struct loop_child *c, int status);	/* waitpid status */
};

struct loop *loop_new(void);
void loop_free(struct loop *l);
/* Run until loop_stop(); returns 0, or -errno if epoll itself failed. */
int loop_run(struct loop *l);
void loop_stop(struct loop *l);
uint64_t loop_now(void);
/* Wall-clock seconds since the epoch, for messages and status. */
double loop_wall(void);

void loop_timer_at(struct loop *l, struct loop_timer *t, uint64_t when);
void loop_timer_in(struct loop *l, struct loop_timer *t, uint64_t us);
void loop_timer_cancel(struct loop *l, struct loop_timer *t);
static inline bool loop_timer_armed(const struct loop_timer *t)
{
	return t->slot != 0;
}

/* Watch io->fd for events (EPOLLIN/EPOLLOUT, level-triggered) until
 * loop_io_del(), which is safe from inside any callback.
 */
int loop_io_add(struct loop *l, struct loop_io *io, uint32_t events);
int loop_io_mod(struct loop *l, struct loop_io *io, uint32_t events);
void loop_io_del(struct loop *l, struct loop_io *io);

/* fn runs in the loop when signo arrives (blocked, read via signalfd). */
int loop_signal(struct loop *l, int signo, void (*fn)(int signo));

/* c->fn runs once c->pid has exited. Children not watched are reaped
 * silently (a check killed at its timeout, for example).
 */
void loop_child_watch(struct loop *l, struct loop_child *c);
void loop_child_unwatch(struct loop *l, struct loop_child *c);

#endif /* _VSD_LOOP_H */
