// SPDX-License-Identifier: GPL-2.0
/*
 * lblcr: locality-based least connections with replication. A destination
 * address maps to a set of servers (sched_locality.c) and goes to the
 * least loaded of them. When that one is overloaded in IPVS's sense (more
 * active connections than its weight while another server has fewer than
 * half of its own), wlc picks a server that joins the set: a popular
 * destination is served by more servers. When the set has more than one
 * server and has not changed for net.vs.lblcr_expiration seconds, its most
 * loaded server leaves it. Entries unused for that long are forgotten.
 */

#include "sched_locality.h"
#include "sched_util.h"

static int lblcr_init(struct vs_service *svc, struct vs_sched_state *st,
		      const struct vs_sched_state *prev)
{
	return vs_loc_init(container_of(st, struct vs_loc_state, common), svc,
			   &svc->vn->lblcr_expiration);
}

static struct vs_dest *lblcr_schedule(struct vs_service *svc,
				      struct vs_sched_state *st,
				      const struct vs_pkt *pkt)
{
	struct vs_loc_state *ls = container_of(st, struct vs_loc_state, common);
	struct vs_loc_entry *en;
	struct vs_dest *d;

	en = vs_loc_lookup(ls, &pkt->daddr);
	if (!en) {
		d = vs_sched_wlc_pick(svc);
		if (d)
			vs_loc_assign(ls, &pkt->daddr, d);
		return d;
	}
	if (rcu_dereference(en->set)->n > 1 &&
	    vs_loc_expired(ls, READ_ONCE(en->lastmod)))
		vs_loc_shrink(ls, en);
	d = vs_loc_set_least(rcu_dereference(en->set));
	if (d && !vs_loc_overloaded(d, svc))
		return d;
	d = vs_sched_wlc_pick(svc);
	if (d)
		vs_loc_add(ls, en, d);
	return d;
}

const struct vs_sched_ops vs_sched_lblcr = {
	.name = "lblcr",
	.state_size = sizeof(struct vs_loc_state),
	.init = lblcr_init,
	.update = vs_loc_update,
	.stop = vs_loc_stop,
	.destroy = vs_loc_destroy,
	.schedule = lblcr_schedule,
};
