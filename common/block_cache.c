// SPDX-License-Identifier: MIT
/* A few freed large blocks kept for reuse (block_cache.h says why). */
#include <stddef.h>

#include "block_cache.h"

void *ava_block_take(struct ava_block_cache *bc, uint64_t n, uint64_t *cap)
{
	unsigned i, best = AVA_BLOCK_SLOTS;
	void *p = NULL;

	if (n < AVA_BLOCK_MIN)
		return NULL;
	pthread_mutex_lock(&bc->lock);
	for (i = 0; i < AVA_BLOCK_SLOTS; i++)
		if (bc->blk[i] && bc->cap[i] >= n && bc->cap[i] / 2 <= n &&
		    (best == AVA_BLOCK_SLOTS || bc->cap[i] < bc->cap[best]))
			best = i;
	if (best < AVA_BLOCK_SLOTS) {
		p = bc->blk[best];
		*cap = bc->cap[best];
		bc->blk[best] = NULL;
		bc->bytes -= bc->cap[best];
	}
	pthread_mutex_unlock(&bc->lock);
	return p;
}

int ava_block_put(struct ava_block_cache *bc, void *p, uint64_t cap, uint64_t max)
{
	unsigned i;
	int kept = 0;

	if (!p || cap < AVA_BLOCK_MIN)
		return 0;
	pthread_mutex_lock(&bc->lock);
	for (i = 0; i < AVA_BLOCK_SLOTS && !kept; i++)
		if (!bc->blk[i] && bc->bytes <= max && cap <= max - bc->bytes) {
			bc->blk[i] = p;
			bc->cap[i] = cap;
			bc->bytes += cap;
			kept = 1;
		}
	pthread_mutex_unlock(&bc->lock);
	return kept;
}
