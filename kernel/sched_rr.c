// SPDX-License-Identifier: GPL-2.0
/*
 * rr: round robin. The next usable server after the last one picked. The
 * position is an atomic counter over a snapshot of the servers, so the
 * packet path takes no lock.
 */

#include <linux/slab.h>

#include "sched.h"
#include "sched_util.h"

struct rr_state {
	struct vs_sched_state common;
	atomic_t next;
	struct vs_dest_array *dests;
};

static int rr_init(struct vs_service *svc, struct vs_sched_state *st,
		   const struct vs_sched_state *prev)
{
	struct rr_state *rr = container_of(st, struct rr_state, common);

	rr->dests = vs_dest_array_build(svc);
	if (!rr->dests)
		return -ENOMEM;
	/* A change of servers does not restart the walk at the first. */
	if (prev)
		atomic_set(&rr->next, atomic_read(&container_of(prev, struct rr_state,
								common)->next));
	return 0;
}

static void rr_destroy(struct vs_sched_state *st)
{
	vs_dest_array_free(container_of(st, struct rr_state, common)->dests);
}

static struct vs_dest *rr_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	struct rr_state *rr = container_of(st, struct rr_state, common);
	const struct vs_dest_array *a = rr->dests;
	unsigned int i, start;

	if (!a->n)
		return NULL;
	/* The first pick of a new service is its first server. */
	start = (unsigned int)atomic_fetch_inc(&rr->next);
	for (i = 0; i < a->n; i++) {
		struct vs_dest *d = a->d[(start + i) % a->n];

		if (vs_sched_usable(d)) {
			/* Later picks continue after this one. */
			if (i)
				atomic_add(i, &rr->next);
			return d;
		}
	}
	return NULL;
}

const struct vs_sched_ops vs_sched_rr = {
	.name = "rr",
	.state_size = sizeof(struct rr_state),
	.init = rr_init,
	.destroy = rr_destroy,
	.schedule = rr_schedule,
};
