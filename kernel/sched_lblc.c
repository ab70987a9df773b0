// SPDX-License-Identifier: GPL-2.0
/*
 * lblc: locality-based least connections, for caches in front of many
 * sites. A destination address keeps going to the server it went to last
 * (sched_locality.c), so that server's cache stays warm, unless that
 * server is gone, quiesced, over its threshold, or overloaded in IPVS's
 * sense (more active connections than its weight while another server has
 * fewer than half of its own); then wlc picks a server, and the
 * destination stays with that one. Entries unused for
 * net.vs.lblc_expiration seconds are forgotten.
 */

#include "sched_locality.h"
#include "sched_util.h"

static int lblc_init(struct vs_service *svc, struct vs_sched_state *st,
		     const struct vs_sched_state *prev)
{
	return vs_loc_init(container_of(st, struct vs_loc_state, common), svc,
			   &svc->vn->lblc_expiration);
}

static struct vs_dest *lblc_schedule(struct vs_service *svc,
				     struct vs_sched_state *st,
				     const struct vs_pkt *pkt)
{
	struct vs_loc_state *ls = container_of(st, struct vs_loc_state, common);
	struct vs_loc_entry *en;
	struct vs_dest *d;

	en = vs_loc_lookup(ls, &pkt->daddr);
	if (en) {
		d = rcu_dereference(en->set)->d[0];
		if (vs_sched_usable(d) && !vs_loc_overloaded(d, svc))
			return d;
	}
	d = vs_sched_wlc_pick(svc);
	if (d)
		vs_loc_assign(ls, &pkt->daddr, d);
	return d;
}

const struct vs_sched_ops vs_sched_lblc = {
	.name = "lblc",
	.state_size = sizeof(struct vs_loc_state),
	.init = lblc_init,
	.update = vs_loc_update,
	.stop = vs_loc_stop,
	.destroy = vs_loc_destroy,
	.schedule = lblc_schedule,
};
