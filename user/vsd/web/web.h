/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The web panel (Documentation/vsd-web.rst): an HTTP(S) server
 * on vsd's own loop, with libmicrohttpd in its external-epoll mode (no
 * threads: every request runs in the loop, beside checks and reloads, so
 * it sees the daemon's state as it is and needs no locks). It serves the
 * panel's few static files and the JSON API they use. On when vsd.conf
 * has web_port or web_listen; the address, port and certificate are read
 * at start, the allow list and password file at every request.
 */
#ifndef _VSD_WEB_H
#define _VSD_WEB_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

struct loop;
struct pool;
struct strbuf;
struct vs_table;
struct vsd_conf;
struct vsd_web;

/*
 * What the panel asks of the daemon that runs it, and all it sees of it
 * (daemon.c fills one in): the running configuration (its file is the
 * one a save writes) and its servers' state through the pool, the table,
 * the status, and two ways to change things, a reload and a role change.
 */
struct web_host {
	struct loop *loop;
	/* vsd --no-kernel's own table; NULL with a kernel: dump it */
	const struct vs_table *own_table;
	void *arg;			/* for the functions below */
	const struct pool *(*pool)(void *arg);
	int (*dump)(void *arg, struct vs_table *t);	/* 0 or -errno */
	/* As SIGHUP: 0 and applied, or -1 and the errors in msg. */
	int (*reload)(void *arg, struct strbuf *msg);
	/* Take (true) or give up the active role; -ENOENT: no failover. */
	int (*role)(void *arg, bool take);
	void (*status)(void *arg, struct strbuf *out);	/* vsd status --json */
	json_t *(*failover)(void *arg);			/* its "failover" */
};

/* NULL and *err = 0 when the panel is not configured; NULL, -errno and
 * why (for the caller to log) when it cannot start.
 */
struct vsd_web *web_start(const struct web_host *host, int *err, char *why,
			  size_t len);
void web_stop(struct vsd_web *w);
/* After a reload to c (w NULL when no panel runs): say which settings
 * wait for a restart.
 */
void web_reloaded(const struct vsd_web *w, const struct vsd_conf *c);

#endif /* _VSD_WEB_H */
