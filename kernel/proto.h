/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_PROTO_H
#define _VS_PROTO_H

#include <net/tcp.h>

#include "pernet.h"

enum vs_dir_tcp {
	VS_DIR_TCP_INPUT,
	VS_DIR_TCP_OUTPUT,
	VS_DIR_TCP_INPUT_ONLY,
	VS_DIR_TCP_MAX
};

void vs_proto_net_init(struct vs_net *vn);
u8 vs_tcp_next_state(u8 state, enum vs_dir_tcp dir, u8 flags);
bool vs_tcp_reusable(u8 state);

#endif /* _VS_PROTO_H */
