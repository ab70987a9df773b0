/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pool: the configuration brought to life. One pool_service per
 * virtual, one member per real server, each member subscribed to the probe
 * that checks it (shared with other services) and, with load_monitor, to a
 * load agent probe. A member's health, slow-start ramp and load weight
 * decide its place in the desired table (pool_want), which the reconciler
 * makes true. On reload a new pool is built next to the old one, taking
 * over probes and members that did not change, then the old one goes.
 */
#ifndef _VSD_POOL_H
#define _VSD_POOL_H

#include "check/check.h"
#include "conf.h"
#include "reconcile.h"

struct pool_service;

struct member {
	struct pool_service *svc;
	const struct vsd_server_conf *sc;
	struct probe *probe;		/* NULL: server not active */
	struct probe_sub sub;
	struct probe *agent;		/* load_monitor = agent */
	struct probe_sub agent_sub;
	uint32_t ramp;			/* slow-start cap; 0: not ramping */
	uint32_t load_weight;		/* from the agent; 0: none */
	bool in_pool;			/* as last logged */
	bool verdict;			/* had one: not "unknown" any more */
};

struct pool_service {
	struct pool *pool;
	const struct vsd_virtual_conf *vc;
	struct vs_virtual key;
	struct member *members;
	size_t n_members;
	bool sorry_on;
};

struct pool {
	struct vsd_conf *conf;		/* owned */
	struct pool_service *svcs;
	size_t n_svcs;
	void (*changed)(void *arg);	/* the desired table changed */
	void *arg;
};

/* Takes conf. With old, carries over what is unchanged (ramps, load
 * weights, and - through the probe registry - checks and verdicts).
 */
struct pool *pool_new(struct vsd_conf *conf, const struct pool *old,
		      void (*changed)(void *arg), void *arg);
void pool_free(struct pool *pool);

/* The table as the pool wants it; the retired services (removed from the
 * configuration by a reload, not deleted yet) are wanted absent.
 */
int pool_want(const struct pool *pool, const struct vs_virtual *retired,
	      size_t n_retired, struct want *w);
bool pool_has_key(const struct pool *pool, const struct vs_virtual *key);

/* A member's weight in the table now (0 when quiesced). */
uint32_t member_weight(const struct member *m);
enum health_state member_state(const struct member *m);

#endif /* _VSD_POOL_H */
