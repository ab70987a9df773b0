// SPDX-License-Identifier: GPL-2.0
/*
 * The mesh's rules: the lower address of a pair plays the primary (by
 * number, not by text); each pair has keys of its own, the same on both
 * sides, so a heartbeat passes only in its pair and one sent back to its
 * sender is its own; and the refusal of a differing configuration: a
 * running configuration wins over a newcomer's, at a cold start the
 * lowest address wins, two groups that both announce settle on the
 * lowest announcer's, and a dead director counts for nothing.
 */
#include <arpa/inet.h>

#include "mesh/mesh_rule.h"
#include "tap.h"

#define NOW 1700000000000000ULL

static uint32_t ip(const char *s)
{
	struct in_addr a;

	inet_pton(AF_INET, s, &a);
	return a.s_addr;
}

static void test_roles(void)
{
	is_int(vsd_mesh_role(ip("10.0.5.1"), ip("10.0.5.2")), VSD_HB_PRIMARY,
	       "the lower address is the pair's primary");
	is_int(vsd_mesh_role(ip("10.0.5.2"), ip("10.0.5.1")), VSD_HB_BACKUP,
	       "the higher its backup");
	is_int(vsd_mesh_role(ip("10.0.5.10"), ip("10.0.5.9")), VSD_HB_BACKUP,
	       "by number: 10.0.5.10 is above 10.0.5.9");
	is_int(vsd_mesh_role(ip("9.255.255.255"), ip("10.0.0.0")), VSD_HB_PRIMARY,
	       "by number across the first byte");
}

/* The derived keys are 32 bytes each; the rest of the struct is not key. */
static bool same_keys(const struct vsd_hb_keys *x, const struct vsd_hb_keys *y)
{
	return !memcmp(x->hb[0].bytes, y->hb[0].bytes, 32) &&
	       !memcmp(x->hb[1].bytes, y->hb[1].bytes, 32) &&
	       !memcmp(x->sync[0].bytes, y->sync[0].bytes, 32) &&
	       !memcmp(x->sync[1].bytes, y->sync[1].bytes, 32);
}

static void test_keys(void)
{
	struct vsd_hb_key shared = { .bytes = "0123456789abcdef", .len = 16 };
	struct vsd_hb_keys ab, ba, ac, plain;
	struct vsd_hb m = { .node = VSD_HB_PRIMARY, .seq = 5, .time_us = NOW,
			    .nonce = 7, .echo = 9 }, got;
	struct vsd_hb_peer path = { 0 };
	uint32_t a = ip("10.0.5.1"), b = ip("10.0.5.2"), c = ip("10.0.5.3");
	uint8_t buf[VSD_HB_LEN];

	vsd_mesh_pair_keys(&shared, a, b, &ab);
	vsd_mesh_pair_keys(&shared, b, a, &ba);
	vsd_mesh_pair_keys(&shared, a, c, &ac);
	vsd_hb_keys_derive(&shared, &plain);
	ok(same_keys(&ab, &ba), "both sides of a pair derive the same keys");
	ok(memcmp(ab.hb[0].bytes, ac.hb[0].bytes, 32) &&
	   memcmp(ab.sync[1].bytes, ac.sync[1].bytes, 32), "another pair has others");
	ok(memcmp(ab.hb[0].bytes, plain.hb[0].bytes, 32),
	   "and none is a primary/backup pair's of the same key file");
	vsd_hb_encode(&m, &ab, buf);
	is_int(vsd_hb_decode(buf, sizeof(buf), &ba, VSD_HB_BACKUP, 9, &path, NOW,
			     1000000, &got), VSD_HB_OK,
	       "10.0.5.1's heartbeat passes at 10.0.5.2");
	path.last_seq = 0;
	is_int(vsd_hb_decode(buf, sizeof(buf), &ab, VSD_HB_PRIMARY, 9, &path, NOW,
			     1000000, &got), VSD_HB_SELF,
	       "sent back to 10.0.5.1, it is its own");
	path.last_seq = 0;
	is_int(vsd_hb_decode(buf, sizeof(buf), &ac, VSD_HB_BACKUP, 9, &path, NOW,
			     1000000, &got), VSD_HB_FORGED,
	       "replayed to 10.0.5.3, it does not verify");
}

#define SAME true
#define DIFF false

static struct vsd_mesh_view peer(const char *a, bool alive, bool announcing,
				 bool same)
{
	return (struct vsd_mesh_view){ .addr = ip(a), .alive = alive,
				       .announcing = announcing, .same_config = same };
}

static void test_refuse(void)
{
	struct vsd_mesh_view p[3];

	p[0] = peer("10.0.5.1", true, true, SAME);
	p[1] = peer("10.0.5.3", true, true, SAME);
	is_int(vsd_mesh_refuse(ip("10.0.5.2"), false, p, 2), -1,
	       "every configuration the same: not refused");

	p[0] = peer("10.0.5.1", true, false, DIFF);
	is_int(vsd_mesh_refuse(ip("10.0.5.2"), false, p, 1), 0,
	       "cold start, a lower director differs: refused, by it");
	is_int(vsd_mesh_refuse(ip("10.0.5.0"), false, p, 1), -1,
	       "cold start, the lowest one itself: not refused");
	p[0] = peer("10.0.5.1", true, false, SAME);
	p[1] = peer("10.0.5.2", true, false, DIFF);
	is_int(vsd_mesh_refuse(ip("10.0.5.3"), false, p, 2), -1,
	       "cold start, the lowest has our configuration: not refused");
	p[0] = peer("10.0.5.1", false, false, DIFF);
	is_int(vsd_mesh_refuse(ip("10.0.5.3"), false, p, 2), 1,
	       "a dead lower director counts for nothing: the lowest live one wins");

	p[0] = peer("10.0.5.2", true, true, DIFF);
	is_int(vsd_mesh_refuse(ip("10.0.5.1"), false, p, 1), 0,
	       "a live director announces another configuration: refused even from a lower address");
	is_int(vsd_mesh_refuse(ip("10.0.5.1"), true, p, 1), -1,
	       "both announce: the lower one keeps announcing");
	is_int(vsd_mesh_refuse(ip("10.0.5.3"), true, p, 1), 0,
	       "both announce: the higher one yields");
	p[0] = peer("10.0.5.2", false, true, DIFF);
	is_int(vsd_mesh_refuse(ip("10.0.5.3"), true, p, 1), -1,
	       "the other dead: not refused");

	p[0] = peer("10.0.5.1", true, true, SAME);
	p[1] = peer("10.0.5.2", true, true, DIFF);
	p[2] = peer("10.0.5.3", true, false, DIFF);
	is_int(vsd_mesh_refuse(ip("10.0.5.4"), false, p, 3), -1,
	       "two groups announce: the lowest announcer's configuration, ours, wins");
	is_int(vsd_mesh_refuse(ip("10.0.5.0"), false, p, 3), -1,
	       "not announcing and lowest of all, but the announcers decide: ours wins");
	p[0] = peer("10.0.5.1", true, false, SAME);
	is_int(vsd_mesh_refuse(ip("10.0.5.0"), false, p, 3), 1,
	       "only another configuration announces: it wins over the lowest address");
}

int main(void)
{
	test_roles();
	test_keys();
	test_refuse();
	return tap_done();
}
