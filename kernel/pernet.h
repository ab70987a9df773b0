/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_PERNET_H
#define _VS_PERNET_H

#include <linux/mutex.h>
#include <linux/rhashtable-types.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/vs.h>

/*
 * Everything vs keeps for one network namespace, so one namespace can
 * neither see nor change another's tables. Changes to the table are
 * serialized by a lock of this namespace alone; the packet path reads under
 * RCU.
 */
struct vs_net {
	struct net *net;

	struct mutex lock;		/* changes to the tables below */
	unsigned int gen;		/* bumped on every change: dumps */
	struct rhashtable services;	/* by struct vs_service_key */
	struct rhashtable dests;	/* by struct vs_dest_key */
	struct xarray service_ids;	/* id -> service, creation order */
	u32 next_id;
	unsigned int num_services;

	/* Connection timeouts per state, in seconds (proto.c). */
	unsigned int timeouts[__VS_CONN_S_LAST];
};

extern unsigned int vs_net_id;

static inline struct vs_net *vs_net(const struct net *net)
{
	return net_generic(net, vs_net_id);
}

int vs_pernet_init(void);
void vs_pernet_uninit(void);

#endif /* _VS_PERNET_H */
