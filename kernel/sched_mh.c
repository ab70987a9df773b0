// SPDX-License-Identifier: GPL-2.0
/*
 * mh: Maglev hashing (Eisenbud et al., NSDI 2016). A lookup table of
 * MH_SIZE (prime) slots, filled by the servers in turns: each has its own
 * permutation of the slots, from hashes of its address and port, and in
 * every round takes its next preferred free slots, as many as its weight
 * (divided by the weights' gcd). The client's source address hashes to a
 * slot. Every server gets a share of the slots in proportion to its
 * weight, within a slot or so, and a change of servers moves few keys
 * besides those of the server that changed (not none, as dh and sh do).
 *
 * The servers take their turns in the order of their hashes, so directors
 * with the same servers build the same table. A quiesced server (weight 0)
 * keeps its slots with its last weight and its clients are refused, as in
 * IPVS, unless the service has mh-fallback: then they go to the owner of
 * the next slot that can take them. One that never had a weight gets no
 * slot. With mh-port the key is the source address and port. The
 * table is rebuilt on every change of servers: O(MH_SIZE log MH_SIZE), a
 * few milliseconds.
 */

#include <linux/bitmap.h>
#include <linux/gcd.h>
#include <linux/slab.h>
#include <linux/sort.h>

#include "sched.h"
#include "sched_util.h"

#define MH_SIZE 65537U
#define MH_SEED_KEY 0x2545f491U
#define MH_SEED_OFFSET 0x6b43a9b5U
#define MH_SEED_SKIP 0x1b873593U

struct mh_server {
	struct vs_dest *d;	/* a reference held */
	u32 weight;		/* its weight, or the last one that was not 0 */
	u32 offset, skip;	/* its permutation of the slots */
	u32 next;		/* while filling: its next preferred slot */
};

struct mh_state {
	struct vs_sched_state common;
	unsigned int n;
	struct mh_server *s;	/* in the order of their hashes */
	u16 *slot;		/* MH_SIZE indexes into s[], or NULL */
};

static int cmp_server(const void *a, const void *b)
{
	const struct mh_server *x = a, *y = b;
	int c;

	if (x->offset != y->offset)
		return x->offset < y->offset ? -1 : 1;
	c = memcmp(&x->d->key.addr, &y->d->key.addr, sizeof(x->d->key.addr));
	if (c)
		return c;
	return (int)ntohs(x->d->key.port) - (int)ntohs(y->d->key.port);
}

/* The last non-zero weight of @d in @prev, 0 if it had none. */
static u32 last_weight(const struct mh_state *prev, const struct vs_dest *d)
{
	unsigned int i;

	for (i = 0; prev && i < prev->n; i++)
		if (prev->s[i].d == d)
			return prev->s[i].weight;
	return 0;
}

static int get_servers(struct mh_state *mh, struct vs_service *svc,
		       const struct mh_state *prev)
{
	struct vs_dest *d;

	mh->s = kvcalloc(svc->num_dests, sizeof(*mh->s), GFP_KERNEL_ACCOUNT);
	if (!mh->s)
		return -ENOMEM;
	list_for_each_entry(d, &svc->dests, list) {
		struct mh_server *s = &mh->s[mh->n];
		u32 port = ntohs(d->key.port);

		if (!vs_dest_get(d))
			continue;
		s->d = d;
		/* Quadratic only in quiesced servers, which are few. */
		s->weight = READ_ONCE(d->weight) ?: last_weight(prev, d);
		s->offset = vs_sched_addr_hash(&d->key.addr, MH_SEED_OFFSET ^ port) % MH_SIZE;
		s->skip = vs_sched_addr_hash(&d->key.addr, MH_SEED_SKIP ^ port) % (MH_SIZE - 1) + 1;
		mh->n++;
	}
	sort(mh->s, mh->n, sizeof(*mh->s), cmp_server, NULL);
	return 0;
}

static void put_servers(struct mh_state *mh)
{
	unsigned int i;

	for (i = 0; i < mh->n; i++)
		vs_dest_put(mh->s[i].d);
	kvfree(mh->s);
}

/* A server's next free slot in the order of its permutation. */
static u32 take_slot(struct mh_server *s, unsigned long *used)
{
	u32 c = s->next;

	while (test_bit(c, used)) {
		c += s->skip;
		if (c >= MH_SIZE)
			c -= MH_SIZE;
	}
	__set_bit(c, used);
	s->next = c;
	return c;
}

/* Fill the slots; g is the gcd of the weights, not 0. */
static int populate(struct mh_state *mh, u32 g)
{
	unsigned long *used;
	u32 filled = 0;
	unsigned int i;

	used = bitmap_zalloc(MH_SIZE, GFP_KERNEL);
	if (!used)
		return -ENOMEM;
	for (i = 0; i < mh->n; i++)
		mh->s[i].next = mh->s[i].offset;
	while (filled < MH_SIZE) {
		for (i = 0; i < mh->n && filled < MH_SIZE; i++) {
			u32 turns = mh->s[i].weight / g;

			while (turns-- && filled < MH_SIZE) {
				mh->slot[take_slot(&mh->s[i], used)] = i;
				filled++;
			}
		}
		cond_resched();
	}
	bitmap_free(used);
	return 0;
}

static int mh_init(struct vs_service *svc, struct vs_sched_state *st,
		   const struct vs_sched_state *prev)
{
	struct mh_state *mh = container_of(st, struct mh_state, common);
	unsigned int i;
	u32 g = 0;
	int ret;

	ret = get_servers(mh, svc, prev ? container_of(prev, struct mh_state,
						       common) : NULL);
	if (ret)
		goto err_servers;
	for (i = 0; i < mh->n; i++)
		if (mh->s[i].weight)
			g = g ? gcd(g, mh->s[i].weight) : mh->s[i].weight;
	if (!g)
		return 0;
	ret = -ENOMEM;
	mh->slot = kvmalloc_array(MH_SIZE, sizeof(*mh->slot),
				  GFP_KERNEL_ACCOUNT);
	if (!mh->slot)
		goto err_slots;
	ret = populate(mh, g);
	if (ret)
		goto err_populate;
	return 0;

err_populate:
	kvfree(mh->slot);
err_slots:
	put_servers(mh);
err_servers:
	return ret;
}

static void mh_destroy(struct vs_sched_state *st)
{
	struct mh_state *mh = container_of(st, struct mh_state, common);

	kvfree(mh->slot);
	put_servers(mh);
}

/*
 * mh-fallback: the owner of the first slot after @slot whose server can
 * take the key. Slots are spread over the servers, so the keys of a
 * server that cannot take them are spread over the others by weight.
 */
static struct vs_dest *mh_fallback(const struct mh_state *mh, u32 slot)
{
	unsigned int i;

	for (i = 0; i < mh->n; i++)
		if (vs_sched_usable(mh->s[i].d))
			break;
	if (i == mh->n)
		return NULL;	/* spare the walk over every slot */
	for (i = 1; i < MH_SIZE; i++) {
		struct vs_dest *d = mh->s[mh->slot[(slot + i) % MH_SIZE]].d;

		if (vs_sched_usable(d))
			return d;
	}
	return NULL;
}

static struct vs_dest *mh_schedule(struct vs_service *svc,
				   struct vs_sched_state *st,
				   const struct vs_pkt *pkt)
{
	struct mh_state *mh = container_of(st, struct mh_state, common);
	u32 flags = READ_ONCE(svc->flags);
	u32 slot, seed = MH_SEED_KEY ^ vs_sched_flow_port(flags, pkt);
	struct vs_dest *d;

	if (!mh->slot)
		return NULL;
	slot = vs_sched_addr_hash(&pkt->saddr, seed) % MH_SIZE;
	d = mh->s[mh->slot[slot]].d;
	if (vs_sched_usable(d))
		return d;
	return flags & VS_SVC_F_MH_FALLBACK ? mh_fallback(mh, slot) : NULL;
}

const struct vs_sched_ops vs_sched_mh = {
	.name = "mh",
	.state_size = sizeof(struct mh_state),
	.init = mh_init,
	.destroy = mh_destroy,
	.schedule = mh_schedule,
};

#ifdef VS_SELFTEST
#include "selftest.h"
#include "selftest/mh.c"
#endif
