/* SPDX-License-Identifier: MIT */
/*
 * SHA-256 (FIPS 180-4), the content hash of the worker's fat binary cache
 * (worker/cuda_fatbin_cache.c) and of the guest's question to it.  On x86-64
 * processors with the SHA extensions the block function uses them (several
 * times faster: a 200 MB fat binary is hashed on both sides).
 */
#ifndef AVA_SHA256_H
#define AVA_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define AVA_SHA256_LEN 32

struct ava_sha256 {
	uint32_t h[8];
	uint64_t len;		/* bytes hashed so far */
	uint8_t buf[64];	/* a partial block: len % 64 bytes */
};

void ava_sha256_init(struct ava_sha256 *s);
void ava_sha256_update(struct ava_sha256 *s, const void *p, size_t n);
void ava_sha256_final(struct ava_sha256 *s, uint8_t out[AVA_SHA256_LEN]);
/* The digest of n bytes at p. */
void ava_sha256(const void *p, size_t n, uint8_t out[AVA_SHA256_LEN]);
/* The digest as 64 lower-case hex digits and a NUL. */
void ava_sha256_hex(const uint8_t d[AVA_SHA256_LEN], char hex[2 * AVA_SHA256_LEN + 1]);
/* For the unit test: 0 forces the portable block function, 1 the fastest
 * there is; returns 1 when the processor's SHA extensions are then used. */
int ava_sha256_accel(int on);

#endif
