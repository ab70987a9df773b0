// SPDX-License-Identifier: GPL-2.0
/*
 * The live table and its recent past, for the monitoring panel: every
 * 5 s the table is read (a dump from the kernel; the in-memory table with
 * --no-kernel) and each real server's connections (active + inactive) go
 * into a ring of the last 10 minutes. The reconciler's own copy is only
 * as fresh as its last pass, which may be minutes old.
 *
 * A series is one (virtual, server) pair of the configuration; one not
 * seen for a whole ring is dropped, so a reload that renames servers does
 * not leave them behind for long.
 */
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "log.h"
#include "web_int.h"

#define INTERVAL_US	(5ULL * 1000000)
#define SLOTS		120
#define NO_DATA		UINT32_MAX

struct series {
	char *virtual, *server;
	uint16_t af;
	union vs_addr addr;
	uint16_t port;
	uint32_t conns[SLOTS];
	size_t last_seen;		/* sample number */
};

struct web_hist {
	const struct web_host *host;	/* the panel's own */
	struct loop_timer timer;
	struct vs_table live;		/* with a kernel */
	double t[SLOTS];		/* wall clock of each slot */
	size_t head, n;			/* next slot, slots filled */
	size_t samples;
	struct series *series;
	size_t n_series;
	bool dump_failed;
};

static const struct vs_real *find_dest(const struct vs_table *t,
				       const struct vs_virtual *key,
				       const struct vsd_server_conf *sc)
{
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		if (!vs_service_same(&t->svcs[i], key))
			continue;
		for (j = 0; j < t->svcs[i].n_dests; j++)
			if (vs_real_af(&t->svcs[i], &t->svcs[i].dests[j]) == sc->af &&
			    !memcmp(&t->svcs[i].dests[j].addr, &sc->addr,
				    sizeof(sc->addr)) &&
			    t->svcs[i].dests[j].port == sc->port)
				return &t->svcs[i].dests[j];
	}
	return NULL;
}

static struct series *find_series(struct web_hist *h, const char *v,
				  const char *s, size_t *hint)
{
	struct series *ns;
	size_t i;

	/* members come in the same order every time: try the next first */
	if (*hint < h->n_series && !strcmp(h->series[*hint].virtual, v) &&
	    !strcmp(h->series[*hint].server, s))
		return &h->series[(*hint)++];
	for (i = 0; i < h->n_series; i++)
		if (!strcmp(h->series[i].virtual, v) && !strcmp(h->series[i].server, s)) {
			*hint = i + 1;
			return &h->series[i];
		}
	ns = realloc(h->series, (h->n_series + 1) * sizeof(*ns));
	if (!ns)
		return NULL;
	h->series = ns;
	ns = &h->series[h->n_series++];
	memset(ns, 0, sizeof(*ns));
	for (i = 0; i < SLOTS; i++)
		ns->conns[i] = NO_DATA;
	ns->virtual = strdup(v);
	ns->server = strdup(s);
	if (!ns->virtual || !ns->server) {
		free(ns->virtual);
		free(ns->server);
		h->n_series--;
		return NULL;
	}
	*hint = h->n_series;
	return ns;
}

static void drop_old(struct web_hist *h)
{
	size_t i;

	for (i = 0; i < h->n_series; ) {
		struct series *s = &h->series[i];

		if (h->samples - s->last_seen < SLOTS) {
			i++;
			continue;
		}
		free(s->virtual);
		free(s->server);
		*s = h->series[--h->n_series];
	}
}

static void refresh_table(struct web_hist *h)
{
	struct vs_table t = { 0 };
	int ret;

	if (h->host->own_table)
		return;
	ret = h->host->dump(h->host->arg, &t);
	if (ret) {
		if (!h->dump_failed)
			log_warn("web: cannot read the table: %s", vs_strerror(ret));
		h->dump_failed = true;
		return;
	}
	h->dump_failed = false;
	vs_table_free(&h->live);
	h->live = t;
}

static void record(struct web_hist *h, const struct pool *pool)
{
	const struct vs_table *t = web_hist_table(h);
	size_t i, j, hint = 0;

	for (i = 0; i < pool->n_svcs; i++) {
		const struct pool_service *ps = &pool->svcs[i];

		for (j = 0; j < ps->n_members; j++) {
			const struct vsd_server_conf *sc = ps->members[j].sc;
			const struct vs_real *d = find_dest(t, &ps->key, sc);
			struct series *s = find_series(h, ps->vc->name, sc->name, &hint);

			if (!s)
				continue;
			s->af = sc->af;
			s->addr = sc->addr;
			s->port = sc->port;
			s->last_seen = h->samples;
			s->conns[h->head] = d ? d->active_conns + d->inact_conns : NO_DATA;
		}
	}
}

static void sample(struct web_hist *h)
{
	size_t i;

	refresh_table(h);
	h->samples++;
	/* the slot being overwritten: no data unless recorded now */
	for (i = 0; i < h->n_series; i++)
		h->series[i].conns[h->head] = NO_DATA;
	h->t[h->head] = loop_wall();
	record(h, h->host->pool(h->host->arg));
	h->head = (h->head + 1) % SLOTS;
	if (h->n < SLOTS)
		h->n++;
	drop_old(h);
}

static void on_timer(struct loop_timer *t)
{
	struct web_hist *h = (struct web_hist *)((char *)t - offsetof(struct web_hist, timer));

	sample(h);
	loop_timer_in(h->host->loop, &h->timer, INTERVAL_US);
}

const struct vs_table *web_hist_table(struct web_hist *h)
{
	return h->host->own_table ? h->host->own_table : &h->live;
}

struct web_hist *web_hist_new(const struct web_host *host)
{
	struct web_hist *h = calloc(1, sizeof(*h));

	if (!h)
		return NULL;
	h->host = host;
	h->timer.fn = on_timer;
	/* the first sample at once: the plot is never empty */
	loop_timer_at(host->loop, &h->timer, 0);
	return h;
}

void web_hist_free(struct web_hist *h)
{
	size_t i;

	if (!h)
		return;
	loop_timer_cancel(h->host->loop, &h->timer);
	for (i = 0; i < h->n_series; i++) {
		free(h->series[i].virtual);
		free(h->series[i].server);
	}
	free(h->series);
	vs_table_free(&h->live);
	free(h);
}

/* {"interval":5,"t":[...],"series":[{"virtual","server","address","conns":[...]}]}
 * oldest first; null where there was no sample.
 */
void web_hist_json(const struct web_hist *h, struct strbuf *o)
{
	size_t first = (h->head + SLOTS - h->n) % SLOTS, i, k;
	json_t *t = json_array(), *series = json_array(), *conns;
	char a[VS_HOSTPORT_MAX];

	for (k = 0; k < h->n; k++)
		json_array_append_new(t, json_secs(h->t[(first + k) % SLOTS]));
	for (i = 0; i < h->n_series; i++) {
		const struct series *s = &h->series[i];

		vs_hostport_str_af(a, sizeof(a), s->af, &s->addr, s->port,
				   IPPROTO_TCP, true);
		conns = json_array();
		for (k = 0; k < h->n; k++) {
			uint32_t v = s->conns[(first + k) % SLOTS];

			json_array_append_new(conns, v == NO_DATA ? json_null() :
						     json_integer(v));
		}
		json_array_append_new(series, json_pack("{s:o, s:o, s:s, s:o}",
			"virtual", json_text(s->virtual),
			"server", json_text(s->server),
			"address", a,
			"conns", conns));
	}
	sb_json(o, json_pack("{s:I, s:o, s:o}",
			     "interval", (json_int_t)(INTERVAL_US / 1000000),
			     "t", t, "series", series));
}
