// SPDX-License-Identifier: GPL-2.0
/*
 * The Maglev table: every slot filled, shares by weight within a round,
 * the same table whatever order the servers came in, few slots of the
 * other servers moved when one goes, and a quiesced server keeping its
 * slots while its clients are refused.
 */

#include "fixture.h"

static struct mh_state *mh_build(struct fixture *f, const struct mh_state *prev)
{
	struct mh_state *mh = kzalloc(sizeof(*mh), GFP_KERNEL);

	if (mh && mh_init(&f->svc, &mh->common, prev ? &prev->common : NULL)) {
		kfree(mh);
		mh = NULL;
	}
	if (mh && !mh->slot) {
		mh_destroy(&mh->common);
		kfree(mh);
		mh = NULL;
	}
	return mh;
}

static void mh_free(struct mh_state *mh)
{
	if (mh) {
		mh_destroy(&mh->common);
		kfree(mh);
	}
}

static const struct vs_dest *mh_owner(const struct mh_state *mh, u32 slot)
{
	return mh->s[mh->slot[slot]].d;
}

static bool mh_shares(const struct mh_state *mh, struct fixture *f,
		      const u32 *weights, unsigned int n)
{
	unsigned int count[FIX_SERVERS] = {}, i, sum = 0;
	u32 s;

	for (s = 0; s < MH_SIZE; s++)
		count[mh_owner(mh, s) - f->d]++;
	for (i = 0; i < n; i++)
		sum += weights[i];
	for (i = 0; i < n; i++) {
		int want = MH_SIZE / sum * weights[i];

		/* Turns are by weight: the last round is the only error. */
		if (abs((int)count[i] - want) > sum) {
			pr_err("self-test mh: server %u has %u slots, not %d\n",
			       i, count[i], want);
			return false;
		}
	}
	return true;
}

/* Slots whose server differs, counting only those @gone did not own. */
static unsigned int mh_moved(const struct mh_state *a, const struct mh_state *b,
			     const struct vs_dest *gone)
{
	unsigned int n = 0;
	u32 s;

	for (s = 0; s < MH_SIZE; s++)
		if (mh_owner(a, s) != gone && mh_owner(a, s) != mh_owner(b, s))
			n++;
	return n;
}

static bool mh_refuses(struct fixture *f, struct mh_state *mh,
		       const struct vs_dest *quiesced)
{
	struct vs_pkt pkt = { .af = AF_INET };
	unsigned int refused = 0, i;

	for (i = 0; i < 1000; i++) {
		pkt.saddr.ip = htonl(0xc0a80000 + i);
		refused += !mh_schedule(&f->svc, &mh->common, &pkt);
	}
	/* Its share is an eighth. */
	return refused > 50 && refused < 250;
}

bool vs_mh_selftest(void)
{
	static const u32 weights[] = { 1, 2, 3, 1, 1 };
	static const unsigned int order[] = { 0, 1, 2, 3, 4 },
				  shuffled[] = { 4, 2, 0, 3, 1 },
				  without3[] = { 0, 1, 2, 4 };
	struct mh_state *a, *b = NULL, *c = NULL, *q = NULL;
	struct fixture *f = fixture_new(weights, 5);
	unsigned int moved;
	bool ok = false;

	if (!f)
		return false;
	fixture_link(f, order, 5);
	a = mh_build(f, NULL);
	fixture_link(f, shuffled, 5);
	b = mh_build(f, NULL);
	if (!a || !b || !mh_shares(a, f, weights, 5))
		goto out;
	if (mh_moved(a, b, NULL)) {
		pr_err("self-test mh: the order of the servers changed the table\n");
		goto out;
	}
	/* Maglev's promise: few other slots move when a server goes. */
	fixture_link(f, without3, 4);
	c = mh_build(f, a);
	moved = c ? mh_moved(a, c, &f->d[3]) : MH_SIZE;
	if (moved > MH_SIZE / 20) {
		pr_err("self-test mh: removing a server moved %u other slots\n",
		       moved);
		goto out;
	}
	/* Quiesced: the same table, its clients refused. */
	fixture_link(f, order, 5);
	f->d[4].weight = 0;
	q = mh_build(f, a);
	if (!q || mh_moved(a, q, NULL) || !mh_refuses(f, q, &f->d[4])) {
		pr_err("self-test mh: a quiesced server's slots moved or were used\n");
		goto out;
	}
	ok = true;
out:
	mh_free(q);
	mh_free(c);
	mh_free(b);
	mh_free(a);
	return fixture_free(f, "mh") && ok;
}
