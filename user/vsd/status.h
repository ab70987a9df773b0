/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsd status: the daemon's state as text (vsd status) and as JSON
 * (vsd status --json and the panel's /api/status).
 */
#ifndef _VSD_STATUS_H
#define _VSD_STATUS_H

#include "strbuf.h"

struct vsd_daemon;

void status_text(const struct vsd_daemon *d, struct strbuf *out);
void status_json(const struct vsd_daemon *d, struct strbuf *out);
/* Its failover lines alone (vsd takeover, vsd release). */
void status_failover_text(const struct vsd_daemon *d, struct strbuf *out);

#endif /* _VSD_STATUS_H */
