// SPDX-License-Identifier: GPL-2.0
/*
 * The bucket table of dh and sh: shares by weight, the same table
 * whatever order the servers came in, and the promise that a change moves
 * only the buckets of the server that changed, with an incremental
 * rebuild equal to one from scratch.
 */

#include "fixture.h"

static struct vs_hash_state *hash_build(struct fixture *f,
					const struct vs_hash_state *prev)
{
	struct vs_hash_state *hs = kzalloc(sizeof(*hs), GFP_KERNEL);

	if (hs && vs_hash_init(&f->svc, &hs->common, prev ? &prev->common : NULL)) {
		kfree(hs);
		hs = NULL;
	}
	return hs;
}

static void hash_free(struct vs_hash_state *hs)
{
	if (hs) {
		vs_hash_destroy(&hs->common);
		kfree(hs);
	}
}

static const struct vs_dest *owner_of(const struct vs_hash_state *hs, u32 b)
{
	u32 o = hs->t->owner[b];

	return o == NO_OWNER ? NULL : hs->t->s[o].d;
}

/* Do @a and @b give every bucket the same server, except to @moved? */
static unsigned int hash_diff(const struct vs_hash_state *a,
			      const struct vs_hash_state *b,
			      const struct vs_dest *moved)
{
	unsigned int n = 0;
	u32 bk;

	for (bk = 0; bk < HASH_BUCKETS; bk++)
		if (owner_of(a, bk) != owner_of(b, bk) &&
		    owner_of(a, bk) != moved && owner_of(b, bk) != moved)
			n++;
	return n;
}

static bool hash_shares(const struct vs_hash_state *hs, struct fixture *f,
			const u32 *weights, unsigned int n)
{
	unsigned int count[FIX_SERVERS] = {}, i, sum = 0;
	u32 b;

	for (b = 0; b < HASH_BUCKETS; b++) {
		const struct vs_dest *d = owner_of(hs, b);

		if (!d)
			return false;
		count[d - f->d]++;
	}
	for (i = 0; i < n; i++)
		sum += weights[i];
	for (i = 0; i < n; i++) {
		int want = HASH_BUCKETS * weights[i] / sum;

		/* Random shares: about four standard deviations. */
		if (abs((int)count[i] - want) > 64) {
			pr_err("self-test hash: server %u owns %u buckets, not about %d\n",
			       i, count[i], want);
			return false;
		}
	}
	return true;
}

/* Keys of a quiesced server are refused, or, with fallback, sent on. */
static bool hash_refuses(const struct vs_hash_state *hs,
			 const struct vs_dest *quiesced)
{
	unsigned int refused = 0, i;
	union vs_addr key = {};

	for (i = 0; i < 1000; i++) {
		const struct vs_dest *d;

		key.ip = htonl(0xc0a80000 + i);
		d = vs_hash_pick(&hs->common, &key, 0, false);
		refused += !d;
		if (d == quiesced)
			return false;
		d = vs_hash_pick(&hs->common, &key, 0, true);
		if (!d || d == quiesced)
			return false;
	}
	/* Its share is a half: none refused means it was not asked. */
	return refused > 300;
}

bool vs_hash_selftest(void)
{
	static const u32 weights[] = { 1, 1, 2 };
	static const unsigned int order[] = { 0, 1, 2 }, shuffled[] = { 2, 0, 1 },
				  without1[] = { 0, 2 }, back[] = { 0, 2, 1 };
	struct vs_hash_state *a, *b = NULL, *c = NULL, *c2 = NULL, *d = NULL,
			     *e = NULL, *q = NULL;
	struct fixture *f = fixture_new(weights, 3);
	bool ok = false;

	if (!f)
		return false;
	fixture_link(f, order, 3);
	a = hash_build(f, NULL);
	fixture_link(f, shuffled, 3);
	b = hash_build(f, NULL);
	if (!a || !b || !hash_shares(a, f, weights, 3))
		goto out;
	if (hash_diff(a, b, NULL)) {
		pr_err("self-test hash: the order of the servers changed the table\n");
		goto out;
	}
	/* Removed: only its buckets move, as from scratch. */
	fixture_link(f, without1, 2);
	c = hash_build(f, a);
	c2 = hash_build(f, NULL);
	if (!c || !c2 || hash_diff(a, c, &f->d[1]) || hash_diff(c, c2, NULL)) {
		pr_err("self-test hash: removing a server moved other buckets\n");
		goto out;
	}
	/* Back again: only buckets to it, and the first table again. */
	fixture_link(f, back, 3);
	d = hash_build(f, c);
	if (!d || hash_diff(a, d, NULL)) {
		pr_err("self-test hash: adding a server back did not restore the table\n");
		goto out;
	}
	/* Heavier: buckets only move to it. */
	f->d[0].weight = 3;
	e = hash_build(f, d);
	if (!e || hash_diff(d, e, &f->d[0])) {
		pr_err("self-test hash: a heavier server took buckets of others\n");
		goto out;
	}
	/* Quiesced: it keeps its buckets, and its keys are refused. */
	f->d[0].weight = 1;
	f->d[2].weight = 0;
	q = hash_build(f, d);
	if (!q || hash_diff(d, q, NULL) || !hash_refuses(q, &f->d[2])) {
		pr_err("self-test hash: quiescing a server moved buckets\n");
		goto out;
	}
	ok = true;
out:
	hash_free(q);
	hash_free(e);
	hash_free(d);
	hash_free(c2);
	hash_free(c);
	hash_free(b);
	hash_free(a);
	return fixture_free(f, "hash") && ok;
}
