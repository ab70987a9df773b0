/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SCHED_LOCALITY_H
#define _VS_SCHED_LOCALITY_H

#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include "sched.h"

/*
 * The cache that lblc and lblcr share (sched_locality.c): destination
 * address -> a set of servers (lblc keeps one), looked up under RCU.
 */

/* Immutable once published: a change publishes a new set. */
struct vs_loc_set {
	unsigned int n;
	struct rcu_head rcu;
	struct vs_dest *d[];		/* references held */
};

struct vs_loc_entry {
	struct hlist_node node;
	union vs_addr addr;
	unsigned long lastuse;		/* jiffies; READ/WRITE_ONCE */
	unsigned long lastmod;		/* jiffies the set changed; lock */
	struct vs_loc_set __rcu *set;
	struct rcu_head rcu;
};

struct vs_loc_state {
	struct vs_sched_state common;
	spinlock_t lock;		/* changes to the cache */
	bool stopped;			/* lock: no more garbage collection */
	unsigned int count;		/* entries; lock */
	unsigned int seen_dests;	/* servers at the last update */
	unsigned long flags;
	u32 seed;
	const int *expiration;		/* seconds, a net.vs sysctl */
	struct delayed_work gc;
	struct hlist_head *bucket;
};

int vs_loc_init(struct vs_loc_state *ls, struct vs_service *svc,
		const int *expiration);
void vs_loc_update(struct vs_service *svc, struct vs_sched_state *st);
void vs_loc_stop(struct vs_sched_state *st);
void vs_loc_destroy(struct vs_sched_state *st);

struct vs_loc_entry *vs_loc_lookup(struct vs_loc_state *ls,
				   const union vs_addr *addr);
void vs_loc_assign(struct vs_loc_state *ls, const union vs_addr *addr,
		   struct vs_dest *d);
void vs_loc_add(struct vs_loc_state *ls, struct vs_loc_entry *en,
		struct vs_dest *d);
void vs_loc_shrink(struct vs_loc_state *ls, struct vs_loc_entry *en);
bool vs_loc_expired(const struct vs_loc_state *ls, unsigned long since);
bool vs_loc_overloaded(const struct vs_dest *d, struct vs_service *svc);
struct vs_dest *vs_loc_set_least(const struct vs_loc_set *set);

#endif /* _VS_SCHED_LOCALITY_H */
