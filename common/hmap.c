// SPDX-License-Identifier: MIT
#include "hmap.h"

#include <stdlib.h>

static size_t slot_of(uint64_t key, size_t cap)
{
	key ^= key >> 33;
	key *= 0xff51afd7ed558ccdull;
	key ^= key >> 33;
	return (size_t)key & (cap - 1);
}

static struct ava_hmap_slot *find(const struct ava_hmap *m, uint64_t key)
{
	size_t i;

	if (!m->cap || key == 0 || key == AVA_HMAP_DEAD)
		return NULL;
	for (i = slot_of(key, m->cap);; i = (i + 1) & (m->cap - 1)) {
		if (m->slots[i].key == key)
			return &m->slots[i];
		if (m->slots[i].key == 0)
			return NULL;
	}
}

void *ava_hmap_get(const struct ava_hmap *m, uint64_t key)
{
	struct ava_hmap_slot *s = find(m, key);

	return s ? s->val : NULL;
}

static int grow(struct ava_hmap *m)
{
	/* mostly tombstones: rehash at the same size */
	size_t ncap = !m->cap ? 64 : m->live * 4 < m->cap ? m->cap : m->cap * 2, i;
	struct ava_hmap_slot *ns = calloc(ncap, sizeof(*ns)), *old = m->slots;

	if (!ns)
		return -1;
	for (i = 0; i < m->cap; i++) {
		size_t j;

		if (old[i].key == 0 || old[i].key == AVA_HMAP_DEAD)
			continue;
		for (j = slot_of(old[i].key, ncap); ns[j].key; j = (j + 1) & (ncap - 1))
			;
		ns[j] = old[i];
	}
	free(old);
	m->slots = ns;
	m->cap = ncap;
	m->used = m->live;
	return 0;
}

int ava_hmap_put(struct ava_hmap *m, uint64_t key, void *val)
{
	struct ava_hmap_slot *s = find(m, key);
	size_t i;

	if (key == 0 || key == AVA_HMAP_DEAD)
		return -1;
	if (s) {
		s->val = val;
		return 0;
	}
	if ((m->used + 1) * 2 > m->cap && grow(m))
		return -1;
	for (i = slot_of(key, m->cap); m->slots[i].key && m->slots[i].key != AVA_HMAP_DEAD;
	     i = (i + 1) & (m->cap - 1))
		;
	if (m->slots[i].key == 0)
		m->used++;
	m->slots[i].key = key;
	m->slots[i].val = val;
	m->live++;
	return 0;
}

void *ava_hmap_del(struct ava_hmap *m, uint64_t key)
{
	struct ava_hmap_slot *s = find(m, key);
	void *v;

	if (!s)
		return NULL;
	v = s->val;
	s->key = AVA_HMAP_DEAD;
	s->val = NULL;
	m->live--;
	return v;
}

void ava_hmap_free(struct ava_hmap *m)
{
	free(m->slots);
	m->slots = NULL;
	m->cap = m->used = m->live = 0;
}

void ava_hmap_each(const struct ava_hmap *m, void (*fn)(uint64_t, void *, void *), void *arg)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		if (m->slots[i].key && m->slots[i].key != AVA_HMAP_DEAD)
			fn(m->slots[i].key, m->slots[i].val, arg);
}
