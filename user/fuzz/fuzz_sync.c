// SPDX-License-Identifier: GPL-2.0
/*
 * Sync datagrams as the receiver judges them (vsd_sync_open, the decoder
 * without the socket or the kernel): any bytes, or, when the first byte
 * is 's', a datagram sealed with the sender's key from the input's header
 * fields and payload, with one byte then changed if the input says so.
 * The replay windows are kept across inputs; a datagram that passes must
 * fit the buffer it came in.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "failover/hb.h"

#define NONCE 0x1111111111111111ULL
#define NOW 1000000000ULL

struct fields {
	uint8_t type, node, flip;
	uint16_t flip_at;
	uint64_t seq, time_us;
	uint8_t echo_ours;
};

static size_t seal(const uint8_t *data, size_t size, uint8_t *buf,
		   const struct vsd_hb_keys *keys)
{
	struct fields f;
	struct vsd_sync_hdr h;
	size_t n, len;

	memcpy(&f, data, sizeof(f));
	len = size - sizeof(f);
	if (len > VSD_SYNC_PAYLOAD)
		len = VSD_SYNC_PAYLOAD;
	memcpy(buf + VSD_SYNC_HDR, data + sizeof(f), len);
	h = (struct vsd_sync_hdr){
		.type = f.type, .node = f.node & 1, .seq = f.seq,
		.time_us = NOW + f.time_us % 4000000, .len = (uint16_t)len,
		.echo = f.echo_ours & 1 ? NONCE : f.seq,
	};
	n = vsd_sync_seal(buf, &h, keys);
	if (f.flip)
		buf[f.flip_at % n] ^= f.flip;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vsd_hb_key shared = {
		.bytes = "fuzzing-key-of-enough-bytes", .len = 27,
	};
	static struct vsd_hb_keys keys;
	static struct vsd_sync_rx rx;
	uint8_t buf[VSD_SYNC_MAX];
	struct vsd_sync_hdr h;
	size_t n;

	if (!keys.sync[0].len)
		vsd_hb_keys_derive(&shared, &keys);
	if (size && data[0] == 's' && size - 1 >= sizeof(struct fields)) {
		n = seal(data + 1, size - 1, buf, &keys);
		data = buf;
		size = n;
	}
	if (vsd_sync_open(data, size, &keys, VSD_HB_BACKUP, NONCE, &rx, NOW,
			  2000000, &h) == VSD_HB_OK &&
	    (h.node == VSD_HB_BACKUP ||
	     VSD_SYNC_HDR + (size_t)h.len + VSD_SYNC_MAC != size))
		abort();
	return 0;
}
