// SPDX-License-Identifier: GPL-2.0
/*
 * The life of a probe (probe.h): attempts on its grid, retries, the
 * connect_timeout, the verdict fed to its health and told to its
 * subscribers, the scheduling statistics, and the matching of what a
 * server or program said against expect, which every kind shares.
 */
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>

#include "addr.h"
#include "log.h"
#include "probe.h"

static struct check_stats stats;

static void start_attempt(struct probe *p);

static void note_lateness(struct probe *p, uint64_t now)
{
	struct check_stats *st = &stats;
	uint64_t late = now > p->due ? now - p->due : 0;
	unsigned int i = 0;

	st->attempts++;
	st->late_sum_us += late;
	if (late > st->late_max_us)
		st->late_max_us = late;
	while (i < 11 && late >= (64ULL << i))
		i++;
	st->late_hist[i]++;
	/* Jitter: how far this interval was from the configured one. */
	if (p->last_late >= 0) {
		uint64_t j = (uint64_t)llabs((int64_t)late - p->last_late);

		st->jitter_sum_us += j;
		st->jitter_n++;
		if (j > st->jitter_max_us)
			st->jitter_max_us = j;
	}
	p->last_late = (int64_t)late;
}

static void on_due(struct loop_timer *t)
{
	struct probe *p = (struct probe *)((char *)t -
					   offsetof(struct probe, due_timer));

	note_lateness(p, loop_now());
	p->tries_left = p->cc.retries + 1;
	p->busy = true;
	start_attempt(p);
}

static void schedule_next(struct probe *p)
{
	uint64_t now = loop_now(), iv = p->cc.interval * 1000;

	if (p->grid_start) {
		p->due = p->grid_start;
		p->grid_start = 0;
	} else {
		p->due += iv;
	}
	/* An attempt that outlasted its interval: skip the slots it
	 * covered, staying on the grid.
	 */
	if (p->due <= now)
		p->due += ((now - p->due) / iv + 1) * iv;
	loop_timer_at(p->loop, &p->due_timer, p->due);
}

/*
 * Timers run before the sockets of the same loop turn: when the loop was
 * held up (a long table pass, a starved VM), an answer may be waiting
 * that the loop has not read yet. It is read before the attempt is called
 * a timeout, so a busy director does not pull healthy servers.
 */
static bool answered_meanwhile(struct probe *p)
{
	struct pollfd pfd = { .fd = p->io.fd, .events = POLLIN | POLLOUT };
	uint64_t runs = p->runs;

	if (!p->io.fn || p->io.fd < 0 || poll(&pfd, 1, 0) != 1 || !pfd.revents)
		return false;
	p->io.fn(&p->io, EPOLLIN | EPOLLOUT);
	return p->runs != runs;
}

static void on_limit(struct loop_timer *t)
{
	struct probe *p = (struct probe *)((char *)t -
					   offsetof(struct probe, limit_timer));
	bool pass;

	if (answered_meanwhile(p))
		return;
	pass = p->ops->timed_out && p->ops->timed_out(p);

	if (pass)
		probe_done(p, true, "no answer and no refusal in %gs",
			   (double)p->cc.connect_timeout / 1000);
	else
		probe_done(p, false, "timeout after %gs",
			   (double)p->cc.connect_timeout / 1000);
}

static void start_attempt(struct probe *p)
{
	loop_timer_in(p->loop, &p->limit_timer, p->cc.connect_timeout * 1000);
	p->ops->start(p);
}

/* "10.0.0.1:80", "[2001:db8::1]:80" */
static const char *server_str(const struct probe *p, char *buf, size_t len)
{
	vs_hostport_str_af(buf, len, p->af, &p->addr, p->port, IPPROTO_TCP,
			   true);
	return buf;
}

static void log_transition(struct probe *p, enum health_state old)
{
	int prio = p->h.state == HEALTH_DOWN ? LOG_WARNING : LOG_NOTICE;
	char hp[VS_HOSTPORT_MAX];

	snprintf(p->change_reason, sizeof(p->change_reason), "%s", p->reason);
	p->change_wall = loop_wall();
	vsd_log(prio, "check %s %s: %s -> %s (%s)",
		vsd_check_type_name(p->cc.type), server_str(p, hp, sizeof(hp)),
		health_name(old), health_name(p->h.state), p->reason);
}

static void verdict(struct probe *p, bool pass)
{
	enum health_state old = p->h.state;
	bool changed = false;
	struct probe_sub *s, *next;
	char hp[VS_HOSTPORT_MAX];

	p->runs++;
	p->fails += !pass;
	if (p->cc.type == VSD_CHECK_AGENT) {
		/* Load agents only weigh; they log when they come and go. */
		changed = pass != p->last_pass || p->runs == 1;
		if (changed)
			vsd_log(LOG_NOTICE, "load agent %s: %s (%s)",
				server_str(p, hp, sizeof(hp)),
				pass ? "answers" : "does not answer", p->reason);
	} else {
		changed = health_feed(&p->h, pass, loop_now(),
				      p->cc.timeout * 1000,
				      p->cc.reentry * 1000);
		if (changed)
			log_transition(p, old);
	}
	p->last_pass = pass;
	for (s = p->subs; s; s = next) {
		next = s->next;
		s->fn(s, p, changed);
	}
}

void probe_done(struct probe *p, bool pass, const char *fmt, ...)
{
	va_list ap;

	if (!p->busy)
		return;
	if (strchr(fmt, '%')) {
		va_start(ap, fmt);
		vsnprintf(p->reason, sizeof(p->reason), fmt, ap);
		va_end(ap);
	} else if (strcmp(p->reason, fmt)) {
		/* A pass says the same every time: skip the formatting. */
		snprintf(p->reason, sizeof(p->reason), "%s", fmt);
	}
	loop_timer_cancel(p->loop, &p->limit_timer);
	p->ops->stop(p);
	if (!pass && --p->tries_left > 0) {
		start_attempt(p);
		return;
	}
	p->busy = false;
	verdict(p, pass);
	schedule_next(p);
}

void probe_schedule(struct probe *p)
{
	p->due_timer.fn = on_due;
	p->limit_timer.fn = on_limit;
	loop_timer_at(p->loop, &p->due_timer, p->due);
}

const struct check_stats *check_get_stats(void)
{
	return &stats;
}

bool check_regex_match(const regex_t *re, const char *buf, size_t len)
{
	regmatch_t m = { .rm_so = 0, .rm_eo = (regoff_t)len };

	return !regexec(re, buf, 1, &m, REG_STARTEND);
}

int check_expect_match(const struct probe *p, const char *buf, size_t len)
{
	size_t n;

	if (p->has_re)
		return check_regex_match(&p->re, buf, len) ? 1 : -1;
	n = len < p->cc.expect_len ? len : p->cc.expect_len;
	if (memcmp(buf, p->cc.expect, n))
		return 0;
	return len >= p->cc.expect_len ? 1 : -1;
}
