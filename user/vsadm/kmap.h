/* SPDX-License-Identifier: GPL-2.0 */
/* A hash map from fixed 24-byte keys to indexes, for the -R simulation. */
#ifndef _VSADM_KMAP_H
#define _VSADM_KMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kmap_key {
	uint8_t b[24];
};

struct kmap_slot {
	struct kmap_key key;
	size_t val;
	uint8_t state;		/* 0 empty, 1 used, 2 deleted */
};

struct kmap {
	struct kmap_slot *slots;
	size_t size, used, live;
};

bool kmap_get(const struct kmap *m, const struct kmap_key *k, size_t *val);
int kmap_put(struct kmap *m, const struct kmap_key *k, size_t val);
void kmap_del(struct kmap *m, const struct kmap_key *k);
void kmap_free(struct kmap *m);

#endif /* _VSADM_KMAP_H */
