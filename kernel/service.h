/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SERVICE_H
#define _VS_SERVICE_H

#include <linux/list.h>
#include <linux/netlink.h>
#include <linux/rhashtable-types.h>
#include <linux/refcount.h>
#include <uapi/linux/vs.h>

#include "stats.h"

struct vs_net;
struct vs_sched_state;
struct vs_route;

/* Hashed as raw bytes: no padding, unused fields zero. */
struct vs_service_key {
	union vs_addr addr;
	__be16 port;
	u8 protocol;
	u8 af;
	u32 fwmark;
};

enum vs_dest_flag {
	VS_DEST_F_OVERLOAD,	/* at its upper threshold: no new connections */
	VS_DEST_F_DEAD,		/* deleted; kept alive by its connections */
};

struct vs_dest_key {
	const struct vs_service *svc;
	union vs_addr addr;
	__be16 port;
	u8 af;			/* the server's; its service's but for tunnels */
	u8 zero8;
	u32 zero32;
};

/*
 * A tunneled server's encapsulation, one word: the data path reads it
 * whole (READ_ONCE) while an edit may change it.
 */
union vs_tun {
	struct {
		u8 type;	/* VS_TUN_* */
		u8 flags;	/* VS_TUN_F_* */
		__be16 port;	/* GUE's UDP port */
	};
	u32 word;
};

/* A tunneled server's outer source address, when one was given. */
struct vs_tun_src {
	union vs_addr addr;
	struct rcu_head rcu;
};

/*
 * A real server. Connections hold references, so a deleted server lives on
 * (VS_DEST_F_DEAD, unlinked) until its last connection is gone; it holds a
 * reference on its service for the same reason.
 */
struct vs_dest {
	struct list_head list;		/* svc->dests, RCU */
	struct rhash_head node;		/* vn->dests */
	struct vs_dest_key key;
	struct vs_service *svc;
	u8 af;
	u8 fwd;				/* VS_FWD_* */
	union vs_tun tun;		/* VS_FWD_TUNNEL's */
	struct vs_tun_src __rcu *tun_src; /* VS_FWD_TUNNEL's, or NULL */
	u32 weight;			/* READ_ONCE: schedulers read it */
	u32 sched_weight;		/* sched.c: the weight last seen */
	unsigned long ramp_start;	/* sched.c: slow start (jiffies) or 0 */
	u32 u_thresh;
	u32 l_thresh;
	unsigned long flags;		/* VS_DEST_F_* */
	atomic_t active_conns;
	atomic_t inact_conns;
	atomic_t persist_conns;
	refcount_t refcnt;
	struct vs_stats stats;
	struct vs_route __rcu *route;	/* xmit.c: cached route to it */
	struct rcu_head rcu;
};

struct vs_service {
	struct rhash_head node;		/* vn->services */
	struct vs_service_key key;
	u32 id;				/* vn->service_ids: creation order */
	u32 flags;			/* VS_SVC_F_* */
	u32 timeout;			/* persistence, seconds */
	u8 netmask;			/* persistence prefix length */
	u32 num_dests;
	u32 dest_gen;			/* bumped when dests come or go: dumps */
	struct list_head dests;		/* RCU readers, vn->lock writers */
	struct vs_sched_state __rcu *sched;
	struct vs_net *vn;
	refcount_t refcnt;
	struct vs_stats stats;
	struct rcu_head rcu;
};

/* What a netlink request asks for; the has_* bits say what was given. */
struct vs_service_conf {
	struct vs_service_key key;
	char sched[VS_SCHED_NAME_MAX];
	u32 flags;
	u32 timeout;
	u8 netmask;
	bool has_sched, has_flags, has_timeout, has_netmask;
};

struct vs_dest_conf {
	const struct nlattr *attr;	/* where it came from, for errors */
	u8 af;				/* given, or the service's */
	union vs_addr addr;
	__be16 port;
	u8 fwd;
	u32 weight;
	u32 u_thresh;
	u32 l_thresh;
	union vs_tun tun;
	union vs_addr tun_src;		/* all zeros: none */
	bool has_port, has_fwd, has_weight, has_u_thresh, has_l_thresh;
	bool has_tun_type, has_tun_port, has_tun_flags, has_tun_src;
};

int vs_service_net_init(struct vs_net *vn);
void vs_service_drop_routes(struct vs_net *vn, int ifindex);
void vs_service_start_estimator(struct vs_net *vn);
void vs_service_net_exit(struct vs_net *vn);

struct vs_service *vs_service_find(struct vs_net *vn,
				   const struct vs_service_key *key);
struct vs_service *vs_service_lookup_rcu(struct vs_net *vn, u8 af, u8 protocol,
					 const union vs_addr *addr,
					 __be16 port, u32 fwmark);
int vs_service_add(struct vs_net *vn, const struct vs_service_conf *conf,
		   const struct vs_dest_conf *dests, unsigned int num_dests,
		   struct netlink_ext_ack *extack);
int vs_service_edit(struct vs_net *vn, struct vs_service *svc,
		    const struct vs_service_conf *conf,
		    struct netlink_ext_ack *extack);
void vs_service_del(struct vs_net *vn, struct vs_service *svc);
void vs_service_flush(struct vs_net *vn);
void vs_service_zero(struct vs_service *svc);
struct vs_service *vs_service_next(struct vs_net *vn, unsigned long *id);

struct vs_dest *vs_dest_find(struct vs_net *vn, const struct vs_service *svc,
			     u8 af, const union vs_addr *addr, __be16 port);
int vs_dest_add(struct vs_net *vn, struct vs_service *svc,
		const struct vs_dest_conf *conf, struct netlink_ext_ack *extack);
int vs_dest_edit(struct vs_net *vn, struct vs_service *svc,
		 struct vs_dest *dest, const struct vs_dest_conf *conf,
		 struct netlink_ext_ack *extack);
void vs_dest_del(struct vs_net *vn, struct vs_service *svc,
		 struct vs_dest *dest);

void vs_dest_put(struct vs_dest *dest);

static inline bool vs_dest_get(struct vs_dest *dest)
{
	return refcount_inc_not_zero(&dest->refcnt);
}

/* Connections of a server, weighted as IPVS does for lc/wlc. */
static inline u32 vs_dest_overhead(const struct vs_dest *dest)
{
	return (atomic_read(&dest->active_conns) << 8) +
	       atomic_read(&dest->inact_conns);
}

/*
 * Upper and lower connection thresholds: a server is overloaded from the
 * upper threshold until it drops to the lower one (3/4 of the upper if 0).
 */
static inline void vs_dest_check_overload(struct vs_dest *dest)
{
	u32 upper = READ_ONCE(dest->u_thresh), lower, conns;

	if (!upper)
		return;
	conns = atomic_read(&dest->active_conns) + atomic_read(&dest->inact_conns);
	lower = READ_ONCE(dest->l_thresh) ?: upper * 3 / 4;
	if (conns >= upper) {
		if (!test_bit(VS_DEST_F_OVERLOAD, &dest->flags))
			set_bit(VS_DEST_F_OVERLOAD, &dest->flags);
	} else if (conns <= lower && test_bit(VS_DEST_F_OVERLOAD, &dest->flags)) {
		clear_bit(VS_DEST_F_OVERLOAD, &dest->flags);
	}
}

/* May the scheduler give this server a new connection? */
static inline bool vs_dest_usable(const struct vs_dest *dest)
{
	return READ_ONCE(dest->weight) > 0 &&
	       !test_bit(VS_DEST_F_OVERLOAD, &dest->flags);
}

#endif /* _VS_SERVICE_H */
