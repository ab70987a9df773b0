/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Director failover, replacing Piranha's pulse: two directors
 * heartbeat each other on the public and the private path; the active one
 * holds the floating addresses (VIPs, NAT router) and relays its
 * connections to the other, which takes over when it hears nothing on
 * either path for deadtime. The roles:
 *
 * - a standby activates when its peer is dead, when the peer gave the role
 *   away or lost a link, or, both standing by, if it is the primary;
 * - both active (split brain): the backup yields at once, the primary
 *   keeps the role and announces its addresses again;
 * - with preempt, a primary that comes back takes the role back, but only
 *   once it holds the active's connections (a full sync);
 * - with monitor_links, an active director whose link is down yields;
 * - vsd takeover / vsd release force a switch.
 */
#ifndef _VSD_FAILOVER_H
#define _VSD_FAILOVER_H

#include <stdbool.h>
#include <stdint.h>
#include <netinet/in.h>

#include "floataddr.h"
#include "hb.h"
#include "loop.h"
#include "sync.h"

struct vsd_failover_conf {
	enum vsd_hb_node self;
	struct in_addr local_pub, peer_pub;
	bool has_private;
	struct in_addr local_priv, peer_priv;
	uint16_t port;			/* heartbeats, UDP */
	uint16_t sync_port;		/* connection sync, UDP; 0 = none */
	uint64_t keepalive_us, deadtime_us;
	bool monitor_links, preempt;
	unsigned int garp_repeat;
	uint64_t garp_interval_us;
	struct vsd_float *floats;
	size_t n_floats;
	uint64_t serial;
	uint8_t digest[VSD_HB_DIGEST_LEN];
	struct vsd_hb_key key;		/* shared; the keys are derived */
	/* Told of each role change before any address moves (to stop or
	 * start scheduling), and after (to run active_cmd...).
	 */
	void (*role_changing)(bool active, void *arg);
	void (*role_changed)(bool active, void *arg);
	void *arg;
};

struct vsd_failover_status {
	bool active;
	bool peer_alive;
	uint8_t peer_state, peer_flags;
	double last_heard_pub, last_heard_priv;	/* seconds ago, -1 never */
	bool digest_mismatch;
	uint64_t peer_serial;
	uint64_t counts[VSD_HB_VERDICTS];	/* by enum vsd_hb_verdict */
	bool key_mismatch;			/* the peer's all fail the HMAC */
	uint64_t changes;			/* role changes */
	bool links_ok;
	const char *reason;			/* of the last change */
};

struct vsd_failover;

struct vsd_failover *vsd_failover_new(struct loop *l,
				      const struct vsd_failover_conf *c);
/* Stop: an active director releases its addresses first. */
void vsd_failover_free(struct vsd_failover *f);
/* A reload: the serial and digest the peer compares with its own. */
void vsd_failover_set_config(struct vsd_failover *f, uint64_t serial,
			     const uint8_t digest[VSD_HB_DIGEST_LEN]);
void vsd_failover_takeover(struct vsd_failover *f);
void vsd_failover_release(struct vsd_failover *f);
void vsd_failover_status(const struct vsd_failover *f,
			 struct vsd_failover_status *st);
const struct vsd_sync_stats *vsd_failover_sync_stats(const struct vsd_failover *f);

#endif /* _VSD_FAILOVER_H */
