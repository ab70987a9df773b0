// SPDX-License-Identifier: GPL-2.0
/*
 * Starting programs without privilege (unpriv.h). fork and exec rather
 * than posix_spawn, which cannot change the user: the child changes its
 * user if vsd is root, empties its capability sets, sets no_new_privs,
 * then execs; a failure before or at the exec comes back to the parent
 * as an errno through a close-on-exec pipe, as posix_spawn reports it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include "unpriv.h"

extern char **environ;

#define NOBODY 65534

/* Whom a root vsd runs programs as: "nobody", looked up once. */
static void unprivileged_ids(uid_t *uid, gid_t *gid)
{
	static uid_t u = (uid_t)-1;
	static gid_t g;
	const struct passwd *pw;

	if (u == (uid_t)-1) {
		pw = getpwnam("nobody");
		u = pw ? pw->pw_uid : NOBODY;
		g = pw ? pw->pw_gid : NOBODY;
	}
	*uid = u;
	*gid = g;
}

static int drop_privileges(uid_t uid, gid_t gid)
{
	cap_t none;
	int ret;

	if (geteuid() == 0 || getuid() == 0) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid))
			return errno;
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) && errno != EINVAL)
		return errno;
	none = cap_init();
	if (!none)
		return ENOMEM;
	ret = cap_set_proc(none) ? errno : 0;
	cap_free(none);
	if (ret)
		return ret;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
		return errno;
	/* Belt and braces: never exec as root. */
	return geteuid() == 0 || getuid() == 0 ? EPERM : 0;
}

static int child_fds(int out)
{
	int null = open("/dev/null", O_RDWR);

	if (null < 0 || dup2(null, 0) < 0)
		return errno;
	if (out >= 0 && (dup2(out, 1) < 0 || dup2(null, 2) < 0))
		return errno;
	return 0;
}

/* In the child: set up, exec; on failure, the errno to the parent. */
static void __attribute__((noreturn))
child(char **argv, int out, int report, uid_t uid, gid_t gid)
{
	sigset_t none;
	int err, sig;

	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	for (sig = 1; sig < NSIG; sig++)
		signal(sig, SIG_DFL);
	setpgid(0, 0);
	err = child_fds(out);
	if (!err) {
		/* Nothing else open but the report pipe (>= 3, close-on-exec). */
		if (report > 3)
			close_range(3, (unsigned int)report - 1, 0);
		close_range((unsigned int)report + 1, ~0U, 0);
		err = drop_privileges(uid, gid);
	}
	if (!err) {
		execve(argv[0], argv, environ);
		err = errno;
	}
	if (write(report, &err, sizeof(err)) < 0)
		_exit(126);
	_exit(127);
}

int vsd_exec_spawn(pid_t *pid, char **argv, int out)
{
	int pipefd[2], err = 0;
	uid_t uid;
	gid_t gid;
	ssize_t n;

	unprivileged_ids(&uid, &gid);
	if (pipe2(pipefd, O_CLOEXEC))
		return errno;
	if (pipefd[1] < 3) {	/* kept clear of stdin, stdout, stderr */
		int fd = fcntl(pipefd[1], F_DUPFD_CLOEXEC, 3);

		close(pipefd[1]);
		if (fd < 0) {
			close(pipefd[0]);
			return EMFILE;
		}
		pipefd[1] = fd;
	}
	*pid = fork();
	if (*pid < 0) {
		err = errno;
		close(pipefd[0]);
		close(pipefd[1]);
		return err;
	}
	if (*pid == 0)
		child(argv, out, pipefd[1], uid, gid);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == (ssize_t)sizeof(err)) {
		/* It never ran: reap it here, the loop does not know it. */
		waitpid(*pid, NULL, 0);
		*pid = 0;
		return err ? err : EIO;
	}
	return 0;
}

const char *vsd_unpriv_identity(void)
{
	static char buf[96];
	uid_t uid;
	gid_t gid;

	if (geteuid() == 0) {
		unprivileged_ids(&uid, &gid);
		snprintf(buf, sizeof(buf), "uid %u (nobody), no capabilities",
			 (unsigned int)uid);
	} else {
		snprintf(buf, sizeof(buf), "uid %u (vsd's own), no capabilities",
			 (unsigned int)geteuid());
	}
	return buf;
}

const char *vsd_own_capabilities(void)
{
	static char buf[256];
	cap_t now = cap_get_proc();
	char *text = now ? cap_to_text(now, NULL) : NULL;

	snprintf(buf, sizeof(buf), "%s", text ? text : "?");
	cap_free(text);
	cap_free(now);
	return buf;
}
