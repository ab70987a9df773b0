// SPDX-License-Identifier: GPL-2.0
/*
 * Heartbeat messages: a good one passes once; a forged, replayed, stale,
 * self-sent or malformed one is refused with the right verdict; the key
 * file must be root's alone.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hb.h"
#include "tap.h"

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
	vsd_hb_digest("conf", 4, m->digest);
}

static void messages(void)
{
	struct vsd_hb_key k = key("0123456789abcdef-shared"), bad = key("0123456789abcdef-other!");
	const uint64_t now = 1700000000000000ULL, skew = 30000000;
	struct vsd_hb_peer path = { 0 };
	uint8_t buf[VSD_HB_LEN], copy[VSD_HB_LEN];
	struct vsd_hb m, got;

	msg(&m, VSD_HB_PRIMARY, 100, now);
	vsd_hb_encode(&m, &k, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_OK, "a good heartbeat passes");
	ok(got.seq == 100 && got.serial == 42 && got.state == VSD_HB_ACTIVE &&
	   !memcmp(got.digest, m.digest, sizeof(m.digest)), "and decodes to what was sent");
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_REPLAYED, "the same message again is a replay");
	msg(&m, VSD_HB_PRIMARY, 99, now);
	vsd_hb_encode(&m, &k, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_REPLAYED, "an older sequence number is a replay");
	msg(&m, VSD_HB_PRIMARY, 101, now);
	vsd_hb_encode(&m, &bad, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_FORGED, "another key's message is forged");
	vsd_hb_encode(&m, &k, buf);
	memcpy(copy, buf, sizeof(buf));
	copy[6] ^= 1;		/* standby <-> active, HMAC unchanged */
	is_int(vsd_hb_decode(copy, sizeof(copy), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_FORGED, "a flipped state bit is forged");
	is_int(vsd_hb_decode(buf, sizeof(buf) - 1, &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_MALFORMED, "a short message is malformed");
	msg(&m, VSD_HB_PRIMARY, 102, now - 2 * skew);
	vsd_hb_encode(&m, &k, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_STALE, "a message a minute old is stale");
	msg(&m, VSD_HB_BACKUP, 103, now);
	vsd_hb_encode(&m, &k, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_SELF, "our own node's message is refused");
	ok(path.last_seq == 100, "refused messages do not move the sequence");
	msg(&m, VSD_HB_PRIMARY, 104, now + skew / 2);
	vsd_hb_encode(&m, &k, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &k, VSD_HB_BACKUP, &path, now, skew, &got),
	   VSD_HB_OK, "a newer message within the clock skew passes");
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
	window();
	keyfile();
	return tap_done();
}
