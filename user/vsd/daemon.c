// SPDX-License-Identifier: GPL-2.0
/*
 * The daemon's state and its three ways to change the table: a check
 * changed what the pool wants (applied at the end of the loop iteration,
 * so a burst of verdicts costs one pass), the periodic comparison that
 * catches hand-made changes, and reloads.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "failover/daemon_fo.h"
#include "log.h"
#include "mesh/daemon_aa.h"
#include "status.h"
#include "web/web.h"

#define daemon_of(ptr, field) \
	((struct vsd_daemon *)((char *)(ptr) - offsetof(struct vsd_daemon, field)))

static void reconcile(struct vsd_daemon *d)
{
	uint64_t start = loop_now();
	struct want w;

	loop_timer_cancel(d->loop, &d->rec_timer);
	if (pool_want(d->pool, d->retired, d->n_retired, &w)) {
		log_err("cannot build the desired table: out of memory");
		return;
	}
	if (rec_run(&d->rec, &w) == 0) {
		free(d->retired);	/* deleted, or already gone */
		d->retired = NULL;
		d->n_retired = 0;
	}
	want_free(&w);
	d->pass_end = loop_now();
	d->pass_cost = d->pass_end - start;
	daemon_aa_update(d);
}

static void on_rec_timer(struct loop_timer *t)
{
	reconcile(daemon_of(t, rec_timer));
}

static void arm_drift(struct vsd_daemon *d)
{
	uint64_t iv = d->pool->conf->reconcile_interval;

	if (iv)
		loop_timer_in(d->loop, &d->drift_timer, iv * 1000);
	else
		loop_timer_cancel(d->loop, &d->drift_timer);
}

static void on_drift_timer(struct loop_timer *t)
{
	struct vsd_daemon *d = daemon_of(t, drift_timer);

	reconcile(d);
	daemon_aa_reassert(d);
	arm_drift(d);
}

/*
 * Pool changes are applied by the next table pass, at once unless a pass
 * just ended: passes are kept at least twice their own length apart, so
 * when many servers change state together (a switch reboots, a slow host
 * times checks out) the loop still spends most of its time on checks,
 * and one pass applies the lot.
 */
static void on_pool_changed(void *arg)
{
	struct vsd_daemon *d = arg;

	if (!loop_timer_armed(&d->rec_timer))
		loop_timer_at(d->loop, &d->rec_timer, d->pass_end + 2 * d->pass_cost);
	/* A server down withdraws at once, before the pass removes it. */
	daemon_aa_update(d);
}

static void count(const struct vsd_conf *c, size_t *virtuals, size_t *servers)
{
	size_t i;

	*virtuals = c->n_virtuals;
	*servers = 0;
	for (i = 0; i < c->n_virtuals; i++)
		*servers += c->virtuals[i].n_servers;
}

int daemon_start(struct vsd_daemon *d, struct loop *l, struct vsd_conf *conf,
		 bool no_kernel)
{
	size_t nv, ns;
	int ret;

	d->loop = l;
	d->no_kernel = no_kernel;
	d->conf_path = conf->path;
	d->rec_timer.fn = on_rec_timer;
	d->drift_timer.fn = on_drift_timer;
	d->started = d->loaded = loop_wall();
	ret = rec_open(&d->rec, no_kernel);
	if (ret) {
		vsd_conf_free(conf);
		return ret;
	}
	count(conf, &nv, &ns);
	d->pool = pool_new(conf, NULL, on_pool_changed, d);
	if (!d->pool) {
		vsd_conf_free(conf);
		rec_close(&d->rec);
		return -ENOMEM;
	}
	d->conf_path = d->pool->conf->path;
	ret = daemon_fo_start(d, d->pool->conf);
	if (ret) {
		pool_free(d->pool);
		d->pool = NULL;
		rec_close(&d->rec);
		return ret;
	}
	ret = daemon_aa_start(d, d->pool->conf, d->aa_self);
	if (ret) {
		daemon_fo_stop(d);
		pool_free(d->pool);
		d->pool = NULL;
		rec_close(&d->rec);
		return ret;
	}
	if (!d->fo && !d->keyless)	/* the only director: it directs */
		rec_backup_only(&d->rec, false);
	snprintf(d->last_reload, sizeof(d->last_reload), "started");
	log_notice("started: %s, %zu virtual services, %zu real servers, %zu checks%s",
		   d->conf_path, nv, ns, check_count(),
		   no_kernel ? " (no kernel: the table is kept in memory)" : "");
	reconcile(d);
	arm_drift(d);
	return 0;
}

/* Services the old configuration had and the new one does not. */
static void retire(struct vsd_daemon *d, const struct pool *old,
		   const struct pool *new)
{
	size_t i;

	/* Back in the configuration: no longer to be deleted. */
	for (i = 0; i < d->n_retired; )
		if (pool_has_key(new, &d->retired[i]))
			d->retired[i] = d->retired[--d->n_retired];
		else
			i++;
	for (i = 0; i < old->n_svcs; i++) {
		struct vs_virtual *r;

		if (pool_has_key(new, &old->svcs[i].key))
			continue;
		r = realloc(d->retired, (d->n_retired + 1) * sizeof(*r));
		if (!r)
			continue;	/* left in the table, as if not ours */
		d->retired = r;
		d->retired[d->n_retired++] = old->svcs[i].key;
	}
}

static int reject(struct vsd_daemon *d, struct vsd_diag *diag,
		  struct strbuf *msg)
{
	size_t i;

	for (i = 0; i < diag->n_errors; i++) {
		log_err("%s", diag->errors[i]);
		sb_printf(msg, "%s\n", diag->errors[i]);
	}
	log_err("reload: %s rejected, the running configuration stays",
		d->conf_path);
	sb_printf(msg, "vsd: %s rejected: the running configuration stays\n",
		  d->conf_path);
	snprintf(d->last_reload, sizeof(d->last_reload), "rejected: %s",
		 diag->n_errors ? diag->errors[0] : "out of memory");
	d->reload_failures++;
	vsd_diag_free(diag);
	return -1;
}

int daemon_reload(struct vsd_daemon *d, struct strbuf *msg)
{
	struct vsd_diag diag;
	struct vsd_conf *conf;
	struct pool *new;
	size_t i, nv, ns;

	if (vsd_conf_parse(d->conf_path, NULL, &conf, &diag))
		return reject(d, &diag, msg);
	for (i = 0; i < diag.n_notes; i++) {
		log_notice("%s", diag.notes[i]);
		sb_printf(msg, "%s\n", diag.notes[i]);
	}
	vsd_diag_free(&diag);
	count(conf, &nv, &ns);
	new = pool_new(conf, d->pool, on_pool_changed, d);
	if (!new) {
		vsd_conf_free(conf);
		return reject(d, &diag, msg);
	}
	retire(d, d->pool, new);
	daemon_fo_reload(d, d->pool->conf, new->conf);
	daemon_aa_reload(d, d->pool->conf, new->conf);
	pool_free(d->pool);
	d->pool = new;
	d->conf_path = new->conf->path;
	d->loaded = loop_wall();
	d->reloads++;
	reconcile(d);
	arm_drift(d);
	web_reloaded(d->web, new->conf);
	snprintf(d->last_reload, sizeof(d->last_reload), "reloaded (serial %llu)",
		 (unsigned long long)new->conf->serial_no);
	log_notice("reloaded %s (serial %llu): %zu virtual services, %zu real servers, %zu checks",
		   d->conf_path, (unsigned long long)new->conf->serial_no, nv,
		   ns, check_count());
	sb_printf(msg, "vsd: reloaded %s\n", d->conf_path);
	return 0;
}

/* Take or give up the active role, from the control socket or the panel. */
static int role(struct vsd_daemon *d, bool take)
{
	if (!d->fo)
		return -ENOENT;
	if (take)
		vsd_failover_takeover(d->fo);
	else
		vsd_failover_release(d->fo);
	return 0;
}

/* The panel's view of the daemon (web.h's web_host). */
static const struct pool *web_pool_of(void *arg)
{
	return ((struct vsd_daemon *)arg)->pool;
}

static int web_dump(void *arg, struct vs_table *t)
{
	return vs_dump_table(((struct vsd_daemon *)arg)->rec.h, t);
}

static int web_reload(void *arg, struct strbuf *msg)
{
	return daemon_reload(arg, msg);
}

static int web_role(void *arg, bool take)
{
	return role(arg, take);
}

static void web_status(void *arg, struct strbuf *out)
{
	status_json(arg, out);
}

static json_t *web_failover(void *arg)
{
	return status_failover_json(arg);
}

int daemon_web_start(struct vsd_daemon *d, char *why, size_t len)
{
	const struct web_host host = {
		.loop = d->loop,
		.own_table = d->no_kernel ? &d->rec.fake : NULL,
		.arg = d,
		.pool = web_pool_of,
		.dump = web_dump,
		.reload = web_reload,
		.role = web_role,
		.status = web_status,
		.failover = web_failover,
	};
	int err;

	d->web = web_start(&host, &err, why, len);
	return err;
}

void daemon_stop(struct vsd_daemon *d)
{
	struct want w;

	loop_timer_cancel(d->loop, &d->rec_timer);
	loop_timer_cancel(d->loop, &d->drift_timer);
	web_stop(d->web);
	d->web = NULL;
	ctl_close(d->ctl);
	d->ctl = NULL;
	daemon_aa_stop(d);	/* withdrawn first: the routers stop sending */
	daemon_fo_stop(d);
	if (d->pool->conf->shutdown == VSD_SHUTDOWN_FLUSH &&
	    !pool_want(d->pool, d->retired, d->n_retired, &w)) {
		log_notice("stopping: removing the services vsd manages (shutdown_action = flush)");
		rec_remove_all(&d->rec, &w);
		want_free(&w);
	} else {
		log_notice("stopping: the table stays as it is (shutdown_action = keep)");
	}
	pool_free(d->pool);
	d->pool = NULL;
	free(d->retired);
	d->retired = NULL;
	rec_close(&d->rec);
}

int daemon_command(const char *cmd, struct strbuf *out, void *arg)
{
	struct vsd_daemon *d = arg;

	if (!strcmp(cmd, "status")) {
		status_text(d, out);
		return 0;
	}
	if (!strcmp(cmd, "status json")) {
		status_json(d, out);
		return 0;
	}
	if (!strcmp(cmd, "reload"))
		return daemon_reload(d, out) ? 1 : 0;
	if (!strcmp(cmd, "takeover") || !strcmp(cmd, "release")) {
		if (role(d, cmd[0] == 't') == -ENOENT) {
			sb_printf(out, d->keyless ?
				  "vsd: failover is off: heartbeat = 1 needs a heartbeat_key\n" :
				  "vsd: no failover configured (heartbeat = 0)\n");
			return 1;
		}
		status_failover_text(d, out);
		return 0;
	}
	if (!strcmp(cmd, "drain") || !strncmp(cmd, "drain ", 6) ||
	    !strcmp(cmd, "undrain") || !strcmp(cmd, "drained"))
		return daemon_aa_command(d, cmd, out);
	sb_printf(out, "vsd: unknown command '%s' (expected status, status json, reload, takeover, release, drain, undrain or drained)\n",
		  cmd);
	return 2;
}
