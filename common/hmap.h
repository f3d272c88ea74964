/* SPDX-License-Identifier: MIT */
/* A small open-addressing hash map from u64 keys to pointers (key 0 unused). */
#ifndef AVA_HMAP_H
#define AVA_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct ava_hmap_slot {
	uint64_t key;		/* 0 = empty, AVA_HMAP_DEAD = removed */
	void *val;
};

struct ava_hmap {
	struct ava_hmap_slot *slots;
	size_t cap;		/* power of two */
	size_t used;		/* live + dead slots */
	size_t live;
};

#define AVA_HMAP_DEAD UINT64_MAX

void *ava_hmap_get(const struct ava_hmap *m, uint64_t key);
/* Returns 0, or -1 when out of memory.  Replaces an existing value. */
int ava_hmap_put(struct ava_hmap *m, uint64_t key, void *val);
void *ava_hmap_del(struct ava_hmap *m, uint64_t key);
void ava_hmap_free(struct ava_hmap *m);
/* Calls fn for every entry; fn may not modify the map. */
void ava_hmap_each(const struct ava_hmap *m, void (*fn)(uint64_t key, void *val, void *arg), void *arg);

#endif
