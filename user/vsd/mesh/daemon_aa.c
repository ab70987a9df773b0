// SPDX-License-Identifier: GPL-2.0
/*
 * Active-active (see daemon_aa.h). Every director schedules (backup_only
 * off, sloppy_tcp on, both kept at every table pass), none holds a
 * floating address; each announces the VIPs it can serve as routes
 * (announce.c) and tells the others by heartbeat (mesh.c).
 *
 * The decision is taken again after every table pass and pool change, and
 * every 250 ms, when the module is asked whether it still answers: a
 * cause is followed by its withdrawal within a second, and a module that
 * comes back by a table pass at once.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "announce.h"
#include "daemon_aa.h"
#include "daemon_state.h"
#include "log.h"
#include "mesh.h"

#define TICK_US 250000ULL
#define COUNT_EVERY_US 1000000ULL

struct vsd_aa {
	struct vsd_daemon *d;
	struct in_addr self;
	unsigned int n_directors;
	struct announcer ann;
	struct vsd_mesh *mesh;
	struct loop_timer tick;
	bool kernel_ok;
	char refused[96];		/* why, "" when not */
	/* vsd drain */
	bool draining, drained;
	double drain_started;		/* wall clock */
	uint64_t drain_deadline;	/* monotonic us */
	uint64_t drain_timeout_ms;
	int64_t connections;		/* -1: not counted yet */
	uint64_t counted;		/* monotonic us */
	uint64_t table_changes;		/* the reconciler's, when last seen */
};

#define aa_of(t) ((struct vsd_aa *)((char *)(t) - offsetof(struct vsd_aa, tick)))

/* ------------------------------------------------------------------ */
/* Which director this is                                               */

static bool local_addr(const struct ifaddrs *list, uint32_t ip)
{
	const struct ifaddrs *i;

	for (i = list; i; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((const struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == ip)
			return true;
	return false;
}

/* The one listed director that is local, or given; -1 with why. */
static int find_self(const struct vsd_conf *c, const char *given, char *why,
		     size_t len)
{
	struct ifaddrs *list;
	struct in_addr a;
	char s[INET_ADDRSTRLEN];
	unsigned int i, local = 0;
	int found = -1;
	size_t n = 0;

	if (given && inet_pton(AF_INET, given, &a) != 1) {
		snprintf(why, len, "--self %s is no IPv4 address", given);
		return -1;
	}
	if (!given && getifaddrs(&list)) {
		snprintf(why, len, "cannot list this host's addresses: %s", strerror(errno));
		return -1;
	}
	snprintf(why, len, "%s", given ? "--self is not a listed director" :
		 "none of the listed directors is an address of this host");
	for (i = 0; i < c->n_directors; i++) {
		if (given ? c->directors[i] != a.s_addr : !local_addr(list, c->directors[i]))
			continue;
		inet_ntop(AF_INET, &c->directors[i], s, sizeof(s));
		n += (size_t)snprintf(why + n, n < len ? len - n : 0, "%s%s",
				      local++ ? " and " : "", s);
		found = (int)i;
	}
	if (!given)
		freeifaddrs(list);
	if (local > 1 && len > n)
		snprintf(why + n, len - n, " are all addresses of this host: run each director on its own host, or name it with --self");
	return local == 1 ? found : -1;
}

/* ------------------------------------------------------------------ */
/* The decision                                                         */

static bool healthy(const struct pool_service *ps)
{
	size_t i;

	for (i = 0; i < ps->n_members; i++)
		if (member_weight(&ps->members[i]) > 0)
			return true;
	return false;
}

/* Why the mesh refuses this director, or "" (said once per change). */
static void refusal(struct vsd_aa *aa)
{
	static const char listening[] = "listening for the other directors";
	struct vsd_mesh_peer_status st;
	char why[sizeof(aa->refused)] = "", by_whom[INET_ADDRSTRLEN] = "";
	int by = vsd_mesh_refused_by(aa->mesh);

	if (vsd_mesh_listening(aa->mesh)) {
		snprintf(why, sizeof(why), "%s", listening);
	} else if (by >= 0) {
		vsd_mesh_peer(aa->mesh, (size_t)by, &st);
		inet_ntop(AF_INET, &st.addr, by_whom, sizeof(by_whom));
		snprintf(why, sizeof(why), "config differs from %s", by_whom);
	}
	if (!strcmp(why, aa->refused))
		return;
	if (*by_whom)
		log_err("mesh: refused, this director announces nothing: its configuration differs from director %s's, which wins (see vsd status)",
			by_whom);
	else if (*why)
		log_info("mesh: %s before announcing", listening);
	else if (!strcmp(aa->refused, listening))
		log_info("mesh: done listening");
	else
		log_notice("mesh: no longer refused: the configurations agree");
	snprintf(aa->refused, sizeof(aa->refused), "%s", why);
}

static void decide(struct vsd_aa *aa)
{
	const struct pool *pool = aa->d->pool;
	struct ann_global g = {
		.kernel_ok = aa->kernel_ok, .draining = aa->draining,
	};
	struct ann_service *s = calloc(pool->n_svcs + 1, sizeof(*s));
	struct ann_vip *v = calloc(pool->n_svcs + 1, sizeof(*v));
	struct vsd_mesh_self me;
	size_t i, n;

	if (!s || !v) {
		free(s);
		free(v);
		return;
	}
	/*
	 * A peer's connections to a server this table did not have yet were
	 * not installed (a director starting, whose servers come in as
	 * their checks pass): any change of the table asks for them again.
	 */
	if (aa->d->rec.changes != aa->table_changes) {
		aa->table_changes = aa->d->rec.changes;
		vsd_mesh_resync(aa->mesh);
	}
	refusal(aa);
	g.refused = *aa->refused;
	for (i = 0; i < pool->n_svcs; i++) {
		const struct pool_service *ps = &pool->svcs[i];

		s[i] = (struct ann_service){
			.has_addr = ps->vc->has_addr, .af = ps->vc->af,
			.vip = ps->vc->addr, .active = ps->vc->active,
			.applied = rec_service_ok(&aa->d->rec, &ps->key),
			.healthy = healthy(ps),
		};
	}
	n = ann_vips(&g, s, pool->n_svcs, v);
	ann_apply(&aa->ann, v, n);
	me = (struct vsd_mesh_self){ .announcing = ann_count(&aa->ann) > 0,
				     .draining = aa->draining, .refused = g.refused };
	vsd_mesh_set_self(aa->mesh, &me);
	free(s);
	free(v);
}

void daemon_aa_update(struct vsd_daemon *d)
{
	if (d->aa && d->pool)
		decide(d->aa);
}

void daemon_aa_reassert(struct vsd_daemon *d)
{
	if (d->aa)
		ann_reassert(&d->aa->ann);
}

/* ------------------------------------------------------------------ */
/* Drain                                                                */

/*
 * What a drained director waits for: established TCP connections (the
 * kernel's ActiveConn) and, for UDP services, every entry (a UDP flow has
 * no established state; it ends when it idles out).
 */
static int64_t count_connections(struct vsd_daemon *d)
{
	struct vs_table t = { 0 };
	int64_t n = 0;
	size_t i, j;

	if (d->no_kernel)
		t = d->rec.fake;
	else if (vs_dump_table(d->rec.h, &t))
		return -1;
	for (i = 0; i < t.n; i++) {
		if (!pool_has_key(d->pool, &t.svcs[i]))
			continue;
		for (j = 0; j < t.svcs[i].n_dests; j++)
			n += t.svcs[i].dests[j].active_conns +
			     (t.svcs[i].protocol == IPPROTO_UDP ? t.svcs[i].dests[j].inact_conns : 0);
	}
	if (!d->no_kernel)
		vs_table_free(&t);
	return n;
}

static void drain_step(struct vsd_aa *aa, uint64_t now)
{
	if (!aa->draining || aa->drained || now - aa->counted < COUNT_EVERY_US)
		return;
	aa->counted = now;
	aa->connections = count_connections(aa->d);
	if (aa->connections == 0)
		log_notice("drain: drained, no connection left after %.0f s",
			   loop_wall() - aa->drain_started);
	else if (now >= aa->drain_deadline)
		log_warn("drain: drained: the drain timeout (%.0f s) passed with %lld connections left",
			 aa->drain_timeout_ms / 1000.0, (long long)aa->connections);
	else
		return;
	aa->drained = true;
}

static void drain_text(const struct vsd_aa *aa, struct strbuf *out)
{
	if (!aa->draining)
		sb_printf(out, "vsd: not draining\n");
	else if (aa->drained)
		sb_printf(out, "vsd: drained (%lld connections left)\n",
			  (long long)aa->connections);
	else
		sb_printf(out, "vsd: draining: %lld connections left, %.0f s to the timeout\n",
			  (long long)aa->connections,
			  (double)(aa->drain_deadline - loop_now()) / 1e6);
}

static int drain(struct vsd_aa *aa, const char *arg, struct strbuf *out)
{
	uint64_t secs = aa->d->pool->conf->drain_timeout / 1000;
	char *end;

	if (arg) {
		secs = strtoull(arg, &end, 10);
		if (*end || !*arg || secs < 1 || secs > 30 * 24 * 3600) {
			sb_printf(out, "vsd: drain: bad timeout '%s' (expected seconds, 1..2592000)\n", arg);
			return 2;
		}
	}
	if (!aa->draining)
		log_notice("drain: withdrawing every VIP; serving the connections there are for up to %llu s",
			   (unsigned long long)secs);
	aa->draining = true;
	aa->drained = false;
	aa->drain_started = loop_wall();
	aa->drain_timeout_ms = secs * 1000;
	aa->drain_deadline = loop_now() + secs * 1000000;
	aa->counted = 0;
	decide(aa);
	drain_step(aa, loop_now());
	drain_text(aa, out);
	return 0;
}

int daemon_aa_command(struct vsd_daemon *d, const char *cmd,
		      struct strbuf *out)
{
	struct vsd_aa *aa = d->aa;

	if (!aa) {
		sb_printf(out, "vsd: not in active-active mode (active_active = 0)\n");
		return 1;
	}
	if (!strcmp(cmd, "drain"))
		return drain(aa, NULL, out);
	if (!strncmp(cmd, "drain ", 6))
		return drain(aa, cmd + 6, out);
	if (!strcmp(cmd, "drained")) {
		drain_text(aa, out);
		return !aa->draining ? 1 : aa->drained ? 0 : 3;
	}
	/* undrain */
	if (aa->draining)
		log_notice("drain: undrained: announcing again what is healthy");
	aa->draining = aa->drained = false;
	decide(aa);
	sb_printf(out, "vsd: not draining; %zu VIPs announced\n", ann_count(&aa->ann));
	return 0;
}

/* ------------------------------------------------------------------ */
/* Start, reload, stop                                                  */

static void on_tick(struct loop_timer *t)
{
	struct vsd_aa *aa = aa_of(t);
	struct vsd_daemon *d = aa->d;
	bool was = aa->kernel_ok;

	aa->kernel_ok = rec_kernel_ok(&d->rec);
	if (aa->kernel_ok != was)
		log_warn("active-active: the vs module %s", aa->kernel_ok ?
			 "answers again: the table is made again" : "does not answer: withdrawing every VIP");
	/* Back: a pass at once makes the table and allows announcing. */
	if (aa->kernel_ok && !was)
		loop_timer_in(d->loop, &d->rec_timer, 0);
	decide(aa);
	drain_step(aa, loop_now());
	loop_timer_in(d->loop, &aa->tick, TICK_US);
}

static void on_mesh_changed(void *arg)
{
	struct vsd_aa *aa = arg;

	if (aa->d->aa)		/* not while starting */
		decide(aa);
}

static int start_mesh(struct vsd_aa *aa, const struct vsd_conf *c)
{
	struct vsd_mesh_conf mc = {
		.self = aa->self,
		.port = c->heartbeat_port,
		/* sync installs through the module: none without it */
		.sync_port = !c->syncdaemon || aa->d->no_kernel ? 0 :
			     c->sync_port ? c->sync_port : c->heartbeat_port + 1,
		.keepalive_us = c->keepalive * 1000,
		.deadtime_us = c->deadtime * 1000,
		.serial = c->serial_no,
		.changed = on_mesh_changed,
		.arg = aa,
	};
	const char *why;
	unsigned int i;

	for (i = 0; i < c->n_directors; i++)
		if (c->directors[i] != aa->self.s_addr)
			mc.peers[mc.n_peers++].s_addr = c->directors[i];
	if (vsd_hb_key_load(c->heartbeat_key, &mc.key, &why)) {
		log_err("active-active: heartbeat_key %s: %s", c->heartbeat_key, why);
		return -EACCES;
	}
	if (vsd_conf_digest(c->path, mc.digest))
		return -EIO;
	aa->mesh = vsd_mesh_new(aa->d->loop, &mc);
	explicit_bzero(&mc.key, sizeof(mc.key));
	return aa->mesh ? 0 : -EIO;
}

int daemon_aa_start(struct vsd_daemon *d, const struct vsd_conf *c,
		    const char *self)
{
	struct vsd_aa *aa;
	char why[256];
	int i, ret;

	if (!c->active_active)
		return 0;
	i = find_self(c, self, why, sizeof(why));
	if (i < 0) {
		log_err("active-active: %s", why);
		return -EADDRNOTAVAIL;
	}
	aa = calloc(1, sizeof(*aa));
	if (!aa)
		return -ENOMEM;
	aa->d = d;
	aa->self.s_addr = c->directors[i];
	aa->n_directors = c->n_directors;
	aa->connections = -1;
	aa->tick.fn = on_tick;
	rec_backup_only(&d->rec, false);	/* every director schedules */
	rec_sloppy_tcp(&d->rec, true);
	ret = ann_open(&aa->ann, c->announce_table);
	if (!ret)
		ret = start_mesh(aa, c);
	if (ret) {
		log_err("active-active: cannot start: %s", strerror(-ret));
		ann_close(&aa->ann);
		free(aa);
		return ret;
	}
	d->aa = aa;
	aa->kernel_ok = rec_kernel_ok(&d->rec);
	log_notice("active-active: this is director %s of %u; VIPs announced in table %u",
		   inet_ntoa(aa->self), c->n_directors, c->announce_table);
	on_tick(&aa->tick);
	return 0;
}

static bool same_mesh(const struct vsd_conf *a, const struct vsd_conf *b)
{
	return a->active_active == b->active_active &&
	       a->n_directors == b->n_directors &&
	       !memcmp(a->directors, b->directors, sizeof(a->directors)) &&
	       a->heartbeat_port == b->heartbeat_port && a->sync_port == b->sync_port &&
	       a->syncdaemon == b->syncdaemon && a->keepalive == b->keepalive &&
	       a->deadtime == b->deadtime;
}

void daemon_aa_reload(struct vsd_daemon *d, const struct vsd_conf *old,
		      const struct vsd_conf *c)
{
	uint8_t digest[VSD_HB_DIGEST_LEN];

	if (!d->aa) {
		if (c->active_active)
			log_warn("active-active: active_active = 1 takes effect when vsd restarts");
		return;
	}
	if (!same_mesh(old, c))
		log_warn("active-active: a changed mode, director list, port, timing or sync takes effect when vsd restarts");
	if (c->active_active)
		ann_set_table(&d->aa->ann, c->announce_table);
	if (!vsd_conf_digest(c->path, digest))
		vsd_mesh_set_config(d->aa->mesh, c->serial_no, digest);
}

void daemon_aa_stop(struct vsd_daemon *d)
{
	struct vsd_aa *aa = d->aa;

	if (!aa)
		return;
	loop_timer_cancel(d->loop, &aa->tick);
	ann_close(&aa->ann);
	vsd_mesh_free(aa->mesh);
	free(aa);
	d->aa = NULL;
}

/* ------------------------------------------------------------------ */
/* Status                                                               */

static json_t *sync_json(const struct vsd_sync_stats *ss)
{
	if (!ss)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		"events", (json_int_t)ss->events,
		"sent", (json_int_t)ss->sent,
		"bytes_sent", (json_int_t)ss->bytes_sent,
		"received", (json_int_t)ss->received,
		"installed", (json_int_t)ss->installed,
		"rejected", (json_int_t)ss->rejected,
		"full_syncs", (json_int_t)ss->full_syncs,
		"overruns", (json_int_t)ss->overruns);
}

static json_t *peers_json(const struct vsd_aa *aa)
{
	json_t *a = json_array();
	struct vsd_mesh_peer_status st;
	size_t i;

	for (i = 0; i < vsd_mesh_n_peers(aa->mesh); i++) {
		vsd_mesh_peer(aa->mesh, i, &st);
		json_array_append_new(a, json_pack(
			"{s:s, s:b, s:o, s:b, s:b, s:b, s:b, s:I, s:b, s:b, s:o}",
			"address", inet_ntoa(st.addr),
			"alive", st.alive,
			"heard", json_secs(st.last_heard),
			"announcing", st.announcing,
			"draining", st.draining,
			"refused", st.refused,
			"config_match", !st.heard || st.same_config,
			"serial", (json_int_t)st.serial,
			"key_mismatch", st.key_mismatch,
			"synced", st.synced,
			"sync", sync_json(st.sync)));
	}
	return a;
}

static json_t *vips_json(const struct vsd_aa *aa)
{
	json_t *a = json_array();
	char s[INET6_ADDRSTRLEN];
	size_t i;

	for (i = 0; i < aa->ann.n_vips; i++) {
		const struct ann_vip *v = &aa->ann.vips[i];
		const char *why = v->why == ANN_REFUSED ? aa->refused : ann_why_name(v->why);

		vs_addr_str_af(v->af, &v->addr, s, sizeof(s));
		json_array_append_new(a, json_pack("{s:s, s:b, s:s}", "address", s,
						   "announced", aa->ann.routed[i],
						   "reason", aa->ann.routed[i] ? "announced" : why));
	}
	return a;
}

static json_t *drain_json(const struct vsd_aa *aa)
{
	if (!aa->draining)
		return json_null();
	return json_pack("{s:s, s:I, s:o, s:f}",
		"state", aa->drained ? "drained" : "draining",
		"connections", (json_int_t)aa->connections,
		"since", json_secs(aa->drain_started),
		"timeout", aa->drain_timeout_ms / 1000.0);
}

static json_t *ignored_json(const uint64_t *c)
{
	json_t *j = json_object();
	int v;

	for (v = VSD_HB_OK + 1; v < VSD_HB_VERDICTS; v++)
		json_object_set_new(j, v == VSD_HB_SELF ? "self" : vsd_hb_verdict_name(v),
				    json_integer((json_int_t)c[v]));
	return j;
}

json_t *status_aa_json(const struct vsd_daemon *d)
{
	const struct vsd_aa *aa = d->aa;

	if (!aa)
		return json_null();
	return json_pack("{s:s, s:i, s:I, s:b, s:o, s:o, s:o, s:I, s:I, s:I, s:o, s:o, s:o}",
		"self", inet_ntoa(aa->self),
		"directors", (int)aa->n_directors,
		"table", (json_int_t)aa->ann.table,
		"kernel", aa->kernel_ok,
		"sloppy_tcp", d->rec.sloppy_tcp < 0 ? json_null() :
			      json_boolean(d->rec.sloppy_tcp),
		"refused", *aa->refused ? json_string(aa->refused) : json_null(),
		"drain", drain_json(aa),
		"announcements", (json_int_t)aa->ann.announcements,
		"withdrawals", (json_int_t)aa->ann.withdrawals,
		"route_errors", (json_int_t)aa->ann.errors,
		"vips", vips_json(aa),
		"peers", peers_json(aa),
		"ignored", ignored_json(vsd_mesh_ignored(aa->mesh)));
}
