/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The datagrams between two directors: heartbeats and connection sync.
 * Unlike Piranha's bare 4-byte magic, each is authenticated with
 * HMAC-SHA256 and carries its sender's node, a sequence number and the
 * sender's clock, so forged, replayed, reflected and stale datagrams are
 * told apart, ignored and counted.
 *
 * Freshness across restarts: each run of vsd draws a random nonce. A
 * heartbeat carries its sender's nonce and echoes the last nonce it heard
 * from the receiver; heartbeats and sync datagrams count only when they
 * echo the receiver's current nonce. A datagram captured before the
 * receiver restarted echoes an older nonce and changes nothing, however
 * new its sequence number looks to the empty window of the new run. The
 * handshake costs one heartbeat each way: a director that hears a new
 * nonce answers at once.
 *
 * Pure functions: no sockets, no loop; failover.c and sync.c do the rest.
 */
#ifndef _VSD_HB_H
#define _VSD_HB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSD_HB_LEN 112
#define VSD_HB_DIGEST_LEN 32
#define VSD_HB_KEY_MIN 16
#define VSD_HB_KEY_MAX 256

enum vsd_hb_node { VSD_HB_PRIMARY, VSD_HB_BACKUP };
enum vsd_hb_state { VSD_HB_STANDBY, VSD_HB_ACTIVE, VSD_HB_STOPPING };

enum {
	VSD_HB_F_LINKS_OK = 1 << 0,	/* every monitored link is up */
	VSD_HB_F_SYNCED = 1 << 1,	/* holds the active's connections */
};

struct vsd_hb {
	uint8_t node;			/* enum vsd_hb_node of the sender */
	uint8_t state;			/* enum vsd_hb_state */
	uint8_t flags;			/* VSD_HB_F_* */
	uint64_t seq;
	uint64_t time_us;		/* sender's CLOCK_REALTIME */
	uint64_t serial;		/* its configuration's serial_no */
	uint8_t digest[VSD_HB_DIGEST_LEN];	/* of its configuration */
	uint64_t nonce;			/* the sender's run */
	uint64_t echo;			/* the receiver's run, as last heard */
};

enum vsd_hb_verdict {
	VSD_HB_OK,
	VSD_HB_MALFORMED,		/* wrong size, magic or version */
	VSD_HB_FORGED,			/* the HMAC does not match */
	VSD_HB_REPLAYED,		/* sequence not above the last seen */
	VSD_HB_STALE,			/* sender's clock too far from ours */
	VSD_HB_SELF,			/* our own node: a loop or a twin */
	VSD_HB_UNFRESH,			/* echoes not our run's nonce */
	VSD_HB_STRANGER,		/* from an address not the peer's */
	VSD_HB_VERDICTS
};

struct vsd_hb_key {
	uint8_t bytes[VSD_HB_KEY_MAX];
	size_t len;
};

/*
 * The keys of a pair, derived from the shared heartbeat_key: one per
 * sending node and kind of datagram, so neither a datagram sent back to
 * its sender nor a heartbeat taken for sync verifies.
 */
struct vsd_hb_keys {
	struct vsd_hb_key hb[2];	/* by the sender's enum vsd_hb_node */
	struct vsd_hb_key sync[2];
};

/* The clock datagrams carry (CLOCK_REALTIME, us), and a run's nonce: random, never 0. */
uint64_t vsd_hb_wall_us(void);
uint64_t vsd_hb_new_nonce(void);

void vsd_hb_keys_derive(const struct vsd_hb_key *shared, struct vsd_hb_keys *k);

/* One path's memory of the peer: the last sequence accepted. */
struct vsd_hb_peer {
	uint64_t last_seq;
};

/*
 * Read the key file: it must be a regular file owned by root or by vsd's
 * own user, readable by nobody else (0600 or 0400), holding at least VSD_HB_KEY_MIN bytes (a
 * trailing newline is not key). On error *why says what, and -1 returns.
 */
int vsd_hb_key_load(const char *path, struct vsd_hb_key *key, const char **why);

void vsd_hb_encode(const struct vsd_hb *m, const struct vsd_hb_keys *keys,
		   uint8_t out[VSD_HB_LEN]);
/*
 * Check a received message: from the peer node (not @self), authentic,
 * newer than what @path last accepted, and sent within @max_skew_us of
 * @now_us. Such a message updates @path and fills @m; it is VSD_HB_OK if
 * it echoes @nonce, else VSD_HB_UNFRESH (only its m->nonce may be used,
 * to answer with). Any other verdict leaves both alone.
 */
enum vsd_hb_verdict vsd_hb_decode(const uint8_t *buf, size_t len,
				  const struct vsd_hb_keys *keys, uint8_t self,
				  uint64_t nonce, struct vsd_hb_peer *path,
				  uint64_t now_us, uint64_t max_skew_us,
				  struct vsd_hb *m);
const char *vsd_hb_verdict_name(enum vsd_hb_verdict v);

/*
 * A replay window for a stream of datagrams that may arrive out of order
 * (veth and NIC queues reorder when the sender moves between CPUs, by
 * hundreds in a burst): a
 * sequence number is accepted once, if it is above the highest seen or
 * one of the VSD_SEQ_WINDOW below it not seen yet.
 */
#define VSD_SEQ_WINDOW 1024

struct vsd_seq_window {
	uint64_t top;			/* the highest accepted */
	uint64_t seen[VSD_SEQ_WINDOW / 64];	/* bit seq % WINDOW: accepted */
};

bool vsd_seq_accept(struct vsd_seq_window *w, uint64_t seq);

/*
 * A sync datagram: a header, VS_A_CONN netlink attributes back to back
 * as the kernel gave them, and an HMAC under the sender's sync key.
 */
#define VSD_SYNC_HDR 40
#define VSD_SYNC_MAC 32
#define VSD_SYNC_MAX 1400
#define VSD_SYNC_PAYLOAD (VSD_SYNC_MAX - VSD_SYNC_HDR - VSD_SYNC_MAC)

struct vsd_sync_hdr {
	uint8_t type;			/* enum vsd_sync_type */
	uint8_t node;			/* the sender's enum vsd_hb_node */
	uint64_t seq, time_us;
	uint64_t echo;			/* the receiver's nonce */
	uint16_t len;			/* of the payload */
};

enum vsd_sync_type { VSD_SYNC_EVENTS = 1, VSD_SYNC_REQUEST, VSD_SYNC_FULL,
		     VSD_SYNC_END };

/* The receiver's memory: a replay window per sender. */
struct vsd_sync_rx {
	struct vsd_seq_window win[2];
};

/*
 * Write @h into buf's header and sign it with the payload already at
 * buf + VSD_SYNC_HDR (h->len bytes, at most VSD_SYNC_PAYLOAD); returns
 * the datagram's length.
 */
size_t vsd_sync_seal(uint8_t *buf, const struct vsd_sync_hdr *h,
		     const struct vsd_hb_keys *keys);
/*
 * Check a received datagram as vsd_hb_decode does a heartbeat; VSD_HB_OK
 * fills @h (the payload is at buf + VSD_SYNC_HDR) and marks its sequence
 * in the sender's window. Any other verdict leaves @rx alone.
 */
enum vsd_hb_verdict vsd_sync_open(const uint8_t *buf, size_t len,
				  const struct vsd_hb_keys *keys, uint8_t self,
				  uint64_t nonce, struct vsd_sync_rx *rx,
				  uint64_t now_us, uint64_t max_skew_us,
				  struct vsd_sync_hdr *h);

/* SHA-256 of a configuration's text, for comparing the two directors'. */
void vsd_hb_digest(const void *text, size_t len,
		   uint8_t out[VSD_HB_DIGEST_LEN]);

#endif /* _VSD_HB_H */
