/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync: the active director relays the kernel's
 * connection events (genetlink group "sync") to its peer in authenticated
 * UDP datagrams; the standby installs them (VS_CMD_NEW_CONN). A standby
 * that (re)appears asks for everything and the active sends a full dump,
 * so a recovered director holds the current connections before it may
 * take the role back.
 */
#ifndef _VSD_SYNC_H
#define _VSD_SYNC_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "hb.h"
#include "loop.h"

struct vsd_sync;

struct vsd_sync_stats {
	uint64_t events;		/* connection events relayed */
	uint64_t sent, received;	/* datagrams */
	uint64_t installed, skipped;	/* connections */
	uint64_t rejected;		/* datagrams forged, replayed or broken */
	uint64_t rejected_by[VSD_HB_VERDICTS];	/* by enum vsd_hb_verdict */
	uint64_t full_syncs;		/* full dumps sent */
	uint64_t overruns;		/* kernel events lost (ENOBUFS) */
	uint64_t bytes_sent;
};

struct vsd_sync_conf {
	const struct vsd_hb_keys *keys;
	uint8_t self;			/* enum vsd_hb_node */
	uint64_t nonce;			/* this run's (see hb.h) */
	struct in_addr local, peer;
	uint16_t port;
	/*
	 * A peer of an active-active mesh (mesh.c): every director relays
	 * its own connections and installs the others', so what the peer
	 * sends is installed whether this side relays or not; and the
	 * socket is connect()ed to the peer, as each peer has its own
	 * socket on the same port (the kernel gives a datagram to the
	 * socket connected to its source).
	 */
	bool mesh;
};

/*
 * Listen on local:port for the peer's datagrams and send ours to
 * peer:port. Starts passive: neither relaying nor asking.
 */
struct vsd_sync *vsd_sync_new(struct loop *l, const struct vsd_sync_conf *c);
void vsd_sync_free(struct vsd_sync *s);
/* Active: relay every event (on), or not. */
int vsd_sync_relay(struct vsd_sync *s, bool on);
/* The peer's run, as its heartbeats tell: our datagrams echo it. */
void vsd_sync_set_peer_nonce(struct vsd_sync *s, uint64_t nonce);
/* Standby: ask the active for all its connections. */
void vsd_sync_request_full(struct vsd_sync *s);
/* The peer restarted or went: its full sync is to come again. */
void vsd_sync_forget_full(struct vsd_sync *s);
/* True once a full sync was received since the last request. */
bool vsd_sync_have_full(const struct vsd_sync *s);
const struct vsd_sync_stats *vsd_sync_stats(const struct vsd_sync *s);

#endif /* _VSD_SYNC_H */
