// SPDX-License-Identifier: GPL-2.0
/*
 * nq: never queue. An idle usable server (no active connection) takes the
 * new connection at once; only when none is idle does sed decide.
 */

#include "sched.h"
#include "sched_util.h"

static struct vs_dest *nq_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	struct vs_dest *d;

	list_for_each_entry_rcu(d, &svc->dests, list)
		if (vs_sched_usable(d) && !atomic_read(&d->active_conns))
			return d;
	return vs_sched_sed_pick(svc);
}

const struct vs_sched_ops vs_sched_nq = {
	.name = "nq",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = nq_schedule,
};
