/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The failover glue between the daemon and failover.c: roles from the
 * configuration, backup_only and floating addresses on role changes,
 * active_cmd/inactive_cmd, connection sync, and failover's part of
 * vsd status.
 */
#ifndef _VSD_DAEMON_FO_H
#define _VSD_DAEMON_FO_H

#include <jansson.h>

#include "conf.h"
#include "strbuf.h"

struct vsd_daemon;

int daemon_fo_start(struct vsd_daemon *d, const struct vsd_conf *c);
void daemon_fo_reload(struct vsd_daemon *d, const struct vsd_conf *old,
		      const struct vsd_conf *c);
void daemon_fo_stop(struct vsd_daemon *d);
/* The "failover" member of the status: null without failover. */
json_t *status_failover_json(const struct vsd_daemon *d);

#endif /* _VSD_DAEMON_FO_H */
