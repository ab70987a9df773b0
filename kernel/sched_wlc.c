// SPDX-License-Identifier: GPL-2.0
/*
 * wlc: weighted least connections, the default. The usable server with the
 * smallest overhead per unit of weight, compared by cross-multiplying so no
 * division loses precision. lc is the same with every weight taken as 1.
 *
 * A server in slow start counts with its weight (for lc: 1) scaled by how
 * far into the ramp it is, so its overhead weighs up to VS_RAMP_ONE times
 * more: it gets its first connection, then a share of the new ones that
 * grows with the ramp, instead of all of them until its count catches up.
 */

#include "sched.h"
#include "sched_util.h"

struct vs_dest *vs_sched_least(struct vs_service *svc, bool weighted)
{
	u64 ramp_len = vs_ramp_len(svc), loh = 0, lw = 0;
	struct vs_dest *d, *least = NULL;

	list_for_each_entry_rcu(d, &svc->dests, list) {
		u64 doh, dw;

		if (!vs_sched_usable(d))
			continue;
		doh = vs_dest_overhead(d);
		dw = weighted ? READ_ONCE(d->weight) : 1;
		dw *= vs_dest_ramp(d, ramp_len);
		/* doh / dw < loh / lw */
		if (!least || vs_mul_lt(doh, lw, loh, dw)) {
			least = d;
			loh = doh;
			lw = dw;
		}
	}
	return least;
}

struct vs_dest *vs_sched_wlc_pick(struct vs_service *svc)
{
	return vs_sched_least(svc, true);
}

static struct vs_dest *wlc_schedule(struct vs_service *svc,
				    struct vs_sched_state *st,
				    const struct vs_pkt *pkt)
{
	return vs_sched_least(svc, true);
}

const struct vs_sched_ops vs_sched_wlc = {
	.name = "wlc",
	.state_size = sizeof(struct vs_sched_state),
	.schedule = wlc_schedule,
};
