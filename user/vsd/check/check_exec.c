// SPDX-License-Identifier: GPL-2.0
/*
 * The external program check. The program runs in a process group of its
 * own, with stdin and stderr on /dev/null and stdout on a pipe the loop
 * reads; it passes when it exits 0 and, if expect is set, its output
 * matches. At connect_timeout the whole group is killed (a script's own
 * children included) and the loop reaps it later.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "conf_argv.h"
#include "probe.h"
#include "unpriv.h"

#define OUT_BUF 4096

static void judge(struct probe *p)
{
	char ex[64];
	size_t i, o = 0;
	int m = 1;

	for (i = 0; i < p->len && o + 2 < sizeof(ex); i++)
		ex[o++] = p->buf[i] >= ' ' && p->buf[i] < 0x7f ? p->buf[i] : '.';
	ex[o] = '\0';
	if (WIFSIGNALED(p->status)) {
		probe_done(p, false, "program killed by signal %d",
			   WTERMSIG(p->status));
		return;
	}
	if (WEXITSTATUS(p->status)) {
		probe_done(p, false, "program exited with status %d, output '%s'",
			   WEXITSTATUS(p->status), ex);
		return;
	}
	if (p->cc.expect_len)
		m = check_expect_match(p, p->buf, p->len);
	if (m == 1)
		probe_done(p, true, "program exited 0%s",
			   p->cc.expect_len ? ", output matches" : "");
	else
		probe_done(p, false, "program output '%s' does not match expect",
			   ex);
}

static void on_output(struct loop_io *io, uint32_t events)
{
	struct probe *p = (struct probe *)((char *)io - offsetof(struct probe, io));
	char drain[512];
	ssize_t n;

	(void)events;
	for (;;) {
		/* Past the buffer, output is read and dropped so the
		 * program never blocks on a full pipe.
		 */
		if (p->len < p->cap)
			n = read(p->fd, p->buf + p->len, p->cap - p->len);
		else
			n = read(p->fd, drain, sizeof(drain));
		if (n < 0 && errno == EAGAIN)
			return;
		if (n <= 0)
			break;
		if (p->len < p->cap)
			p->len += (size_t)n;
	}
	loop_io_del(p->loop, &p->io);
	close(p->fd);
	p->fd = -1;
	p->eof = true;
	if (p->exited)
		judge(p);
}

static void on_exit_status(struct loop_child *c, int status)
{
	struct probe *p = (struct probe *)((char *)c - offsetof(struct probe, child));

	p->exited = true;
	p->status = status;
	p->pid = 0;
	if (p->eof)
		judge(p);
}

static void exec_start(struct probe *p)
{
	char **argv;
	int fds[2], ret;

	if (vsd_exec_argv(p->cc.program, p->addr_str, p->port, &argv)) {
		probe_done(p, false, "cannot build the program's arguments");
		return;
	}
	p->cap = OUT_BUF;
	p->buf = malloc(OUT_BUF + 1);
	if (!p->buf || pipe2(fds, O_CLOEXEC)) {
		vsd_exec_argv_free(argv);
		probe_done(p, false, "pipe: %s", strerror(errno));
		return;
	}
	fcntl(fds[0], F_SETFL, O_NONBLOCK);
	ret = vsd_exec_spawn(&p->pid, argv, fds[1]);
	close(fds[1]);
	p->fd = fds[0];
	p->eof = p->exited = false;
	if (ret) {
		p->pid = 0;
		probe_done(p, false, "cannot run %s: %s", argv[0], strerror(ret));
		vsd_exec_argv_free(argv);
		return;
	}
	vsd_exec_argv_free(argv);
	p->child.pid = p->pid;
	p->child.fn = on_exit_status;
	loop_child_watch(p->loop, &p->child);
	p->io.fd = p->fd;
	p->io.fn = on_output;
	if (loop_io_add(p->loop, &p->io, EPOLLIN))
		probe_done(p, false, "epoll: %s", strerror(errno));
}

static void exec_stop(struct probe *p)
{
	if (p->pid > 0) {
		kill(-p->pid, SIGKILL);
		kill(p->pid, SIGKILL);
		loop_child_unwatch(p->loop, &p->child);
		p->pid = 0;
	}
	if (p->fd >= 0) {
		loop_io_del(p->loop, &p->io);
		close(p->fd);
		p->fd = -1;
	}
	free(p->buf);
	p->buf = NULL;
	p->len = p->cap = 0;
}

const struct probe_ops check_exec_ops = {
	.start = exec_start, .stop = exec_stop,
};
