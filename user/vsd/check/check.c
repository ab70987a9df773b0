// SPDX-License-Identifier: GPL-2.0
/*
 * The probe registry and the life of an attempt (see check.h). The
 * registry is a hash of probe keys; a key spells out everything that makes
 * two checks the same, so a reload that keeps a server's check keeps its
 * probe, its schedule and its verdict.
 */
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "addr.h"
#include "check.h"
#include "log.h"

#define BUCKETS		4096
#define FIRST_SPREAD_US	1000000		/* first attempts within 1 s */

static struct {
	struct loop *loop;
	struct probe *bucket[BUCKETS];
	size_t count;
	struct check_stats stats;
	uint64_t rnd;
} reg;

int check_init(struct loop *l)
{
	memset(&reg, 0, sizeof(reg));
	reg.loop = l;
	reg.rnd = (uint64_t)getpid() << 32 ^ (uint64_t)time(NULL) ^ loop_now();
	return 0;
}

void check_exit(void)
{
	reg.loop = NULL;
}

static uint64_t rnd(void)
{
	reg.rnd ^= reg.rnd << 13;
	reg.rnd ^= reg.rnd >> 7;
	reg.rnd ^= reg.rnd << 17;
	return reg.rnd;
}

static unsigned int hash(const char *s)
{
	uint32_t h = 2166136261U;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619U;
	return h % BUCKETS;
}

/* ------------------------------------------------------------------ */
/* Keys and copies                                                      */

static char *make_key(const struct vsd_check_conf *c, const char *addr,
		      uint16_t port)
{
	char *key = NULL;

#define S(x)	(int)((x) ? strlen(x) : 0), (x) ? (x) : ""
	if (asprintf(&key,
		     "%s %u %s:%u i%llu c%llu r%u t%llu e%llu x%d s%u|%zu:%.*s|%zu:%.*s|%d:%.*s|%d:%.*s|%d:%.*s|%d:%.*s",
		     vsd_check_type_name(c->type), c->protocol, addr, port,
		     (unsigned long long)c->interval,
		     (unsigned long long)c->connect_timeout, c->retries,
		     (unsigned long long)c->timeout,
		     (unsigned long long)c->reentry, c->use_regex,
		     c->http_status, c->send_len, (int)c->send_len,
		     c->send ? c->send : "", c->expect_len, (int)c->expect_len,
		     c->expect ? c->expect : "",
		     (int)(c->program ? strlen(c->program) : 0), S(c->program),
		     (int)(c->http_url ? strlen(c->http_url) : 0), S(c->http_url),
		     (int)(c->http_host ? strlen(c->http_host) : 0), S(c->http_host),
		     (int)(c->http_regex ? strlen(c->http_regex) : 0),
		     S(c->http_regex)) < 0)
		return NULL;
#undef S
	return key;
}

static char *dup_n(const char *s, size_t n)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(n + 1);
	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

static void copy_conf(struct vsd_check_conf *d, const struct vsd_check_conf *s)
{
	*d = *s;
	d->send = dup_n(s->send, s->send_len);
	d->expect = dup_n(s->expect, s->expect_len);
	d->program = s->program ? strdup(s->program) : NULL;
	d->http_url = s->http_url ? strdup(s->http_url) : NULL;
	d->http_host = s->http_host ? strdup(s->http_host) : NULL;
	d->http_regex = s->http_regex ? strdup(s->http_regex) : NULL;
}

static void free_conf(struct vsd_check_conf *c)
{
	free(c->send);
	free(c->expect);
	free(c->program);
	free(c->http_url);
	free(c->http_host);
	free(c->http_regex);
}

/* ------------------------------------------------------------------ */
/* Attempts                                                             */

static void start_attempt(struct probe *p);

static void note_lateness(struct probe *p, uint64_t now)
{
	struct check_stats *st = &reg.stats;
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

static void log_transition(struct probe *p, enum health_state old)
{
	int prio = p->h.state == HEALTH_DOWN ? LOG_WARNING : LOG_NOTICE;

	snprintf(p->change_reason, sizeof(p->change_reason), "%s", p->reason);
	p->change_wall = loop_wall();
	vsd_log(prio, "check %s %s:%u: %s -> %s (%s)",
		vsd_check_type_name(p->cc.type), p->addr_str, p->port,
		health_name(old), health_name(p->h.state), p->reason);
}

static void verdict(struct probe *p, bool pass)
{
	enum health_state old = p->h.state;
	bool changed = false;
	struct probe_sub *s, *next;

	p->runs++;
	p->fails += !pass;
	if (p->cc.type == VSD_CHECK_AGENT) {
		/* Load agents only weigh; they log when they come and go. */
		changed = pass != p->last_pass || p->runs == 1;
		if (changed)
			vsd_log(LOG_NOTICE, "load agent %s:%u: %s (%s)",
				p->addr_str, p->port,
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

/* ------------------------------------------------------------------ */
/* Registry                                                             */

static const struct probe_ops *ops_of(enum vsd_check_type t)
{
	switch (t) {
	case VSD_CHECK_HTTP:
		return &check_http_ops;
	case VSD_CHECK_PROGRAM:
		return &check_exec_ops;
	case VSD_CHECK_AGENT:
		return &check_agent_ops;
	default:
		return &check_net_ops;
	}
}

static void compile_regex(struct probe *p)
{
	const char *re = NULL;

	if (p->cc.type == VSD_CHECK_HTTP)
		re = p->cc.http_regex;
	else if (p->cc.use_regex && p->cc.expect_len)
		re = p->cc.expect;
	/* The parser compiled it already; this cannot fail but for memory. */
	p->has_re = re && !regcomp(&p->re, re, REG_EXTENDED | REG_NOSUB);
}

static struct probe *probe_new(const struct vsd_check_conf *cc,
			       const union vs_addr *addr, uint16_t port,
			       char *key)
{
	struct probe *p = calloc(1, sizeof(*p));
	uint64_t spread, now, iv;

	if (!p)
		return NULL;
	p->key = key;
	copy_conf(&p->cc, cc);
	p->addr = *addr;
	p->port = port;
	vs_addr_str(addr, p->addr_str, sizeof(p->addr_str));
	p->ops = ops_of(cc->type);
	p->loop = reg.loop;
	p->fd = -1;
	p->last_late = -1;
	p->due_timer.fn = on_due;
	p->limit_timer.fn = on_limit;
	p->change_wall = loop_wall();
	compile_regex(p);
	if (cc->type == VSD_CHECK_NONE) {
		p->h.state = HEALTH_UP;
		snprintf(p->reason, sizeof(p->reason), "not checked");
		snprintf(p->change_reason, sizeof(p->change_reason),
			 "not checked");
		return p;
	}
	snprintf(p->reason, sizeof(p->reason), "not checked yet");
	/*
	 * A verdict soon (a new server joins the pool at its first pass),
	 * then a grid whose phase is random over the whole interval: checks
	 * keep their grid for good, so starting them all in one second would
	 * make a burst of every server in that second of every interval.
	 */
	now = loop_now();
	iv = cc->interval * 1000;
	spread = iv < FIRST_SPREAD_US ? iv : FIRST_SPREAD_US;
	p->due = now + rnd() % (spread + 1);
	p->grid_start = now + rnd() % iv;
	if (p->grid_start <= p->due)
		p->grid_start += iv;
	loop_timer_at(p->loop, &p->due_timer, p->due);
	return p;
}

struct probe *probe_get(const struct vsd_check_conf *cc,
			const union vs_addr *addr, uint16_t port)
{
	char astr[16];
	char *key;
	unsigned int b;
	struct probe *p;

	vs_addr_str(addr, astr, sizeof(astr));
	key = make_key(cc, astr, port);
	if (!key)
		return NULL;
	b = hash(key);
	for (p = reg.bucket[b]; p; p = p->hnext)
		if (!strcmp(p->key, key)) {
			free(key);
			return p;
		}
	p = probe_new(cc, addr, port, key);
	if (!p) {
		free(key);
		return NULL;
	}
	p->hnext = reg.bucket[b];
	reg.bucket[b] = p;
	reg.count++;
	return p;
}

void probe_subscribe(struct probe *p, struct probe_sub *s)
{
	s->next = p->subs;
	p->subs = s;
}

static void probe_free(struct probe *p)
{
	struct probe **pp = &reg.bucket[hash(p->key)];

	while (*pp != p)
		pp = &(*pp)->hnext;
	*pp = p->hnext;
	reg.count--;
	if (p->busy)
		p->ops->stop(p);
	loop_timer_cancel(p->loop, &p->due_timer);
	loop_timer_cancel(p->loop, &p->limit_timer);
	if (p->has_re)
		regfree(&p->re);
	free_conf(&p->cc);
	free(p->key);
	free(p);
}

void probe_unsubscribe(struct probe *p, struct probe_sub *s)
{
	struct probe_sub **pp;

	for (pp = &p->subs; *pp; pp = &(*pp)->next)
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	if (!p->subs)
		probe_free(p);
}

void check_foreach(void (*fn)(struct probe *p, void *arg), void *arg)
{
	struct probe *p;
	size_t b;

	for (b = 0; b < BUCKETS; b++)
		for (p = reg.bucket[b]; p; p = p->hnext)
			fn(p, arg);
}

size_t check_count(void)
{
	return reg.count;
}

const struct check_stats *check_get_stats(void)
{
	return &reg.stats;
}
