// SPDX-License-Identifier: GPL-2.0
/*
 * The virtual-server table of a network namespace: services, found by
 * (protocol, VIP, port) or firewall mark in a resizable hash table, and their
 * real servers. Every function that changes it runs with vn->lock held;
 * the packet path only looks things up, under RCU.
 */

#include <linux/rhashtable.h>
#include <linux/slab.h>
#include <net/ip.h>

#include "conn.h"
#include "pernet.h"
#include "sched.h"
#include "service.h"
#include "xmit.h"

#define DEFAULT_SCHED "wlc"
#define DEFAULT_PERSIST_TIMEOUT 300

static const struct rhashtable_params service_params = {
	.key_len = sizeof(struct vs_service_key),
	.key_offset = offsetof(struct vs_service, key),
	.head_offset = offsetof(struct vs_service, node),
	.automatic_shrinking = true,
};

static const struct rhashtable_params dest_params = {
	.key_len = sizeof(struct vs_dest_key),
	.key_offset = offsetof(struct vs_dest, key),
	.head_offset = offsetof(struct vs_dest, node),
	.automatic_shrinking = true,
};

#define ESTIMATOR_INTERVAL_MS 2000

/* Rates of every service and real server, every two seconds. */
static void estimate(struct work_struct *work)
{
	struct vs_net *vn = container_of(to_delayed_work(work), struct vs_net,
					 estimator);
	struct vs_service *svc;
	struct vs_dest *dest;
	unsigned long id;

	mutex_lock(&vn->lock);
	xa_for_each(&vn->service_ids, id, svc) {
		vs_stats_estimate(&svc->stats, ESTIMATOR_INTERVAL_MS);
		list_for_each_entry(dest, &svc->dests, list)
			vs_stats_estimate(&dest->stats, ESTIMATOR_INTERVAL_MS);
		cond_resched();
	}
	/* A namespace that dropped its hooks has nothing to estimate. */
	if (vn->enabled)
		queue_delayed_work(system_power_efficient_wq, &vn->estimator,
				   msecs_to_jiffies(ESTIMATOR_INTERVAL_MS));
	mutex_unlock(&vn->lock);
}

/* Device @ifindex goes: no route of ours may keep it (xmit.c). */
void vs_service_drop_routes(struct vs_net *vn, int ifindex)
{
	struct vs_service *svc;
	struct vs_dest *dest;
	unsigned long id;

	mutex_lock(&vn->lock);
	xa_for_each(&vn->service_ids, id, svc)
		list_for_each_entry(dest, &svc->dests, list)
			vs_route_drop(dest, ifindex);
	mutex_unlock(&vn->lock);
}

void vs_service_start_estimator(struct vs_net *vn)
{
	queue_delayed_work(system_power_efficient_wq, &vn->estimator,
			   msecs_to_jiffies(ESTIMATOR_INTERVAL_MS));
}

int vs_service_net_init(struct vs_net *vn)
{
	int ret;

	mutex_init(&vn->lock);
	INIT_DELAYED_WORK(&vn->estimator, estimate);
	xa_init_flags(&vn->service_ids, XA_FLAGS_ALLOC1);
	ret = rhashtable_init(&vn->services, &service_params);
	if (ret)
		return ret;
	ret = rhashtable_init(&vn->dests, &dest_params);
	if (ret)
		rhashtable_destroy(&vn->services);
	return ret;
}

void vs_service_net_exit(struct vs_net *vn)
{
	cancel_delayed_work_sync(&vn->estimator);
	mutex_lock(&vn->lock);
	vs_service_flush(vn);
	mutex_unlock(&vn->lock);
	rhashtable_destroy(&vn->dests);
	rhashtable_destroy(&vn->services);
	xa_destroy(&vn->service_ids);
}

static void service_free_rcu(struct rcu_head *rcu)
{
	struct vs_service *svc = container_of(rcu, struct vs_service, rcu);

	vs_stats_free(&svc->stats);
	kfree(svc);
}

static void service_put(struct vs_service *svc)
{
	if (refcount_dec_and_test(&svc->refcnt))
		call_rcu(&svc->rcu, service_free_rcu);
}

static void dest_free_rcu(struct rcu_head *rcu)
{
	struct vs_dest *dest = container_of(rcu, struct vs_dest, rcu);

	service_put(dest->svc);
	vs_route_release(dest);
	kfree(rcu_dereference_protected(dest->tun_src, true));
	vs_stats_free(&dest->stats);
	kfree(dest);
}

void vs_dest_put(struct vs_dest *dest)
{
	if (refcount_dec_and_test(&dest->refcnt))
		call_rcu(&dest->rcu, dest_free_rcu);
}

struct vs_service *vs_service_find(struct vs_net *vn,
				   const struct vs_service_key *key)
{
	return rhashtable_lookup_fast(&vn->services, key, service_params);
}

static struct vs_service *lookup(struct vs_net *vn, struct vs_service_key *key)
{
	return rhashtable_lookup(&vn->services, key, service_params);
}

/*
 * The service a packet belongs to, as IPVS orders it: a firewall-mark
 * service for a marked packet, then the exact (protocol, VIP, port), then a
 * port-0 (all ports) service on the VIP. Caller holds rcu_read_lock().
 */
#define FTP_PORT 21

static bool is_ftp(const struct vs_service_key *key)
{
	return !key->fwmark && key->protocol == IPPROTO_TCP &&
	       key->port == htons(FTP_PORT);
}

/*
 * A persistent FTP service (TCP VIP:21) also takes the data connections
 * to its VIP, as IPVS's does: active FTP's from port 20 and passive FTP's
 * to unprivileged ports, which behind direct routing the director cannot
 * learn from the control connection. Its persistence entry leaves the
 * port out, so they reach the client's server (Ultra Monkey's "TCP VIP:21 rr
 * persistent 600").
 */
static bool ftp_data(struct vs_net *vn, u8 protocol, __be16 port)
{
	return protocol == IPPROTO_TCP && READ_ONCE(vn->ftp_services) &&
	       (port == htons(FTP_PORT - 1) ||
		!inet_port_requires_bind_service(vn->net, ntohs(port)));
}

struct vs_service *vs_service_lookup_rcu(struct vs_net *vn, u8 af, u8 protocol,
					 const union vs_addr *addr,
					 __be16 port, u32 fwmark)
{
	struct vs_service_key key = { .af = af };
	struct vs_service *svc;

	if (fwmark) {
		key.fwmark = fwmark;
		svc = lookup(vn, &key);
		if (svc)
			return svc;
		key.fwmark = 0;
	}
	key.protocol = protocol;
	key.addr = *addr;
	key.port = port;
	svc = lookup(vn, &key);
	if (svc || !port)
		return svc;
	if (ftp_data(vn, protocol, port)) {
		key.port = htons(FTP_PORT);
		svc = lookup(vn, &key);
		if (svc && (READ_ONCE(svc->flags) & VS_SVC_F_PERSISTENT))
			return svc;
	}
	key.port = 0;
	return lookup(vn, &key);
}

/* The next service in creation order from *id on; NULL at the end. */
struct vs_service *vs_service_next(struct vs_net *vn, unsigned long *id)
{
	return xa_find(&vn->service_ids, id, ULONG_MAX, XA_PRESENT);
}

static bool service_is_persistent(const struct vs_service_conf *c)
{
	return c->flags & VS_SVC_F_PERSISTENT;
}

/* The values the service will have, checked as a whole. */
static int check_service_conf(struct vs_service_conf *c,
			      struct netlink_ext_ack *extack)
{
	u8 full = c->key.af == AF_INET6 ? 128 : 32;

	if (service_is_persistent(c)) {
		if (!c->has_timeout || !c->timeout)
			c->timeout = DEFAULT_PERSIST_TIMEOUT;
		if (!c->has_netmask)
			c->netmask = full;
		if (c->netmask > full) {
			if (full == 32)
				NL_SET_ERR_MSG_MOD(extack, "persistence netmask longer than 32 bits");
			else
				NL_SET_ERR_MSG_MOD(extack, "persistence netmask longer than 128 bits");
			return -EINVAL;
		}
		return 0;
	}
	if ((c->has_timeout && c->timeout) ||
	    (c->has_netmask && c->netmask != full)) {
		NL_SET_ERR_MSG_MOD(extack, "persistence timeout or netmask on a service that is not persistent");
		return -EINVAL;
	}
	c->timeout = 0;
	c->netmask = full;
	if (!c->key.fwmark && !c->key.port) {
		NL_SET_ERR_MSG_MOD(extack, "port 0 (all ports) needs a persistent service");
		return -EINVAL;
	}
	return 0;
}

static const struct vs_sched_ops *find_sched(const struct vs_service_conf *c,
					     struct netlink_ext_ack *extack)
{
	const struct vs_sched_ops *ops;

	ops = vs_sched_find(c->has_sched ? c->sched : DEFAULT_SCHED);
	if (!ops)
		NL_SET_ERR_MSG_MOD(extack, "unknown scheduler");
	return ops;
}

/*
 * A tunneled server's encapsulation: GUE needs a port, IPIP takes no flag,
 * GRE no remote checksum offload (IPVS's rules).
 */
static int check_tun_conf(const struct vs_dest_conf *c,
			  struct netlink_ext_ack *extack)
{
	const union vs_tun *t = &c->tun;

	if (c->fwd != VS_FWD_TUNNEL) {
		if (!c->has_tun_type && !c->has_tun_port && !c->has_tun_flags &&
		    !c->has_tun_src)
			return 0;
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "tunnel attributes on a server that is not tunneled");
		return -EINVAL;
	}
	if (t->type > VS_TUN_MAX || (t->flags & ~__VS_TUN_F_ALL)) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr, "unknown tunnel type or flag");
		return -EOPNOTSUPP;
	}
	if ((t->type == VS_TUN_GUE) != !!t->port) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "a GUE tunnel needs a port, and only GUE takes one");
		return -EINVAL;
	}
	if ((t->type == VS_TUN_IPIP && t->flags) ||
	    (t->type == VS_TUN_GRE && (t->flags & VS_TUN_F_REMCSUM))) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "checksum flag not taken by this tunnel type");
		return -EINVAL;
	}
	return 0;
}

/* Fill in a server's defaults and check it against its service. */
static int check_dest_conf(const struct vs_service_key *svc,
			   struct vs_dest_conf *c,
			   struct netlink_ext_ack *extack)
{
	int ret;

	if (!c->has_fwd)
		c->fwd = VS_FWD_DR;
	if (!c->has_weight)
		c->weight = 1;
	if (!c->has_port)
		c->port = svc->port;
	if (c->af != svc->af && c->fwd != VS_FWD_TUNNEL) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "only a tunneled real server may be of another family than its service");
		return -EINVAL;
	}
	ret = check_tun_conf(c, extack);
	if (ret)
		return ret;
	if (c->fwd != VS_FWD_NAT && c->port != svc->port) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "a direct-routing or tunneled real server keeps the service's port");
		return -EINVAL;
	}
	if (c->fwd == VS_FWD_NAT && !c->port && svc->port) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "a NAT real server of a single-port service needs a port");
		return -EINVAL;
	}
	if (c->u_thresh && c->l_thresh > c->u_thresh) {
		NL_SET_ERR_MSG_ATTR(extack, c->attr,
				    "lower threshold above upper threshold");
		return -ERANGE;
	}
	return 0;
}

static void dest_key(struct vs_dest_key *key, const struct vs_service *svc,
		     u8 af, const union vs_addr *addr, __be16 port)
{
	memset(key, 0, sizeof(*key));
	key->svc = svc;
	key->addr = *addr;
	key->port = port;
	key->af = af;
}

struct vs_dest *vs_dest_find(struct vs_net *vn, const struct vs_service *svc,
			     u8 af, const union vs_addr *addr, __be16 port)
{
	struct vs_dest_key key;

	dest_key(&key, svc, af, addr, port);
	return rhashtable_lookup_fast(&vn->dests, &key, dest_params);
}

/* The outer source @c asks for, or NULL (none, or not tunneled). */
static int new_tun_src(const struct vs_dest_conf *c, struct vs_tun_src **src)
{
	*src = NULL;
	if (c->fwd != VS_FWD_TUNNEL || !memchr_inv(&c->tun_src, 0, sizeof(c->tun_src)))
		return 0;
	*src = kzalloc(sizeof(**src), GFP_KERNEL_ACCOUNT);
	if (!*src)
		return -ENOMEM;
	(*src)->addr = c->tun_src;
	return 0;
}

static void apply_thresholds(struct vs_dest *dest, const struct vs_dest_conf *c)
{
	dest->u_thresh = c->u_thresh;
	dest->l_thresh = c->l_thresh;
	/* The data path sets the bit again if the server is still too busy. */
	if (!c->u_thresh)
		clear_bit(VS_DEST_F_OVERLOAD, &dest->flags);
}

/* Link a checked server into its service; the scheduler is not told. */
static int link_dest(struct vs_net *vn, struct vs_service *svc,
		     const struct vs_dest_conf *c)
{
	struct vs_tun_src *src;
	struct vs_dest *dest;
	int ret;

	dest = kzalloc(sizeof(*dest), GFP_KERNEL_ACCOUNT);
	if (!dest)
		return -ENOMEM;
	ret = new_tun_src(c, &src);
	if (ret)
		goto err_free;
	RCU_INIT_POINTER(dest->tun_src, src);
	ret = vs_stats_init(&dest->stats);
	if (ret)
		goto err_src;
	dest_key(&dest->key, svc, c->af, &c->addr, c->port);
	dest->svc = svc;
	dest->af = c->af;
	dest->fwd = c->fwd;
	dest->tun = c->tun;
	WRITE_ONCE(dest->weight, c->weight);
	apply_thresholds(dest, c);
	refcount_set(&dest->refcnt, 1);
	ret = rhashtable_lookup_insert_fast(&vn->dests, &dest->node, dest_params);
	if (ret)
		goto err_stats;
	refcount_inc(&svc->refcnt);
	list_add_tail_rcu(&dest->list, &svc->dests);
	svc->num_dests++;
	svc->dest_gen++;
	return 0;

err_stats:
	vs_stats_free(&dest->stats);
err_src:
	kfree(src);
err_free:
	kfree(dest);
	return ret;
}

static void unlink_dest(struct vs_net *vn, struct vs_service *svc,
			struct vs_dest *dest)
{
	set_bit(VS_DEST_F_DEAD, &dest->flags);
	smp_mb__after_atomic();		/* pairs with route_get()'s */
	vs_route_drop(dest, 0);
	rhashtable_remove_fast(&vn->dests, &dest->node, dest_params);
	list_del_rcu(&dest->list);
	svc->num_dests--;
	svc->dest_gen++;
}

/*
 * Servers of a batched add: each valid, none too many. One given twice is
 * found when it is linked (the servers' hash table refuses it).
 */
static int check_dests(const struct vs_service_key *key,
		       struct vs_dest_conf *dests, unsigned int n,
		       struct netlink_ext_ack *extack)
{
	unsigned int i;
	int ret;

	if (n > VS_MAX_DESTS) {
		NL_SET_ERR_MSG_MOD(extack, "too many real servers for one service");
		return -ENOSPC;
	}
	for (i = 0; i < n; i++) {
		ret = check_dest_conf(key, &dests[i], extack);
		if (ret)
			return ret;
	}
	return 0;
}

static struct vs_service *alloc_service(struct vs_net *vn,
					const struct vs_service_conf *c)
{
	struct vs_service *svc;

	svc = kzalloc(sizeof(*svc), GFP_KERNEL_ACCOUNT);
	if (!svc)
		return NULL;
	if (vs_stats_init(&svc->stats)) {
		kfree(svc);
		return NULL;
	}
	svc->key = c->key;
	svc->flags = c->flags;
	svc->timeout = c->timeout;
	svc->netmask = c->netmask;
	svc->vn = vn;
	INIT_LIST_HEAD(&svc->dests);
	refcount_set(&svc->refcnt, 1);
	return svc;
}

static void release_service(struct vs_net *vn, struct vs_service *svc)
{
	struct vs_dest *dest, *tmp;

	struct vs_sched_state *st = rcu_dereference_protected(svc->sched, true);

	list_for_each_entry_safe(dest, tmp, &svc->dests, list) {
		unlink_dest(vn, svc, dest);
		vs_dest_put(dest);
	}
	/* Unpublished before it is queued for freeing. */
	RCU_INIT_POINTER(svc->sched, NULL);
	vs_sched_release(st);
	service_put(svc);
}

int vs_service_add(struct vs_net *vn, const struct vs_service_conf *conf,
		   const struct vs_dest_conf *dests, unsigned int num_dests,
		   struct netlink_ext_ack *extack)
{
	struct vs_service_conf c = *conf;
	struct vs_dest_conf *dc = NULL;
	const struct vs_sched_ops *ops;
	struct vs_sched_state *st;
	struct vs_service *svc;
	unsigned int i;
	int ret;

	ret = check_service_conf(&c, extack);
	if (ret)
		return ret;
	ops = find_sched(&c, extack);
	if (!ops)
		return -ENOENT;
	if (vs_service_find(vn, &c.key)) {
		NL_SET_ERR_MSG_MOD(extack, "service already exists");
		return -EEXIST;
	}
	if (vn->num_services >= VS_MAX_SERVICES) {
		NL_SET_ERR_MSG_MOD(extack, "too many services");
		return -ENOSPC;
	}
	if (num_dests) {
		dc = kvmalloc_array(num_dests, sizeof(*dc), GFP_KERNEL);
		if (!dc)
			return -ENOMEM;
		memcpy(dc, dests, num_dests * sizeof(*dc));
		ret = check_dests(&c.key, dc, num_dests, extack);
		if (ret)
			goto out;
	}

	ret = -ENOMEM;
	svc = alloc_service(vn, &c);
	if (!svc)
		goto out;
	for (i = 0; i < num_dests; i++) {
		ret = link_dest(vn, svc, &dc[i]);
		if (ret == -EEXIST)
			NL_SET_ERR_MSG_ATTR(extack, dc[i].attr,
					    "the same real server twice");
		if (ret)
			goto err_release;
		if (!(i % 1024))
			cond_resched();
	}
	st = vs_sched_create(ops, svc);
	if (IS_ERR(st)) {
		ret = PTR_ERR(st);
		goto err_release;
	}
	rcu_assign_pointer(svc->sched, st);
	ret = xa_alloc_cyclic(&vn->service_ids, &svc->id, svc, xa_limit_32b,
			      &vn->next_id, GFP_KERNEL);
	if (ret < 0)
		goto err_release;
	ret = rhashtable_lookup_insert_fast(&vn->services, &svc->node,
					    service_params);
	if (ret) {
		xa_erase(&vn->service_ids, svc->id);
		goto err_release;
	}
	vn->num_services++;
	if (is_ftp(&svc->key))
		WRITE_ONCE(vn->ftp_services, vn->ftp_services + 1);
	ret = 0;
	goto out;

err_release:
	release_service(vn, svc);
out:
	kvfree(dc);
	return ret;
}

int vs_service_edit(struct vs_net *vn, struct vs_service *svc,
		    const struct vs_service_conf *conf,
		    struct netlink_ext_ack *extack)
{
	struct vs_service_conf c = *conf;
	const struct vs_sched_ops *ops = NULL;
	struct vs_sched_state *old, *st;
	int ret;

	if (!c.has_flags)
		c.flags = svc->flags;
	/* A service that stays persistent keeps what the request omits. */
	if (service_is_persistent(&c)) {
		if (!c.has_timeout)
			c.timeout = svc->timeout;
		if (!c.has_netmask)
			c.netmask = svc->netmask;
		c.has_timeout = c.has_netmask = true;
	}
	ret = check_service_conf(&c, extack);
	if (ret)
		return ret;
	old = rcu_dereference_protected(svc->sched, lockdep_is_held(&vn->lock));
	if (c.has_sched && strcmp(c.sched, old->ops->name)) {
		ops = find_sched(&c, extack);
		if (!ops)
			return -ENOENT;
	}
	if (ops) {
		/* Existing connections keep their servers; new ones use ops. */
		st = vs_sched_create(ops, svc);
		if (IS_ERR(st))
			return PTR_ERR(st);
		rcu_assign_pointer(svc->sched, st);
		vs_sched_release(old);
	}
	WRITE_ONCE(svc->flags, c.flags);
	WRITE_ONCE(svc->timeout, c.timeout);
	WRITE_ONCE(svc->netmask, c.netmask);
	return 0;
}

void vs_service_del(struct vs_net *vn, struct vs_service *svc)
{
	rhashtable_remove_fast(&vn->services, &svc->node, service_params);
	xa_erase(&vn->service_ids, svc->id);
	vn->num_services--;
	if (is_ftp(&svc->key))
		WRITE_ONCE(vn->ftp_services, vn->ftp_services - 1);
	release_service(vn, svc);
	vs_conn_kill_dest(vn);
}

void vs_service_flush(struct vs_net *vn)
{
	struct vs_service *svc;
	unsigned long id;

	xa_for_each(&vn->service_ids, id, svc) {
		vs_service_del(vn, svc);
		cond_resched();
	}
}

void vs_service_zero(struct vs_service *svc)
{
	struct vs_dest *dest;

	vs_stats_zero(&svc->stats);
	list_for_each_entry(dest, &svc->dests, list)
		vs_stats_zero(&dest->stats);
}

int vs_dest_add(struct vs_net *vn, struct vs_service *svc,
		const struct vs_dest_conf *conf, struct netlink_ext_ack *extack)
{
	struct vs_dest_conf c = *conf;
	int ret;

	ret = check_dest_conf(&svc->key, &c, extack);
	if (ret)
		return ret;
	if (vs_dest_find(vn, svc, c.af, &c.addr, c.port)) {
		NL_SET_ERR_MSG_MOD(extack, "real server already exists");
		return -EEXIST;
	}
	if (svc->num_dests >= VS_MAX_DESTS) {
		NL_SET_ERR_MSG_MOD(extack, "too many real servers for one service");
		return -ENOSPC;
	}
	ret = link_dest(vn, svc, &c);
	if (ret)
		return ret;
	vs_sched_servers_changed(svc);
	return 0;
}

int vs_dest_edit(struct vs_net *vn, struct vs_service *svc,
		 struct vs_dest *dest, const struct vs_dest_conf *conf,
		 struct netlink_ext_ack *extack)
{
	struct vs_dest_conf c = *conf;
	struct vs_tun_src *src, *old;
	int ret;

	c.port = dest->key.port;
	c.has_port = true;
	if (!c.has_fwd)
		c.fwd = dest->fwd;
	/* The encapsulation stays unless changed, while the server is tunneled. */
	if (c.fwd == VS_FWD_TUNNEL && dest->fwd == VS_FWD_TUNNEL) {
		if (!c.has_tun_type)
			c.tun.type = dest->tun.type;
		if (!c.has_tun_port)
			c.tun.port = dest->tun.port;
		if (!c.has_tun_flags)
			c.tun.flags = dest->tun.flags;
		old = rcu_dereference_protected(dest->tun_src, lockdep_is_held(&vn->lock));
		if (!c.has_tun_src && old)
			c.tun_src = old->addr;
	}
	if (!c.has_weight)
		c.weight = dest->weight;
	if (!c.has_u_thresh)
		c.u_thresh = dest->u_thresh;
	if (!c.has_l_thresh)
		c.l_thresh = dest->l_thresh;
	c.has_fwd = c.has_weight = true;
	ret = check_dest_conf(&svc->key, &c, extack);
	if (!ret)
		ret = new_tun_src(&c, &src);
	if (ret)
		return ret;
	/* The data path sees the change by comparing with its route's. */
	old = rcu_replace_pointer(dest->tun_src, src, lockdep_is_held(&vn->lock));
	if (old)
		kfree_rcu(old, rcu);
	WRITE_ONCE(dest->fwd, c.fwd);
	WRITE_ONCE(dest->tun.word, c.fwd == VS_FWD_TUNNEL ? c.tun.word : 0);
	WRITE_ONCE(dest->weight, c.weight);
	apply_thresholds(dest, &c);
	vs_sched_servers_changed(svc);
	return 0;
}

void vs_dest_del(struct vs_net *vn, struct vs_service *svc,
		 struct vs_dest *dest)
{
	unlink_dest(vn, svc, dest);
	vs_sched_servers_changed(svc);
	vs_dest_put(dest);
	vs_conn_kill_dest(vn);
}
