// SPDX-License-Identifier: GPL-2.0
/*
 * dh: destination hashing. The server is the owner of the bucket the
 * packet's destination address hashes to (sched_hash.c), for caches and
 * proxies in front of many sites. Like IPVS, no fallback: if that server
 * is quiesced, overloaded or gone, the connection is refused rather than
 * sent to a server that does not hold that destination's data.
 */

#include "sched_hash.h"

static struct vs_dest *dh_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	return vs_hash_pick(st, &pkt->daddr, 0, false);
}

const struct vs_sched_ops vs_sched_dh = {
	.name = "dh",
	.state_size = sizeof(struct vs_hash_state),
	.init = vs_hash_init,
	.destroy = vs_hash_destroy,
	.schedule = dh_schedule,
};
