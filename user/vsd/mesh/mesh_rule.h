/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The rules of an active-active mesh, as pure functions (unit-tested):
 * the role each director plays in the two-node pair it forms with each
 * other one (hb.c's datagrams, keys and SELF check are a pair's), the
 * keys of that pair, and whether a director whose configuration differs
 * from others' may announce.
 */
#ifndef _VSD_MESH_RULE_H
#define _VSD_MESH_RULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "failover/hb.h"

/* In the pair (self, peer), the lower address plays the primary. Both
 * addresses IPv4 in network byte order.
 */
enum vsd_hb_node vsd_mesh_role(uint32_t self, uint32_t peer);

/*
 * The pair's keys: the hb.c keys derived from a key of the pair's own,
 * itself derived from the shared heartbeat_key and both addresses. So a
 * datagram of one pair does not verify in another (nor in a
 * primary/backup pair with the same key file).
 */
void vsd_mesh_pair_keys(const struct vsd_hb_key *shared, uint32_t a,
			uint32_t b, struct vsd_hb_keys *out);

/* What a director knows of another from its heartbeats. */
struct vsd_mesh_view {
	uint32_t addr;			/* network byte order */
	bool alive;			/* heard within deadtime */
	bool announcing;		/* its heartbeats say ACTIVE */
	bool same_config;		/* its digest and serial are ours */
};

/*
 * May this director announce? -1 if so; else the index in peers[] of the
 * director whose configuration wins over ours:
 *
 * - among the live directors that announce (this one too, if it does),
 *   when their configurations differ, the lowest address wins: the
 *   running configuration keeps serving, and two groups that both
 *   announce (a partition healed) settle without a gap;
 * - when none announces (a cold start) and a live peer's configuration
 *   differs, the lowest address among the live directors wins.
 *
 * A director whose configuration is the winner's may announce.
 */
int vsd_mesh_refuse(uint32_t self, bool self_announcing,
		    const struct vsd_mesh_view *peers, size_t n);

#endif /* _VSD_MESH_RULE_H */
