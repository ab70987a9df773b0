// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket (see control.h). Each client is a small state
 * machine on the loop: read a line (5 s at most), run the command, write
 * the answer as the socket takes it, close. A slow or stuck client costs
 * one fd, never the checks' timing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "control.h"
#include "log.h"

#define MAX_CLIENTS	32
#define LINE_MAX_LEN	256
#define CLIENT_TIMEOUT	(5 * 1000000ULL)

struct client {
	struct ctl_server *srv;
	struct client *next;
	struct loop_io io;
	struct loop_timer timer;
	char line[LINE_MAX_LEN];
	size_t len;
	struct strbuf out;
	size_t sent;
};

struct ctl_server {
	struct loop *loop;
	struct loop_io io;
	char *path;
	ctl_handler fn;
	void *arg;
	struct client *clients;
	unsigned int n_clients;
};

static void client_close(struct client *c)
{
	struct ctl_server *s = c->srv;
	struct client **pp;

	for (pp = &s->clients; *pp; pp = &(*pp)->next)
		if (*pp == c) {
			*pp = c->next;
			break;
		}
	s->n_clients--;
	loop_io_del(s->loop, &c->io);
	loop_timer_cancel(s->loop, &c->timer);
	close(c->io.fd);
	sb_free(&c->out);
	free(c);
}

static void client_write(struct client *c)
{
	while (c->sent < c->out.len) {
		ssize_t n = send(c->io.fd, c->out.s + c->sent,
				 c->out.len - c->sent, MSG_NOSIGNAL);

		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		c->sent += (size_t)n;
	}
	client_close(c);
}

static void client_answer(struct client *c)
{
	struct strbuf body = { 0 };
	int status;

	c->line[c->len] = '\0';
	c->line[strcspn(c->line, "\r\n")] = '\0';
	status = c->srv->fn(c->line, &body, c->srv->arg);
	if (body.failed)
		status = 1;
	sb_printf(&c->out, "%d\n%s", status,
		  body.failed ? "vsd: out of memory\n" : body.s ? body.s : "");
	sb_free(&body);
	if (c->out.failed) {
		client_close(c);
		return;
	}
	loop_io_mod(c->srv->loop, &c->io, EPOLLOUT);
	client_write(c);
}

static void on_client(struct loop_io *io, uint32_t events)
{
	struct client *c = (struct client *)((char *)io -
					     offsetof(struct client, io));
	ssize_t n;

	if (events & EPOLLOUT) {
		client_write(c);
		return;
	}
	n = recv(io->fd, c->line + c->len, sizeof(c->line) - 1 - c->len, 0);
	if (n < 0 && errno == EAGAIN)
		return;
	if (n <= 0 && !c->len) {
		client_close(c);
		return;
	}
	if (n > 0)
		c->len += (size_t)n;
	if (n > 0 && !memchr(c->line, '\n', c->len) &&
	    c->len < sizeof(c->line) - 1)
		return;
	client_answer(c);
}

static void on_client_timeout(struct loop_timer *t)
{
	client_close((struct client *)((char *)t -
				       offsetof(struct client, timer)));
}

/* Root, or the user vsd runs as: anyone else is turned away even if the
 * socket's mode were loosened by hand.
 */
static bool peer_allowed(int fd)
{
	struct ucred cred;
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		return false;
	return cred.uid == 0 || cred.uid == geteuid();
}

static void on_accept(struct loop_io *io, uint32_t events)
{
	struct ctl_server *s = (struct ctl_server *)((char *)io -
						     offsetof(struct ctl_server, io));
	struct client *c;
	int fd;

	(void)events;
	while ((fd = accept4(io->fd, NULL, NULL,
			     SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		if (!peer_allowed(fd)) {
			static const char no[] =
				"1\nvsd: permission denied: the control socket is root's\n";

			send(fd, no, sizeof(no) - 1, MSG_NOSIGNAL | MSG_DONTWAIT);
			close(fd);
			continue;
		}
		if (s->n_clients >= MAX_CLIENTS || !(c = calloc(1, sizeof(*c)))) {
			close(fd);
			continue;
		}
		c->srv = s;
		c->io.fd = fd;
		c->io.fn = on_client;
		c->timer.fn = on_client_timeout;
		c->next = s->clients;
		s->clients = c;
		s->n_clients++;
		loop_io_add(s->loop, &c->io, EPOLLIN);
		loop_timer_in(s->loop, &c->timer, CLIENT_TIMEOUT);
	}
}

static int bind_socket(const char *path, int *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;
	mode_t old;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		*err = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		*err = errno;
		return -1;
	}
	/* A socket left by a vsd that died; the pid file lock has already
	 * made sure no other vsd owns it.
	 */
	unlink(path);
	old = umask(0177);	/* born 0600: no window where others may connect */
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 16)) {
		*err = errno;
		umask(old);
		close(fd);
		return -1;
	}
	umask(old);
	chmod(path, 0600);
	return fd;
}

struct ctl_server *ctl_listen(struct loop *l, const char *path,
			      ctl_handler fn, void *arg, int *err)
{
	struct ctl_server *s = calloc(1, sizeof(*s));

	*err = ENOMEM;
	if (!s || !(s->path = strdup(path))) {
		free(s);
		return NULL;
	}
	s->loop = l;
	s->fn = fn;
	s->arg = arg;
	s->io.fd = bind_socket(path, err);
	s->io.fn = on_accept;
	if (s->io.fd < 0 || loop_io_add(l, &s->io, EPOLLIN)) {
		if (s->io.fd >= 0) {
			*err = errno;
			close(s->io.fd);
			unlink(path);
		}
		free(s->path);
		free(s);
		return NULL;
	}
	return s;
}

void ctl_close(struct ctl_server *s)
{
	if (!s)
		return;
	while (s->clients)
		client_close(s->clients);
	loop_io_del(s->loop, &s->io);
	close(s->io.fd);
	unlink(s->path);
	free(s->path);
	free(s);
}

/* ------------------------------------------------------------------ */
/* Client                                                               */

static int connect_to(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = 60 };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

int ctl_query(const char *path, const char *cmd, struct strbuf *text)
{
	char buf[65536], *nl;
	struct strbuf in = { 0 };
	int fd = connect_to(path), status;
	ssize_t n;

	if (fd < 0) {
		sb_printf(text, "vsd: cannot reach vsd at %s: %s\n", path,
			  strerror(errno));
		return -1;
	}
	/* A refused peer is answered before its command is read: whatever
	 * became of the send, the answer is what counts.
	 */
	if (send(fd, cmd, strlen(cmd), MSG_NOSIGNAL) >= 0)
		send(fd, "\n", 1, MSG_NOSIGNAL);
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
		sb_printf(&in, "%.*s", (int)n, buf);
	close(fd);
	/* A peer refused without reading its command may see a reset after
	 * the answer: the answer is what counts.
	 */
	if (in.failed || !in.s || !(nl = strchr(in.s, '\n'))) {
		sb_printf(text, "vsd: no answer from vsd at %s%s%s\n", path,
			  n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
		sb_free(&in);
		return -1;
	}
	status = atoi(in.s);
	sb_printf(text, "%s", nl + 1);
	sb_free(&in);
	return status;
}

int ctl_request(const char *path, const char *cmd)
{
	struct strbuf text = { 0 };
	int status = ctl_query(path, cmd, &text);

	fputs(text.s ? text.s : "", status ? stderr : stdout);
	sb_free(&text);
	return status < 0 ? 1 : status;
}
