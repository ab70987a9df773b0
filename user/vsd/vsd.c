// SPDX-License-Identifier: GPL-2.0
/*
 * vsd: keeps the vs table true to /etc/vs/vsd.conf, checking the real
 * servers. This file is the command line and the start and stop of the
 * parts, in dependency order and its reverse; Documentation/vsd.8 is the
 * manual.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <termios.h>

#include "conf.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "web/web.h"
#include "web/web_int.h"

#define PIDFILE_DEFAULT VSD_RUN_DIR "/vsd.pid"

struct opts {
	const char *conf, *sock, *pidfile, *cmd, *role, *user, *self, *drain;
	bool test, foreground, debug, no_kernel, json, delete, wait;
};

static struct loop *the_loop;
static struct vsd_daemon the_daemon;
static int ready_fd = -1;	/* to the waiting parent while starting */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: vsd [-d] [-D] [-f FILE] [-s SOCKET] [-p PIDFILE] [--no-kernel] [--self ADDR]\n"
		"       vsd -t [-f FILE]\n"
		"       vsd [-s SOCKET] status [--json]\n"
		"       vsd [-s SOCKET] reload\n"
		"       vsd [-s SOCKET] takeover | release\n"
		"       vsd [-s SOCKET] drain [SECONDS] [--wait] | undrain\n"
		"       vsd [-f FILE] passwd [USER] [--role admin|read | --delete]\n"
		"  -f, --config FILE    configuration (default %s)\n"
		"  -t, --test           check the configuration and exit\n"
		"  -d, --foreground     stay in the foreground, log to stderr too\n"
		"  -D, --debug          log debug messages\n"
		"  -s, --socket PATH    control socket (default %s)\n"
		"  -p, --pidfile PATH   pid file (default %s)\n"
		"      --no-kernel      keep the table in memory (tests, dry runs)\n"
		"      --self ADDR      active-active: this director's address of the list\n"
		"      --wait           drain: return once drained\n"
		"  -j, --json           status as JSON\n"
		"      --role ROLE      passwd: admin (default) or read (look only)\n"
		"      --delete         passwd: remove the user\n"
		"  -h, --help, -V, --version\n",
		VSD_CONF_DEFAULT, VSD_SOCKET_DEFAULT, PIDFILE_DEFAULT);
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'f' },
		{ "test", no_argument, NULL, 't' },
		{ "foreground", no_argument, NULL, 'd' },
		{ "debug", no_argument, NULL, 'D' },
		{ "socket", required_argument, NULL, 's' },
		{ "pidfile", required_argument, NULL, 'p' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "json", no_argument, NULL, 'j' },
		{ "role", required_argument, NULL, 'R' },
		{ "delete", no_argument, NULL, 'X' },
		{ "self", required_argument, NULL, 'S' },
		{ "wait", no_argument, NULL, 'W' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int c;

	*o = (struct opts){ .conf = VSD_CONF_DEFAULT, .sock = VSD_SOCKET_DEFAULT,
			    .pidfile = PIDFILE_DEFAULT };
	while ((c = getopt_long(argc, argv, "f:tdDs:p:jhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f': o->conf = optarg; break;
		case 't': o->test = true; break;
		case 'd': o->foreground = true; break;
		case 'D': o->debug = true; break;
		case 's': o->sock = optarg; break;
		case 'p': o->pidfile = optarg; break;
		case 'K': o->no_kernel = true; break;
		case 'j': o->json = true; break;
		case 'R': o->role = optarg; break;
		case 'X': o->delete = true; break;
		case 'S': o->self = optarg; break;
		case 'W': o->wait = true; break;
		case 'h': usage(stdout); exit(0);
		case 'V': printf("vsd %s\n", VS_VERSION); exit(0);
		default: usage(stderr); return -1;
		}
	}
	if (optind < argc)
		o->cmd = argv[optind++];
	if (o->cmd && strcmp(o->cmd, "status") && strcmp(o->cmd, "reload") &&
	    strcmp(o->cmd, "takeover") && strcmp(o->cmd, "release") &&
	    strcmp(o->cmd, "passwd") && strcmp(o->cmd, "drain") &&
	    strcmp(o->cmd, "undrain")) {
		fprintf(stderr, "vsd: unknown command '%s' (expected status, reload, takeover, release, drain, undrain or passwd)\n",
			o->cmd);
		return -1;
	}
	if (o->cmd && !strcmp(o->cmd, "passwd") && optind < argc)
		o->user = argv[optind++];
	if (o->cmd && !strcmp(o->cmd, "drain") && optind < argc)
		o->drain = argv[optind++];
	if (o->wait && (!o->cmd || strcmp(o->cmd, "drain"))) {
		fprintf(stderr, "vsd: --wait goes with drain\n");
		return -1;
	}
	if (optind < argc) {
		fprintf(stderr, "vsd: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	return 0;
}

/* Parse; errors go to stderr, notes too or, for the daemon, to the log
 * once it is open (in *keep, for the caller to free).
 */
static struct vsd_conf *load(const char *path, struct vsd_diag *keep)
{
	struct vsd_diag diag;
	struct vsd_conf *conf;
	size_t i;

	vsd_conf_parse(path, NULL, &conf, &diag);
	for (i = 0; !keep && i < diag.n_notes; i++)
		fprintf(stderr, "%s\n", diag.notes[i]);
	for (i = 0; i < diag.n_errors; i++)
		fprintf(stderr, "%s\n", diag.errors[i]);
	if (keep && conf)
		*keep = diag;
	else
		vsd_diag_free(&diag);
	return conf;
}

static int test_config(const char *path)
{
	struct vsd_conf *conf = load(path, NULL);
	size_t i, n = 0;

	if (!conf)
		return 1;
	for (i = 0; i < conf->n_virtuals; i++)
		n += conf->virtuals[i].n_servers;
	printf("%s: OK, %zu virtual services, %zu real servers\n", path,
	       conf->n_virtuals, n);
	vsd_conf_free(conf);
	return 0;
}

/* ------------------------------------------------------------------ */
/* vsd passwd                                                           */

#define PASSWORD_MAX	254	/* bytes; a longer line is refused, not cut */

/* One line from the terminal without echo, or from a pipe (scripts):
 * 0, -1 when empty, -2 when longer than len - 2 bytes.
 */
static int read_password(const char *prompt, char *buf, size_t len)
{
	struct termios old, quiet;
	bool tty = isatty(0) && !tcgetattr(0, &old);
	size_t n;

	if (tty) {
		fprintf(stderr, "%s", prompt);
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)ECHO;
		tcsetattr(0, TCSAFLUSH, &quiet);
	}
	if (!fgets(buf, (int)len, stdin))
		buf[0] = '\0';
	if (tty) {
		tcsetattr(0, TCSAFLUSH, &old);
		fprintf(stderr, "\n");
	}
	n = strlen(buf);
	if (n && buf[n - 1] == '\n')
		buf[--n] = '\0';
	else if (n == len - 1)
		return -2;	/* no room left for the newline */
	return n ? 0 : -1;
}

static int passwd(const struct opts *o)
{
	struct vsd_conf *conf = load(o->conf, NULL);
	const char *user = o->user ? o->user : "admin";
	char pw[PASSWORD_MAX + 2], again[PASSWORD_MAX + 2], err[512];
	int ret = 1, r = 0;

	if (!conf)
		return 1;
	if (o->delete) {
		pw[0] = '\0';
	} else if ((r = read_password("New password: ", pw, sizeof(pw))) ||
		   (isatty(0) && ((r = read_password("Again: ", again, sizeof(again))) ||
				  strcmp(pw, again)))) {
		if (r == -2)
			fprintf(stderr, "vsd: a password can have at most %d bytes\n",
				PASSWORD_MAX);
		else
			fprintf(stderr, "vsd: %s\n", pw[0] ? "the passwords differ" :
				"no password given");
		goto out;
	} else if (strlen(pw) < 8) {
		fprintf(stderr, "vsd: a password needs at least 8 characters\n");
		goto out;
	}
	if (web_passwd_set(conf->web_passwd_file, user,
			   o->delete ? NULL : o->role ? o->role : "admin", pw,
			   err, sizeof(err)))
		fprintf(stderr, "vsd: %s\n", err);
	else
		ret = 0;
	if (!ret)
		printf("%s: %s %s\n", conf->web_passwd_file, o->delete ? "removed" : "set", user);
out:
	explicit_bzero(pw, sizeof(pw));
	explicit_bzero(again, sizeof(again));
	vsd_conf_free(conf);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Process setup                                                        */

/*
 * The default paths are in VSD_RUN_DIR, which vsd.service makes; a vsd
 * started by hand as root makes it.
 */
static void run_dir(const char *path)
{
	size_t n = strlen(VSD_RUN_DIR);

	if (!strncmp(path, VSD_RUN_DIR, n) && path[n] == '/' &&
	    mkdir(VSD_RUN_DIR, 0755) && errno != EEXIST)
		fprintf(stderr, "vsd: %s: %s\n", VSD_RUN_DIR, strerror(errno));
}

/* Locked for the daemon's life: a second vsd fails here, not later. */
static int pidfile_open(const char *path)
{
	int fd;

	run_dir(path);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);

	if (fd < 0) {
		fprintf(stderr, "vsd: pid file %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		fprintf(stderr, "vsd: pid file %s is locked: is vsd running already?\n",
			path);
		close(fd);
		return -1;
	}
	return fd;
}

static void pidfile_write(int fd)
{
	char buf[32];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (ftruncate(fd, 0) || pwrite(fd, buf, (size_t)n, 0) != n)
		log_warn("cannot write the pid file: %s", strerror(errno));
}

/*
 * Detach, but let the command that started vsd wait for the outcome: the
 * parent reads a pipe until the daemon writes "OK" (exit 0) or an error
 * (printed, exit 1). Detaching comes before the loop exists because a
 * signalfd polled by epoll keeps waking the process that registered it,
 * not a child forked afterwards. Returns the pipe's write end.
 */
static int detach(void)
{
	char buf[512];
	ssize_t n, len = 0;
	int fds[2], fd;
	pid_t pid;

	if (pipe2(fds, O_CLOEXEC) || (pid = fork()) < 0)
		return -1;
	if (pid > 0) {
		close(fds[1]);
		while ((n = read(fds[0], buf + len, sizeof(buf) - 1 - (size_t)len)) > 0)
			len += n;
		buf[len] = '\0';
		if (!strcmp(buf, "OK\n"))
			_exit(0);
		fputs(len ? buf : "vsd: the daemon died while starting\n", stderr);
		_exit(1);
	}
	close(fds[0]);
	if (setsid() < 0 || (pid = fork()) < 0)
		_exit(1);
	if (pid > 0)
		_exit(0);
	if (chdir("/") || (fd = open("/dev/null", O_RDWR)) < 0)
		_exit(1);
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
	return fds[1];
}

static void detach_done(int fd)
{
	if (fd >= 0 && write(fd, "OK\n", 3) != 3)
		log_warn("cannot tell the starting command: %s", strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Every check holds an fd while it runs: thousands of them need more than
 * the usual soft limit of 1024.
 */
static void raise_nofile(void)
{
	struct rlimit rl;

	if (!getrlimit(RLIMIT_NOFILE, &rl) && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

static void on_hup(int signo)
{
	struct strbuf msg = { 0 };

	(void)signo;
	daemon_reload(&the_daemon, &msg);
	sb_free(&msg);
}

static void on_term(int signo)
{
	log_notice("signal %d: stopping", signo);
	loop_stop(the_loop);
}

/* ------------------------------------------------------------------ */

/* Config, pid file and log: what must be right before anything starts. */
static int prepare(const struct opts *o, struct vsd_conf **conf, int *pidfd)
{
	/* Reloads re-read the file after the daemon moved to "/". */
	char *path = realpath(o->conf, NULL);
	struct vsd_diag notes = { 0 };
	size_t i;

	*conf = load(path ? path : o->conf, &notes);
	free(path);
	if (!*conf)
		return -1;
	*pidfd = pidfile_open(o->pidfile);
	if (*pidfd < 0) {
		vsd_conf_free(*conf);
		vsd_diag_free(&notes);
		return -1;
	}
	log_init(true, o->foreground, o->debug);
	for (i = 0; i < notes.n_notes; i++)
		log_notice("%s", notes.notes[i]);
	vsd_diag_free(&notes);
	raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

/* The terminal that started vsd hears about a failed start too. */
static void start_error(const char *what, const char *why)
{
	log_err("%s: %s", what, why);
	if (ready_fd >= 0)
		dprintf(ready_fd, "vsd: %s: %s\n", what, why);
}

static int add_signals(struct loop *l)
{
	return loop_signal(l, SIGHUP, on_hup) ||
	       loop_signal(l, SIGTERM, on_term) ||
	       loop_signal(l, SIGINT, on_term) ? -errno : 0;
}

/* The parts start in dependency order - loop, checks, table, control
 * socket, signals - and stop in reverse.
 */
static int run(const struct opts *o)
{
	struct vsd_conf *conf;
	char why[512];
	int pidfd, ret = 1, err;

	if (prepare(o, &conf, &pidfd))
		return 1;
	if (!o->foreground && (ready_fd = detach()) < 0) {
		fprintf(stderr, "vsd: cannot detach: %s\n", strerror(errno));
		return 1;
	}
	pidfile_write(pidfd);
	the_loop = loop_new();
	if (!the_loop || check_init(the_loop)) {
		start_error("event loop", strerror(errno));
		goto err_loop;
	}
	the_daemon.aa_self = o->self;
	err = daemon_start(&the_daemon, the_loop, conf, o->no_kernel);
	if (err) {
		start_error("the vs table", vs_strerror(err));
		goto err_check;
	}
	run_dir(o->sock);
	the_daemon.ctl = ctl_listen(the_loop, o->sock, daemon_command,
				    &the_daemon, &err);
	if (!the_daemon.ctl) {
		start_error(o->sock, strerror(err));
		goto err_daemon;
	}
	err = daemon_web_start(&the_daemon, why, sizeof(why));
	if (err) {
		start_error("web panel", why);
		goto err_daemon;
	}
	err = add_signals(the_loop);
	if (err) {
		start_error("signals", strerror(-err));
		goto err_daemon;
	}
	detach_done(ready_fd);
	ready_fd = -1;
	err = loop_run(the_loop);
	if (err)
		log_err("event loop: %s", strerror(-err));
	ret = err ? 1 : 0;
err_daemon:
	daemon_stop(&the_daemon);
err_check:
	check_exit();
err_loop:
	loop_free(the_loop);
	unlink(o->pidfile);
	close(pidfd);
	if (ready_fd >= 0)
		close(ready_fd);
	log_notice("stopped");
	log_close();
	return ret;
}

/*
 * vsd drain [SECONDS] [--wait]: with --wait, ask every second until vsd
 * says drained (0), printing each new state, so that a unit's ExecStop
 * returns when the director's connections are gone or the time is up.
 */
static int drain(const struct opts *o)
{
	struct strbuf prev = { 0 }, now = { 0 };
	char cmd[64];
	int st;

	snprintf(cmd, sizeof(cmd), o->drain ? "drain %.40s" : "drain", o->drain);
	st = ctl_query(o->sock, cmd, &prev);
	fputs(prev.s ? prev.s : "", st ? stderr : stdout);
	while (!st && o->wait) {
		sleep(1);
		st = ctl_query(o->sock, "drained", &now);
		if (now.s && (!prev.s || strcmp(now.s, prev.s)))
			fputs(now.s, st == 0 || st == 3 ? stdout : stderr);
		sb_free(&prev);
		prev = now;
		memset(&now, 0, sizeof(now));
		if (st != 3)
			break;		/* drained (0), or undrained, or gone */
		st = 0;
	}
	sb_free(&prev);
	return st < 0 ? 1 : st;
}

int main(int argc, char **argv)
{
	struct opts o;

	if (parse_args(argc, argv, &o))
		return 2;
	if (o.test)
		return test_config(o.conf);
	if (o.cmd && !strcmp(o.cmd, "passwd"))
		return passwd(&o);
	if (o.cmd && !strcmp(o.cmd, "status"))
		return ctl_request(o.sock, o.json ? "status json" : "status");
	if (o.cmd && !strcmp(o.cmd, "drain"))
		return drain(&o);
	if (o.cmd)
		return ctl_request(o.sock, o.cmd);
	return run(&o);
}
