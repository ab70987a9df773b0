/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A service and real servers for the schedulers' self-tests, never seen
 * by a packet: servers 10.0.0.1:80 up, linked into the service in any
 * order, each holding the one reference the test owns (so a scheduler's
 * puts never free them, and a leaked reference shows).
 */
#ifndef _VS_SELFTEST_FIXTURE_H
#define _VS_SELFTEST_FIXTURE_H

#define FIX_SERVERS 8

struct fixture {
	struct vs_service svc;
	struct vs_dest d[FIX_SERVERS];
};

static struct fixture *fixture_new(const u32 *weights, unsigned int n)
{
	struct fixture *f = kzalloc(sizeof(*f), GFP_KERNEL);
	unsigned int i;

	if (!f)
		return NULL;
	INIT_LIST_HEAD(&f->svc.dests);
	refcount_set(&f->svc.refcnt, 1);
	for (i = 0; i < n && i < FIX_SERVERS; i++) {
		f->d[i].key.addr.ip = htonl(0x0a000001 + i);
		f->d[i].key.port = htons(80);
		f->d[i].weight = weights[i];
		f->d[i].svc = &f->svc;
		refcount_set(&f->d[i].refcnt, 1);
	}
	return f;
}

/* The service's servers: those of @order, in that order. */
static void fixture_link(struct fixture *f, const unsigned int *order,
			 unsigned int n)
{
	unsigned int i;

	INIT_LIST_HEAD(&f->svc.dests);
	for (i = 0; i < n; i++)
		list_add_tail(&f->d[order[i]].list, &f->svc.dests);
	f->svc.num_dests = n;
}

/* Frees the fixture; false if a scheduler kept a reference. */
static bool fixture_free(struct fixture *f, const char *name)
{
	bool ok = true;
	unsigned int i;

	for (i = 0; i < FIX_SERVERS; i++) {
		if (f->d[i].svc && refcount_read(&f->d[i].refcnt) != 1) {
			pr_err("self-test %s: server %u holds %u references\n",
			       name, i, refcount_read(&f->d[i].refcnt));
			ok = false;
		}
	}
	kfree(f);
	return ok;
}

#endif /* _VS_SELFTEST_FIXTURE_H */
