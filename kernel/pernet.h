/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_PERNET_H
#define _VS_PERNET_H

#include <linux/mutex.h>
#include <linux/percpu_counter.h>
#include <linux/rhashtable-types.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <net/net_namespace.h>
#include <net/netns/generic.h>
#include <uapi/linux/vs.h>

struct vs_expiry;
struct ctl_table_header;

/*
 * Everything vs keeps for one network namespace, so one namespace can
 * neither see nor change another's tables. Changes to the virtual-server
 * table are serialized by a lock of this namespace alone; the packet path
 * reads under RCU.
 */
struct vs_net {
	struct net *net;
	bool enabled;			/* hooks registered (core.c) */

	/* The virtual-server table (service.c). */
	struct mutex lock;		/* changes to the table */
	struct rhashtable services;	/* by struct vs_service_key */
	struct rhashtable dests;	/* by struct vs_dest_key */
	struct xarray service_ids;	/* id -> service, creation order */
	u32 next_id;
	unsigned int num_services;
	unsigned int ftp_services;	/* TCP port 21: data lookups (service.c) */
	struct delayed_work estimator;	/* rates */

	/* Connections (conn.c). */
	struct rhashtable conns;
	struct vs_expiry __percpu *expiry;
	struct percpu_counter conn_count;
	atomic_long_t conn_refused;	/* over conn_max or out of memory */
	unsigned long gc_next_sec;
	struct delayed_work conn_gc;
	struct work_struct conn_nodest;

	/* Settings (sysctl.c, proto.c). */
	int conn_max;
	int expire_nodest_conn;
	int expire_quiescent_template;
	unsigned int timeouts[__VS_CONN_S_LAST];	/* seconds */
	int slow_start;			/* seconds, 0 = off (sched.c) */
	int lblc_expiration;		/* seconds (sched_lblc.c) */
	int lblcr_expiration;		/* seconds (sched_lblcr.c) */
	int sh_fallback;		/* sh tries other servers (sched_sh.c) */
	int backup_only;		/* a standby: no scheduling (core.c) */
	int sloppy_tcp;			/* any TCP segment may open (core.c) */
	struct ctl_table_header *sysctl;
};

extern unsigned int vs_net_id;

static inline struct vs_net *vs_net(const struct net *net)
{
	return net_generic(net, vs_net_id);
}

int vs_pernet_init(void);
void vs_pernet_uninit(void);

#endif /* _VS_PERNET_H */
