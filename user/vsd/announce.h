/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Announcing by health (active-active): a VIP is a route
 * "VIP/32 dev lo table announce_table proto VSD_RTPROT" (/128 for IPv6)
 * exactly while this director can serve it; the routing daemon (BIRD,
 * FRR) learns the table and announces the routes by BGP. No ip rule
 * points at the table, so the routes never change forwarding.
 *
 * The decision is pure (ann_service_why, ann_vips: unit-tested); struct
 * announcer makes the table say it, through rtnetlink (libnl-route-3).
 */
#ifndef _VSD_ANNOUNCE_H
#define _VSD_ANNOUNCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <libvs.h>

/*
 * Why a VIP is not announced, in the order a VIP shared by several
 * services takes the least of theirs: the director-wide reasons come
 * last, so they show only when they are the whole story.
 */
enum ann_why {
	ANN_OK,			/* announced */
	ANN_NO_SERVER,		/* no healthy real server with a weight */
	ANN_NOT_APPLIED,	/* the last table pass did not apply it */
	ANN_INACTIVE,		/* active = 0 */
	ANN_DRAINING,		/* vsd drain */
	ANN_REFUSED,		/* the mesh refuses this director */
	ANN_KERNEL,		/* the vs module does not answer */
	ANN_WHY_MAX
};

/* What holds for every VIP of the director. */
struct ann_global {
	bool kernel_ok, draining, refused;
};

/* One virtual service. */
struct ann_service {
	bool has_addr;			/* false: a fwmark service, no VIP */
	uint16_t af;
	union vs_addr vip;
	bool active;			/* active = 1 */
	bool applied;			/* the last pass applied it */
	bool healthy;			/* a real server up with weight > 0 */
};

struct ann_vip {
	uint16_t af;
	union vs_addr addr;
	enum ann_why why;		/* ANN_OK: to be announced */
};

enum ann_why ann_service_why(const struct ann_global *g,
			     const struct ann_service *s);
/*
 * The VIPs of n services (out: room for n), each once, in the order they
 * first appear; a VIP is announced if any of its services may be, else
 * it has the least reason of theirs. Returns how many.
 */
size_t ann_vips(const struct ann_global *g, const struct ann_service *s,
		size_t n, struct ann_vip *out);
/* "no healthy server", "draining"... */
const char *ann_why_name(enum ann_why why);

struct nl_sock;

struct announcer {
	struct nl_sock *rt;		/* NETLINK_ROUTE */
	uint32_t table;
	int lo;				/* ifindex of lo */
	struct ann_vip *vips;		/* the last decision */
	size_t n_vips;
	bool *routed;			/* per vips[]: our route is in the table */
	uint64_t announcements, withdrawals, errors;
};

/* Open rtnetlink and delete the routes an earlier vsd left in table.
 * 0 or -errno.
 */
int ann_open(struct announcer *a, uint32_t table);
/* Make the table hold the routes of the VIPs whose why is ANN_OK, and no
 * other route of ours; each change is logged with its reason.
 */
void ann_apply(struct announcer *a, const struct ann_vip *vips, size_t n);
/* Add again each announced route someone deleted (quietly otherwise). */
void ann_reassert(struct announcer *a);
/* Another table (a reload): withdraw from the old one first. */
void ann_set_table(struct announcer *a, uint32_t table);
/* Withdraw every route (a clean stop) and close. */
void ann_close(struct announcer *a);
/* How many VIPs are announced now. */
size_t ann_count(const struct announcer *a);

#endif /* _VSD_ANNOUNCE_H */
