// SPDX-License-Identifier: GPL-2.0
/*
 * The directors' datagrams: layouts, keys, HMAC-SHA256, replay, clock and
 * freshness checks.
 *
 * A heartbeat (version 2):
 *   0  "VSHB"      4  version  5  node  6  state  7  flags
 *   8  seq (be64)  16 time_us (be64)  24 serial (be64)  32 digest[32]
 *   64 nonce (be64)  72 echo (be64)
 *   80 HMAC-SHA256 of bytes 0..79 under the sender's heartbeat key [32]
 *
 * A sync datagram (version 2):
 *   0  "VSSY"      4  version  5  type  6  node  7  0
 *   8  seq (be64)  16 time_us (be64)  24 echo (be64)
 *   32 payload length (be16)  34 0[6]
 *   40 payload, then HMAC-SHA256 of all before under the sender's sync key
 *
 * Sequence numbers start at the sender's clock, so a restarted sender is
 * still ahead of what its peer saw before.
 */

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "hb.h"

uint64_t vsd_hb_wall_us(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (uint64_t)tv.tv_sec * 1000000 + (uint64_t)tv.tv_usec;
}

uint64_t vsd_hb_new_nonce(void)
{
	uint64_t n = 0;

	while (!n)
		if (getrandom(&n, sizeof(n), 0) != sizeof(n))
			n = vsd_hb_wall_us() ^ ((uint64_t)getpid() << 40);
	return n;
}

#define HB_VERSION 2
#define HB_SIGNED 80
#define SYNC_VERSION 2

static const uint8_t hb_magic[4] = { 'V', 'S', 'H', 'B' };
static const uint8_t sync_magic[4] = { 'V', 'S', 'S', 'Y' };

int vsd_hb_key_load(const char *path, struct vsd_hb_key *key, const char **why)
{
	uint8_t buf[VSD_HB_KEY_MAX + 3];	/* room to see a key too long */
	struct stat st;
	ssize_t n;
	int fd;

	/* O_NONBLOCK: a FIFO given as the key must not hang the daemon. */
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0) {
		*why = strerror(errno);
		return -1;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		goto err;
	}
	if ((st.st_uid != 0 && st.st_uid != geteuid()) || (st.st_mode & 077)) {
		*why = "must be owned by root or vsd's user and readable by its owner only (0600)";
		goto err;
	}
	n = read(fd, buf, sizeof(buf));
	if (n < 0) {
		*why = strerror(errno);
		goto err;
	}
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		n--;
	if (n < VSD_HB_KEY_MIN) {
		*why = "shorter than 16 bytes";
		goto err;
	}
	if (n > VSD_HB_KEY_MAX || st.st_size > (off_t)sizeof(buf)) {
		*why = "longer than 256 bytes";	/* rather than cut */
		goto err;
	}
	memcpy(key->bytes, buf, n);
	key->len = n;
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return 0;
err:
	close(fd);
	return -1;
}

static void put64(uint8_t *p, uint64_t v)
{
	v = htobe64(v);
	memcpy(p, &v, 8);
}

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return be64toh(v);
}

static void hmac(const struct vsd_hb_key *key, const void *buf, size_t len,
		 uint8_t out[32])
{
	unsigned int n = 32;

	HMAC(EVP_sha256(), key->bytes, (int)key->len, buf, len, out, &n);
}

static void derive(const struct vsd_hb_key *shared, const char *label,
		   struct vsd_hb_key *out)
{
	hmac(shared, label, strlen(label), out->bytes);
	out->len = 32;
}

void vsd_hb_keys_derive(const struct vsd_hb_key *shared, struct vsd_hb_keys *k)
{
	derive(shared, "vsd heartbeat from the primary", &k->hb[VSD_HB_PRIMARY]);
	derive(shared, "vsd heartbeat from the backup", &k->hb[VSD_HB_BACKUP]);
	derive(shared, "vsd sync from the primary", &k->sync[VSD_HB_PRIMARY]);
	derive(shared, "vsd sync from the backup", &k->sync[VSD_HB_BACKUP]);
}

/* True if buf[0..len) ends in the right HMAC under the key of its node. */
static bool signed_by(const struct vsd_hb_key keys[2], uint8_t node,
		      const uint8_t *buf, size_t len)
{
	uint8_t want[32];

	if (node > VSD_HB_BACKUP)
		return false;
	hmac(&keys[node], buf, len, want);
	return !CRYPTO_memcmp(want, buf + len, 32);
}

static bool skewed(uint64_t t, uint64_t now_us, uint64_t max_skew_us)
{
	return (t > now_us ? t - now_us : now_us - t) > max_skew_us;
}

void vsd_hb_encode(const struct vsd_hb *m, const struct vsd_hb_keys *keys,
		   uint8_t out[VSD_HB_LEN])
{
	memcpy(out, hb_magic, 4);
	out[4] = HB_VERSION;
	out[5] = m->node;
	out[6] = m->state;
	out[7] = m->flags;
	put64(out + 8, m->seq);
	put64(out + 16, m->time_us);
	put64(out + 24, m->serial);
	memcpy(out + 32, m->digest, VSD_HB_DIGEST_LEN);
	put64(out + 64, m->nonce);
	put64(out + 72, m->echo);
	hmac(&keys->hb[m->node & 1], out, HB_SIGNED, out + HB_SIGNED);
}

enum vsd_hb_verdict vsd_hb_decode(const uint8_t *buf, size_t len,
				  const struct vsd_hb_keys *keys, uint8_t self,
				  uint64_t nonce, struct vsd_hb_peer *path,
				  uint64_t now_us, uint64_t max_skew_us,
				  struct vsd_hb *m)
{
	uint64_t seq, t;

	if (len != VSD_HB_LEN || memcmp(buf, hb_magic, 4) || buf[4] != HB_VERSION)
		return VSD_HB_MALFORMED;
	if (!signed_by(keys->hb, buf[5], buf, HB_SIGNED))
		return VSD_HB_FORGED;
	if (buf[5] == self)
		return VSD_HB_SELF;
	seq = get64(buf + 8);
	if (seq <= path->last_seq)
		return VSD_HB_REPLAYED;
	t = get64(buf + 16);
	if (skewed(t, now_us, max_skew_us))
		return VSD_HB_STALE;
	path->last_seq = seq;
	m->node = buf[5];
	m->state = buf[6];
	m->flags = buf[7];
	m->seq = seq;
	m->time_us = t;
	m->serial = get64(buf + 24);
	memcpy(m->digest, buf + 32, VSD_HB_DIGEST_LEN);
	m->nonce = get64(buf + 64);
	m->echo = get64(buf + 72);
	return m->echo == nonce ? VSD_HB_OK : VSD_HB_UNFRESH;
}

const char *vsd_hb_verdict_name(enum vsd_hb_verdict v)
{
	static const char *const names[] = {
		[VSD_HB_OK] = "ok",
		[VSD_HB_MALFORMED] = "malformed",
		[VSD_HB_FORGED] = "forged",
		[VSD_HB_REPLAYED] = "replayed",
		[VSD_HB_STALE] = "stale",
		[VSD_HB_SELF] = "from ourselves",
		[VSD_HB_UNFRESH] = "unfresh",
		[VSD_HB_STRANGER] = "stranger",
	};

	return v < sizeof(names) / sizeof(names[0]) ? names[v] : "?";
}

void vsd_hb_digest(const void *text, size_t len, uint8_t out[VSD_HB_DIGEST_LEN])
{
	unsigned int n = VSD_HB_DIGEST_LEN;

	EVP_Digest(text, len, out, &n, EVP_sha256(), NULL);
}

static bool seq_bit(struct vsd_seq_window *w, uint64_t seq, bool set)
{
	uint64_t *word = &w->seen[seq / 64 % (VSD_SEQ_WINDOW / 64)];
	uint64_t bit = 1ULL << (seq % 64);
	bool was = *word & bit;

	if (set)
		*word |= bit;
	else
		*word &= ~bit;
	return was;
}

bool vsd_seq_accept(struct vsd_seq_window *w, uint64_t seq)
{
	uint64_t s;

	if (seq > w->top) {
		if (seq - w->top >= VSD_SEQ_WINDOW)
			memset(w->seen, 0, sizeof(w->seen));
		else
			for (s = w->top + 1; s < seq; s++)
				seq_bit(w, s, false);
		seq_bit(w, seq, true);
		w->top = seq;
		return true;
	}
	if (w->top - seq >= VSD_SEQ_WINDOW)
		return false;
	return !seq_bit(w, seq, true);
}

size_t vsd_sync_seal(uint8_t *buf, const struct vsd_sync_hdr *h,
		     const struct vsd_hb_keys *keys)
{
	uint16_t len = htobe16(h->len);

	memset(buf, 0, VSD_SYNC_HDR);
	memcpy(buf, sync_magic, 4);
	buf[4] = SYNC_VERSION;
	buf[5] = h->type;
	buf[6] = h->node;
	put64(buf + 8, h->seq);
	put64(buf + 16, h->time_us);
	put64(buf + 24, h->echo);
	memcpy(buf + 32, &len, 2);
	hmac(&keys->sync[h->node & 1], buf, VSD_SYNC_HDR + h->len,
	     buf + VSD_SYNC_HDR + h->len);
	return VSD_SYNC_HDR + h->len + VSD_SYNC_MAC;
}

enum vsd_hb_verdict vsd_sync_open(const uint8_t *buf, size_t len,
				  const struct vsd_hb_keys *keys, uint8_t self,
				  uint64_t nonce, struct vsd_sync_rx *rx,
				  uint64_t now_us, uint64_t max_skew_us,
				  struct vsd_sync_hdr *h)
{
	size_t payload;

	if (len < VSD_SYNC_HDR + VSD_SYNC_MAC || len > VSD_SYNC_MAX ||
	    memcmp(buf, sync_magic, 4) || buf[4] != SYNC_VERSION)
		return VSD_HB_MALFORMED;
	payload = (size_t)buf[32] << 8 | buf[33];
	if (VSD_SYNC_HDR + payload + VSD_SYNC_MAC != len)
		return VSD_HB_MALFORMED;
	if (!signed_by(keys->sync, buf[6], buf, VSD_SYNC_HDR + payload))
		return VSD_HB_FORGED;
	if (buf[6] == self)
		return VSD_HB_SELF;
	if (skewed(get64(buf + 16), now_us, max_skew_us))
		return VSD_HB_STALE;
	if (get64(buf + 24) != nonce)
		return VSD_HB_UNFRESH;
	if (!vsd_seq_accept(&rx->win[buf[6]], get64(buf + 8)))
		return VSD_HB_REPLAYED;
	h->type = buf[5];
	h->node = buf[6];
	h->seq = get64(buf + 8);
	h->time_us = get64(buf + 16);
	h->echo = nonce;
	h->len = (uint16_t)payload;
	return VSD_HB_OK;
}
