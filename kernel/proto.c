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

#define sNO VS_TCP_S_NONE
#define sES VS_TCP_S_ESTABLISHED
#define sSS VS_TCP_S_SYN_SENT
#define sSR VS_TCP_S_SYN_RECV
#define sFW VS_TCP_S_FIN_WAIT
#define sTW VS_TCP_S_TIME_WAIT
#define sCL VS_TCP_S_CLOSE
#define sCW VS_TCP_S_CLOSE_WAIT
#define sLA VS_TCP_S_LAST_ACK
#define sLI VS_TCP_S_LISTEN
#define sSA VS_TCP_S_SYNACK

/*
 * The TCP state machine LVS admins know from IPVS: the next state by
 * direction, by the segment's most telling flag and by the current state.
 * "Input only" is a connection whose replies the director never sees
 * (direct routing, or NAT before the first reply).
 */
static const u8 tcp_next[VS_DIR_TCP_MAX][4][VS_TCP_S_SYNACK + 1] = {
	[VS_DIR_TCP_INPUT] = {
		/*	  sNO  sES  sSS  sSR  sFW  sTW  sCL  sCW  sLA  sLI  sSA */
		/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
		/*fin*/ { sCL, sCW, sSS, sTW, sTW, sTW, sCL, sCW, sLA, sLI, sTW },
		/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
		/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sSR },
	},
	[VS_DIR_TCP_OUTPUT] = {
		/*syn*/ { sSS, sES, sSS, sSR, sSS, sSS, sSS, sSS, sSS, sLI, sSR },
		/*fin*/ { sTW, sFW, sSS, sTW, sFW, sTW, sCL, sTW, sLA, sLI, sTW },
		/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sLA, sES, sES },
		/*rst*/ { sCL, sCL, sSS, sCL, sCL, sTW, sCL, sCL, sCL, sCL, sCL },
	},
	[VS_DIR_TCP_INPUT_ONLY] = {
		/*syn*/ { sSR, sES, sES, sSR, sSR, sSR, sSR, sSR, sSR, sSR, sSR },
		/*fin*/ { sCL, sFW, sSS, sTW, sFW, sTW, sCL, sCW, sLA, sLI, sTW },
		/*ack*/ { sES, sES, sSS, sES, sFW, sTW, sCL, sCW, sCL, sLI, sES },
		/*rst*/ { sCL, sCL, sCL, sSR, sCL, sCL, sCL, sCL, sLA, sLI, sCL },
	},
};

u8 vs_tcp_next_state(u8 state, enum vs_dir_tcp dir, u8 flags)
{
	int event;

	if (state > VS_TCP_S_SYNACK)
		return state;
	if (flags & TCPHDR_RST)
		event = 3;
	else if (flags & TCPHDR_SYN)
		event = 0;
	else if (flags & TCPHDR_FIN)
		event = 1;
	else if (flags & TCPHDR_ACK)
		event = 2;
	else
		return state;
	return tcp_next[dir][event][state];
}

/*
 * A SYN that finds its client port's previous connection closed (TIME_WAIT
 * or CLOSE) starts a new connection at once (IPVS held it back a second:
 * kubernetes#70747). In any other state the old connection goes on, so
 * that a SYN with a guessed tuple cannot end a half-closed one; to a
 * connection still opening it is a retransmission.
 */
bool vs_tcp_reusable(u8 state)
{
	return state == VS_TCP_S_TIME_WAIT || state == VS_TCP_S_CLOSE;
}

#ifdef VS_SELFTEST
#include "selftest.h"
#include "selftest/tcp.c"
#endif
