/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Inside libvs: the messages of the "vs" family, encoded from the model
 * and decoded into it (msg.c), for the transport (libvs.c).
 */
#ifndef _LIBVS_MSG_H
#define _LIBVS_MSG_H

#include <netlink/msg.h>

#include "libvs.h"

/* Where a request's dest nests sit, to name the one an error points at. */
struct dest_span {
	uint32_t start, end;
};

struct sent {
	size_t op;			/* index in the caller's ops */
	struct dest_span *spans;
	size_t n_spans;
};

/* The kernel validates strictly, which includes NLA_F_NESTED on nests. */
struct nlattr *vs_msg_nest_start(struct nl_msg *msg, int type);
/* VS_A_SERVICE: the key, and with params the settings that are set. */
int vs_msg_put_service(struct nl_msg *msg, const struct vs_virtual *s,
		       bool params);
/* A change's attributes; a new service's server nests go into sent. */
int vs_msg_put_op(struct nl_msg *msg, const struct vs_op *op,
		  struct sent *sent);
/* Its command, -1 for an unknown kind, and room enough for it. */
int vs_msg_op_cmd(enum vs_op_kind kind);
size_t vs_msg_op_size(const struct vs_op *op);

/* A reply's nest into the model: 0 or -EPROTO (a NULL nest too). */
int vs_msg_get_info(struct nlattr *a, struct vs_info *info);
int vs_msg_get_timeouts(struct nlattr *a, struct vs_timeouts *t);
int vs_msg_get_service(struct nlattr *a, struct vs_virtual *s);
int vs_msg_get_dest(struct nlattr *a, struct vs_real *d);
int vs_msg_get_conn(struct nlattr *a, struct vs_connection *c);

#endif /* _LIBVS_MSG_H */
