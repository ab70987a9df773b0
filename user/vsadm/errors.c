// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel errnos become sentences that name the object: the protocol gives
 * each errno one meaning per command (see include/uapi/linux/vs.h), so the
 * command and the errno say what went wrong better than strerror() does.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"

/* Errors that do not depend on the command. */
static bool common_errmsg(char *buf, size_t len, int err)
{
	switch (-err) {
	case VS_ENOMODULE:
		snprintf(buf, len, "vs module not loaded: modprobe vs");
		return true;
	case EPERM:
	case EACCES:
		snprintf(buf, len, "permission denied (need CAP_NET_ADMIN)");
		return true;
	case EAFNOSUPPORT:
		snprintf(buf, len, "IPv6 is not supported by the vs module");
		return true;
	case EAGAIN:	/* libvs: every dump was interrupted by a change */
		snprintf(buf, len, "the table kept changing while being read; try again");
		return true;
	default:
		return false;
	}
}

void vsadm_sys_errmsg(char *buf, size_t len, int err, const char *extack)
{
	if (common_errmsg(buf, len, err))
		return;
	snprintf(buf, len, "%s", extack ? extack : vs_strerror(err));
}

static bool dest_kind(enum vs_op_kind k)
{
	return k == VS_OP_ADD_DEST || k == VS_OP_EDIT_DEST ||
	       k == VS_OP_DEL_DEST;
}

/* What the op tried, for errors without a sentence of their own. */
static void what(char *buf, size_t len, const struct vs_op *op,
		 const char *svc, const char *dest)
{
	switch (op->kind) {
	case VS_OP_ADD_SERVICE:
		snprintf(buf, len, "add service %s", svc);
		break;
	case VS_OP_EDIT_SERVICE:
		snprintf(buf, len, "edit service %s", svc);
		break;
	case VS_OP_DEL_SERVICE:
		snprintf(buf, len, "delete service %s", svc);
		break;
	case VS_OP_ADD_DEST:
		snprintf(buf, len, "add server %s to service %s", dest, svc);
		break;
	case VS_OP_EDIT_DEST:
		snprintf(buf, len, "edit server %s of service %s", dest, svc);
		break;
	case VS_OP_DEL_DEST:
		snprintf(buf, len, "delete server %s of service %s", dest, svc);
		break;
	case VS_OP_FLUSH:
		snprintf(buf, len, "clear the table");
		break;
	case VS_OP_ZERO:
		snprintf(buf, len, "zero the counters of service %s", svc);
		break;
	case VS_OP_ZERO_ALL:
		snprintf(buf, len, "zero the counters");
		break;
	case VS_OP_SET_TIMEOUTS:
		snprintf(buf, len, "set the timeouts");
		break;
	}
}

/* The server an error is about: the op's, or the one of a service's
 * servers the kernel pointed at.
 */
static const struct vs_real *err_dest(const struct vs_op *op, long bad_dest)
{
	if (dest_kind(op->kind))
		return &op->dest;
	if (op->kind == VS_OP_ADD_SERVICE && bad_dest >= 0 &&
	    (size_t)bad_dest < op->svc.n_dests)
		return &op->svc.dests[bad_dest];
	return NULL;
}

static bool specific_errmsg(char *buf, size_t len, const struct vs_op *op,
			    int err, const char *svc, const char *dest,
			    const struct vs_real *d)
{
	switch (-err) {
	case EEXIST:
		if (d)
			snprintf(buf, len, "server %s already exists in service %s",
				 dest, svc);
		else
			snprintf(buf, len, "service %s already exists", svc);
		return true;
	case ESRCH:
		snprintf(buf, len, "no such service %s", svc);
		return true;
	case ENOENT:
		if (d && op->kind != VS_OP_ADD_SERVICE)
			snprintf(buf, len, "no such server %s in service %s",
				 dest, svc);
		else
			snprintf(buf, len,
				 "scheduler '%s' is not available in the vs module",
				 op->svc.sched);
		return true;
	case ERANGE:
		if (!d)
			return false;
		snprintf(buf, len, "lower threshold %u is above upper threshold %u",
			 d->l_thresh, d->u_thresh);
		return true;
	case ENOSPC:
		if (d || op->kind == VS_OP_ADD_DEST)
			snprintf(buf, len, "too many servers in service %s (at most %u)",
				 svc, VS_MAX_DESTS);
		else
			snprintf(buf, len, "too many services (at most %u)",
				 VS_MAX_SERVICES);
		return true;
	default:
		return false;
	}
}

void vsadm_op_errmsg(char *buf, size_t len, const struct vs_op *op, int err,
		     const char *extack, long bad_dest)
{
	const struct vs_real *d = err_dest(op, bad_dest);
	char svc[96] = "", dest[96] = "", act[256];

	if (common_errmsg(buf, len, err))
		return;
	if (op->kind != VS_OP_FLUSH && op->kind != VS_OP_ZERO_ALL &&
	    op->kind != VS_OP_SET_TIMEOUTS)
		vsadm_svc_name(svc, sizeof(svc), &op->svc);
	if (d)
		vsadm_dest_name(dest, sizeof(dest), vs_real_af(&op->svc, d), d);
	if (specific_errmsg(buf, len, op, err, svc, dest, d))
		return;
	what(act, sizeof(act), op, svc, dest);
	snprintf(buf, len, "cannot %s: %s", act,
		 extack ? extack : vs_strerror(err));
}
