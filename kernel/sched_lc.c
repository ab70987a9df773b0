// SPDX-License-Identifier: GPL-2.0
/*
 * lc: least connections. The usable server with the smallest overhead
 * (active connections weigh 256 times an inactive one), the first such
 * server on a tie. Weights only say whether a server takes connections at
 * all; a server in slow start counts with an inflated overhead (see
 * sched_wlc.c).
 */

#include "sched.h"
#include "sched_util.h"

static struct vs_dest *lc_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	return vs_sched_least(svc, false);
}

const struct vs_sched_ops vs_sched_lc = {
	.name = "lc",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = lc_schedule,
};
