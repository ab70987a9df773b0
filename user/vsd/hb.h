/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Heartbeat messages between two directors (issue 7). Unlike Piranha's
 * bare 4-byte magic, every message is authenticated with HMAC-SHA256 under
 * a shared key and carries a sequence number and the sender's clock, so
 * forged, replayed and stale messages are told apart, ignored and counted.
 * Pure functions: no sockets, no loop; failover.c does the rest.
 */
#ifndef _VSD_HB_H
#define _VSD_HB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VSD_HB_LEN 96
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
};

enum vsd_hb_verdict {
	VSD_HB_OK,
	VSD_HB_MALFORMED,		/* wrong size, magic or version */
	VSD_HB_FORGED,			/* the HMAC does not match */
	VSD_HB_REPLAYED,		/* sequence not above the last seen */
	VSD_HB_STALE,			/* sender's clock too far from ours */
	VSD_HB_SELF,			/* our own node: a loop or a twin */
};

struct vsd_hb_key {
	uint8_t bytes[VSD_HB_KEY_MAX];
	size_t len;
};

/* One path's memory of the peer: the last sequence accepted. */
struct vsd_hb_peer {
	uint64_t last_seq;
};

/*
 * Read the key file: it must be a regular file owned by root, readable by
 * nobody else (0600 or 0400), holding at least VSD_HB_KEY_MIN bytes (a
 * trailing newline is not key). On error *why says what, and -1 returns.
 */
int vsd_hb_key_load(const char *path, struct vsd_hb_key *key, const char **why);

void vsd_hb_encode(const struct vsd_hb *m, const struct vsd_hb_key *key,
		   uint8_t out[VSD_HB_LEN]);
/*
 * Check a received message: from the peer node (not @self), authentic,
 * newer than what @path last accepted, and sent within @max_skew_us of
 * @now_us. Only VSD_HB_OK updates @path and fills @m.
 */
enum vsd_hb_verdict vsd_hb_decode(const uint8_t *buf, size_t len,
				  const struct vsd_hb_key *key, uint8_t self,
				  struct vsd_hb_peer *path, uint64_t now_us,
				  uint64_t max_skew_us, struct vsd_hb *m);
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

/* HMAC-SHA256 of buf under key (32 bytes out); for sync datagrams too. */
void vsd_hmac(const struct vsd_hb_key *key, const void *buf, size_t len,
	      uint8_t out[32]);

/* SHA-256 of a configuration's text, for comparing the two directors'. */
void vsd_hb_digest(const void *text, size_t len,
		   uint8_t out[VSD_HB_DIGEST_LEN]);

#endif /* _VSD_HB_H */
