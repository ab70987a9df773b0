/* SPDX-License-Identifier: GPL-2.0 */
/*
 * vsadm -R: all or nothing. Every line is parsed first; then every line is
 * checked against the table it will meet (the kernel's now, changed by the
 * lines before it); only then is anything sent, in batches, and if the
 * kernel still refuses something the changes already made are undone.
 */
#ifndef _VSADM_RESTORE_H
#define _VSADM_RESTORE_H

#include <stdbool.h>
#include <stdio.h>

#include "cli.h"
#include "libvs.h"

/* Servers that follow their -A line travel in its NEW_SERVICE message, up
 * to this many (a message must fit the socket buffers with room to spare).
 */
#define RESTORE_MERGE_MAX 256

struct rinput {
	char **lines;
	size_t n;
	bool *nul;		/* lines[i] had a NUL byte (refused by check) */
};

struct undo {
	size_t op;		/* undoes ops[op], if that one was applied */
	struct vs_op u;
};

struct plan {
	struct vs_op *ops;
	unsigned int *op_line;		/* input line of each op */
	unsigned int **dest_lines;	/* ADD_SERVICE: line of each server */
	size_t n, cap;
	struct undo *undo;
	size_t n_undo, cap_undo;
};

int vsadm_restore_read(FILE *in, struct rinput *r);
void vsadm_restore_free(struct rinput *r);
size_t vsadm_restore_check(const struct rinput *r, FILE *errf);
int vsadm_restore_plan(const struct rinput *r, const struct vs_table *cur,
		       const struct vs_timeouts *timeouts, struct plan *p,
		       char *err, size_t errlen);
void vsadm_plan_free(struct plan *p);
int vsadm_restore_apply(struct vs_handle *h, struct plan *p, FILE *errf);

#endif /* _VSADM_RESTORE_H */
