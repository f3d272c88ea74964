/* SPDX-License-Identifier: MIT */
/*
 * Sizes both halves of the cuRAND shim compute (api/curand.spec: the guest
 * sends, the worker expects, exactly these bytes).
 */
#ifndef AVA_CURAND_TYPES_H
#define AVA_CURAND_TYPES_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of n numbers of esize bytes; UINT64_MAX (never sent) on overflow. */
static inline uint64_t ava_curand_bytes(size_t n, uint64_t esize)
{
	uint64_t bytes;

	return __builtin_mul_overflow((uint64_t)n, esize, &bytes) ? UINT64_MAX : bytes;
}

#endif
