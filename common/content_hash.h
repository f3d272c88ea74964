/* SPDX-License-Identifier: MIT */
/*
 * The content hash of the fat binary cache: the key the guest asks the
 * worker's cache with (userlib/cuda_rt_lazy.c), under which the worker
 * stores what it received (worker/cuda_fatbin_cache.c) and which the
 * daemon verifies (worker/cuda_fatbin_tidy.c).
 *
 * The content is cut into pieces of AVA_CONTENT_PIECE bytes (the last may
 * be shorter; empty content has none), and the digest is
 *
 *   SHA-256(SHA-256(piece 0) || ... || SHA-256(piece k-1) || length)
 *
 * with the length in bytes as 8 bytes little-endian.  Always this tree,
 * even for one piece, so the pieces can be hashed on several threads and
 * content of any length has one form of key; a key stays as hard to forge
 * as SHA-256 (the cache is shared by guests that do not trust each other).
 */
#ifndef AVA_CONTENT_HASH_H
#define AVA_CONTENT_HASH_H

#include <stddef.h>
#include <stdint.h>

#include "sha256.h"

#define AVA_CONTENT_PIECE (4u << 20)
#define AVA_CONTENT_HASH_LEN AVA_SHA256_LEN

struct ava_content_hash {
	struct ava_sha256 outer;	/* the pieces' digests so far */
	struct ava_sha256 piece;	/* the piece being fed */
	uint64_t len;			/* bytes fed */
};

/* Incremental: for content that arrives in parts (any sizes). */
void ava_content_hash_init(struct ava_content_hash *h);
void ava_content_hash_update(struct ava_content_hash *h, const void *p, size_t n);
void ava_content_hash_final(struct ava_content_hash *h, uint8_t out[AVA_CONTENT_HASH_LEN]);

/* The digest of n bytes at p, the pieces hashed on several threads. */
void ava_content_hash(const void *p, size_t n, uint8_t out[AVA_CONTENT_HASH_LEN]);

/* For the unit test: the one-shot hash uses n threads (fewer only for
 * fewer pieces; 0: as many as the processors allow, at most 16); returns
 * the previous setting. */
unsigned ava_content_hash_threads(unsigned n);

#endif
