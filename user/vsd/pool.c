// SPDX-License-Identifier: GPL-2.0
/*
 * Members and their weights (see pool.h).
 *
 * Slow start, as nanny did it: a server coming back (not one seen for the
 * first time) starts at weight >> 5 (at least 1) and doubles after every
 * passed check until it reaches its weight, so it is not flooded with the
 * connections its peers were carrying.
 *
 * Load weights, as nanny's load_monitor did it, from the agent's 1-minute
 * load: below 1 the weight is raised up to ten times the configured one
 * (weight * (1 + 9 * (1 - load))), at 1 and above it is the configured
 * weight; a change smaller than a quarter of the weight is not applied.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "pool.h"

#define member_of(ptr, field) \
	((struct member *)((char *)(ptr) - offsetof(struct member, field)))

static void changed(struct pool_service *ps)
{
	ps->pool->changed(ps->pool->arg);
}

static uint32_t base_weight(const struct member *m)
{
	return m->load_weight ? m->load_weight : m->sc->weight;
}

enum health_state member_state(const struct member *m)
{
	return m->probe ? m->probe->h.state : HEALTH_UNKNOWN;
}

uint32_t member_weight(const struct member *m)
{
	uint32_t w = base_weight(m);

	if (!m->probe || !m->in_pool)
		return 0;
	return m->ramp && m->ramp < w ? m->ramp : w;
}

static void member_name(const struct member *m, char *buf, size_t len)
{
	char hp[VS_HOSTPORT_MAX];

	vs_hostport_str_af(hp, sizeof(hp), m->sc->af, &m->sc->addr,
			   m->sc->port, IPPROTO_TCP, true);
	snprintf(buf, len, "virtual %s: server %s (%s)", m->svc->vc->name,
		 m->sc->name, hp);
}

/* ------------------------------------------------------------------ */
/* Sorry server                                                         */

static void update_sorry(struct pool_service *ps)
{
	const struct vsd_virtual_conf *vc = ps->vc;
	bool any_up = false, all_known = true, on;
	char hp[VS_HOSTPORT_MAX];
	size_t i;

	if (!vc->has_sorry)
		return;
	for (i = 0; i < ps->n_members; i++) {
		const struct member *m = &ps->members[i];

		if (!m->probe)
			continue;
		if (!m->verdict)
			all_known = false;
		if (m->in_pool && base_weight(m))
			any_up = true;
	}
	on = !any_up && all_known;
	if (on == ps->sorry_on)
		return;
	ps->sorry_on = on;
	vs_hostport_str_af(hp, sizeof(hp), vc->sorry_af, &vc->sorry_addr,
			   vc->sorry_port, IPPROTO_TCP, true);
	if (on)
		log_warn("virtual %s: no real server is up: sorry server %s takes the traffic",
			 vc->name, hp);
	else
		log_notice("virtual %s: a real server is up: sorry server %s leaves",
			   vc->name, hp);
	changed(ps);
}

/* ------------------------------------------------------------------ */
/* Health and load                                                      */

static void enter_pool(struct member *m, bool first)
{
	uint32_t w = base_weight(m);
	char name[512];

	member_name(m, name, sizeof(name));
	m->ramp = 0;
	if (!first && m->svc->vc->slow_start && w > 1) {
		m->ramp = w >> 5 ? w >> 5 : 1;
		log_notice("%s returns to the pool, slow start from weight %u",
			   name, m->ramp);
	} else if (first) {
		log_info("%s is up, in the pool", name);
	} else {
		log_notice("%s returns to the pool", name);
	}
}

static void leave_pool(struct member *m, const struct probe *p)
{
	char name[512];

	member_name(m, name, sizeof(name));
	m->ramp = 0;
	log_warn("%s %s: %s", name, m->svc->vc->quiesce ?
		 "quiesced (weight 0)" : "leaves the pool", p->reason);
}

static void ramp_step(struct member *m)
{
	uint32_t w = base_weight(m);
	char name[512];

	m->ramp = m->ramp > w / 2 ? w : m->ramp * 2;
	if (m->ramp < w)
		return;
	m->ramp = 0;
	member_name(m, name, sizeof(name));
	log_info("%s: slow start done, weight %u", name, w);
}

static void on_health(struct probe_sub *s, struct probe *p, bool state_changed)
{
	struct member *m = member_of(s, sub);
	bool in = health_in_pool(p->h.state), first = !m->verdict;
	char name[512];

	(void)state_changed;
	if (p->h.state != HEALTH_UNKNOWN)
		m->verdict = true;
	if (in != m->in_pool) {
		m->in_pool = in;
		if (in)
			enter_pool(m, first);
		else
			leave_pool(m, p);
		changed(m->svc);
	} else if (first && !in) {
		member_name(m, name, sizeof(name));
		log_warn("%s is down, not in the pool: %s", name, p->reason);
		changed(m->svc);
	} else if (in && m->ramp && p->last_pass) {
		ramp_step(m);
		changed(m->svc);
	}
	update_sorry(m->svc);
}

static uint32_t load_to_weight(uint32_t w, double load)
{
	double t = load < 1 ? (double)w * (1 + 9 * (1 - load)) : (double)w;

	return t > VS_WEIGHT_MAX ? VS_WEIGHT_MAX : (uint32_t)(t + 0.5);
}

static void on_load(struct probe_sub *s, struct probe *p, bool state_changed)
{
	struct member *m = member_of(s, agent_sub);
	uint32_t w = m->sc->weight, cur = base_weight(m), target;
	uint32_t step = w / 4 ? w / 4 : 1;
	char name[512];

	(void)state_changed;
	target = p->last_pass ? load_to_weight(w, p->load) : w;
	if ((target > cur ? target - cur : cur - target) < step &&
	    target != w)
		return;
	if (target == cur)
		return;
	m->load_weight = target == w ? 0 : target;
	member_name(m, name, sizeof(name));
	log_info("%s: weight %u for load %.2f", name, target,
		 p->last_pass ? p->load : -1.0);
	changed(m->svc);
}

/* ------------------------------------------------------------------ */
/* Building                                                             */

static const struct member *old_member(const struct pool *old,
				       const struct vs_virtual *key,
				       const struct vsd_server_conf *sc)
{
	size_t i, j;

	for (i = 0; old && i < old->n_svcs; i++) {
		const struct pool_service *ps = &old->svcs[i];

		if (!vs_service_same(&ps->key, key))
			continue;
		for (j = 0; j < ps->n_members; j++)
			if (ps->members[j].sc->af == sc->af &&
			    !memcmp(&ps->members[j].sc->addr, &sc->addr,
				    sizeof(sc->addr)) &&
			    ps->members[j].sc->port == sc->port)
				return &ps->members[j];
	}
	return NULL;
}

static void agent_conf(const struct vsd_virtual_conf *v,
		       struct vsd_check_conf *ac)
{
	memset(ac, 0, sizeof(*ac));
	ac->type = VSD_CHECK_AGENT;
	ac->protocol = IPPROTO_TCP;
	ac->interval = v->load_interval;
	ac->connect_timeout = v->check.connect_timeout < v->load_interval ?
			      v->check.connect_timeout : v->load_interval;
}

static int member_init(struct member *m, struct pool_service *ps,
		       const struct vsd_server_conf *sc, const struct pool *old)
{
	const struct vsd_virtual_conf *v = ps->vc;
	const struct member *om;
	struct vsd_check_conf ac;

	m->svc = ps;
	m->sc = sc;
	if (!v->active || !sc->active)
		return 0;
	m->probe = probe_get(&v->check, sc->af, &sc->addr, sc->check_port);
	if (!m->probe)
		return -1;
	m->sub.fn = on_health;
	probe_subscribe(m->probe, &m->sub);
	m->verdict = m->probe->h.state != HEALTH_UNKNOWN;
	m->in_pool = health_in_pool(m->probe->h.state);
	om = old_member(old, &ps->key, sc);
	if (om && om->probe == m->probe) {
		m->ramp = om->ramp;
		m->load_weight = om->load_weight;
	}
	if (v->load_monitor != VSD_LOAD_AGENT)
		return 0;
	agent_conf(v, &ac);
	m->agent = probe_get(&ac, sc->af, &sc->addr, v->agent_port);
	if (!m->agent)
		return -1;
	m->agent_sub.fn = on_load;
	probe_subscribe(m->agent, &m->agent_sub);
	return 0;
}

static int service_init(struct pool_service *ps, struct pool *pool,
			const struct vsd_virtual_conf *vc, const struct pool *old)
{
	size_t i;

	ps->pool = pool;
	ps->vc = vc;
	vsd_virtual_key(vc, &ps->key);
	ps->members = calloc(vc->n_servers ? vc->n_servers : 1,
			     sizeof(*ps->members));
	if (!ps->members)
		return -1;
	for (i = 0; i < vc->n_servers; i++) {
		ps->n_members++;
		if (member_init(&ps->members[i], ps, &vc->servers[i], old))
			return -1;
	}
	for (i = 0; old && i < old->n_svcs; i++)
		if (vs_service_same(&old->svcs[i].key, &ps->key))
			ps->sorry_on = old->svcs[i].sorry_on;
	return 0;
}

struct pool *pool_new(struct vsd_conf *conf, const struct pool *old,
		      void (*cb)(void *arg), void *arg)
{
	struct pool *pool = calloc(1, sizeof(*pool));
	size_t i;

	if (!pool)
		return NULL;
	pool->conf = conf;
	pool->changed = cb;
	pool->arg = arg;
	pool->svcs = calloc(conf->n_virtuals ? conf->n_virtuals : 1,
			    sizeof(*pool->svcs));
	if (!pool->svcs)
		goto err;
	for (i = 0; i < conf->n_virtuals; i++) {
		pool->n_svcs++;
		if (service_init(&pool->svcs[i], pool, &conf->virtuals[i], old))
			goto err;
	}
	for (i = 0; i < pool->n_svcs; i++)
		update_sorry(&pool->svcs[i]);
	return pool;
err:
	pool->conf = NULL;	/* the caller still owns it */
	pool_free(pool);
	return NULL;
}

void pool_free(struct pool *pool)
{
	size_t i, j;

	if (!pool)
		return;
	for (i = 0; i < pool->n_svcs; i++) {
		struct pool_service *ps = &pool->svcs[i];

		for (j = 0; j < ps->n_members; j++) {
			struct member *m = &ps->members[j];

			if (m->probe)
				probe_unsubscribe(m->probe, &m->sub);
			if (m->agent)
				probe_unsubscribe(m->agent, &m->agent_sub);
		}
		free(ps->members);
	}
	free(pool->svcs);
	vsd_conf_free(pool->conf);
	free(pool);
}

/* ------------------------------------------------------------------ */
/* The desired table                                                    */

static void want_params(const struct vsd_virtual_conf *vc, struct vs_virtual *s)
{
	vsd_virtual_key(vc, s);
	snprintf(s->sched, sizeof(s->sched), "%s", vc->sched);
	s->flags = (vc->persistent ? VS_SVC_F_PERSISTENT : 0) | vc->sched_flags;
	s->timeout = vc->persistent;
	/* without persistence, the kernel's: the whole address */
	s->netmask = vc->persistent ? vc->pmask : vc->af == AF_INET6 ? 128 : 32;
	s->set = VS_HAS_SCHED | VS_HAS_FLAGS | VS_HAS_TIMEOUT | VS_HAS_NETMASK;
}

/* A server of vc: its family always (the reconciler keys servers by it:
 * 10.0.0.1 and [a00:1::] have the same bytes), the encapsulation when
 * tunneled, and the outer source when the virtual has one (without one,
 * no VS_HAS_TUN_SRC: the reconciler removes a source left in the kernel).
 */
static void want_dest(struct want_service *ws,
		      const struct vsd_virtual_conf *vc, uint16_t af,
		      const union vs_addr *addr, uint16_t port,
		      uint32_t weight, bool optional)
{
	struct want_dest *d = &ws->dests[ws->n_dests++];

	memset(d, 0, sizeof(*d));
	d->d.af = af;
	d->d.addr = *addr;
	d->d.port = port;
	d->d.fwd = vc->fwd;
	d->d.weight = weight;
	d->d.set = VS_HAS_FWD | VS_HAS_WEIGHT | VS_HAS_U_THRESH |
		   VS_HAS_L_THRESH;
	if (vc->fwd == VS_FWD_TUNNEL) {
		d->d.tun_type = vc->tun_type;
		d->d.tun_port = vc->tun_port;
		d->d.tun_flags = vsd_tun_flags(vc);
		d->d.set |= VS_HAS_TUNNEL;
		if (vc->has_tun_src) {
			d->d.tun_src = vc->tun_src;
			d->d.set |= VS_HAS_TUN_SRC;
		}
	}
	d->optional = optional;
}

static int want_service(const struct pool_service *ps, struct want_service *ws)
{
	const struct vsd_virtual_conf *vc = ps->vc;
	size_t i;

	memset(ws, 0, sizeof(*ws));
	want_params(vc, &ws->s);
	ws->name = vc->name;
	ws->absent = !vc->active;
	ws->dests = calloc(ps->n_members + 1, sizeof(*ws->dests));
	if (!ws->dests)
		return -1;
	for (i = 0; i < ps->n_members; i++) {
		const struct member *m = &ps->members[i];
		enum health_state st = member_state(m);

		if (!m->probe)
			continue;
		if (st == HEALTH_UNKNOWN)
			want_dest(ws, vc, m->sc->af, &m->sc->addr, m->sc->port,
				  m->sc->weight, true);
		else if (m->in_pool || vc->quiesce)
			want_dest(ws, vc, m->sc->af, &m->sc->addr, m->sc->port,
				  member_weight(m), false);
	}
	if (ps->sorry_on)
		want_dest(ws, vc, vc->sorry_af, &vc->sorry_addr,
			  vc->sorry_port, 1, false);
	return 0;
}

int pool_want(const struct pool *pool, const struct vs_virtual *retired,
	      size_t n_retired, struct want *w)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->svcs = calloc(pool->n_svcs + n_retired + 1, sizeof(*w->svcs));
	if (!w->svcs)
		return -1;
	w->timeouts = pool->conf->timeouts;
	for (i = 0; i < pool->n_svcs; i++) {
		if (want_service(&pool->svcs[i], &w->svcs[w->n]))
			goto err;
		w->n++;
	}
	for (i = 0; i < n_retired; i++) {
		w->svcs[w->n].s = retired[i];
		w->svcs[w->n].absent = true;
		w->n++;
	}
	return 0;
err:
	want_free(w);
	return -1;
}

bool pool_has_key(const struct pool *pool, const struct vs_virtual *key)
{
	size_t i;

	for (i = 0; pool && i < pool->n_svcs; i++)
		if (vs_service_same(&pool->svcs[i].key, key))
			return true;
	return false;
}
