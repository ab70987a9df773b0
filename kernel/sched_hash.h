/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SCHED_HASH_H
#define _VS_SCHED_HASH_H

#include "sched.h"

/* The bucket table that dh and sh share (sched_hash.c). */
struct vs_hash_table;

struct vs_hash_state {
	struct vs_sched_state common;
	struct vs_hash_table *t;
};

int vs_hash_init(struct vs_service *svc, struct vs_sched_state *st,
		 const struct vs_sched_state *prev);
void vs_hash_destroy(struct vs_sched_state *st);
struct vs_dest *vs_hash_pick(const struct vs_sched_state *st,
			     const union vs_addr *key, u16 port,
			     bool fallback);

#endif /* _VS_SCHED_HASH_H */
