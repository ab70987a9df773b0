/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running daemon: the loop, the pool built from the configuration,
 * the reconciler that keeps the kernel table equal to what the pool wants,
 * reloads, the control socket's commands, and failover (heartbeats,
 * floating addresses, connection sync) on the same loop. Both directors
 * keep the table, so that a takeover only moves addresses.
 */
#ifndef _VSD_DAEMON_H
#define _VSD_DAEMON_H

#include "control.h"
#include "failover/failover.h"
#include "loop.h"
#include "pool.h"
#include "reconcile.h"
#include "strbuf.h"

/* active_cmd or inactive_cmd while it runs (daemon_fo.c). */
struct role_cmd {
	struct vsd_daemon *d;
	const char *key;		/* "active_cmd" */
	struct loop_child child;
	struct loop_timer timer;	/* its time is up */
};

struct vsd_daemon {
	struct loop *loop;
	struct reconciler rec;
	struct pool *pool;
	struct vs_service *retired;	/* removed by a reload, to delete */
	size_t n_retired;
	struct loop_timer rec_timer;	/* a change to apply */
	struct loop_timer drift_timer;	/* the periodic comparison */
	uint64_t pass_end, pass_cost;	/* us: when the last pass ended, its length */
	struct ctl_server *ctl;
	struct vsd_web *web;		/* NULL unless web_port/web_listen */
	const char *conf_path;
	bool no_kernel;
	double started, loaded;		/* wall clock */
	uint64_t reloads, reload_failures;
	char last_reload[512];
	struct vsd_failover *fo;	/* NULL without heartbeat = 1 */
	struct vsd_float *floats;
	size_t n_floats;
	enum vsd_hb_node node;
	bool keyless;			/* heartbeat = 1, no heartbeat_key */
	struct role_cmd role_cmds[2];	/* active_cmd, inactive_cmd */
};

/* Takes conf. 0, or -errno (the table could not be reached). */
int daemon_start(struct vsd_daemon *d, struct loop *l, struct vsd_conf *conf,
		 bool no_kernel);
/* Re-read the file: 0 and applied, or -1 with the errors in msg and the
 * running configuration untouched.
 */
int daemon_reload(struct vsd_daemon *d, struct strbuf *msg);
/* Apply shutdown_action and free everything. */
void daemon_stop(struct vsd_daemon *d);
/* The control socket's commands. */
int daemon_command(const char *cmd, struct strbuf *out, void *arg);

/* failover glue (daemon_fo.c) */
int daemon_fo_start(struct vsd_daemon *d, const struct vsd_conf *c);
void daemon_fo_reload(struct vsd_daemon *d, const struct vsd_conf *old,
		      const struct vsd_conf *c);
void daemon_fo_stop(struct vsd_daemon *d);
void status_failover_text(const struct vsd_daemon *d, struct strbuf *out);
/* The "failover" member of the status: null without failover. */
json_t *status_failover_json(const struct vsd_daemon *d);

/* status.c */
void status_text(const struct vsd_daemon *d, struct strbuf *out);
void status_json(const struct vsd_daemon *d, struct strbuf *out);

#endif /* _VSD_DAEMON_H */
