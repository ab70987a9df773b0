// SPDX-License-Identifier: GPL-2.0
/*
 * sh: source hashing. The server is the owner of the bucket the client's
 * address hashes to (sched_hash.c): a client keeps its server without a
 * connection table entry to remember it. If that server is quiesced,
 * overloaded or gone the connection is refused, as in IPVS, unless the
 * service has sh-fallback or net.vs.sh_fallback is set: then it goes to
 * the owner of the next bucket whose server can take it. With sh-port the
 * key is the source address and port, so a client's connections spread
 * (over a proxy or a NAT that hides many clients behind one address).
 */

#include "sched_hash.h"
#include "sched_util.h"

static struct vs_dest *sh_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	u32 flags = READ_ONCE(svc->flags);

	return vs_hash_pick(st, &pkt->saddr, vs_sched_flow_port(flags, pkt),
			    (flags & VS_SVC_F_SH_FALLBACK) ||
			    READ_ONCE(svc->vn->sh_fallback));
}

const struct vs_sched_ops vs_sched_sh = {
	.name = "sh",
	.state_size = sizeof(struct vs_hash_state),
	.init = vs_hash_init,
	.destroy = vs_hash_destroy,
	.schedule = sh_schedule,
};
