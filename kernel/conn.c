// SPDX-License-Identifier: GPL-2.0
/*
 * The connection table of a network namespace: a resizable hash table that
 * grows with the load (lookups stay constant-time from a thousand to
 * millions of connections), looked up under RCU with no lock and no
 * reference count on the packet path.
 *
 * Expiry needs no timer per connection. Each connection sits in one of
 * EXP_SLOTS one-second slots of the CPU that created it; packets only move
 * its deadline (later lazily, earlier at once). A collector visits each due
 * slot once a second: what is still alive is filed again under its new
 * deadline, the rest is unhashed and freed after a grace period. So a
 * connection costs the collector one visit per timeout period, not one
 * timer operation per packet.
 */

#include <linux/inetdevice.h>
#include <linux/jiffies.h>
#include <linux/moduleparam.h>
#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <linux/workqueue.h>
#include <net/ipv6.h>

#include "conn.h"
#include "core.h"
#include "netlink.h"
#include "proto.h"

#define EXP_SLOTS 256		/* seconds ahead a slot can hold */
#define EXP_BATCH 128		/* connections per collector lock hold */
#define EVICT_SCAN 64		/* entries a full table looks at to evict one */
#define GC_INTERVAL HZ

struct vs_expiry {
	spinlock_t lock;
	struct hlist_head slot[EXP_SLOTS];
};

/* IPv4 and IPv6 connections: 96 and 144 bytes. */
static struct kmem_cache *conn_cache4 __ro_after_init;
static struct kmem_cache *conn_cache6 __ro_after_init;

/*
 * Connections of every namespace together, against conn_max_total: the
 * bound that keeps many namespaces, each within its own conn_max, from
 * taking the host's memory between them.
 */
static struct percpu_counter conn_total;
static unsigned int conn_max_total __read_mostly;
module_param(conn_max_total, uint, 0644);
MODULE_PARM_DESC(conn_max_total,
		 "connections of all network namespaces together (default: a sixteenth of RAM)");

static struct kmem_cache *cache_of(u8 af)
{
	return af == AF_INET6 ? conn_cache6 : conn_cache4;
}

/* Keys are as long as their family's (conn.h): hashed and compared so. */
static u32 key_hash(const struct vs_conn_key *k, u32 seed)
{
	return jhash2((const u32 *)k, vs_conn_key_len(k->af) / sizeof(u32), seed);
}

static u32 conn_key_hashfn(const void *data, u32 len, u32 seed)
{
	return key_hash(data, seed);
}

static u32 conn_obj_hashfn(const void *obj, u32 len, u32 seed)
{
	return key_hash(&((const struct vs_tuple *)obj)->key, seed);
}

static int conn_obj_cmpfn(struct rhashtable_compare_arg *arg, const void *obj)
{
	const struct vs_conn_key *k = arg->key;
	const struct vs_conn_key *t = &((const struct vs_tuple *)obj)->key;

	return k->af != t->af || memcmp(k, t, vs_conn_key_len(k->af));
}

static const struct rhashtable_params conn_params = {
	.key_offset = offsetof(struct vs_tuple, key),
	.head_offset = offsetof(struct vs_tuple, node),
	.hashfn = conn_key_hashfn,
	.obj_hashfn = conn_obj_hashfn,
	.obj_cmpfn = conn_obj_cmpfn,
	.min_size = 1024,
	.automatic_shrinking = true,
};

static unsigned long sec_of(unsigned long j)
{
	return j / HZ;
}

/*
 * The slot holding a deadline: the first second at or after it, kept
 * strictly after @base and less than EXP_SLOTS seconds ahead of it.
 */
static unsigned int slot_of(unsigned long expires, unsigned long base)
{
	unsigned long sec = DIV_ROUND_UP(expires, HZ);

	sec = clamp(sec, base + 1, base + EXP_SLOTS - 1);
	return sec % EXP_SLOTS;
}

static struct vs_expiry *expiry_of(struct vs_net *vn, const struct vs_conn *cp)
{
	return per_cpu_ptr(vn->expiry, cp->exp_cpu);
}

static unsigned int timeout_of(struct vs_net *vn, const struct vs_conn *cp)
{
	u8 state = READ_ONCE(cp->state);

	if (cp->flags & VS_CONN_F_TMPL)
		return READ_ONCE(cp->dest->svc->timeout);
	/* Killed under us (VS_CONN_DEAD): nothing left to time. */
	if (state >= __VS_CONN_S_LAST)
		return 0;
	return READ_ONCE(vn->timeouts[state]);
}

/*
 * Flags change on the packet path of both directions at once: set and
 * clear them atomically so that neither loses the other's bit.
 */
static void set_flag(struct vs_conn *cp, u8 bit)
{
	u8 old = READ_ONCE(cp->flags);

	while (!(old & bit) && !try_cmpxchg(&cp->flags, &old, old | bit))
		;
}

static bool test_and_clear_flag(struct vs_conn *cp, u8 bit)
{
	u8 old = READ_ONCE(cp->flags);

	do {
		if (!(old & bit))
			return false;
	} while (!try_cmpxchg(&cp->flags, &old, old & ~bit));
	return true;
}

void vs_conn_set_output(struct vs_conn *cp)
{
	set_flag(cp, VS_CONN_F_OUTPUT);
}

struct vs_conn *vs_conn_lookup(struct vs_net *vn, const struct vs_conn_key *key)
{
	struct vs_tuple *t = rhashtable_lookup(&vn->conns, key, conn_params);
	struct vs_conn *cp;

	if (!t)
		return NULL;
	cp = vs_tuple_conn(t);
	return READ_ONCE(cp->state) == VS_CONN_DEAD ? NULL : cp;
}

static void conn_free_rcu(struct rcu_head *rcu)
{
	struct vs_conn *cp = container_of(rcu, struct vs_conn, rcu);

	vs_dest_put(cp->dest);
	kmem_cache_free(cache_of(cp->in.key.af), cp);
}

/* Drop a reference: the table's, or a connection's on its template. */
static void conn_put(struct vs_conn *cp)
{
	if (refcount_dec_and_test(&cp->refcnt))
		call_rcu(&cp->rcu, conn_free_rcu);
}

void vs_tmpl_put(struct vs_conn *tmpl)
{
	conn_put(tmpl);
}

/* A persistence entry with a reference held, or NULL. */
struct vs_conn *vs_tmpl_get(struct vs_net *vn, const struct vs_conn_key *key)
{
	struct vs_conn *tmpl = vs_conn_lookup(vn, key);

	if (!tmpl || !refcount_inc_not_zero(&tmpl->refcnt))
		return NULL;
	if (READ_ONCE(tmpl->state) == VS_CONN_DEAD) {
		conn_put(tmpl);
		return NULL;
	}
	return tmpl;
}

/*
 * The persistence entry of a client: its address masked by the service's
 * netmask, with the service (or its mark) and no client port.
 */
void vs_tmpl_key(struct vs_conn_key *key, const struct vs_service *svc,
		 const union vs_addr *caddr, const union vs_addr *vaddr)
{
	u8 prefix = READ_ONCE(svc->netmask), af = svc->key.af;
	union vs_addr client = {}, mark = {};

	if (af == AF_INET6)
		ipv6_addr_prefix((struct in6_addr *)&client,
				 (const struct in6_addr *)caddr, prefix);
	else
		client.ip = caddr->ip & inet_make_mask(prefix);
	/*
	 * The service's port, not the packet's: an FTP service's data
	 * connections (service.c) find the entry of its control connection.
	 */
	if (svc->key.fwmark) {
		mark.ip = htonl(svc->key.fwmark);
		vs_conn_key_fill(key, af, &client, &mark, 0, 0, 0, VS_DIR_TMPL);
	} else {
		vs_conn_key_fill(key, af, &client, vaddr, 0, svc->key.port,
				 svc->key.protocol, VS_DIR_TMPL);
	}
}

/* Count a connection in or out of its server's connection numbers. */
static void account(struct vs_conn *cp, u8 state, int delta)
{
	struct vs_dest *dest = cp->dest;

	if (cp->flags & VS_CONN_F_TMPL)
		atomic_add(delta, &dest->persist_conns);
	else if (vs_conn_active_state(state))
		atomic_add(delta, &dest->active_conns);
	else
		atomic_add(delta, &dest->inact_conns);
	if (!(cp->flags & VS_CONN_F_TMPL) && dest->u_thresh)
		vs_dest_check_overload(dest);
}

static void file_locked(struct vs_expiry *e, struct vs_conn *cp,
			unsigned long expires, unsigned long base)
{
	hlist_add_head(&cp->exp_node, &e->slot[slot_of(expires, base)]);
}

/* Unhash a connection and let it go; caller holds its expiry lock. */
static void kill_locked(struct vs_net *vn, struct vs_conn *cp)
{
	u8 old = xchg(&cp->state, VS_CONN_DEAD);

	if (old == VS_CONN_DEAD)
		return;
	rhashtable_remove_fast(&vn->conns, &cp->in.node, conn_params);
	if (cp->flags & VS_CONN_F_NAT)
		rhashtable_remove_fast(&vn->conns, &vs_conn_out(cp)->node,
				       conn_params);
	hlist_del_init(&cp->exp_node);
	account(cp, old, -1);
	percpu_counter_dec(&vn->conn_count);
	percpu_counter_dec(&conn_total);
	if (cp->tmpl) {
		struct vs_conn *tmpl = cp->tmpl;
		unsigned long until = jiffies + timeout_of(vn, tmpl) * HZ;

		/* Persistence lasts its timeout after the last connection. */
		if (time_after(until, READ_ONCE(tmpl->expires)))
			WRITE_ONCE(tmpl->expires, until);
		conn_put(tmpl);
	}
	conn_put(cp);
}

void vs_conn_kill(struct vs_net *vn, struct vs_conn *cp)
{
	struct vs_expiry *e = expiry_of(vn, cp);

	spin_lock_bh(&e->lock);
	kill_locked(vn, cp);
	spin_unlock_bh(&e->lock);
}

/* Move a deadline now, earlier or later: file it again. */
static void refile(struct vs_net *vn, struct vs_conn *cp, unsigned long expires)
{
	struct vs_expiry *e = expiry_of(vn, cp);

	spin_lock_bh(&e->lock);
	if (READ_ONCE(cp->state) != VS_CONN_DEAD) {
		WRITE_ONCE(cp->expires, expires);
		hlist_del(&cp->exp_node);
		file_locked(e, cp, expires, sec_of(jiffies));
	}
	spin_unlock_bh(&e->lock);
}

/*
 * A packet passed: push the deadline out by the state's timeout. A later
 * deadline is only written (the collector files it again when it comes to
 * the old slot); an earlier one, after a state change, moves it now so a
 * closing connection does not linger. Small changes are not written at all
 * to spare the cache line shared by both directions.
 */
void vs_conn_touch(struct vs_net *vn, struct vs_conn *cp)
{
	unsigned long old = READ_ONCE(cp->expires);
	unsigned long expires;

	if (READ_ONCE(cp->state) == VS_CONN_DEAD)
		return;
	expires = jiffies + timeout_of(vn, cp) * HZ;
	if (time_after(expires, old)) {
		if (expires - old > HZ / 4) {
			WRITE_ONCE(cp->expires, expires);
			/* The backup's copy must hear of it: see collect_slot. */
			set_flag(cp, VS_CONN_F_SYNC_DUE);
		}
		return;
	}
	if (old - expires <= HZ / 4)
		return;
	refile(vn, cp, expires);
}

/*
 * Change state, keeping the server's active/inactive counts exact. The
 * change is announced to the sync group unless it came from there: a
 * director that echoed what it installs would, among three or more that
 * all relay, send two different states round and round.
 */
static bool set_state(struct vs_conn *cp, u8 state, bool announce)
{
	u8 old = READ_ONCE(cp->state);

	do {
		if (old == VS_CONN_DEAD)
			return false;
		if (old == state)
			return true;
	} while (!try_cmpxchg(&cp->state, &old, state));
	if (vs_conn_active_state(old) != vs_conn_active_state(state)) {
		account(cp, old, -1);
		account(cp, state, 1);
	}
	if (announce)
		vs_nl_conn_event(cp->dest->svc->vn, cp);
	return true;
}

bool vs_conn_set_state(struct vs_conn *cp, u8 state)
{
	return set_state(cp, state, true);
}

static void nat_out_key(struct vs_conn_key *out, const struct vs_conn_key *in,
			const struct vs_dest *dest)
{
	memset(out, 0, vs_conn_key_len(in->af));
	out->sport = dest->key.port ? dest->key.port : in->dport;
	out->dport = in->sport;
	out->protocol = in->protocol;
	out->dir = VS_DIR_OUT;
	out->af = in->af;
	if (in->af == AF_INET6) {
		memcpy(&out->v6.saddr, &dest->key.addr, sizeof(out->v6.saddr));
		out->v6.daddr = in->v6.saddr;
	} else {
		out->v4.saddr = dest->key.addr.ip;
		out->v4.daddr = in->v4.saddr;
	}
}

static int insert(struct vs_net *vn, struct vs_tuple *t)
{
	return rhashtable_lookup_insert_key(&vn->conns, &t->key, &t->node,
					    conn_params);
}

/*
 * Hash a NAT connection's reply tuple. It can only clash with a connection
 * from the same client address and port to the same real server through
 * another VIP, which the server itself tells apart only by time. A UDP
 * flow gives way to the newer one: a client that asks one VIP and then
 * another from the same socket wants the answer to its last question. A
 * TCP connection gives way only once it is closing; an open one wins and
 * the new one is refused.
 */
static int hash_out(struct vs_net *vn, struct vs_conn *cp)
{
	struct vs_tuple *out = vs_conn_out(cp);
	int ret = insert(vn, out);
	struct vs_conn *old;

	if (ret != -EEXIST)
		return ret;
	old = vs_conn_lookup(vn, &out->key);
	if (!old || (cp->in.key.protocol == IPPROTO_TCP &&
		     !vs_tcp_reusable(READ_ONCE(old->state))))
		return ret;
	vs_conn_kill(vn, old);
	return insert(vn, out);
}

/*
 * Never answered: a TCP connection still at the client's SYN (whatever
 * the server said), or a NAT datagram flow the server has not replied to.
 * Direct routing never sees replies, so its UDP flows do not count.
 */
static bool unanswered(const struct vs_conn *cp)
{
	u8 state = READ_ONCE(cp->state);

	if (cp->flags & VS_CONN_F_TMPL)
		return false;
	if (cp->in.key.protocol == IPPROTO_TCP)
		return state == VS_TCP_S_SYN_RECV || state == VS_TCP_S_NONE;
	return (READ_ONCE(cp->flags) & (VS_CONN_F_NAT | VS_CONN_F_OUTPUT)) ==
	       VS_CONN_F_NAT;
}

/* Kill the unanswered entry due first in one CPU's slots, if any. */
static bool evict_from(struct vs_net *vn, struct vs_expiry *e,
		       unsigned long now, unsigned int *seen)
{
	struct vs_conn *cp;
	unsigned int s;

	spin_lock_bh(&e->lock);
	for (s = 0; s < EXP_SLOTS && *seen < EVICT_SCAN; s++) {
		hlist_for_each_entry(cp, &e->slot[(now + s) % EXP_SLOTS], exp_node) {
			if (++*seen > EVICT_SCAN)
				break;
			if (unanswered(cp)) {
				kill_locked(vn, cp);
				spin_unlock_bh(&e->lock);
				return true;
			}
		}
	}
	spin_unlock_bh(&e->lock);
	return false;
}

/*
 * A full table makes room as conntrack's early drop does: an entry nobody
 * answered gives way, so that a SYN flood cannot keep real clients out.
 * The entries due soonest are looked at first, this CPU's before the
 * others', a bounded number in all and under per-CPU locks only.
 */
static bool evict_one(struct vs_net *vn)
{
	unsigned long now = sec_of(jiffies);
	int first = raw_smp_processor_id(), cpu;
	unsigned int seen = 0;

	for (cpu = first; cpu < nr_cpu_ids; cpu++)
		if (cpu_possible(cpu) &&
		    evict_from(vn, per_cpu_ptr(vn->expiry, cpu), now, &seen))
			return true;
	for (cpu = 0; cpu < first; cpu++)
		if (cpu_possible(cpu) &&
		    evict_from(vn, per_cpu_ptr(vn->expiry, cpu), now, &seen))
			return true;
	return false;
}

/*
 * Room for one more connection? The counters are read without their lock
 * (percpu_counter_read), so a flood at the bound takes no global lock per
 * packet; the price is that the bounds hold to within the counters'
 * per-CPU batch (percpu_counter_batch) per CPU.
 */
static bool room_for_one(struct vs_net *vn)
{
	if (percpu_counter_read_positive(&vn->conn_count) < READ_ONCE(vn->conn_max) &&
	    percpu_counter_read_positive(&conn_total) < READ_ONCE(conn_max_total))
		return true;
	if (evict_one(vn))
		return true;
	atomic_long_inc(&vn->conn_refused);
	return false;
}

/*
 * Make and hash a connection (or, with VS_CONN_F_TMPL, a persistence
 * entry) to @dest, taking references on @dest and @tmpl; its deadline is
 * @expires (jiffies), or its state's timeout from now if 0. A persistence
 * entry comes back with a reference for the caller, taken before anyone
 * else can see it. Returns NULL when the server is gone or the table is
 * full (counted), ERR_PTR(-EADDRINUSE) when a NAT connection's reply tuple
 * is another's (counted), ERR_PTR(-EEXIST) when another CPU hashed the
 * same connection first: look it up again.
 */
struct vs_conn *vs_conn_new(struct vs_net *vn, const struct vs_conn_key *in,
			    struct vs_dest *dest, struct vs_conn *tmpl,
			    u8 flags, u8 state, unsigned long expires)
{
	struct vs_expiry *e;
	struct vs_conn *cp;
	int ret;

	if (!room_for_one(vn))
		return NULL;
	if (test_bit(VS_DEST_F_DEAD, &dest->flags) || !vs_dest_get(dest))
		return NULL;
	cp = kmem_cache_alloc(cache_of(in->af), GFP_ATOMIC | __GFP_NOWARN);
	if (!cp) {
		atomic_long_inc(&vn->conn_refused);
		vs_dest_put(dest);
		return NULL;
	}
	memcpy(&cp->in.key, in, vs_conn_key_len(in->af));
	if (flags & VS_CONN_F_NAT)
		nat_out_key(&vs_conn_out(cp)->key, in, dest);
	cp->dest = dest;
	cp->tmpl = tmpl;
	cp->state = state;
	cp->flags = flags;
	refcount_set(&cp->refcnt, flags & VS_CONN_F_TMPL ? 2 : 1);
	cp->exp_cpu = raw_smp_processor_id();
	cp->expires = expires ?: jiffies + timeout_of(vn, cp) * HZ;
	if (tmpl)
		refcount_inc(&tmpl->refcnt);
	account(cp, state, 1);
	percpu_counter_inc(&vn->conn_count);
	percpu_counter_inc(&conn_total);

	/* Filed before it can be found, so whoever kills it can unfile it. */
	e = expiry_of(vn, cp);
	spin_lock_bh(&e->lock);
	file_locked(e, cp, cp->expires, sec_of(jiffies));
	spin_unlock_bh(&e->lock);

	ret = insert(vn, &cp->in);
	if (ret) {
		/* Never visible: undo by hand, without the tables. */
		spin_lock_bh(&e->lock);
		hlist_del(&cp->exp_node);
		spin_unlock_bh(&e->lock);
		account(cp, state, -1);
		percpu_counter_dec(&vn->conn_count);
		percpu_counter_dec(&conn_total);
		if (tmpl)
			conn_put(tmpl);
		vs_dest_put(dest);
		kmem_cache_free(cache_of(in->af), cp);
		if (ret != -EEXIST)
			atomic_long_inc(&vn->conn_refused);
		return ret == -EEXIST ? ERR_PTR(-EEXIST) : NULL;
	}
	if ((flags & VS_CONN_F_NAT) && hash_out(vn, cp)) {
		/*
		 * Readers, dumps and walkers may hold it by its in tuple
		 * already: it dies as any connection does, freed after a
		 * grace period.
		 */
		atomic_long_inc(&vn->conn_refused);
		vs_conn_kill(vn, cp);
		return ERR_PTR(-EADDRINUSE);
	}
	return cp;
}

/*
 * The collector's work on one slot of one CPU's expiry lists, a batch per
 * lock hold. Connections whose deadline traffic pushed out are filed again
 * and, once per timeout period, announced to the sync group so a backup's
 * copy lives as long; those events are built after the lock is dropped,
 * under RCU, which keeps the connections' memory valid meanwhile.
 */
static void collect_slot(struct vs_net *vn, struct vs_expiry *e,
			 unsigned long sec)
{
	struct hlist_head *head = &e->slot[sec % EXP_SLOTS];
	struct vs_conn *refreshed[EXP_BATCH];
	unsigned int n, nref, i;
	bool more = true;

	while (more) {
		nref = 0;
		rcu_read_lock();
		spin_lock_bh(&e->lock);
		for (n = 0; n < EXP_BATCH && !hlist_empty(head); n++) {
			struct vs_conn *cp = hlist_entry(head->first,
							 struct vs_conn, exp_node);
			unsigned long expires = READ_ONCE(cp->expires);

			hlist_del_init(&cp->exp_node);
			if (READ_ONCE(cp->state) == VS_CONN_DEAD) {
				/* Its killer waits for our lock to unfile it. */
			} else if (time_after(expires, jiffies)) {
				file_locked(e, cp, expires, sec);
				if (test_and_clear_flag(cp, VS_CONN_F_SYNC_DUE))
					refreshed[nref++] = cp;
			} else if ((cp->flags & VS_CONN_F_TMPL) &&
				   refcount_read(&cp->refcnt) > 1) {
				/* Still used: persistence outlives its connections. */
				expires = jiffies + timeout_of(vn, cp) * HZ;
				WRITE_ONCE(cp->expires, expires);
				file_locked(e, cp, expires, sec);
			} else {
				kill_locked(vn, cp);
			}
		}
		more = !hlist_empty(head);
		spin_unlock_bh(&e->lock);
		for (i = 0; i < nref; i++)
			vs_nl_conn_event(vn, refreshed[i]);
		rcu_read_unlock();
		if (more)
			cond_resched();
	}
}

static void gc_work(struct work_struct *work)
{
	struct vs_net *vn = container_of(to_delayed_work(work), struct vs_net,
					 conn_gc);
	unsigned long now = sec_of(jiffies), sec;
	int cpu;

	/* After a long stall, every slot once is enough: deadlines rule. */
	if (now - vn->gc_next_sec > EXP_SLOTS)
		vn->gc_next_sec = now - EXP_SLOTS;
	for (sec = vn->gc_next_sec; sec <= now; sec++)
		for_each_possible_cpu(cpu)
			collect_slot(vn, per_cpu_ptr(vn->expiry, cpu), sec);
	vn->gc_next_sec = sec;
	/* Nothing left to serve: the hooks go, and with them this work. */
	if (!READ_ONCE(vn->num_services) && vs_core_disable_idle(vn))
		return;
	queue_delayed_work(system_power_efficient_wq, &vn->conn_gc, GC_INTERVAL);
}

/* Kill every connection for which @match says so, walking the table. */
static void kill_matching(struct vs_net *vn,
			  bool (*match)(const struct vs_conn *cp))
{
	struct rhashtable_iter iter;
	struct vs_tuple *t;

	rhashtable_walk_enter(&vn->conns, &iter);
	rhashtable_walk_start(&iter);
	while ((t = rhashtable_walk_next(&iter))) {
		struct vs_conn *cp;

		if (IS_ERR(t))
			continue;
		if (t->key.dir == VS_DIR_OUT)
			continue;
		cp = vs_tuple_conn(t);
		if (!match(cp))
			continue;
		/* The walk holds RCU: cp stays valid while we kill it. */
		vs_conn_kill(vn, cp);
		if (need_resched()) {
			rhashtable_walk_stop(&iter);
			cond_resched();
			rhashtable_walk_start(&iter);
		}
	}
	rhashtable_walk_stop(&iter);
	rhashtable_walk_exit(&iter);
}

static bool dest_is_dead(const struct vs_conn *cp)
{
	return test_bit(VS_DEST_F_DEAD, &cp->dest->flags);
}

static bool any_conn(const struct vs_conn *cp)
{
	return true;
}

static void nodest_work(struct work_struct *work)
{
	struct vs_net *vn = container_of(work, struct vs_net, conn_nodest);

	kill_matching(vn, dest_is_dead);
}

/* Real servers were deleted: expire their connections soon, per policy. */
void vs_conn_kill_dest(struct vs_net *vn)
{
	if (READ_ONCE(vn->expire_nodest_conn))
		queue_work(system_long_wq, &vn->conn_nodest);
}

static void flush_all(struct vs_net *vn)
{
	kill_matching(vn, any_conn);
}

unsigned int vs_conn_buckets(struct vs_net *vn)
{
	const struct bucket_table *tbl;
	unsigned int size;

	rcu_read_lock();
	tbl = rcu_dereference(vn->conns.tbl);
	size = tbl->size;
	rcu_read_unlock();
	return size;
}

unsigned int vs_conn_count(struct vs_net *vn)
{
	return percpu_counter_sum_positive(&vn->conn_count);
}

unsigned int vs_conn_max(struct vs_net *vn)
{
	return READ_ONCE(vn->conn_max);
}

/*
 * The default bound: connections may take a sixteenth of memory. Beyond
 * the bound new connections are refused and counted, never an OOM.
 */
static unsigned int default_conn_max(void)
{
	u64 bytes = (u64)totalram_pages() << PAGE_SHIFT;

	return min_t(u64, div_u64(bytes / 16, kmem_cache_size(conn_cache4)),
		     INT_MAX);
}

/* Exact: for the collector's decision that the namespace is idle. */
bool vs_conn_none(struct vs_net *vn)
{
	return percpu_counter_sum(&vn->conn_count) <= 0;
}

int vs_conn_net_init(struct vs_net *vn)
{
	int cpu, i, ret;

	vn->expiry = alloc_percpu(struct vs_expiry);
	if (!vn->expiry)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct vs_expiry *e = per_cpu_ptr(vn->expiry, cpu);

		spin_lock_init(&e->lock);
		for (i = 0; i < EXP_SLOTS; i++)
			INIT_HLIST_HEAD(&e->slot[i]);
	}
	ret = percpu_counter_init(&vn->conn_count, 0, GFP_KERNEL);
	if (ret)
		goto err_expiry;
	ret = rhashtable_init(&vn->conns, &conn_params);
	if (ret)
		goto err_count;
	vn->conn_max = default_conn_max();
	vn->expire_nodest_conn = 1;
	vn->gc_next_sec = sec_of(jiffies);
	INIT_DELAYED_WORK(&vn->conn_gc, gc_work);
	INIT_WORK(&vn->conn_nodest, nodest_work);
	return 0;

err_count:
	percpu_counter_destroy(&vn->conn_count);
err_expiry:
	free_percpu(vn->expiry);
	return ret;
}

/* The collector starts with the first service of the namespace. */
void vs_conn_start(struct vs_net *vn)
{
	vn->gc_next_sec = sec_of(jiffies);
	queue_delayed_work(system_power_efficient_wq, &vn->conn_gc, GC_INTERVAL);
}

/* Before the hooks go: the collector may take them off itself. */
void vs_conn_net_pre_exit(struct vs_net *vn)
{
	cancel_delayed_work_sync(&vn->conn_gc);
}

/* After the hooks are gone: nothing makes connections any more. */
void vs_conn_net_exit(struct vs_net *vn)
{
	cancel_delayed_work_sync(&vn->conn_gc);
	cancel_work_sync(&vn->conn_nodest);
	flush_all(vn);
	rhashtable_destroy(&vn->conns);
	percpu_counter_destroy(&vn->conn_count);
	free_percpu(vn->expiry);
}

static struct vs_dest *sync_dest(struct vs_net *vn, const struct vs_service *svc,
				 const struct vs_conn_sync *s)
{
	struct vs_dest *dest = vs_dest_find(vn, svc, s->daf, &s->daddr, s->dport);

	/* A port-0 server is listed with the port the client used. */
	return dest ?: vs_dest_find(vn, svc, s->daf, &s->daddr, 0);
}

/*
 * Install (or bring up to date) a connection another director made.
 * Caller holds vn->lock, which keeps the service and server alive.
 */
int vs_conn_install(struct vs_net *vn, const struct vs_conn_sync *s)
{
	unsigned long expires = jiffies + msecs_to_jiffies(s->expires_ms) + 1;
	struct vs_conn *cp, *tmpl = NULL;
	struct vs_service *svc;
	struct vs_conn_key key;
	struct vs_dest *dest;
	int ret = 0;
	u8 flags;

	rcu_read_lock();
	svc = vs_service_lookup_rcu(vn, s->af, s->protocol, &s->vaddr, s->vport,
				    s->fwmark);
	dest = svc ? sync_dest(vn, svc, s) : NULL;
	if (!dest) {
		ret = -ENOENT;
		goto out;
	}
	if (s->tmpl)
		vs_tmpl_key(&key, svc, &s->caddr, &s->vaddr);
	else
		vs_conn_key_fill(&key, s->af, &s->caddr, &s->vaddr, s->cport,
				 s->vport, s->protocol, VS_DIR_IN);
	cp = vs_conn_lookup(vn, &key);
	if (cp) {
		if (!s->tmpl)
			set_state(cp, s->state, false);
		refile(vn, cp, expires);
		goto out;
	}
	flags = s->tmpl ? VS_CONN_F_TMPL :
		vs_conn_fwd_flags(dest->fwd);
	if (!s->tmpl && (svc->flags & VS_SVC_F_PERSISTENT)) {
		struct vs_conn_key tkey;

		vs_tmpl_key(&tkey, svc, &s->caddr, &s->vaddr);
		tmpl = vs_tmpl_get(vn, &tkey);
	}
	cp = vs_conn_new(vn, &key, dest, tmpl, flags,
			 s->tmpl ? VS_TCP_S_NONE : s->state, expires);
	if (tmpl)
		vs_tmpl_put(tmpl);
	if (!cp)
		ret = -ENOSPC;
	else if (PTR_ERR(cp) == -EADDRINUSE)
		ret = -EADDRINUSE;
	else if (s->tmpl && !IS_ERR(cp))
		vs_tmpl_put(cp);	/* the reference vs_conn_new gave us */
out:
	rcu_read_unlock();
	return ret;
}

/*
 * A walk over the live table for dumps: each connection and persistence
 * entry once (their reply tuples are skipped), none already unhashed. It
 * holds the RCU read lock from start to stop; between stops the table may
 * change. A resize restarts the walk and is counted in @resized: entries
 * may then repeat.
 */
void vs_conn_walk_enter(struct vs_net *vn, struct vs_conn_walk *w)
{
	rhashtable_walk_enter(&vn->conns, &w->iter);
	w->again = false;
}

void vs_conn_walk_exit(struct vs_conn_walk *w)
{
	rhashtable_walk_exit(&w->iter);
}

void vs_conn_walk_start(struct vs_conn_walk *w, unsigned int *resized)
	__acquires(RCU)
{
	if (rhashtable_walk_start_check(&w->iter) == -EAGAIN)
		(*resized)++;
}

void vs_conn_walk_stop(struct vs_conn_walk *w)
	__releases(RCU)
{
	rhashtable_walk_stop(&w->iter);
}

struct vs_conn *vs_conn_walk_next(struct vs_conn_walk *w, unsigned int *resized)
{
	struct vs_tuple *t;

	t = w->again ? rhashtable_walk_peek(&w->iter) : rhashtable_walk_next(&w->iter);
	w->again = false;
	for (; t; t = rhashtable_walk_next(&w->iter)) {
		struct vs_conn *cp;

		if (IS_ERR(t)) {
			if (PTR_ERR(t) == -EAGAIN)
				(*resized)++;
			continue;
		}
		if (t->key.dir == VS_DIR_OUT)
			continue;
		cp = vs_tuple_conn(t);
		if (READ_ONCE(cp->state) != VS_CONN_DEAD)
			return cp;
	}
	return NULL;
}

/* The connection vs_conn_walk_next() gave last comes again next time. */
void vs_conn_walk_again(struct vs_conn_walk *w)
{
	w->again = true;
}

int __init vs_conn_init(void)
{
	int ret = 0;

	/* An IPv4 connection's out tuple lies within sizeof(struct vs_conn). */
	BUILD_BUG_ON(offsetof(struct vs_conn, in) + 2 * vs_tuple_size(AF_INET) >
		     sizeof(struct vs_conn));
	conn_cache4 = kmem_cache_create("vs_conn", sizeof(struct vs_conn), 0,
					0, NULL);
	if (!conn_cache4)
		goto err_cache4;
	conn_cache6 = kmem_cache_create("vs_conn6", offsetof(struct vs_conn, in) +
					2 * vs_tuple_size(AF_INET6), 0, 0, NULL);
	if (!conn_cache6)
		goto err_cache6;
	ret = percpu_counter_init(&conn_total, 0, GFP_KERNEL);
	if (ret)
		goto err_total;
	if (!conn_max_total)
		conn_max_total = default_conn_max();
	return 0;

err_total:
	kmem_cache_destroy(conn_cache6);
err_cache6:
	kmem_cache_destroy(conn_cache4);
err_cache4:
	return ret ?: -ENOMEM;
}

void vs_conn_uninit(void)
{
	percpu_counter_destroy(&conn_total);
	kmem_cache_destroy(conn_cache6);
	kmem_cache_destroy(conn_cache4);
}

#ifdef VS_SELFTEST
#include "selftest.h"
#include "selftest/expiry.c"
#endif
