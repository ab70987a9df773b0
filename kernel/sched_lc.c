// SPDX-License-Identifier: GPL-2.0
/*
 * lc: least connections. The usable server with the smallest overhead
 * (active connections weigh 256 times an inactive one), the first such
 * server on a tie.
 */

#include "sched.h"

static struct vs_dest *lc_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	struct vs_dest *d, *least = NULL;
	u32 loh = 0;

	list_for_each_entry_rcu(d, &svc->dests, list) {
		u32 doh;

		if (!vs_dest_usable(d))
			continue;
		doh = vs_dest_overhead(d);
		if (!least || doh < loh) {
			least = d;
			loh = doh;
		}
	}
	return least;
}

const struct vs_sched_ops vs_sched_lc = {
	.name = "lc",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = lc_schedule,
};
