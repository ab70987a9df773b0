/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An active-active mesh: every director heartbeats every other one
 * (hb.c's authenticated datagrams, each pair of directors a two-node
 * pair of its own, see mesh_rule.h), tells in them whether it announces,
 * drains or is refused, and compares configurations; connections are
 * synced with every live peer (one sync.c relay per peer, in mesh mode).
 * There are no roles: what to announce is announce.c's and the daemon's.
 */
#ifndef _VSD_MESH_H
#define _VSD_MESH_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"
#include "failover/hb.h"
#include "failover/sync.h"
#include "loop.h"

struct vsd_mesh_conf {
	struct in_addr self;
	struct in_addr peers[VSD_DIRECTORS_MAX - 1];
	size_t n_peers;
	uint16_t port;			/* heartbeats, UDP */
	uint16_t sync_port;		/* connection sync, UDP; 0 = none */
	uint64_t keepalive_us, deadtime_us;
	uint64_t serial;
	uint8_t digest[VSD_HB_DIGEST_LEN];
	struct vsd_hb_key key;		/* shared; the pairs' keys are derived */
	/* A peer came, went, or changed what it announces or its
	 * configuration: the refusal may have changed.
	 */
	void (*changed)(void *arg);
	void *arg;
};

/* What this director tells the others. */
struct vsd_mesh_self {
	bool announcing, draining, refused;
};

struct vsd_mesh_peer_status {
	struct in_addr addr;
	bool alive, announcing, draining, refused;
	bool heard;			/* ever, in this run */
	bool same_config, key_mismatch;
	uint64_t serial;
	double last_heard;		/* seconds ago, -1 never */
	bool synced;			/* its full sync came */
	const struct vsd_sync_stats *sync;	/* NULL without sync */
};

struct vsd_mesh;

struct vsd_mesh *vsd_mesh_new(struct loop *l, const struct vsd_mesh_conf *c);
void vsd_mesh_free(struct vsd_mesh *m);
/* A reload: the serial and digest the others compare with theirs. */
void vsd_mesh_set_config(struct vsd_mesh *m, uint64_t serial,
			 const uint8_t digest[VSD_HB_DIGEST_LEN]);
/* What this director does now; a change is told at once. */
void vsd_mesh_set_self(struct vsd_mesh *m, const struct vsd_mesh_self *s);
/* Still listening for the others after the start (for one deadtime, or
 * until every one was heard), then waiting for every live one's
 * connections (a full sync, for at most four deadtimes): nothing is
 * announced meanwhile.
 */
bool vsd_mesh_listening(const struct vsd_mesh *m);
/*
 * The table gained servers: ask every peer for its connections again,
 * those to the new servers could not be installed before.
 */
void vsd_mesh_resync(struct vsd_mesh *m);
/* -1: not refused; else the index of the peer whose configuration wins
 * (vsd_mesh_refuse on what the heartbeats say).
 */
int vsd_mesh_refused_by(const struct vsd_mesh *m);
size_t vsd_mesh_n_peers(const struct vsd_mesh *m);
void vsd_mesh_peer(const struct vsd_mesh *m, size_t i,
		   struct vsd_mesh_peer_status *st);
/* Datagrams ignored, by enum vsd_hb_verdict (all peers together). */
const uint64_t *vsd_mesh_ignored(const struct vsd_mesh *m);

#endif /* _VSD_MESH_H */
