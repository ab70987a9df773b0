// SPDX-License-Identifier: GPL-2.0
/*
 * The bucket table of the hashing schedulers, dh and sh. A key (an
 * address) hashes to one of HASH_BUCKETS buckets, and each bucket belongs
 * to one server, chosen by weighted rendezvous hashing: for every bucket
 * each server draws a cost, an exponentially distributed pseudo-random
 * number that depends only on the bucket and the server's address and
 * port, divided by its weight; the cheapest server owns the bucket. So
 *
 *  - a key goes to the same server every time, and on every director that
 *    has the same servers, whatever order they were added in (the hashes
 *    have fixed seeds for that reason);
 *  - a server owns a share of the buckets proportional to its weight;
 *  - removing a server, or lowering its weight, moves only buckets it
 *    owned; adding one, or raising its weight, only moves buckets to it.
 *    Every other key stays where it was (IPVS refills its table round
 *    robin, which moves most keys on any change).
 *
 * A quiesced server (weight 0) keeps its buckets, ranked with its last
 * weight: its keys are refused (sh: unless net.vs.sh_fallback) rather than
 * moved, and go back to it with its weight. A server that never had a
 * weight owns nothing yet.
 *
 * A table is built once, in O(buckets * servers), when the scheduler
 * starts; after a change of servers the new table starts from the old one:
 * only buckets of a removed or lighter server are ranked again over all
 * servers, the others only against the servers that are new or heavier.
 */

#include <linux/jhash.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "sched_hash.h"
#include "sched_util.h"

#define HASH_BITS 10
#define HASH_BUCKETS BIT(HASH_BITS)
#define KEY_SEED 0x9e3779b9U
#define COST_SEED 0x7f4a7c15U
#define NO_OWNER U32_MAX	/* no server has a weight */

struct hash_server {
	struct vs_dest *d;	/* a reference held */
	u32 id;			/* hash of its address and port */
	u32 weight;		/* its weight, or the last one that was not 0 */
};

struct vs_hash_table {
	u32 owner[HASH_BUCKETS];	/* index into s[], or NO_OWNER */
	unsigned int n;
	struct hash_server s[];
};

static u32 server_id(const struct vs_dest *d)
{
	return vs_sched_addr_hash(&d->key.addr, ntohs(d->key.port));
}

/*
 * -log2(x / 2^32) in 1/65536ths, for 1 <= x <= 2^32: for x uniformly
 * distributed this is exponentially distributed, and the smallest of such
 * costs divided by weights falls to each server in proportion to its
 * weight. The fraction is computed bit by bit by squaring the mantissa.
 */
static u32 neg_log2(u64 x)
{
	unsigned int ip = fls64(x) - 1;
	u64 m = ip >= 31 ? x >> (ip - 31) : x << (31 - ip);	/* 1.31 */
	u32 frac = 0;
	int i;

	for (i = 0; i < 16; i++) {
		m = (m * m) >> 31;
		frac <<= 1;
		if (m >= 1ULL << 32) {
			m >>= 1;
			frac |= 1;
		}
	}
	return (32U << 16) - ((ip << 16) | frac);
}

static u32 cost(u32 bucket, const struct hash_server *s)
{
	return neg_log2((u64)jhash_2words(bucket, s->id, COST_SEED) + 1);
}

/* Does x (with cost cx) own a bucket rather than y (cost cy)? */
static bool cheaper(u32 cx, const struct hash_server *x,
		    u32 cy, const struct hash_server *y)
{
	u64 lx = (u64)cx * y->weight, ly = (u64)cy * x->weight;
	int c;

	if (lx != ly)
		return lx < ly;
	if (x->id != y->id)
		return x->id < y->id;
	/* Equal hashes too: settle it by address, the same everywhere. */
	c = memcmp(&x->d->key.addr, &y->d->key.addr, sizeof(x->d->key.addr));
	return c ? c < 0 : ntohs(x->d->key.port) < ntohs(y->d->key.port);
}

/* The owner of bucket b among all servers of t with a weight. */
static u32 rank_all(const struct vs_hash_table *t, u32 b)
{
	u32 best = NO_OWNER, bc = 0, i;

	for (i = 0; i < t->n; i++) {
		u32 c;

		if (!t->s[i].weight)
			continue;
		c = cost(b, &t->s[i]);
		if (best == NO_OWNER || cheaper(c, &t->s[i], bc, &t->s[best])) {
			best = i;
			bc = c;
		}
	}
	return best;
}

static void free_table(struct vs_hash_table *t)
{
	unsigned int i;

	for (i = 0; i < t->n; i++)
		vs_dest_put(t->s[i].d);
	kvfree(t);
}

/*
 * The servers of the new table in list order, and for each its index in
 * the old table or -1. Both lists are in the order the servers were added,
 * so the survivors come in the same order and new servers only at the end.
 */
static struct vs_hash_table *alloc_table(struct vs_service *svc,
					 const struct vs_hash_table *old,
					 int *old_of)
{
	struct vs_hash_table *t;
	unsigned int j = 0;
	struct vs_dest *d;

	t = kvzalloc(struct_size(t, s, svc->num_dests), GFP_KERNEL_ACCOUNT);
	if (!t)
		return NULL;
	list_for_each_entry(d, &svc->dests, list) {
		struct hash_server *s = &t->s[t->n];
		int k = -1;

		if (!vs_dest_get(d))
			continue;
		while (old && j < old->n && k < 0)
			if (old->s[j++].d == d)
				k = j - 1;
		if (k < 0)
			j = old ? old->n : 0;	/* the rest is new */
		s->d = d;
		s->id = server_id(d);
		s->weight = READ_ONCE(d->weight);
		if (!s->weight && k >= 0)
			s->weight = old->s[k].weight;
		if (old_of)
			old_of[t->n] = k;
		t->n++;
	}
	return t;
}

static void rank_every_bucket(struct vs_hash_table *t)
{
	u32 b;

	for (b = 0; b < HASH_BUCKETS; b++) {
		t->owner[b] = rank_all(t, b);
		if (!(b % 64))
			cond_resched();
	}
}

/*
 * The owners of t from those of old. A bucket whose owner is still there
 * and no lighter keeps it unless a new or heavier server is cheaper;
 * every other server's cost is the same or higher than before.
 */
static void rank_changes(struct vs_hash_table *t,
			 const struct vs_hash_table *old, const int *old_of,
			 int *new_of, u32 *gain)
{
	unsigned int i, ng = 0;
	u32 b;

	for (i = 0; i < old->n; i++)
		new_of[i] = -1;
	for (i = 0; i < t->n; i++) {
		int k = old_of[i];

		if (k >= 0)
			new_of[k] = i;
		if (t->s[i].weight > (k < 0 ? 0 : old->s[k].weight))
			gain[ng++] = i;
	}
	for (b = 0; b < HASH_BUCKETS; b++) {
		u32 k = old->owner[b], o, oc;
		int own = k == NO_OWNER ? -1 : new_of[k];

		if (!(b % 64))
			cond_resched();
		if (own < 0 || t->s[own].weight < old->s[k].weight) {
			t->owner[b] = rank_all(t, b);
			continue;
		}
		o = own;
		oc = cost(b, &t->s[o]);
		for (i = 0; i < ng; i++) {
			u32 c = cost(b, &t->s[gain[i]]);

			if (cheaper(c, &t->s[gain[i]], oc, &t->s[o])) {
				o = gain[i];
				oc = c;
			}
		}
		t->owner[b] = o;
	}
}

static struct vs_hash_table *build(struct vs_service *svc,
				   const struct vs_hash_table *old)
{
	unsigned int n = svc->num_dests;
	int *old_of = NULL, *new_of = NULL;
	struct vs_hash_table *t;
	u32 *gain = NULL;

	if (old && old->n) {
		old_of = kvmalloc_array(n, sizeof(*old_of), GFP_KERNEL);
		new_of = kvmalloc_array(old->n, sizeof(*new_of), GFP_KERNEL);
		gain = kvmalloc_array(n, sizeof(*gain), GFP_KERNEL);
	}
	/* Without the scratch space, rank from scratch: slower, same result. */
	if (!old_of || !new_of || !gain)
		old = NULL;
	t = alloc_table(svc, old, old_of);
	if (t && t->n) {
		if (old)
			rank_changes(t, old, old_of, new_of, gain);
		else
			rank_every_bucket(t);
	}
	kvfree(gain);
	kvfree(new_of);
	kvfree(old_of);
	return t;
}

int vs_hash_init(struct vs_service *svc, struct vs_sched_state *st,
		 const struct vs_sched_state *prev)
{
	struct vs_hash_state *hs = container_of(st, struct vs_hash_state, common);
	const struct vs_hash_table *old = NULL;

	if (prev)
		old = container_of(prev, struct vs_hash_state, common)->t;
	hs->t = build(svc, old);
	return hs->t ? 0 : -ENOMEM;
}

void vs_hash_destroy(struct vs_sched_state *st)
{
	free_table(container_of(st, struct vs_hash_state, common)->t);
}

/*
 * The server owning the bucket of the key (and the port, 0 for none) if it
 * may take the connection.
 * Otherwise, with @fallback, the owner of the next bucket that can: the
 * same one for every key of the bucket, and spread by weight over the
 * buckets of the server that cannot.
 */
struct vs_dest *vs_hash_pick(const struct vs_sched_state *st,
			     const union vs_addr *key, u16 port,
			     bool fallback)
{
	const struct vs_hash_table *t;
	u32 b, i;

	t = container_of(st, struct vs_hash_state, common)->t;
	if (!t->n)
		return NULL;
	b = vs_sched_addr_hash(key, KEY_SEED ^ port) >> (32 - HASH_BITS);
	for (i = 0; i < HASH_BUCKETS; i++) {
		u32 o = t->owner[(b + i) % HASH_BUCKETS];

		if (o != NO_OWNER && vs_sched_usable(t->s[o].d))
			return t->s[o].d;
		if (!fallback)
			break;
	}
	return NULL;
}

#ifdef VS_SELFTEST
#include "selftest.h"
#include "selftest/hash.c"
#endif
