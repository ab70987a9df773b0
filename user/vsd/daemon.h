/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The running daemon: the loop, the pool built from the configuration,
 * the reconciler that keeps the kernel table equal to what the pool wants,
 * reloads, and the control socket's commands. Failover (issue 7) would
 * hang its heartbeat on the same loop and gate rec_run() on being active.
 */
#ifndef _VSD_DAEMON_H
#define _VSD_DAEMON_H

#include "control.h"
#include "loop.h"
#include "pool.h"
#include "reconcile.h"
#include "strbuf.h"

struct vsd_daemon {
	struct loop *loop;
	struct reconciler rec;
	struct pool *pool;
	struct vs_service *retired;	/* removed by a reload, to delete */
	size_t n_retired;
	struct loop_timer rec_timer;	/* a change to apply */
	struct loop_timer drift_timer;	/* the periodic comparison */
	struct ctl_server *ctl;
	const char *conf_path;
	bool no_kernel;
	double started, loaded;		/* wall clock */
	uint64_t reloads, reload_failures;
	char last_reload[512];
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

/* status.c */
void status_text(const struct vsd_daemon *d, struct strbuf *out);
void status_json(const struct vsd_daemon *d, struct strbuf *out);

#endif /* _VSD_DAEMON_H */
