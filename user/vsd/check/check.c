// SPDX-License-Identifier: GPL-2.0
/*
 * The probe registry (see check.h): a hash of probe keys; a key spells
 * out everything that makes two checks the same, so a reload that keeps a
 * server's check keeps its probe, its schedule and its verdict. The kinds
 * of probe are chosen here; their attempts run in probe.c.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "check.h"

#define BUCKETS		4096
#define FIRST_SPREAD_US	1000000		/* first attempts within 1 s */

static struct {
	struct loop *loop;
	struct probe *bucket[BUCKETS];
	size_t count;
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

static struct probe *probe_new(const struct vsd_check_conf *cc, uint16_t af,
			       const union vs_addr *addr, uint16_t port,
			       char *key)
{
	struct probe *p = calloc(1, sizeof(*p));
	uint64_t spread, now, iv;

	if (!p)
		return NULL;
	p->key = key;
	vsd_check_conf_copy(&p->cc, cc);
	p->af = af;
	p->addr = *addr;
	p->port = port;
	vs_addr_str_af(af, addr, p->addr_str, sizeof(p->addr_str));
	p->ops = ops_of(cc->type);
	p->loop = reg.loop;
	p->fd = -1;
	p->last_late = -1;
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
	probe_schedule(p);
	return p;
}

struct probe *probe_get(const struct vsd_check_conf *cc, uint16_t af,
			const union vs_addr *addr, uint16_t port)
{
	char astr[INET6_ADDRSTRLEN];
	char *key;
	unsigned int b;
	struct probe *p;

	vs_addr_str_af(af, addr, astr, sizeof(astr));
	key = make_key(cc, astr, port);
	if (!key)
		return NULL;
	b = hash(key);
	for (p = reg.bucket[b]; p; p = p->hnext)
		if (!strcmp(p->key, key)) {
			free(key);
			return p;
		}
	p = probe_new(cc, af, addr, port, key);
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
	vsd_check_conf_free(&p->cc);
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
