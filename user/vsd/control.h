/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The control socket: a unix stream socket (mode 0600, and the peer must
 * be root or vsd's own user) taking one command line per connection -
 * "status", "status json", "reload" - and answering with a first line
 * holding an exit status, then the text. `vsd status` and `vsd reload` are
 * its clients.
 */
#ifndef _VSD_CONTROL_H
#define _VSD_CONTROL_H

#include "loop.h"
#include "strbuf.h"

/* vsd.service's RuntimeDirectory, owned by its user; made if missing. */
#define VSD_RUN_DIR "/run/vsd"
#define VSD_SOCKET_DEFAULT VSD_RUN_DIR "/vsd.sock"

/* Fill out, return the exit status the client should exit with. */
typedef int (*ctl_handler)(const char *cmd, struct strbuf *out, void *arg);

struct ctl_server;

struct ctl_server *ctl_listen(struct loop *l, const char *path,
			      ctl_handler fn, void *arg, int *err);
void ctl_close(struct ctl_server *c);

/* The client: send cmd, print the answer to stdout, return its status
 * (or 1 with a message on stderr when vsd cannot be reached).
 */
int ctl_request(const char *path, const char *cmd);
/* The same, the answer's text in text rather than printed: its status,
 * or -1 (and why in text) when vsd cannot be reached.
 */
int ctl_query(const char *path, const char *cmd, struct strbuf *text);

#endif /* _VSD_CONTROL_H */
