// SPDX-License-Identifier: GPL-2.0
/*
 * The scheduler registry and the glue between a service and its
 * scheduler's state. A new scheduler is one sched_*.c file plus a line in
 * the table below.
 */

#include <linux/jiffies.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "sched.h"
#include "sched_util.h"

static const struct vs_sched_ops *const schedulers[] = {
	&vs_sched_rr,
	&vs_sched_wrr,
	&vs_sched_lc,
	&vs_sched_wlc,
	&vs_sched_lblc,
	&vs_sched_lblcr,
	&vs_sched_dh,
	&vs_sched_sh,
	&vs_sched_mh,
	&vs_sched_sed,
	&vs_sched_nq,
	&vs_sched_fo,
	&vs_sched_ovf,
};

const struct vs_sched_ops *vs_sched_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(schedulers); i++)
		if (!strcmp(schedulers[i]->name, name))
			return schedulers[i];
	return NULL;
}

/*
 * Slow start. A server that begins to take new connections - added to a
 * service, or its weight raised from 0 - while the servers already taking
 * them have connections would be handed every new connection by the
 * least-connection schedulers until its count caught up. With
 * net.vs.slow_start set it ramps up over that many seconds instead
 * (vs_dest_ramp). A service being set up, or idle, has nothing to protect
 * a server from: its servers start at full weight, as do those a service
 * is created with.
 */
static bool service_busy(const struct vs_service *svc)
{
	const struct vs_dest *d;

	list_for_each_entry(d, &svc->dests, list)
		if (d->sched_weight && READ_ONCE(d->weight) && vs_dest_overhead(d))
			return true;
	return false;
}

static void track_weights(struct vs_service *svc, bool ramp)
{
	unsigned int secs = READ_ONCE(svc->vn->slow_start);
	struct vs_dest *d;

	ramp = ramp && secs && service_busy(svc);
	list_for_each_entry(d, &svc->dests, list) {
		u32 w = READ_ONCE(d->weight);

		if (ramp && w && !d->sched_weight)
			WRITE_ONCE(d->ramp_start, jiffies ?: 1);
		else if (d->ramp_start &&
			 time_after_eq(jiffies, d->ramp_start + secs * HZ))
			WRITE_ONCE(d->ramp_start, 0);	/* done, or turned off */
		d->sched_weight = w;
	}
}

static struct vs_sched_state *create(const struct vs_sched_ops *ops,
				     struct vs_service *svc,
				     const struct vs_sched_state *prev)
{
	struct vs_sched_state *st;

	st = kzalloc(ops->state_size, GFP_KERNEL_ACCOUNT);
	if (!st)
		return ERR_PTR(-ENOMEM);
	st->ops = ops;
	if (ops->init) {
		int ret = ops->init(svc, st, prev);

		if (ret) {
			kfree(st);
			return ERR_PTR(ret);
		}
	}
	return st;
}

struct vs_sched_state *vs_sched_create(const struct vs_sched_ops *ops,
				       struct vs_service *svc)
{
	track_weights(svc, false);
	return create(ops, svc, NULL);
}

static void free_state(struct rcu_head *rcu)
{
	struct vs_sched_state *st = container_of(rcu, struct vs_sched_state, rcu);

	if (st->ops->destroy)
		st->ops->destroy(st);
	kfree(st);
}

/*
 * Free a state that readers may still hold, after they are done. Called
 * under the table lock, in process context, so the state's own work (a
 * garbage collector) is stopped here, synchronously.
 */
void vs_sched_release(struct vs_sched_state *st)
{
	if (!st)
		return;
	if (st->ops->stop)
		st->ops->stop(st);
	call_rcu(&st->rcu, free_state);
}

/*
 * Servers were added or removed or their weights changed. Schedulers
 * without an update hook get a state built afresh from the old one; if
 * that fails for lack of memory the old state goes on until the next
 * change (it holds references on its servers and skips dead ones).
 */
void vs_sched_servers_changed(struct vs_service *svc)
{
	struct vs_sched_state *old, *st;

	track_weights(svc, true);
	old = rcu_dereference_protected(svc->sched, true);
	if (old->ops->update) {
		old->ops->update(svc, old);
		return;
	}
	st = create(old->ops, svc, old);
	if (IS_ERR(st))
		return;
	rcu_assign_pointer(svc->sched, st);
	vs_sched_release(old);
}

/*
 * Under the table lock: the servers in the order they were added, each
 * with a reference so that a state outliving a failed rebuild never points
 * at freed memory.
 */
struct vs_dest_array *vs_dest_array_build(struct vs_service *svc)
{
	struct vs_dest_array *a;
	struct vs_dest *d;

	a = kvmalloc(struct_size(a, d, svc->num_dests), GFP_KERNEL_ACCOUNT);
	if (!a)
		return NULL;
	a->n = 0;
	list_for_each_entry(d, &svc->dests, list)
		if (vs_dest_get(d))
			a->d[a->n++] = d;
	return a;
}

void vs_dest_array_free(struct vs_dest_array *a)
{
	unsigned int i;

	if (!a)
		return;
	for (i = 0; i < a->n; i++)
		vs_dest_put(a->d[i]);
	kvfree(a);
}
