// SPDX-License-Identifier: GPL-2.0
/*
 * Heartbeat datagrams as they come off the wire: any bytes are judged
 * (forged, replayed, stale, unfresh, malformed, ours, or good) without
 * reading out of bounds, and an authentic one moves the path's window.
 * The first byte picks whether the rest is taken as is or first signed
 * with the sender's key, so that the fuzzer also reaches the checks
 * behind the HMAC.
 */
#include <stdint.h>
#include <string.h>

#include "failover/hb.h"

#define NONCE 0x1111111111111111ULL

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct vsd_hb_key shared = {
		.bytes = "fuzzing-key-of-enough-bytes", .len = 27,
	};
	static struct vsd_hb_keys keys;
	static struct vsd_hb_peer path;	/* kept across inputs: replays */
	uint8_t buf[VSD_HB_LEN];
	struct vsd_hb m;

	if (!keys.hb[0].len)
		vsd_hb_keys_derive(&shared, &keys);
	if (size && data[0] == 's' && size - 1 >= sizeof(m)) {
		/* A message the peer could have sent, fields from the input. */
		memcpy(&m, data + 1, sizeof(m));
		vsd_hb_encode(&m, &keys, buf);
		vsd_hb_decode(buf, sizeof(buf), &keys, VSD_HB_BACKUP, NONCE, &path,
			      m.time_us, 2000000, &m);
		return 0;
	}
	vsd_hb_decode(data, size, &keys, VSD_HB_BACKUP, NONCE, &path, 1000000,
		      2000000, &m);
	return 0;
}
