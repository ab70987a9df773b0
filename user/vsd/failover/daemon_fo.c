// SPDX-License-Identifier: GPL-2.0
/*
 * The glue between the configuration and failover.c: which director this
 * is (the one holding the `primary` or the `backup` address), what floats
 * (every active virtual's address on its device, and nat_router), the key,
 * the digest of the file the peer compares with its own, and active_cmd /
 * inactive_cmd, run without a shell on each role change.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>

#include "atomic.h"
#include "conf_argv.h"
#include "daemon_fo.h"
#include "daemon_state.h"
#include "log.h"
#include "unpriv.h"

static bool is_local(union vs_addr a)
{
	struct ifaddrs *list, *i;
	bool found = false;

	if (getifaddrs(&list))
		return false;
	for (i = list; i && !found; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == a.ip)
			found = true;
	freeifaddrs(list);
	return found;
}

/* An IPv6 VIP floats as a /128: its own, never a route to a prefix. */
static bool add_float(struct vsd_daemon *d, const char *dev, uint16_t af,
		      union vs_addr a, uint8_t plen)
{
	struct vsd_float *f;
	size_t i;

	if (af == AF_INET6)
		plen = 128;
	for (i = 0; i < d->n_floats; i++)
		if (d->floats[i].af == af &&
		    !memcmp(&d->floats[i].addr, &a, af == AF_INET6 ? 16 : 4))
			return true;	/* several virtuals share a VIP */
	f = realloc(d->floats, (d->n_floats + 1) * sizeof(*f));
	if (!f)
		return false;
	d->floats = f;
	if (vsd_float_init(&f[d->n_floats], dev, af, &a, plen ? plen : 32)) {
		log_err("failover: bad device '%s'", dev);
		return false;
	}
	d->n_floats++;
	return true;
}

static int collect_floats(struct vsd_daemon *d, const struct vsd_conf *c)
{
	size_t i;

	for (i = 0; i < c->n_virtuals; i++) {
		const struct vsd_virtual_conf *v = &c->virtuals[i];

		if (v->active && v->has_addr &&
		    !add_float(d, v->dev, v->af, v->addr, v->vip_nmask))
			return -EINVAL;
	}
	if (c->has_nat_router &&
	    !add_float(d, c->nat_router_dev, AF_INET, c->nat_router, c->nat_nmask))
		return -EINVAL;
	return 0;
}

#define ROLE_CMD_TIMEOUT_US (30 * 1000000ULL)

static void role_cmd_done(struct loop_child *c, int status)
{
	struct role_cmd *rc = (struct role_cmd *)((char *)c - offsetof(struct role_cmd, child));

	loop_timer_cancel(rc->d->loop, &rc->timer);
	c->pid = 0;
	if (WIFEXITED(status) && !WEXITSTATUS(status))
		log_info("failover: %s done", rc->key);
	else if (WIFEXITED(status))
		log_warn("failover: %s exited with status %d", rc->key, WEXITSTATUS(status));
	else
		log_warn("failover: %s killed by signal %d", rc->key, WTERMSIG(status));
}

static void role_cmd_stop(struct role_cmd *rc, const char *why)
{
	if (!rc->child.pid)
		return;
	if (why) {
		log_warn("failover: %s %s: killed", rc->key, why);
		kill(-rc->child.pid, SIGKILL);	/* its own process group */
	}
	loop_child_unwatch(rc->d->loop, &rc->child);
	loop_timer_cancel(rc->d->loop, &rc->timer);
	rc->child.pid = 0;
}

static void role_cmd_timeout(struct loop_timer *t)
{
	struct role_cmd *rc = (struct role_cmd *)((char *)t - offsetof(struct role_cmd, timer));

	role_cmd_stop(rc, "still running after 30 s");
}

/*
 * active_cmd / inactive_cmd: split like send_program (quotes group words),
 * run without a shell as a check program is (own process group, signals
 * at their defaults, stdin from /dev/null), and killed with its group if
 * it takes over 30 s or the role changes back meanwhile.
 */
static void run_cmd(struct vsd_daemon *d, bool active, const char *cmd)
{
	struct role_cmd *rc = &d->role_cmds[active ? 0 : 1];
	char **argv;
	pid_t pid;
	int ret;

	role_cmd_stop(&d->role_cmds[active ? 1 : 0], "still running when the role changed");
	role_cmd_stop(rc, "still running when it was due again");
	if (!cmd || !*cmd)
		return;
	rc->d = d;
	rc->key = active ? "active_cmd" : "inactive_cmd";
	if (vsd_exec_argv(cmd, NULL, 0, &argv)) {
		log_err("failover: %s: cannot split '%s' into words (unbalanced quotes?)",
			rc->key, cmd);
		return;
	}
	ret = vsd_exec_spawn(&pid, argv, -1);
	if (ret) {
		log_err("failover: %s: cannot run %s: %s", rc->key, argv[0], strerror(ret));
	} else {
		rc->child.pid = pid;
		rc->child.fn = role_cmd_done;
		loop_child_watch(d->loop, &rc->child);
		rc->timer.fn = role_cmd_timeout;
		loop_timer_in(d->loop, &rc->timer, ROLE_CMD_TIMEOUT_US);
	}
	vsd_exec_argv_free(argv);
}

/*
 * A standby that is also a real server (Ultra Monkey's two nodes) must not
 * schedule what the active director sends it, or the packet may go back:
 * backup_only goes on before the addresses leave, off before they come.
 */
static void role_changing(bool active, void *arg)
{
	struct vsd_daemon *d = arg;

	rec_backup_only(&d->rec, !active);
}

static void role_changed(bool active, void *arg)
{
	struct vsd_daemon *d = arg;
	const struct vsd_conf *c = d->pool->conf;

	run_cmd(d, active, active ? c->active_cmd : c->inactive_cmd);
}

/*
 * heartbeat = 1 without heartbeat_key: every lvs.cf Piranha wrote. Nothing
 * can fail over (heartbeats would be unauthenticated), but the primary
 * takes its addresses as pulse would, so the site still serves after the
 * move, and the backup stands by for good. Both say so loudly.
 */
static int keyless_start(struct vsd_daemon *d, const struct vsd_conf *c)
{
	bool primary = is_local(c->primary);
	size_t i;
	int fd;

	if (!primary && !is_local(c->backup)) {
		log_err("failover: off: no heartbeat_key, and this host has neither the primary nor the backup address");
		return 0;
	}
	if (collect_floats(d, c))
		return -EINVAL;
	d->keyless = true;
	d->node = primary ? VSD_HB_PRIMARY : VSD_HB_BACKUP;
	log_err("failover: OFF: heartbeat = 1 without heartbeat_key (a file with the directors' shared secret, see vsd.conf(5)): %s",
		primary ? "this primary director holds the addresses, and the backup will never take over"
			: "this backup director will never take over");
	rec_backup_only(&d->rec, !primary);
	fd = primary ? vsd_garp_open() : -1;
	for (i = 0; i < d->n_floats; i++) {
		const struct vsd_float *f = &d->floats[i];

		if (!primary) {
			vsd_float_del(f);
		} else if (vsd_float_add(f)) {
			log_err("failover: cannot add %s %s", f->dev, f->text);
		} else if (fd >= 0) {
			vsd_float_garp(fd, f);
		}
	}
	if (fd >= 0)
		close(fd);
	if (primary)
		run_cmd(d, true, c->active_cmd);
	return 0;
}

static void keyless_stop(struct vsd_daemon *d)
{
	size_t i;

	if (!d->keyless || d->node != VSD_HB_PRIMARY)
		return;
	rec_backup_only(&d->rec, true);
	for (i = 0; i < d->n_floats; i++)
		vsd_float_del(&d->floats[i]);
	run_cmd(d, false, d->pool->conf->inactive_cmd);
}

int daemon_fo_start(struct vsd_daemon *d, const struct vsd_conf *c)
{
	struct vsd_failover_conf fc;
	const char *why;

	if (!c->heartbeat)
		return 0;
	if (!c->heartbeat_key)
		return keyless_start(d, c);
	memset(&fc, 0, sizeof(fc));
	if (is_local(c->primary)) {
		fc.self = VSD_HB_PRIMARY;
		fc.local_pub.s_addr = c->primary.ip;
		fc.peer_pub.s_addr = c->backup.ip;
		fc.local_priv.s_addr = c->primary_private.ip;
		fc.peer_priv.s_addr = c->backup_private.ip;
	} else if (is_local(c->backup)) {
		fc.self = VSD_HB_BACKUP;
		fc.local_pub.s_addr = c->backup.ip;
		fc.peer_pub.s_addr = c->primary.ip;
		fc.local_priv.s_addr = c->backup_private.ip;
		fc.peer_priv.s_addr = c->primary_private.ip;
	} else {
		log_err("failover: this host has neither the primary nor the backup address");
		return -EADDRNOTAVAIL;
	}
	d->node = fc.self;
	fc.has_private = c->has_primary_private && c->has_backup_private;
	fc.port = c->heartbeat_port;
	fc.sync_port = !c->syncdaemon ? 0 :
		       c->sync_port ? c->sync_port : c->heartbeat_port + 1;
	fc.keepalive_us = c->keepalive * 1000;
	fc.deadtime_us = c->deadtime * 1000;
	fc.monitor_links = c->monitor_links;
	fc.preempt = c->preempt;
	fc.garp_repeat = c->garp_repeat;
	fc.garp_interval_us = c->garp_interval * 1000;
	fc.serial = c->serial_no;
	fc.role_changing = role_changing;
	fc.role_changed = role_changed;
	fc.arg = d;
	if (vsd_hb_key_load(c->heartbeat_key, &fc.key, &why)) {
		log_err("failover: heartbeat_key %s: %s", c->heartbeat_key, why);
		return -EACCES;
	}
	if (vsd_conf_digest(c->path, fc.digest))
		return -EIO;
	if (collect_floats(d, c))
		return -EINVAL;
	fc.floats = d->floats;
	fc.n_floats = d->n_floats;
	rec_backup_only(&d->rec, true);	/* it starts as the standby */
	d->fo = vsd_failover_new(d->loop, &fc);
	if (!d->fo)
		return -EIO;
	log_notice("failover: this is the %s director; %zu floating addresses",
		   fc.self == VSD_HB_PRIMARY ? "primary" : "backup", d->n_floats);
	return 0;
}

static bool same_failover(const struct vsd_conf *a, const struct vsd_conf *b)
{
	return a->heartbeat == b->heartbeat && a->primary.ip == b->primary.ip &&
	       a->backup.ip == b->backup.ip &&
	       a->primary_private.ip == b->primary_private.ip &&
	       a->backup_private.ip == b->backup_private.ip &&
	       a->heartbeat_port == b->heartbeat_port &&
	       a->keepalive == b->keepalive && a->deadtime == b->deadtime &&
	       a->nat_router.ip == b->nat_router.ip;
}

void daemon_fo_reload(struct vsd_daemon *d, const struct vsd_conf *old,
		      const struct vsd_conf *c)
{
	uint8_t digest[VSD_HB_DIGEST_LEN];

	if (!d->fo)
		return;
	if (!same_failover(old, c))
		log_warn("failover: changed heartbeat or address settings take effect when vsd restarts");
	if (!vsd_conf_digest(c->path, digest))
		vsd_failover_set_config(d->fo, c->serial_no, digest);
}

void daemon_fo_stop(struct vsd_daemon *d)
{
	keyless_stop(d);
	d->keyless = false;
	vsd_failover_free(d->fo);
	d->fo = NULL;
	/* Left to finish on their own: vsd is going. */
	role_cmd_stop(&d->role_cmds[0], NULL);
	role_cmd_stop(&d->role_cmds[1], NULL);
	free(d->floats);
	d->floats = NULL;
	d->n_floats = 0;
}

static const char *state_name(uint8_t s)
{
	return s == VSD_HB_ACTIVE ? "active" : s == VSD_HB_STOPPING ? "stopping"
							     : "standby";
}

/* {"forged": N, ...}: the datagrams ignored, by verdict. */
static json_t *verdicts_json(const uint64_t counts[VSD_HB_VERDICTS])
{
	json_t *j = json_object();
	int v;

	for (v = VSD_HB_OK + 1; v < VSD_HB_VERDICTS; v++)
		json_object_set_new(j, v == VSD_HB_SELF ? "self" : vsd_hb_verdict_name(v),
				    json_integer((json_int_t)counts[v]));
	return j;
}

static json_t *sync_json(const struct vsd_sync_stats *ss)
{
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		"events", (json_int_t)ss->events,
		"sent", (json_int_t)ss->sent,
		"bytes_sent", (json_int_t)ss->bytes_sent,
		"received", (json_int_t)ss->received,
		"installed", (json_int_t)ss->installed,
		"rejected", (json_int_t)ss->rejected,
		"full_syncs", (json_int_t)ss->full_syncs,
		"overruns", (json_int_t)ss->overruns,
		"rejected_by", verdicts_json(ss->rejected_by));
}

static json_t *keyless_json(const struct vsd_daemon *d)
{
	bool primary = d->node == VSD_HB_PRIMARY;

	return json_pack("{s:s, s:b, s:b, s:b, s:s, s:{s:b, s:s, s:i, s:i, s:i},"
			 " s:b, s:i}",
		"node", primary ? "primary" : "backup",
		"active", primary,
		"keyless", true,
		"links_ok", true,
		"reason", "no heartbeat_key",
		"peer", "alive", false, "state", "standby", "serial", 0,
		"heard_public", -1, "heard_private", -1,
		"config_mismatch", false,
		"changes", 0);
}

json_t *status_failover_json(const struct vsd_daemon *d)
{
	struct vsd_failover_status st;
	const struct vsd_sync_stats *ss;
	json_t *j;

	if (d->keyless)
		return keyless_json(d);
	if (!d->fo)
		return json_null();
	vsd_failover_status(d->fo, &st);
	j = json_pack("{s:s, s:b, s:b, s:b, s:o, s:{s:b, s:s, s:I, s:o, s:o},"
		      " s:b, s:b, s:o, s:I}",
		"node", d->node == VSD_HB_PRIMARY ? "primary" : "backup",
		"active", st.active,
		"keyless", false,
		"links_ok", st.links_ok,
		"reason", st.reason ? json_text(st.reason) : json_null(),
		"peer",
		"alive", st.peer_alive,
		"state", state_name(st.peer_state),
		"serial", (json_int_t)st.peer_serial,
		"heard_public", json_secs(st.last_heard_pub),
		"heard_private", json_secs(st.last_heard_priv),
		"config_mismatch", st.digest_mismatch,
		"key_mismatch", st.key_mismatch,
		"ignored", verdicts_json(st.counts),
		"changes", (json_int_t)st.changes);
	ss = vsd_failover_sync_stats(d->fo);
	if (j && ss)
		json_object_set_new(j, "sync", sync_json(ss));
	return j;
}
