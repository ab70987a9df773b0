// SPDX-License-Identifier: GPL-2.0
/*
 * wlc: weighted least connections, the default. The usable server with the
 * smallest overhead per unit of weight, compared by cross-multiplying so no
 * division loses precision.
 */

#include "sched.h"

struct vs_dest *vs_sched_wlc_pick(struct vs_service *svc)
{
	struct vs_dest *d, *least = NULL;
	u64 loh = 0, lw = 0;

	list_for_each_entry_rcu(d, &svc->dests, list) {
		u64 doh, dw;

		if (!vs_dest_usable(d))
			continue;
		doh = vs_dest_overhead(d);
		dw = READ_ONCE(d->weight);
		/* doh / dw < loh / lw */
		if (!least || doh * lw < loh * dw) {
			least = d;
			loh = doh;
			lw = dw;
		}
	}
	return least;
}

static struct vs_dest *wlc_schedule(struct vs_service *svc,
				    struct vs_sched_state *st,
				    const struct vs_pkt *pkt)
{
	return vs_sched_wlc_pick(svc);
}

const struct vs_sched_ops vs_sched_wlc = {
	.name = "wlc",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = wlc_schedule,
};
