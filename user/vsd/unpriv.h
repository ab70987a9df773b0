/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The programs vsd runs (send_program checks, active_cmd, inactive_cmd)
 * run without privilege: with no capability in any set, with
 * no_new_privs (a set-user-ID or file-capability program gains nothing),
 * and never as root. A vsd that runs as root (by hand, without the
 * vsd.service user) runs them as "nobody"; a vsd that runs as its own
 * user with ambient capabilities (vsd.service) runs them as that user,
 * its capabilities dropped.
 */
#ifndef _VSD_UNPRIV_H
#define _VSD_UNPRIV_H

#include <sys/types.h>

/*
 * Start argv[0] (no shell) in its own process group, with no signal
 * blocked or ignored, stdin from /dev/null, stdout to out and stderr to
 * /dev/null (out < 0: both inherited), no other descriptor, and no
 * privilege. 0, or an errno (that of a failed exec included).
 */
int vsd_exec_spawn(pid_t *pid, char **argv, int out);

/* "uid 65534 (nobody), no capabilities": for vsd status. */
const char *vsd_unpriv_identity(void);

/* vsd's own capabilities as libcap writes them: "=ep" for all. */
const char *vsd_own_capabilities(void);

#endif /* _VSD_UNPRIV_H */
