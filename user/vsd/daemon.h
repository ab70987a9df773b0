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

#include "daemon_state.h"
#include "strbuf.h"

/* Takes conf. 0, or -errno (the table could not be reached). */
int daemon_start(struct vsd_daemon *d, struct loop *l, struct vsd_conf *conf,
		 bool no_kernel);
/* Re-read the file: 0 and applied, or -1 with the errors in msg and the
 * running configuration untouched.
 */
int daemon_reload(struct vsd_daemon *d, struct strbuf *msg);
/* The web panel, if configured: 0, or -errno and why it cannot start. */
int daemon_web_start(struct vsd_daemon *d, char *why, size_t len);
/* Apply shutdown_action and free everything. */
void daemon_stop(struct vsd_daemon *d);
/* The control socket's commands. */
int daemon_command(const char *cmd, struct strbuf *out, void *arg);

#endif /* _VSD_DAEMON_H */
