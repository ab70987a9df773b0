// SPDX-License-Identifier: GPL-2.0
/*
 * The mesh's rules (see mesh_rule.h).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mesh_rule.h"

enum vsd_hb_node vsd_mesh_role(uint32_t self, uint32_t peer)
{
	return ntohl(self) < ntohl(peer) ? VSD_HB_PRIMARY : VSD_HB_BACKUP;
}

void vsd_mesh_pair_keys(const struct vsd_hb_key *shared, uint32_t a,
			uint32_t b, struct vsd_hb_keys *out)
{
	uint32_t lo = ntohl(a) < ntohl(b) ? a : b, hi = lo == a ? b : a;
	char label[64], l[INET_ADDRSTRLEN], h[INET_ADDRSTRLEN];
	struct vsd_hb_key pair;
	unsigned int len = 32;

	inet_ntop(AF_INET, &lo, l, sizeof(l));
	inet_ntop(AF_INET, &hi, h, sizeof(h));
	snprintf(label, sizeof(label), "vsd mesh pair %s %s", l, h);
	HMAC(EVP_sha256(), shared->bytes, (int)shared->len,
	     (const unsigned char *)label, strlen(label), pair.bytes, &len);
	pair.len = len;
	vsd_hb_keys_derive(&pair, out);
	explicit_bzero(&pair, sizeof(pair));
}

/* The live director of lowest address, among those announcing if
 * only_announcing: -2 for this one, -1 for none, else a peer's index.
 */
static int lowest(uint32_t self, bool self_in, const struct vsd_mesh_view *p,
		  size_t n, bool only_announcing)
{
	uint32_t best = 0;
	int who = -1;
	size_t i;

	if (self_in) {
		best = ntohl(self);
		who = -2;
	}
	for (i = 0; i < n; i++) {
		if (!p[i].alive || (only_announcing && !p[i].announcing))
			continue;
		if (who == -1 || ntohl(p[i].addr) < best) {
			best = ntohl(p[i].addr);
			who = (int)i;
		}
	}
	return who;
}

static bool any_differs(const struct vsd_mesh_view *p, size_t n,
			bool only_announcing)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i].alive && !p[i].same_config &&
		    (!only_announcing || p[i].announcing))
			return true;
	return false;
}

int vsd_mesh_refuse(uint32_t self, bool self_announcing,
		    const struct vsd_mesh_view *peers, size_t n)
{
	bool announcers = self_announcing ||
			  lowest(self, false, peers, n, true) >= 0;
	int w;

	if (announcers) {
		if (!any_differs(peers, n, true))
			return -1;
		w = lowest(self, self_announcing, peers, n, true);
	} else {
		if (!any_differs(peers, n, false))
			return -1;
		w = lowest(self, true, peers, n, false);
	}
	return w >= 0 && !peers[w].same_config ? w : -1;
}
