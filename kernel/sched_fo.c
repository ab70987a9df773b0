// SPDX-License-Identifier: GPL-2.0
/*
 * fo: weighted failover. Every new connection goes to the usable server of
 * the highest weight (the first added on a tie); the others stand by until
 * it is quiesced, overloaded or gone.
 */

#include "sched.h"
#include "sched_util.h"

static struct vs_dest *fo_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	struct vs_dest *d, *best = NULL;

	list_for_each_entry_rcu(d, &svc->dests, list)
		if (vs_sched_usable(d) &&
		    (!best || READ_ONCE(d->weight) > READ_ONCE(best->weight)))
			best = d;
	return best;
}

const struct vs_sched_ops vs_sched_fo = {
	.name = "fo",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = fo_schedule,
};
