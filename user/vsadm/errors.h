/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One clear line for a refused change, whether the kernel refused it or
 * the -R simulation did (same errno, same words).
 */
#ifndef _VSADM_ERRORS_H
#define _VSADM_ERRORS_H

#include <stddef.h>

#include "libvs.h"

void vsadm_op_errmsg(char *buf, size_t len, const struct vs_op *op, int err,
		     const char *extack, long bad_dest);
void vsadm_sys_errmsg(char *buf, size_t len, int err, const char *extack);

#endif /* _VSADM_ERRORS_H */
