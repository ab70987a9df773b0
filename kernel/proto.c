// SPDX-License-Identifier: GPL-2.0
/*
 * TCP and UDP connection states and their timeouts.
 */

#include "proto.h"

/* IPVS's defaults, which LVS admins know, in seconds. */
static const unsigned int default_timeouts[__VS_CONN_S_LAST] = {
	[VS_TCP_S_NONE]		= 2,
	[VS_TCP_S_ESTABLISHED]	= 15 * 60,
	[VS_TCP_S_SYN_SENT]	= 2 * 60,
	[VS_TCP_S_SYN_RECV]	= 60,
	[VS_TCP_S_FIN_WAIT]	= 2 * 60,
	[VS_TCP_S_TIME_WAIT]	= 2 * 60,
	[VS_TCP_S_CLOSE]	= 10,
	[VS_TCP_S_CLOSE_WAIT]	= 60,
	[VS_TCP_S_LAST_ACK]	= 30,
	[VS_TCP_S_LISTEN]	= 2 * 60,
	[VS_TCP_S_SYNACK]	= 2 * 60,
	[VS_UDP_S_NORMAL]	= 5 * 60,
};

void vs_proto_net_init(struct vs_net *vn)
{
	memcpy(vn->timeouts, default_timeouts, sizeof(vn->timeouts));
}
