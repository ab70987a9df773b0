/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _VS_SCHED_H
#define _VS_SCHED_H

#include <linux/rcupdate.h>

#include "service.h"

/* What a scheduler may look at in the packet that opens a connection. */
struct vs_pkt {
	union vs_addr saddr;
	union vs_addr daddr;
	__be16 sport;
	__be16 dport;
	u8 protocol;
	u8 af;
};

/* Per-service scheduler state; a scheduler's own data follows it. */
struct vs_sched_state {
	const struct vs_sched_ops *ops;
	struct rcu_head rcu;
};

/*
 * A scheduler. state_size bytes (at least sizeof(struct vs_sched_state))
 * are allocated zeroed per service. Under the table lock: init fills the
 * state from the service's servers, and may reuse the work of @prev, the
 * state of the same scheduler it replaces after servers changed (NULL for
 * a new service or a switch of scheduler); update is told that servers or
 * weights changed (without it, the core builds a fresh state and swaps it
 * in); stop, when the state is being replaced, ends whatever work of its
 * own it runs and may sleep (readers may still use the state); destroy
 * frees what init allocated, after an RCU grace period, from an RCU
 * callback. schedule runs under RCU on the packet path and returns a
 * server or NULL.
 */
struct vs_sched_ops {
	const char *name;
	size_t state_size;
	int (*init)(struct vs_service *svc, struct vs_sched_state *st,
		    const struct vs_sched_state *prev);
	void (*update)(struct vs_service *svc, struct vs_sched_state *st);
	void (*stop)(struct vs_sched_state *st);
	void (*destroy)(struct vs_sched_state *st);
	struct vs_dest *(*schedule)(struct vs_service *svc,
				    struct vs_sched_state *st,
				    const struct vs_pkt *pkt);
};

const struct vs_sched_ops *vs_sched_find(const char *name);
struct vs_sched_state *vs_sched_create(const struct vs_sched_ops *ops,
				       struct vs_service *svc);
void vs_sched_release(struct vs_sched_state *st);
void vs_sched_servers_changed(struct vs_service *svc);
struct vs_dest *vs_sched_wlc_pick(struct vs_service *svc);

extern const struct vs_sched_ops vs_sched_rr;
extern const struct vs_sched_ops vs_sched_wrr;
extern const struct vs_sched_ops vs_sched_lc;
extern const struct vs_sched_ops vs_sched_wlc;
extern const struct vs_sched_ops vs_sched_lblc;
extern const struct vs_sched_ops vs_sched_lblcr;
extern const struct vs_sched_ops vs_sched_dh;
extern const struct vs_sched_ops vs_sched_sh;
extern const struct vs_sched_ops vs_sched_sed;
extern const struct vs_sched_ops vs_sched_nq;
extern const struct vs_sched_ops vs_sched_fo;
extern const struct vs_sched_ops vs_sched_ovf;
extern const struct vs_sched_ops vs_sched_mh;

#endif /* _VS_SCHED_H */
