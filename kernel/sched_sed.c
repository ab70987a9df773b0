// SPDX-License-Identifier: GPL-2.0
/*
 * sed: shortest expected delay. A new connection would wait behind the
 * server's active connections, served at a speed given by its weight: the
 * usable server with the smallest (active + 1) / weight wins (IPVS's sed).
 * nq (sched_nq.c) is sed that first gives an idle server its turn.
 */

#include "sched.h"
#include "sched_util.h"

struct vs_dest *vs_sched_sed_pick(struct vs_service *svc)
{
	struct vs_dest *d, *best = NULL;
	u64 boh = 0, bw = 0;

	list_for_each_entry_rcu(d, &svc->dests, list) {
		u64 doh, dw;

		if (!vs_sched_usable(d))
			continue;
		doh = atomic_read(&d->active_conns) + 1;
		dw = READ_ONCE(d->weight);
		/* doh / dw < boh / bw */
		if (!best || vs_mul_lt(doh, bw, boh, dw)) {
			best = d;
			boh = doh;
			bw = dw;
		}
	}
	return best;
}

static struct vs_dest *sed_schedule(struct vs_service *svc,
				    struct vs_sched_state *st,
				    const struct vs_pkt *pkt)
{
	return vs_sched_sed_pick(svc);
}

const struct vs_sched_ops vs_sched_sed = {
	.name = "sed",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = sed_schedule,
};
