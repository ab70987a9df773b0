// SPDX-License-Identifier: GPL-2.0
/*
 * The directors' datagrams: a good one passes once; a forged, replayed,
 * stale, self-sent, unfresh or malformed one is refused with the right
 * verdict, heartbeats and sync alike; the key file must be root's alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "failover/hb.h"
#include "tap.h"

#define NOW 1700000000000000ULL
#define SKEW 30000000ULL
#define US 0x1111111111111111ULL	/* the backup's run (the receiver) */
#define PEER 0x2222222222222222ULL	/* the primary's run */

static struct vsd_hb_key key(const char *s)
{
	struct vsd_hb_key k;

	memset(&k, 0, sizeof(k));
	k.len = strlen(s);
	memcpy(k.bytes, s, k.len);
	return k;
}

static void msg(struct vsd_hb *m, uint8_t node, uint64_t seq, uint64_t t)
{
	memset(m, 0, sizeof(*m));
	m->node = node;
	m->state = VSD_HB_ACTIVE;
	m->flags = VSD_HB_F_LINKS_OK;
	m->seq = seq;
	m->time_us = t;
	m->serial = 42;
	m->nonce = PEER;
	m->echo = US;
	vsd_hb_digest("conf", 4, m->digest);
}

static struct vsd_hb_keys keys_of(const char *shared)
{
	struct vsd_hb_key k = key(shared);
	struct vsd_hb_keys ks;

	vsd_hb_keys_derive(&k, &ks);
	return ks;
}

static enum vsd_hb_verdict at_backup(const uint8_t *buf, size_t len,
				     const struct vsd_hb_keys *k,
				     struct vsd_hb_peer *path, uint64_t now,
				     struct vsd_hb *got)
{
	return vsd_hb_decode(buf, len, k, VSD_HB_BACKUP, US, path, now, SKEW, got);
}

static void messages(void)
{
	struct vsd_hb_keys k = keys_of("0123456789abcdef-shared"),
			   bad = keys_of("0123456789abcdef-other!");
	struct vsd_hb_peer path = { 0 };
	uint8_t buf[VSD_HB_LEN], copy[VSD_HB_LEN];
	struct vsd_hb m, got;

	msg(&m, VSD_HB_PRIMARY, 100, NOW);
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_OK,
	       "a good heartbeat passes");
	ok(got.seq == 100 && got.serial == 42 && got.state == VSD_HB_ACTIVE &&
	   got.nonce == PEER && got.echo == US &&
	   !memcmp(got.digest, m.digest, sizeof(m.digest)), "and decodes to what was sent");
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_REPLAYED,
	       "the same message again is a replay");
	msg(&m, VSD_HB_PRIMARY, 99, NOW);
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_REPLAYED,
	       "an older sequence number is a replay");
	msg(&m, VSD_HB_PRIMARY, 101, NOW);
	vsd_hb_encode(&m, &bad, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_FORGED,
	       "another key's message is forged");
	vsd_hb_encode(&m, &k, buf);
	memcpy(copy, buf, sizeof(buf));
	copy[6] ^= 1;		/* standby <-> active, HMAC unchanged */
	is_int(at_backup(copy, sizeof(copy), &k, &path, NOW, &got), VSD_HB_FORGED,
	       "a flipped state bit is forged");
	memcpy(copy, buf, sizeof(buf));
	copy[5] ^= 1;		/* the primary's message as the backup's */
	is_int(at_backup(copy, sizeof(copy), &k, &path, NOW, &got), VSD_HB_FORGED,
	       "a changed sender is forged (each node signs with its own key)");
	is_int(at_backup(buf, sizeof(buf) - 1, &k, &path, NOW, &got), VSD_HB_MALFORMED,
	       "a short message is malformed");
	msg(&m, VSD_HB_PRIMARY, 102, NOW - 2 * SKEW);
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_STALE,
	       "a message a minute old is stale");
	msg(&m, VSD_HB_BACKUP, 103, NOW);
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_SELF,
	       "our own message sent back to us is refused");
	ok(path.last_seq == 100, "refused messages do not move the sequence");
	msg(&m, VSD_HB_PRIMARY, 104, NOW + SKEW / 2);
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_OK,
	       "a newer message within the clock skew passes");
}

/*
 * A restarted receiver has an empty window: a heartbeat captured before
 * the restart looks new, but echoes the old run's nonce.
 */
static void restarts(void)
{
	struct vsd_hb_keys k = keys_of("0123456789abcdef-shared");
	struct vsd_hb_peer path = { 0 };
	uint8_t captured[VSD_HB_LEN], buf[VSD_HB_LEN];
	struct vsd_hb m, got;

	msg(&m, VSD_HB_PRIMARY, 500, NOW);
	m.echo = 0x3333333333333333ULL;	/* the backup's earlier run */
	vsd_hb_encode(&m, &k, captured);
	is_int(at_backup(captured, sizeof(captured), &k, &path, NOW + 1000, &got),
	       VSD_HB_UNFRESH, "after a restart, a heartbeat of the earlier run is not fresh");
	ok(got.nonce == PEER, "but tells the peer's run, to answer");
	msg(&m, VSD_HB_PRIMARY, 501, NOW);
	m.echo = 0;		/* the peer has not heard this run yet */
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_UNFRESH,
	       "nor is one from a peer that has not heard us yet");
	msg(&m, VSD_HB_PRIMARY, 502, NOW);
	vsd_hb_encode(&m, &k, buf);
	is_int(at_backup(buf, sizeof(buf), &k, &path, NOW, &got), VSD_HB_OK,
	       "one echoing this run passes");
}

static size_t sync_dgram(uint8_t *buf, const struct vsd_hb_keys *k, uint8_t type,
			 uint8_t node, uint64_t seq, uint64_t t, uint64_t echo,
			 const char *payload)
{
	struct vsd_sync_hdr h = {
		.type = type, .node = node, .seq = seq, .time_us = t,
		.echo = echo, .len = (uint16_t)strlen(payload),
	};

	memcpy(buf + VSD_SYNC_HDR, payload, h.len);
	return vsd_sync_seal(buf, &h, k);
}

static enum vsd_hb_verdict sync_at_backup(const uint8_t *buf, size_t len,
					  const struct vsd_hb_keys *k,
					  struct vsd_sync_rx *rx, struct vsd_sync_hdr *h)
{
	return vsd_sync_open(buf, len, k, VSD_HB_BACKUP, US, rx, NOW, SKEW, h);
}

/*
 * The blinding of a shared window: the standby's own request reflected
 * back to it must neither pass nor move the window the active's
 * datagrams are judged by.
 */
static void sync_datagrams(void)
{
	struct vsd_hb_keys k = keys_of("0123456789abcdef-shared"),
			   bad = keys_of("0123456789abcdef-other!");
	uint8_t own[VSD_SYNC_MAX], buf[VSD_SYNC_MAX], hb[VSD_HB_LEN];
	struct vsd_sync_rx rx;
	struct vsd_sync_hdr h;
	struct vsd_hb m;
	size_t n, own_n;

	memset(&rx, 0, sizeof(rx));
	n = sync_dgram(buf, &k, VSD_SYNC_EVENTS, VSD_HB_PRIMARY, 1000, NOW, US, "conns");
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_OK, "the active's events pass");
	ok(h.type == VSD_SYNC_EVENTS && h.len == 5 && h.seq == 1000 &&
	   !memcmp(buf + VSD_SYNC_HDR, "conns", 5), "and decode to what was sent");
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_REPLAYED, "once");
	own_n = sync_dgram(own, &k, VSD_SYNC_REQUEST, VSD_HB_BACKUP, 1ULL << 60,
			   NOW, PEER, "");
	is_int(sync_at_backup(own, own_n, &k, &rx, &h), VSD_HB_SELF,
	       "the standby's own request reflected back is refused");
	n = sync_dgram(buf, &k, VSD_SYNC_EVENTS, VSD_HB_PRIMARY, 1001, NOW, US, "more");
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_OK,
	       "and the active's next events still pass");
	n = sync_dgram(buf, &bad, VSD_SYNC_EVENTS, VSD_HB_PRIMARY, 1002, NOW, US, "x");
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_FORGED, "another key's is forged");
	n = sync_dgram(buf, &k, VSD_SYNC_EVENTS, VSD_HB_PRIMARY, 1003, NOW, 0x3333, "x");
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_UNFRESH,
	       "one for an earlier run of ours is not fresh");
	n = sync_dgram(buf, &k, VSD_SYNC_EVENTS, VSD_HB_PRIMARY, 1004, NOW - 2 * SKEW, US, "x");
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_STALE, "an old one is stale");
	n = sync_dgram(buf, &k, VSD_SYNC_EVENTS, VSD_HB_PRIMARY, 1005, NOW, US, "x");
	buf[VSD_SYNC_HDR] ^= 1;
	is_int(sync_at_backup(buf, n, &k, &rx, &h), VSD_HB_FORGED, "a changed payload is forged");
	is_int(sync_at_backup(buf, n - 1, &k, &rx, &h), VSD_HB_MALFORMED,
	       "a length that disagrees is malformed");
	msg(&m, VSD_HB_PRIMARY, 1006, NOW);
	vsd_hb_encode(&m, &k, hb);
	memcpy(buf, hb, sizeof(hb));
	memcpy(buf, "VSSY", 4);
	buf[32] = 0;
	buf[33] = VSD_HB_LEN - VSD_SYNC_HDR - VSD_SYNC_MAC;
	is_int(sync_at_backup(buf, VSD_HB_LEN, &k, &rx, &h), VSD_HB_FORGED,
	       "a heartbeat dressed as sync is forged (keys per kind)");
}

static void keyfile(void)
{
	char path[] = "/tmp/vsd-hb-keyXXXXXX";
	struct vsd_hb_key k;
	char big[300];
	const char *why = NULL;
	int fd = mkstemp(path);

	if (fd < 0 || write(fd, "a-long-enough-secret\n", 21) != 21) {
		ok(0, "temporary key file");
		return;
	}
	close(fd);
	chmod(path, 0600);
	is_int(vsd_hb_key_load(path, &k, &why), 0, "a 0600 key file of root's loads");
	ok(k.len == 20, "the trailing newline is not key");
	chmod(path, 0644);
	is_int(vsd_hb_key_load(path, &k, &why), -1, "a world-readable key file is refused");
	ok(why && strstr(why, "0600"), "saying why: %s", why ? why : "(null)");
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0 && write(fd, "short\n", 6) == 6)
		close(fd);
	chmod(path, 0600);
	is_int(vsd_hb_key_load(path, &k, &why), -1, "a key shorter than 16 bytes is refused");
	fd = open(path, O_WRONLY | O_TRUNC);
	memset(big, 'k', sizeof(big));
	big[256] = '\n';
	if (fd >= 0 && write(fd, big, 257) == 257)
		close(fd);
	is_int(vsd_hb_key_load(path, &k, &why), 0, "a key of 256 bytes and a newline loads");
	ok(k.len == 256, "all 256 bytes of it");
	fd = open(path, O_WRONLY | O_TRUNC);
	if (fd >= 0 && write(fd, big, sizeof(big)) == (ssize_t)sizeof(big))
		close(fd);
	is_int(vsd_hb_key_load(path, &k, &why), -1, "a longer key is refused, not cut");
	ok(why && strstr(why, "longer than 256"), "saying why: %s", why ? why : "(null)");
	unlink(path);
	if (mkfifo(path, 0600) == 0) {
		is_int(vsd_hb_key_load(path, &k, &why), -1,
		       "a FIFO is refused at once (no reader would block)");
		ok(why && strstr(why, "regular"), "saying why: %s", why ? why : "(null)");
		unlink(path);
	}
}

/* Datagrams reordered on the way are taken once each; replays never. */
static void window(void)
{
	struct vsd_seq_window w = { 0 };
	int taken = 0;
	uint64_t i;

	ok(vsd_seq_accept(&w, 10000), "a first sequence number is taken");
	ok(!vsd_seq_accept(&w, 10000), "and refused a second time");
	ok(vsd_seq_accept(&w, 10003), "a later one is taken");
	ok(vsd_seq_accept(&w, 10001), "an earlier one not seen yet too (reordered)");
	ok(!vsd_seq_accept(&w, 10001), "but only once");
	ok(vsd_seq_accept(&w, 10002), "the gap fills");
	ok(!vsd_seq_accept(&w, 10003 - VSD_SEQ_WINDOW), "one a whole window below the highest is refused");
	ok(vsd_seq_accept(&w, 10003 + VSD_SEQ_WINDOW), "a jump ahead is taken");
	ok(!vsd_seq_accept(&w, 10003), "what fell out of the window is refused");
	ok(vsd_seq_accept(&w, 10004), "the oldest still in the window is taken");
	for (i = 10004; i <= 10003 + VSD_SEQ_WINDOW; i++)
		taken += vsd_seq_accept(&w, i);
	is_int(taken, VSD_SEQ_WINDOW - 2, "every unseen one in the window is taken once");
}

int main(void)
{
	messages();
	restarts();
	sync_datagrams();
	window();
	keyfile();
	return tap_done();
}
