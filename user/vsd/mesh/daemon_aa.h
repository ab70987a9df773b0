/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The active-active glue between the daemon, announce.c and mesh.c:
 * which director this is, sloppy_tcp, the announce decision (after every
 * table pass and pool change, and every 250 ms), drain, and the mode's
 * part of vsd status.
 */
#ifndef _VSD_DAEMON_AA_H
#define _VSD_DAEMON_AA_H

#include <jansson.h>

#include "conf.h"
#include "strbuf.h"

struct vsd_daemon;

/* self: this director's address when given (vsd --self), else the one
 * listed director that is local. 0, or -errno with the reason logged.
 */
int daemon_aa_start(struct vsd_daemon *d, const struct vsd_conf *c,
		    const char *self);
void daemon_aa_reload(struct vsd_daemon *d, const struct vsd_conf *old,
		      const struct vsd_conf *c);
/* Withdraw every route, stop heartbeating. */
void daemon_aa_stop(struct vsd_daemon *d);
/* Decide again now (a pass ended, the pool changed). */
void daemon_aa_update(struct vsd_daemon *d);
/* Put back routes deleted by hand (with the periodic comparison). */
void daemon_aa_reassert(struct vsd_daemon *d);

/* The control socket's drain, undrain and drained: an exit status. */
int daemon_aa_command(struct vsd_daemon *d, const char *cmd,
		      struct strbuf *out);
/* The "active_active" member of the status: null in the other modes. */
json_t *status_aa_json(const struct vsd_daemon *d);

#endif /* _VSD_DAEMON_AA_H */
