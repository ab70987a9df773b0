/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running daemon's state, shared by the files that make it up:
 * daemon.c (start, reloads, the table, commands), failover/daemon_fo.c
 * (the failover glue) and status.c (vsd status). Each declares its own
 * functions; this holds only the state.
 */
#ifndef _VSD_DAEMON_STATE_H
#define _VSD_DAEMON_STATE_H

#include "control.h"
#include "failover/failover.h"
#include "loop.h"
#include "pool.h"
#include "reconcile.h"

struct vsd_aa;

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
	struct vs_virtual *retired;	/* removed by a reload, to delete */
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
	/* active_active = 1 (mesh/daemon_aa.c); NULL otherwise. */
	struct vsd_aa *aa;
	const char *aa_self;		/* vsd --self, or NULL */
};

#endif /* _VSD_DAEMON_STATE_H */
