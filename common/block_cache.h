/* SPDX-License-Identifier: MIT */
/*
 * A few freed large blocks kept for reuse.  A fresh block of tens of MiB
 * costs a page fault per page (and the kernel zeroing it) on first touch,
 * more than copying the data: transfers and mappings that need a buffer of
 * their own each time (a non-blocking transfer's staging in the worker, a
 * mapping's mirror in the guest) take one from here instead.  The owner
 * chooses how blocks are allocated and freed; the cache only keeps them,
 * at most AVA_BLOCK_SLOTS blocks and `max` bytes in all.
 */
#ifndef AVA_BLOCK_CACHE_H
#define AVA_BLOCK_CACHE_H

#include <pthread.h>
#include <stdint.h>

#define AVA_BLOCK_SLOTS 4
#define AVA_BLOCK_MIN (1u << 20)	/* smaller blocks are not worth keeping */

struct ava_block_cache {
	pthread_mutex_t lock;
	void *blk[AVA_BLOCK_SLOTS];
	uint64_t cap[AVA_BLOCK_SLOTS];
	uint64_t bytes;
};

#define AVA_BLOCK_CACHE_INIT { .lock = PTHREAD_MUTEX_INITIALIZER }

/* The smallest kept block of n to 2n bytes (its size in *cap), or NULL. */
void *ava_block_take(struct ava_block_cache *bc, uint64_t n, uint64_t *cap);
/* 1 when the block was kept (at most max bytes in all), else the caller frees it. */
int ava_block_put(struct ava_block_cache *bc, void *p, uint64_t cap, uint64_t max);

#endif
