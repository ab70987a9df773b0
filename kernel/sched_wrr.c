// SPDX-License-Identifier: GPL-2.0
/*
 * wrr: interleaved weighted round robin. A current weight cw steps down from
 * the largest weight by the weights' gcd; each round gives a connection to
 * every server whose weight is at least cw. Weights 1 and 5 give 5 of every
 * 6 connections to the heavier server, spread out rather than in a burst.
 * The walk position is per service, under a per-service lock. A server in
 * slow start counts with its weight scaled down, at least 1.
 */

#include <linux/gcd.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "sched.h"
#include "sched_util.h"

struct wrr_state {
	struct vs_sched_state common;
	spinlock_t lock;	/* the walk: i and cw */
	int i;			/* last position */
	int cw;			/* current weight */
	int mw;			/* largest weight */
	int di;			/* gcd of the weights */
	struct vs_dest_array *dests;
};

static int wrr_init(struct vs_service *svc, struct vs_sched_state *st,
		    const struct vs_sched_state *prev)
{
	struct wrr_state *w = container_of(st, struct wrr_state, common);
	u64 ramp_len = vs_ramp_len(svc);
	bool ramping = false;
	unsigned int k;

	w->dests = vs_dest_array_build(svc);
	if (!w->dests)
		return -ENOMEM;
	spin_lock_init(&w->lock);
	w->i = -1;
	for (k = 0; k < w->dests->n; k++) {
		const struct vs_dest *d = w->dests->d[k];
		int weight = READ_ONCE(d->weight);

		if (weight > w->mw)
			w->mw = weight;
		if (weight > 0)
			w->di = w->di ? gcd(w->di, weight) : weight;
		/* Ramping weights are no multiples of the gcd: step by 1. */
		if (vs_dest_ramp(d, ramp_len) < VS_RAMP_ONE)
			ramping = true;
	}
	if (!w->di || ramping)
		w->di = 1;
	return 0;
}

static void wrr_destroy(struct vs_sched_state *st)
{
	vs_dest_array_free(container_of(st, struct wrr_state, common)->dests);
}

/* The weight a usable server counts with now; 0 if it is not usable. */
static int eff_weight(const struct vs_dest *d, u64 ramp_len)
{
	u64 w = READ_ONCE(d->weight);

	if (!vs_sched_usable(d))
		return 0;
	w = w * vs_dest_ramp(d, ramp_len) / VS_RAMP_ONE;
	return max_t(int, w, 1);
}

static int max_usable_weight(const struct vs_dest_array *a, u64 ramp_len)
{
	int top = 0;
	unsigned int k;

	for (k = 0; k < a->n; k++)
		top = max(top, eff_weight(a->d[k], ramp_len));
	return top;
}

static struct vs_dest *wrr_schedule(struct vs_service *svc,
				    struct vs_sched_state *st,
				    const struct vs_pkt *pkt)
{
	struct wrr_state *w = container_of(st, struct wrr_state, common);
	const struct vs_dest_array *a = w->dests;
	u64 ramp_len = vs_ramp_len(svc);
	struct vs_dest *found = NULL;
	unsigned int steps;

	if (!a->n)
		return NULL;
	spin_lock_bh(&w->lock);
	/*
	 * At a new round cw never stays above the heaviest usable server
	 * (IPVS would spin through every empty round, up to 2^31 of them), so
	 * two passes always find a server if there is one.
	 */
	for (steps = 0; steps <= 2 * a->n; steps++) {
		struct vs_dest *d;

		w->i = (w->i + 1) % a->n;
		if (w->i == 0) {
			int top = max_usable_weight(a, ramp_len);

			if (!top)
				break;
			w->cw -= w->di;
			if (w->cw <= 0)
				w->cw = w->mw;
			if (w->cw > top)
				w->cw = top;
		}
		d = a->d[w->i];
		if (eff_weight(d, ramp_len) >= w->cw) {
			found = d;
			break;
		}
	}
	spin_unlock_bh(&w->lock);
	return found;
}

const struct vs_sched_ops vs_sched_wrr = {
	.name = "wrr",
	.state_size = sizeof(struct wrr_state),
	.init = wrr_init,
	.destroy = wrr_destroy,
	.schedule = wrr_schedule,
};
