// SPDX-License-Identifier: GPL-2.0
/*
 * ovf: overflow. The usable server of the highest weight takes new
 * connections while it has fewer active connections than its weight; then
 * the next one does, and so on: weight is a connection budget.
 */

#include "sched.h"
#include "sched_util.h"

static struct vs_dest *ovf_schedule(struct vs_service *svc,
				    struct vs_sched_state *st,
				    const struct vs_pkt *pkt)
{
	struct vs_dest *d, *best = NULL;

	list_for_each_entry_rcu(d, &svc->dests, list) {
		u32 w = READ_ONCE(d->weight);

		if (!vs_sched_usable(d) || (u32)atomic_read(&d->active_conns) >= w)
			continue;
		if (!best || w > READ_ONCE(best->weight))
			best = d;
	}
	return best;
}

const struct vs_sched_ops vs_sched_ovf = {
	.name = "ovf",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = ovf_schedule,
};
