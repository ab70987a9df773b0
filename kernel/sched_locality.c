// SPDX-License-Identifier: GPL-2.0
/*
 * The locality cache of lblc and lblcr: destination address -> a set of
 * servers, per service. Lookups run under RCU with no lock; changes (a
 * new entry, a new set) take a per-service spinlock and publish a new
 * immutable set, so a reader sees the old set or the new one. Sets hold
 * references on their servers, so a deleted server stays valid memory for
 * as long as an entry names it; the schedulers skip it and the next change
 * of servers purges it.
 *
 * The cache is bounded (LOC_MAX entries): when it is full, a destination
 * that is not cached is scheduled all the same, only not remembered, and
 * the collector is run early to evict entries idle for six minutes. Entries
 * idle for longer than the expiration are ignored by lookups at once and
 * freed by the collector, a delayed work that runs at least once a minute
 * and is cancelled before the state is freed.
 */

#include <linux/jhash.h>
#include <linux/random.h>
#include <linux/slab.h>

#include "sched_locality.h"
#include "sched_util.h"

#define LOC_BITS 10
#define LOC_BUCKETS BIT(LOC_BITS)
#define LOC_MAX (16 * LOC_BUCKETS)
#define LOC_SET_MAX 32			/* servers per lblcr set */
#define GC_MAX_INTERVAL (60 * HZ)
#define GC_IDLE_WHEN_FULL (6 * 60 * HZ)	/* evicted early when full */

enum { LOC_F_FULL };

static unsigned long expiration(const struct vs_loc_state *ls)
{
	return (unsigned long)READ_ONCE(*ls->expiration) * HZ;
}

bool vs_loc_expired(const struct vs_loc_state *ls, unsigned long since)
{
	return time_after(jiffies, since + expiration(ls));
}

static u32 bucket_of(const struct vs_loc_state *ls, const union vs_addr *a)
{
	return jhash2((const u32 *)a->bytes, sizeof(*a) / 4, ls->seed) &
	       (LOC_BUCKETS - 1);
}

static void free_set(struct vs_loc_set *set)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		vs_dest_put(set->d[i]);
	kfree(set);
}

static void free_set_rcu(struct rcu_head *rcu)
{
	free_set(container_of(rcu, struct vs_loc_set, rcu));
}

static void free_entry(struct vs_loc_entry *en)
{
	free_set(rcu_dereference_protected(en->set, true));
	kfree(en);
}

static void free_entry_rcu(struct rcu_head *rcu)
{
	free_entry(container_of(rcu, struct vs_loc_entry, rcu));
}

/*
 * A set of @n servers copied from @from (may be NULL) leaving out @drop,
 * plus @add if not NULL; a reference taken on each. NULL if out of memory
 * or if a server is already gone.
 */
static struct vs_loc_set *new_set(const struct vs_loc_set *from,
				  const struct vs_dest *drop,
				  struct vs_dest *add, unsigned int n)
{
	struct vs_loc_set *set;
	unsigned int i;

	set = kmalloc(struct_size(set, d, n), GFP_ATOMIC | __GFP_NOWARN);
	if (!set)
		return NULL;
	set->n = 0;
	for (i = 0; from && i < from->n; i++)
		if (from->d[i] != drop && vs_dest_get(from->d[i]))
			set->d[set->n++] = from->d[i];
	if (add && vs_dest_get(add))
		set->d[set->n++] = add;
	if (!set->n) {
		kfree(set);
		return NULL;
	}
	return set;
}

/* Under the lock: publish @set in @en, the old one freed after readers. */
static void replace_set(struct vs_loc_entry *en, struct vs_loc_set *set)
{
	struct vs_loc_set *old = rcu_dereference_protected(en->set, true);

	rcu_assign_pointer(en->set, set);
	WRITE_ONCE(en->lastmod, jiffies);
	call_rcu(&old->rcu, free_set_rcu);
}

static void unhash(struct vs_loc_state *ls, struct vs_loc_entry *en)
{
	hlist_del_init_rcu(&en->node);	/* unhashed: vs_loc_add checks */
	ls->count--;
	call_rcu(&en->rcu, free_entry_rcu);
}

/* The live entry for @addr, under RCU; marks it used. */
struct vs_loc_entry *vs_loc_lookup(struct vs_loc_state *ls,
				   const union vs_addr *addr)
{
	unsigned long now = jiffies;
	struct vs_loc_entry *en;

	hlist_for_each_entry_rcu(en, &ls->bucket[bucket_of(ls, addr)], node) {
		if (memcmp(&en->addr, addr, sizeof(*addr)))
			continue;
		if (vs_loc_expired(ls, READ_ONCE(en->lastuse)))
			return NULL;
		/* Spare the shared cache line a write per connection. */
		if (READ_ONCE(en->lastuse) != now)
			WRITE_ONCE(en->lastuse, now);
		return en;
	}
	return NULL;
}

static struct vs_loc_entry *find_locked(struct vs_loc_state *ls,
					const union vs_addr *addr, u32 b)
{
	struct vs_loc_entry *en;

	hlist_for_each_entry(en, &ls->bucket[b], node)
		if (!memcmp(&en->addr, addr, sizeof(*addr)))
			return en;
	return NULL;
}

/*
 * Full: remember nothing more, and have the collector make room within a
 * second. If every entry is in use it cannot; then it runs once a second
 * at most, not for every packet.
 */
static void kick_gc(struct vs_loc_state *ls)
{
	if (!ls->stopped && !test_and_set_bit(LOC_F_FULL, &ls->flags))
		mod_delayed_work(system_power_efficient_wq, &ls->gc, HZ);
}

static void insert_locked(struct vs_loc_state *ls, const union vs_addr *addr,
			  u32 b, struct vs_dest *d)
{
	struct vs_loc_entry *en;
	struct vs_loc_set *set;

	if (ls->count >= LOC_MAX) {
		kick_gc(ls);
		return;
	}
	en = kzalloc(sizeof(*en), GFP_ATOMIC | __GFP_NOWARN);
	if (!en)
		return;
	set = new_set(NULL, NULL, d, 1);
	if (!set) {
		kfree(en);
		return;
	}
	en->addr = *addr;
	en->lastuse = jiffies;
	en->lastmod = jiffies;
	RCU_INIT_POINTER(en->set, set);
	hlist_add_head_rcu(&en->node, &ls->bucket[b]);
	ls->count++;
}

/*
 * @addr now goes to @d alone: a new entry, or an old one (expired, or
 * whose server could not be used) given a new set. If memory is short the
 * cache is left as it was; @d is used all the same.
 */
void vs_loc_assign(struct vs_loc_state *ls, const union vs_addr *addr,
		   struct vs_dest *d)
{
	u32 b = bucket_of(ls, addr);
	struct vs_loc_entry *en;

	spin_lock_bh(&ls->lock);
	en = find_locked(ls, addr, b);
	if (!en) {
		insert_locked(ls, addr, b, d);
	} else {
		struct vs_loc_set *set = new_set(NULL, NULL, d, 1);

		if (set)
			replace_set(en, set);
		WRITE_ONCE(en->lastuse, jiffies);
	}
	spin_unlock_bh(&ls->lock);
}

static bool in_set(const struct vs_loc_set *set, const struct vs_dest *d)
{
	unsigned int i;

	for (i = 0; i < set->n; i++)
		if (set->d[i] == d)
			return true;
	return false;
}

/* The member to drop first: an unusable one, else the most loaded. */
static struct vs_dest *set_most(const struct vs_loc_set *set)
{
	struct vs_dest *most = NULL;
	u64 moh = 0, mw = 0;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		struct vs_dest *d = set->d[i];
		u64 doh = vs_dest_overhead(d), dw = READ_ONCE(d->weight);

		if (!vs_sched_usable(d))
			return d;
		/* doh / dw > moh / mw */
		if (!most || doh * mw > moh * dw) {
			most = d;
			moh = doh;
			mw = dw;
		}
	}
	return most;
}

/* lblcr: @d joins the set of @en (full: it takes the busiest one's place). */
void vs_loc_add(struct vs_loc_state *ls, struct vs_loc_entry *en,
		struct vs_dest *d)
{
	struct vs_loc_set *cur, *set;

	spin_lock_bh(&ls->lock);
	if (hlist_unhashed(&en->node))
		goto out;
	cur = rcu_dereference_protected(en->set, lockdep_is_held(&ls->lock));
	if (in_set(cur, d))
		goto out;
	if (cur->n < LOC_SET_MAX)
		set = new_set(cur, NULL, d, cur->n + 1);
	else
		set = new_set(cur, set_most(cur), d, cur->n);
	if (set)
		replace_set(en, set);
out:
	spin_unlock_bh(&ls->lock);
}

/* lblcr: the set has not changed for a while; drop its busiest member. */
void vs_loc_shrink(struct vs_loc_state *ls, struct vs_loc_entry *en)
{
	struct vs_loc_set *cur, *set;

	spin_lock_bh(&ls->lock);
	cur = rcu_dereference_protected(en->set, lockdep_is_held(&ls->lock));
	if (!hlist_unhashed(&en->node) && cur->n > 1 &&
	    vs_loc_expired(ls, en->lastmod)) {
		set = new_set(cur, set_most(cur), NULL, cur->n - 1);
		if (set)
			replace_set(en, set);
	}
	spin_unlock_bh(&ls->lock);
}

/* The usable member with the least overhead per unit of weight. */
struct vs_dest *vs_loc_set_least(const struct vs_loc_set *set)
{
	struct vs_dest *least = NULL;
	u64 loh = 0, lw = 0;
	unsigned int i;

	for (i = 0; i < set->n; i++) {
		struct vs_dest *d = set->d[i];
		u64 doh = vs_dest_overhead(d), dw = READ_ONCE(d->weight);

		if (!vs_sched_usable(d))
			continue;
		if (!least || doh * lw < loh * dw) {
			least = d;
			loh = doh;
			lw = dw;
		}
	}
	return least;
}

/*
 * Overloaded in IPVS's sense: more active connections than its weight
 * while some server is below half of its own. Then locality gives way.
 */
bool vs_loc_overloaded(const struct vs_dest *d, struct vs_service *svc)
{
	struct vs_dest *o;

	if (atomic_read(&d->active_conns) <= (s64)READ_ONCE(d->weight))
		return false;
	list_for_each_entry_rcu(o, &svc->dests, list)
		if ((s64)atomic_read(&o->active_conns) * 2 <
		    (s64)READ_ONCE(o->weight))
			return true;
	return false;
}

static void collect(struct vs_loc_state *ls, unsigned long idle)
{
	struct vs_loc_entry *en;
	struct hlist_node *tmp;
	u32 b;

	for (b = 0; b < LOC_BUCKETS; b++) {
		spin_lock_bh(&ls->lock);
		hlist_for_each_entry_safe(en, tmp, &ls->bucket[b], node)
			if (time_after(jiffies, READ_ONCE(en->lastuse) + idle))
				unhash(ls, en);
		spin_unlock_bh(&ls->lock);
		if (!(b % 64))
			cond_resched();
	}
}

static void gc_work(struct work_struct *work)
{
	struct vs_loc_state *ls = container_of(to_delayed_work(work),
					       struct vs_loc_state, gc);
	unsigned long exp = expiration(ls);

	if (test_and_clear_bit(LOC_F_FULL, &ls->flags))
		collect(ls, min(exp, (unsigned long)GC_IDLE_WHEN_FULL));
	else
		collect(ls, exp);
	queue_delayed_work(system_power_efficient_wq, &ls->gc,
			   clamp(exp, (unsigned long)HZ, (unsigned long)GC_MAX_INTERVAL));
}

int vs_loc_init(struct vs_loc_state *ls, struct vs_service *svc,
		const int *expiration)
{
	u32 b;

	ls->bucket = kvmalloc_array(LOC_BUCKETS, sizeof(*ls->bucket),
				    GFP_KERNEL_ACCOUNT);
	if (!ls->bucket)
		return -ENOMEM;
	for (b = 0; b < LOC_BUCKETS; b++)
		INIT_HLIST_HEAD(&ls->bucket[b]);
	spin_lock_init(&ls->lock);
	ls->seed = get_random_u32();
	ls->expiration = expiration;
	ls->seen_dests = svc->num_dests;
	INIT_DELAYED_WORK(&ls->gc, gc_work);
	queue_delayed_work(system_power_efficient_wq, &ls->gc, GC_MAX_INTERVAL);
	return 0;
}

/*
 * Servers changed. If some were deleted, sets naming them get a copy
 * without them (an entry left with none goes), so that deleted servers
 * are not kept in memory by the cache.
 */
void vs_loc_update(struct vs_service *svc, struct vs_sched_state *st)
{
	struct vs_loc_state *ls = container_of(st, struct vs_loc_state, common);
	bool deleted = svc->num_dests < ls->seen_dests;
	struct vs_loc_entry *en;
	struct hlist_node *tmp;
	u32 b, i;

	ls->seen_dests = svc->num_dests;
	for (b = 0; deleted && b < LOC_BUCKETS; b++) {
		spin_lock_bh(&ls->lock);
		hlist_for_each_entry_safe(en, tmp, &ls->bucket[b], node) {
			struct vs_loc_set *cur, *set = NULL;

			cur = rcu_dereference_protected(en->set, true);
			for (i = 0; i < cur->n; i++)
				if (test_bit(VS_DEST_F_DEAD, &cur->d[i]->flags))
					break;
			if (i == cur->n)
				continue;
			if (cur->n > 1)
				set = new_set(cur, cur->d[i], NULL, cur->n - 1);
			if (set)
				replace_set(en, set);
			else
				unhash(ls, en);
		}
		spin_unlock_bh(&ls->lock);
		if (!(b % 64))
			cond_resched();
	}
}

void vs_loc_stop(struct vs_sched_state *st)
{
	struct vs_loc_state *ls = container_of(st, struct vs_loc_state, common);

	spin_lock_bh(&ls->lock);
	ls->stopped = true;
	spin_unlock_bh(&ls->lock);
	cancel_delayed_work_sync(&ls->gc);
}

/* After a grace period: nobody can reach the entries any more. */
void vs_loc_destroy(struct vs_sched_state *st)
{
	struct vs_loc_state *ls = container_of(st, struct vs_loc_state, common);
	struct vs_loc_entry *en;
	struct hlist_node *tmp;
	u32 b;

	for (b = 0; b < LOC_BUCKETS; b++)
		hlist_for_each_entry_safe(en, tmp, &ls->bucket[b], node)
			free_entry(en);
	kvfree(ls->bucket);
}
