/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The web panel (issue 9; Documentation/vsd-web.rst): an HTTP(S) server
 * on vsd's own loop, with libmicrohttpd in its external-epoll mode (no
 * threads: every request runs in the loop, beside checks and reloads, so
 * it sees the daemon's state as it is and needs no locks). It serves the
 * panel's few static files and the JSON API they use. On when vsd.conf
 * has web_port or web_listen; the address, port and certificate are read
 * at start, the allow list and password file at every request.
 */
#ifndef _VSD_WEB_H
#define _VSD_WEB_H

#include <stddef.h>

struct vsd_daemon;
struct vsd_web;

/* NULL and *err = 0 when the panel is not configured; NULL, -errno and
 * why (for the caller to log) when it cannot start.
 */
struct vsd_web *web_start(struct vsd_daemon *d, int *err, char *why, size_t len);
void web_stop(struct vsd_web *w);
/* After a reload (d->web NULL or not): say which settings wait for a
 * restart.
 */
void web_reloaded(struct vsd_daemon *d);

#endif /* _VSD_WEB_H */
