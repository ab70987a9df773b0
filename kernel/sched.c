// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler registry and the glue between a service and its
 * scheduler's state. A ninth scheduler is one sched_*.c file plus a line in
 * the table below.
 */

#include <linux/slab.h>
#include <linux/string.h>

#include "sched.h"
#include "sched_util.h"

static const struct vs_sched_ops *const schedulers[] = {
	&vs_sched_rr,
	&vs_sched_wrr,
	&vs_sched_lc,
	&vs_sched_wlc,
};

const struct vs_sched_ops *vs_sched_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(schedulers); i++)
		if (!strcmp(schedulers[i]->name, name))
			return schedulers[i];
	return NULL;
}

struct vs_sched_state *vs_sched_create(const struct vs_sched_ops *ops,
				       struct vs_service *svc)
{
	struct vs_sched_state *st;

	st = kzalloc(ops->state_size, GFP_KERNEL_ACCOUNT);
	if (!st)
		return ERR_PTR(-ENOMEM);
	st->ops = ops;
	if (ops->init) {
		int ret = ops->init(svc, st);

		if (ret) {
			kfree(st);
			return ERR_PTR(ret);
		}
	}
	return st;
}

static void free_state(struct rcu_head *rcu)
{
	struct vs_sched_state *st = container_of(rcu, struct vs_sched_state, rcu);

	if (st->ops->destroy)
		st->ops->destroy(st);
	kfree(st);
}

/* Free a state that readers may still hold, after they are done. */
void vs_sched_release(struct vs_sched_state *st)
{
	if (st)
		call_rcu(&st->rcu, free_state);
}

/*
 * Servers were added or removed or their weights changed. Schedulers
 * without an update hook get a state built afresh; if that fails for lack
 * of memory the old state goes on (it skips dead servers) until the next
 * change.
 */
void vs_sched_servers_changed(struct vs_service *svc)
{
	struct vs_sched_state *old, *st;

	old = rcu_dereference_protected(svc->sched, true);
	if (old->ops->update) {
		old->ops->update(svc, old);
		return;
	}
	st = vs_sched_create(old->ops, svc);
	if (IS_ERR(st))
		return;
	rcu_assign_pointer(svc->sched, st);
	vs_sched_release(old);
}

/* Under the table lock: live servers in the order they were added. */
struct vs_dest_array *vs_dest_array_build(struct vs_service *svc)
{
	struct vs_dest_array *a;
	struct vs_dest *d;

	a = kvmalloc(struct_size(a, d, svc->num_dests), GFP_KERNEL_ACCOUNT);
	if (!a)
		return NULL;
	a->n = 0;
	list_for_each_entry(d, &svc->dests, list)
		a->d[a->n++] = d;
	return a;
}

void vs_dest_array_free(struct vs_dest_array *a)
{
	kvfree(a);
}
