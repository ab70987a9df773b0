/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reconciling: the table the pool wants, compared with the table the
 * kernel has, becomes the few libvs operations that make them equal. Only
 * what differs is touched, so a service whose configuration did not change
 * keeps its connections and counters through any reload.
 *
 * rec_diff() is pure (unit-tested); struct reconciler applies its result
 * through libvs, or to an in-memory table with --no-kernel.
 */
#ifndef _VSD_RECONCILE_H
#define _VSD_RECONCILE_H

#include <stdbool.h>
#include <stddef.h>
#include <libvs.h>

#include "strbuf.h"

struct want_dest {
	struct vs_real d;
	/* Not checked yet: keep it as the kernel has it (a restarted vsd
	 * must not pull servers out until their first verdict), add nothing.
	 */
	bool optional;
};

struct want_service {
	struct vs_virtual s;		/* key and parameters; dests unused */
	bool absent;			/* must not exist (removed, inactive) */
	struct want_dest *dests;
	size_t n_dests;
	const char *name;		/* the virtual's, for messages */
};

struct want {
	struct want_service *svcs;
	size_t n;
	struct vs_timeouts timeouts;	/* 0: leave alone */
};

void want_free(struct want *w);

/* The operations turning have into w (services not in w are not vsd's and
 * are left alone). *ops is malloc'd; each op owns its svc.dests.
 */
int rec_diff(const struct want *w, const struct vs_table *have,
	     struct vs_op **ops, size_t *n);
void rec_ops_free(struct vs_op *ops, size_t n);
/* One line saying what an op does, e.g. "TCP 192.168.26.10:80: server
 * 10.11.12.1:80 weight 1 -> 32".
 */
void rec_describe(const struct vs_op *op, const struct vs_table *have,
		  char *buf, size_t len);
/* Apply ops to an in-memory table the way the kernel would. */
void rec_apply_fake(struct vs_table *t, const struct vs_op *ops, size_t n);

struct reconciler {
	bool no_kernel;
	struct vs_handle *h;		/* NULL with --no-kernel */
	struct vs_table fake;		/* the table with --no-kernel */
	struct vs_table last;		/* the table after the last pass */
	uint64_t passes, changes, corrections, errors;
	double last_pass_wall;
	/* Errors are logged when they start, not again at every pass. */
	int last_err;
	struct strbuf failed, failed_prev;	/* "op: error\n" lines */
	/* backup_only: what vsd wants (its role) and the kernel's value as
	 * last read, -1 before that.
	 */
	bool want_backup_only;
	int backup_only;
	/* sloppy_tcp likewise, but only in active-active mode:
	 * want_sloppy_tcp is -1 (never touched) otherwise.
	 */
	int want_sloppy_tcp, sloppy_tcp;
	int sloppy_err;			/* of the last attempt: 0 or -errno */
	/* The last pass: its result (-errno: the table could not be read or
	 * changed; -ENODATA before the first) and the services an operation
	 * of it failed on: what the announcer asks of rec_service_ok().
	 */
	int last_ret;
	struct vs_virtual *failed_svcs;
	size_t n_failed_svcs;
};

/* no_kernel: keep the table in memory. 0, or -errno from vs_open(). */
int rec_open(struct reconciler *r, bool no_kernel);
void rec_close(struct reconciler *r);
/* Make the table match w. A difference in what vsd had set at its
 * previous pass was made behind its back and is logged as a correction.
 * Returns the number of failed operations, or -errno.
 */
int rec_run(struct reconciler *r, const struct want *w);
/* Set backup_only now (a role change; before addresses move), and keep
 * it so at every pass. 0, or -errno.
 */
int rec_backup_only(struct reconciler *r, bool on);
/* Active-active: set net.vs.sloppy_tcp now and keep it so at every pass
 * (a non-SYN TCP segment without a connection is scheduled, so a flow
 * ECMP moves here keeps its mh-chosen server). 0, or -errno.
 */
int rec_sloppy_tcp(struct reconciler *r, bool on);
/* Does the vs module answer? Asked of the kernel now (a handle to a
 * module loaded again is made anew). A module that does not answer makes
 * the last pass count as failed until the next one succeeds.
 */
bool rec_kernel_ok(struct reconciler *r);
/* Did the last pass apply this service, and was sloppy_tcp set as
 * wanted? False before the first pass.
 */
bool rec_service_ok(const struct reconciler *r, const struct vs_virtual *key);
/* Delete every service of w that exists (shutdown_action = flush). */
int rec_remove_all(struct reconciler *r, const struct want *w);

#endif /* _VSD_RECONCILE_H */
