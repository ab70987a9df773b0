// SPDX-License-Identifier: GPL-2.0
/*
 * Open addressing with linear probing and tombstones. -R checks every line
 * against the table it will produce, so lookups must stay O(1) for tables
 * of a million services.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "kmap.h"

enum { EMPTY, USED, DELETED };

/* The slot holding k, or else the first free one on its probe path. */
static struct kmap_slot *probe(const struct kmap *m, const struct kmap_key *k)
{
	size_t mask = m->size - 1, i = vs_hash_bytes(k->b, sizeof(k->b)) & mask;
	struct kmap_slot *free_slot = NULL;

	for (;;) {
		struct kmap_slot *s = &m->slots[i];

		if (s->state == EMPTY)
			return free_slot ? free_slot : s;
		if (s->state == DELETED && !free_slot)
			free_slot = s;
		if (s->state == USED && !memcmp(&s->key, k, sizeof(*k)))
			return s;
		i = (i + 1) & mask;
	}
}

bool kmap_get(const struct kmap *m, const struct kmap_key *k, size_t *val)
{
	struct kmap_slot *s;

	if (!m->size)
		return false;
	s = probe(m, k);
	if (s->state != USED || memcmp(&s->key, k, sizeof(*k)))
		return false;
	*val = s->val;
	return true;
}

static int rehash(struct kmap *m)
{
	struct kmap old = *m;
	size_t i;

	m->size = old.live * 4 > 64 ? old.live * 4 : 64;
	while (m->size & (m->size - 1))
		m->size &= m->size - 1;	/* round down to a power of two */
	m->size *= 2;
	m->slots = calloc(m->size, sizeof(*m->slots));
	if (!m->slots) {
		*m = old;
		return -ENOMEM;
	}
	m->used = m->live = 0;
	for (i = 0; i < old.size; i++) {
		if (old.slots[i].state != USED)
			continue;
		*probe(m, &old.slots[i].key) = old.slots[i];
		m->used++;
		m->live++;
	}
	free(old.slots);
	return 0;
}

int kmap_put(struct kmap *m, const struct kmap_key *k, size_t val)
{
	struct kmap_slot *s;

	if ((m->used + 1) * 2 > m->size && rehash(m))
		return -ENOMEM;
	s = probe(m, k);
	if (s->state != USED) {
		if (s->state == EMPTY)
			m->used++;
		m->live++;
		s->state = USED;
		s->key = *k;
	}
	s->val = val;
	return 0;
}

void kmap_del(struct kmap *m, const struct kmap_key *k)
{
	struct kmap_slot *s;

	if (!m->size)
		return;
	s = probe(m, k);
	if (s->state == USED && !memcmp(&s->key, k, sizeof(*k))) {
		s->state = DELETED;
		m->live--;
	}
}

void kmap_free(struct kmap *m)
{
	free(m->slots);
	memset(m, 0, sizeof(*m));
}
