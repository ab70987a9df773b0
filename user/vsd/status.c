// SPDX-License-Identifier: GPL-2.0
/*
 * `vsd status`: every virtual service and real server with its check
 * state, weight (wanted, configured, and what the table holds), the last
 * transition and why; plus the daemon's own figures (reloads, table
 * passes, check scheduling lateness and jitter, CPU). One model, the JSON
 * of --json for programs; the text for people is read from it, so each
 * figure is gathered in one place.
 */
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/resource.h>

#include "addr.h"
#include "daemon_state.h"
#include "failover/daemon_fo.h"
#include "mesh/daemon_aa.h"
#include "status.h"
#include "unpriv.h"

struct server_view {
	const struct member *m;
	char addr[VS_HOSTPORT_MAX];
	const char *state;
	uint32_t want, table;
	bool in_table;
	double since;
	const char *reason, *last;
	size_t shared;
};

static const struct vs_real *table_dest(const struct vsd_daemon *d,
					const struct vs_virtual *key,
					uint16_t af, const union vs_addr *addr,
					uint16_t port)
{
	const struct vs_table *t = &d->rec.last;
	size_t i, j;

	for (i = 0; i < t->n; i++) {
		if (!vs_service_same(&t->svcs[i], key))
			continue;
		for (j = 0; j < t->svcs[i].n_dests; j++)
			if (vs_real_af(&t->svcs[i], &t->svcs[i].dests[j]) == af &&
			    !memcmp(&t->svcs[i].dests[j].addr, addr, sizeof(*addr)) &&
			    t->svcs[i].dests[j].port == port)
				return &t->svcs[i].dests[j];
	}
	return NULL;
}

static size_t subs_of(const struct probe *p)
{
	const struct probe_sub *s;
	size_t n = 0;

	for (s = p ? p->subs : NULL; s; s = s->next)
		n++;
	return n;
}

static void view(const struct vsd_daemon *d, const struct member *m,
		 struct server_view *v)
{
	const struct vs_real *td = table_dest(d, &m->svc->key, m->sc->af,
					      &m->sc->addr, m->sc->port);
	const struct probe *p = m->probe;

	memset(v, 0, sizeof(*v));
	v->m = m;
	vs_hostport_str_af(v->addr, sizeof(v->addr), m->sc->af, &m->sc->addr,
			   m->sc->port, IPPROTO_TCP, true);
	v->state = !m->svc->vc->active ? "inactive" : !p ? "disabled" :
		   health_name(p->h.state);
	v->want = member_weight(m);
	v->in_table = td != NULL;
	v->table = td ? td->weight : 0;
	v->since = p ? p->change_wall : d->loaded;
	v->reason = p ? p->change_reason : "server or virtual not active";
	v->last = p ? p->reason : "";
	v->shared = subs_of(p);
}

static void time_str(double t, char *buf, size_t len)
{
	time_t s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S", &tm);
}

static void svc_str(const struct vsd_virtual_conf *vc, char *buf, size_t len)
{
	char hp[VS_HOSTPORT_MAX];

	if (vc->fwmark) {
		snprintf(buf, len, "FWM %u", vc->fwmark);
		return;
	}
	vs_hostport_str_af(hp, sizeof(hp), vc->af, &vc->addr, vc->port,
			   vc->protocol, true);
	snprintf(buf, len, "%s %s", vs_proto_name(vc->protocol), hp);
}

static uint64_t hist_pct(const struct check_stats *st, double pct)
{
	uint64_t total = 0, acc = 0;
	unsigned int i;

	for (i = 0; i < 12; i++)
		total += st->late_hist[i];
	for (i = 0; i < 12; i++) {
		acc += st->late_hist[i];
		if (total && (double)acc >= pct * (double)total)
			return 64ULL << i;
	}
	return 0;
}

static void cpu(double *user, double *sys, double *child)
{
	struct rusage ru, rc;

	getrusage(RUSAGE_SELF, &ru);
	getrusage(RUSAGE_CHILDREN, &rc);
	*user = (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6;
	*sys = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
	*child = (double)(rc.ru_utime.tv_sec + rc.ru_stime.tv_sec) +
		 (double)(rc.ru_utime.tv_usec + rc.ru_stime.tv_usec) / 1e6;
}

/* ------------------------------------------------------------------ */
/* The model: vsd status --json                                         */

static json_t *json_checks(void)
{
	const struct check_stats *st = check_get_stats();
	json_t *hist = json_object();
	char le[24];
	unsigned int i;

	for (i = 0; i < 11; i++) {
		snprintf(le, sizeof(le), "%llu", 64ULL << i);
		json_object_set_new(hist, le, json_integer((json_int_t)st->late_hist[i]));
	}
	json_object_set_new(hist, "inf", json_integer((json_int_t)st->late_hist[11]));
	return json_pack("{s:I, s:I, s:{s:f, s:I, s:I, s:I, s:I, s:o}, s:{s:f, s:I, s:I, s:I}}",
		"probes", (json_int_t)check_count(),
		"attempts", (json_int_t)st->attempts,
		"lateness_us",
		"mean", st->attempts ? (double)st->late_sum_us / st->attempts : 0.0,
		"max", (json_int_t)st->late_max_us,
		"p50_le", (json_int_t)hist_pct(st, 0.5),
		"p99_le", (json_int_t)hist_pct(st, 0.99),
		"sum", (json_int_t)st->late_sum_us,
		"hist_le", hist,
		"jitter_us",
		"mean", st->jitter_n ? (double)st->jitter_sum_us / st->jitter_n : 0.0,
		"max", (json_int_t)st->jitter_max_us,
		"sum", (json_int_t)st->jitter_sum_us,
		"n", (json_int_t)st->jitter_n);
}

static json_t *json_header(const struct vsd_daemon *d)
{
	double u, s, ch;

	cpu(&u, &s, &ch);
	return json_pack("{s:s, s:i, s:b, s:o, s:I, s:o, s:o, s:I, s:I, s:o,"
			 " s:{s:I, s:I, s:I, s:I}, s:o, s:{s:i, s:o, s:o}, s:o,"
			 " s:{s:o, s:o, s:o}}",
		"version", VS_VERSION,
		"pid", (int)getpid(),
		"no_kernel", d->no_kernel,
		"config", json_text(d->conf_path),
		"serial", (json_int_t)d->pool->conf->serial_no,
		"started", json_secs(d->started),
		"loaded", json_secs(d->loaded),
		"reloads", (json_int_t)d->reloads,
		"reload_failures", (json_int_t)d->reload_failures,
		"last_reload", json_text(d->last_reload),
		"table",
		"passes", (json_int_t)d->rec.passes,
		"changes", (json_int_t)d->rec.changes,
		"corrections", (json_int_t)d->rec.corrections,
		"errors", (json_int_t)d->rec.errors,
		"backup_only", d->rec.backup_only < 0 ? json_null() :
			       json_boolean(d->rec.backup_only),
		"privileges",
		"uid", (int)geteuid(),
		"capabilities", json_text(vsd_own_capabilities()),
		"programs", json_text(vsd_unpriv_identity()),
		"checks", json_checks(),
		"cpu_s",
		"user", json_secs(u), "system", json_secs(s), "children", json_secs(ch));
}

static json_t *json_server(const struct vsd_daemon *d, const struct member *m)
{
	struct server_view v;
	char a[INET6_ADDRSTRLEN];
	json_t *j;

	view(d, m, &v);
	vs_addr_str_af(m->sc->af, &m->sc->addr, a, sizeof(a));
	j = json_pack("{s:o, s:s, s:i, s:s, s:I, s:I, s:b, s:I, s:I, s:I, s:o, s:o, s:o,"
		      " s:{s:s, s:i, s:I, s:I, s:I}}",
		"name", json_text(m->sc->name),
		"address", a,
		"port", (int)m->sc->port,
		"state", v.state,
		"weight", (json_int_t)v.want,
		"configured_weight", (json_int_t)m->sc->weight,
		"in_table", v.in_table,
		"table_weight", (json_int_t)v.table,
		"ramp", (json_int_t)m->ramp,
		"load_weight", (json_int_t)m->load_weight,
		"since", json_secs(v.since),
		"reason", json_text(v.reason),
		"last_result", json_text(v.last),
		"check",
		"type", vsd_check_type_name(m->svc->vc->check.type),
		"port", (int)m->sc->check_port,
		"runs", (json_int_t)(m->probe ? m->probe->runs : 0),
		"fails", (json_int_t)(m->probe ? m->probe->fails : 0),
		"shared_by", (json_int_t)v.shared);
	if (j && m->agent)
		json_object_set_new(j, "load", json_real(m->agent->load));
	return j;
}

static json_t *json_virtual(const struct vsd_daemon *d,
			    const struct pool_service *ps)
{
	const struct vsd_virtual_conf *vc = ps->vc;
	char key[VS_HOSTPORT_MAX + 8], hp[VS_HOSTPORT_MAX], flags[64];
	json_t *j, *servers = json_array();
	size_t i;

	svc_str(vc, key, sizeof(key));
	vsd_sched_flags_str(vc->sched, vc->sched_flags, flags, sizeof(flags));
	for (i = 0; i < ps->n_members; i++)
		json_array_append_new(servers, json_server(d, &ps->members[i]));
	j = json_pack("{s:o, s:s, s:s, s:s, s:s, s:s, s:b, s:b}",
		"name", json_text(vc->name),
		"service", key,
		"scheduler", vc->sched,
		"scheduler_flags", flags,
		"forwarding", vc->fwd == VS_FWD_NAT ? "nat" :
			      vc->fwd == VS_FWD_TUNNEL ? "tunnel" : "direct",
		"check", vsd_check_type_name(vc->check.type),
		"active", vc->active,
		"quiesce", vc->quiesce);
	if (j && vc->has_sorry) {
		vs_hostport_str_af(hp, sizeof(hp), vc->sorry_af, &vc->sorry_addr,
				   vc->sorry_port, IPPROTO_TCP, true);
		json_object_set_new(j, "sorry_server", json_string(hp));
		json_object_set_new(j, "sorry_active", json_boolean(ps->sorry_on));
	}
	json_object_set_new(j, "servers", servers);
	return j;
}

static json_t *model(const struct vsd_daemon *d)
{
	json_t *j = json_header(d), *virtuals = json_array();
	size_t i;

	json_object_set_new(j, "mode", json_string(d->aa ? "active-active" :
			    d->fo || d->keyless ? "primary/backup" : "single"));
	json_object_set_new(j, "failover", status_failover_json(d));
	json_object_set_new(j, "active_active", status_aa_json(d));
	for (i = 0; i < d->pool->n_svcs; i++)
		json_array_append_new(virtuals, json_virtual(d, &d->pool->svcs[i]));
	json_object_set_new(j, "virtuals", virtuals);
	return j;
}

void status_json(const struct vsd_daemon *d, struct strbuf *o)
{
	sb_json(o, model(d));
}

/* ------------------------------------------------------------------ */
/* Text: vsd status, read from the model                                */

static const json_t *at(const json_t *o, const char *key)
{
	return json_object_get(o, key);
}

static double num(const json_t *o, const char *key)
{
	return json_number_value(at(o, key));
}

static unsigned long long count(const json_t *o, const char *key)
{
	return (unsigned long long)json_integer_value(at(o, key));
}

static const char *str(const json_t *o, const char *key)
{
	const char *s = json_string_value(at(o, key));

	return s ? s : "";
}

static bool yes(const json_t *o, const char *key)
{
	return json_is_true(at(o, key));
}

static void text_header(const json_t *m, struct strbuf *o)
{
	const json_t *t = at(m, "table"), *pv = at(m, "privileges"),
		     *ch = at(m, "checks"), *cpu_s = at(m, "cpu_s");
	const json_t *late = at(ch, "lateness_us"), *jit = at(ch, "jitter_us");
	const json_t *bo = at(m, "backup_only");
	char loaded[32];

	time_str(num(m, "loaded"), loaded, sizeof(loaded));
	sb_printf(o, "vsd %s, pid %d, up %.0fs%s\n", str(m, "version"),
		  (int)count(m, "pid"), loop_wall() - num(m, "started"),
		  yes(m, "no_kernel") ? ", no kernel" : "");
	sb_printf(o, "config %s (serial %llu), loaded %s; last reload: %s\n",
		  str(m, "config"), count(m, "serial"), loaded,
		  str(m, "last_reload"));
	sb_printf(o, "table: %llu passes, %llu changes, %llu corrections, %llu errors\n",
		  count(t, "passes"), count(t, "changes"),
		  count(t, "corrections"), count(t, "errors"));
	sb_printf(o, "kernel: %s\n", json_is_null(bo) ? "backup_only unknown" :
		  json_is_true(bo) ? "backup_only on (a standby: schedules nothing, packets to a VIP are served here)" :
		  "directing (backup_only off)");
	sb_printf(o, "privileges: uid %u, capabilities %s; programs run as %s\n",
		  (unsigned int)count(pv, "uid"), str(pv, "capabilities"),
		  str(pv, "programs"));
	sb_printf(o, "checks: %llu running, %llu attempts, start lateness mean %.2f ms max %.2f ms, interval jitter mean %.2f ms max %.2f ms\n",
		  count(ch, "probes"), count(ch, "attempts"),
		  num(late, "mean") / 1000, num(late, "max") / 1000,
		  num(jit, "mean") / 1000, num(jit, "max") / 1000);
	sb_printf(o, "cpu: %.2fs user, %.2fs system, %.2fs in check programs\n",
		  num(cpu_s, "user"), num(cpu_s, "system"),
		  num(cpu_s, "children"));
}

static void text_failover(const json_t *f, struct strbuf *o)
{
	const json_t *peer = at(f, "peer"), *ign = at(f, "ignored"),
		     *sync = at(f, "sync");
	bool primary = !strcmp(str(f, "node"), "primary");

	if (!json_is_object(f))
		return;
	if (yes(f, "keyless")) {
		sb_printf(o, "failover: OFF, no heartbeat_key: %s\n", primary ?
			  "primary director, ACTIVE for good (holds the addresses; the backup never takes over)" :
			  "backup director, standby for good (never takes over)");
		return;
	}
	sb_printf(o, "failover: %s director, %s", str(f, "node"),
		  yes(f, "active") ? "ACTIVE" : "standby");
	if (json_is_string(at(f, "reason")))	/* none until the first change */
		sb_printf(o, " (%s)", str(f, "reason"));
	sb_printf(o, "; links %s\n", yes(f, "links_ok") ? "up" : "DOWN");
	sb_printf(o, "  peer: %s", yes(peer, "alive") ? str(peer, "state") : "not heard");
	sb_printf(o, ", heard %.1f s ago (public), %.1f s ago (private)\n",
		  num(peer, "heard_public"), num(peer, "heard_private"));
	if (yes(f, "config_mismatch"))
		sb_printf(o, "  CONFIGURATION MISMATCH: the peer's file differs (its serial_no %llu)\n",
			  count(peer, "serial"));
	if (yes(f, "key_mismatch"))
		sb_printf(o, "  KEY MISMATCH: every heartbeat from the peer fails authentication (heartbeat_key differs?)\n");
	sb_printf(o, "  heartbeats ignored: %llu forged, %llu replayed, %llu stale, %llu malformed, %llu our own, %llu from other addresses; %llu before the peer heard this run\n",
		  count(ign, "forged"), count(ign, "replayed"),
		  count(ign, "stale"), count(ign, "malformed"),
		  count(ign, "self"), count(ign, "stranger"),
		  count(ign, "unfresh"));
	if (json_is_object(sync))
		sb_printf(o, "  sync: %llu events relayed in %llu datagrams (%llu bytes), %llu received, %llu installed, %llu rejected, %llu full syncs sent, %llu overruns\n",
			  count(sync, "events"), count(sync, "sent"),
			  count(sync, "bytes_sent"), count(sync, "received"),
			  count(sync, "installed"), count(sync, "rejected"),
			  count(sync, "full_syncs"), count(sync, "overruns"));
}

static void text_peer(const json_t *p, struct strbuf *o)
{
	const json_t *sync = at(p, "sync");

	sb_printf(o, "  director %s: ", str(p, "address"));
	if (num(p, "heard") < 0)
		sb_printf(o, "not heard");
	else
		sb_printf(o, "%s, %s%s%s, heard %.1f s ago", yes(p, "alive") ? "alive" : "DEAD",
			  yes(p, "announcing") ? "announcing" : "not announcing",
			  yes(p, "draining") ? " (draining)" : "",
			  yes(p, "refused") ? " (refused)" : "", num(p, "heard"));
	if (!yes(p, "config_match"))
		sb_printf(o, ", CONFIGURATION DIFFERS (its serial_no %llu)", count(p, "serial"));
	if (yes(p, "key_mismatch"))
		sb_printf(o, ", KEY MISMATCH");
	sb_printf(o, "\n");
	if (json_is_object(sync))
		sb_printf(o, "    sync: %llu events relayed in %llu datagrams (%llu bytes), %llu received, %llu installed, %llu rejected, %llu full syncs sent, %llu overruns%s\n",
			  count(sync, "events"), count(sync, "sent"),
			  count(sync, "bytes_sent"), count(sync, "received"),
			  count(sync, "installed"), count(sync, "rejected"),
			  count(sync, "full_syncs"), count(sync, "overruns"),
			  yes(p, "synced") ? "; its full sync came" : "");
}

static void text_drain(const json_t *dr, struct strbuf *o)
{
	if (!json_is_object(dr))
		return;
	if (!strcmp(str(dr, "state"), "drained"))
		sb_printf(o, "  DRAINED: every VIP withdrawn, %lld connections left\n",
			  (long long)json_integer_value(at(dr, "connections")));
	else
		sb_printf(o, "  DRAINING: every VIP withdrawn, %lld connections left, %.0f s of %.0f s to the timeout\n",
			  (long long)json_integer_value(at(dr, "connections")),
			  num(dr, "timeout") - (loop_wall() - num(dr, "since")),
			  num(dr, "timeout"));
}

static void text_aa(const json_t *a, struct strbuf *o)
{
	const json_t *vips = at(a, "vips"), *peers = at(a, "peers"),
		     *ign = at(a, "ignored"), *sl = at(a, "sloppy_tcp");
	size_t i, n = 0;

	if (!json_is_object(a))
		return;
	for (i = 0; i < json_array_size(vips); i++)
		n += yes(json_array_get(vips, i), "announced");
	sb_printf(o, "mode: active-active, director %s of %llu; %zu of %zu VIPs announced in table %llu (%llu announcements, %llu withdrawals); kernel %s, sloppy_tcp %s\n",
		  str(a, "self"), count(a, "directors"), n, json_array_size(vips),
		  count(a, "table"), count(a, "announcements"), count(a, "withdrawals"),
		  yes(a, "kernel") ? "answers" : "UNREACHABLE",
		  json_is_null(sl) ? "unknown" : json_is_true(sl) ? "on" : "OFF");
	if (json_is_string(at(a, "refused")))
		sb_printf(o, "  REFUSED: %s: nothing is announced\n", str(a, "refused"));
	text_drain(at(a, "drain"), o);
	for (i = 0; i < json_array_size(vips); i++) {
		const json_t *v = json_array_get(vips, i);

		sb_printf(o, "  VIP %s: %s\n", str(v, "address"), yes(v, "announced") ?
			  "announced" : str(v, "reason"));
	}
	for (i = 0; i < json_array_size(peers); i++)
		text_peer(json_array_get(peers, i), o);
	sb_printf(o, "  heartbeats ignored: %llu forged, %llu replayed, %llu stale, %llu malformed, %llu our own, %llu from other addresses; %llu before a director heard this run\n",
		  count(ign, "forged"), count(ign, "replayed"), count(ign, "stale"),
		  count(ign, "malformed"), count(ign, "self"), count(ign, "stranger"),
		  count(ign, "unfresh"));
}

static void text_server(const json_t *s, struct strbuf *o)
{
	char addr[VS_HOSTPORT_MAX + 8], since[32];
	const json_t *check = at(s, "check");
	const char *a = str(s, "address");

	/* An IPv6 address in brackets, as the table writes it. */
	snprintf(addr, sizeof(addr), strchr(a, ':') ? "[%s]:%llu" : "%s:%llu", a,
		 count(s, "port"));
	time_str(num(s, "since"), since, sizeof(since));
	sb_printf(o, "  %-12s %-21s %-9s weight %llu/%llu", str(s, "name"), addr,
		  str(s, "state"), count(s, "weight"),
		  count(s, "configured_weight"));
	if (yes(s, "in_table"))
		sb_printf(o, " (table %llu)", count(s, "table_weight"));
	else
		sb_printf(o, " (not in table)");
	sb_printf(o, " since %s: %s", since, str(s, "reason"));
	if (count(check, "shared_by") > 1)
		sb_printf(o, " [check shared by %llu]", count(check, "shared_by"));
	if (at(s, "load"))
		sb_printf(o, " [load %.2f]", num(s, "load"));
	sb_printf(o, "\n");
}

static void text_virtual(const json_t *v, struct strbuf *o)
{
	const json_t *servers = at(v, "servers");
	size_t i;

	sb_printf(o, "\nvirtual %s: %s %s%s%s %s, check %s%s%s\n", str(v, "name"),
		  str(v, "service"), str(v, "scheduler"),
		  *str(v, "scheduler_flags") ? " " : "", str(v, "scheduler_flags"),
		  str(v, "forwarding"),
		  str(v, "check"), yes(v, "quiesce") ? ", quiesce" : "",
		  yes(v, "active") ? "" : ", inactive");
	if (at(v, "sorry_server"))
		sb_printf(o, "  sorry server %s: %s\n", str(v, "sorry_server"),
			  yes(v, "sorry_active") ? "TAKING TRAFFIC" : "standby");
	for (i = 0; i < json_array_size(servers); i++)
		text_server(json_array_get(servers, i), o);
}

void status_text(const struct vsd_daemon *d, struct strbuf *o)
{
	json_t *m = model(d);
	const json_t *virtuals = at(m, "virtuals");
	size_t i;

	if (!m) {
		o->failed = true;
		return;
	}
	text_header(m, o);
	text_failover(at(m, "failover"), o);
	text_aa(at(m, "active_active"), o);
	for (i = 0; i < json_array_size(virtuals); i++)
		text_virtual(json_array_get(virtuals, i), o);
	json_decref(m);
}

/* The failover part alone, as vsd takeover and vsd release answer. */
void status_failover_text(const struct vsd_daemon *d, struct strbuf *o)
{
	json_t *f = status_failover_json(d);

	text_failover(f, o);
	json_decref(f);
}
