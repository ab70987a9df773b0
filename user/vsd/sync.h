/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Connection sync (issue 7): the active director relays the kernel's
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
	uint64_t full_syncs;		/* full dumps sent */
	uint64_t overruns;		/* kernel events lost (ENOBUFS) */
	uint64_t bytes_sent;
};

/*
 * Listen on @port for the peer's datagrams and send ours to @peer:@port,
 * authenticated with @key. Starts passive: neither relaying nor asking.
 */
struct vsd_sync *vsd_sync_new(struct loop *l, const struct vsd_hb_key *key,
			      struct in_addr peer, uint16_t port);
void vsd_sync_free(struct vsd_sync *s);
/* Active: relay every event (on), or not. */
int vsd_sync_relay(struct vsd_sync *s, bool on);
/* Standby: ask the active for all its connections. */
void vsd_sync_request_full(struct vsd_sync *s);
/* True once a full sync was received since the last request. */
bool vsd_sync_have_full(const struct vsd_sync *s);
const struct vsd_sync_stats *vsd_sync_stats(const struct vsd_sync *s);

#endif /* _VSD_SYNC_H */
