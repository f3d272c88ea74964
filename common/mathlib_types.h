/* SPDX-License-Identifier: MIT */
/*
 * Sizes both halves of the math-library shims evaluate (a spec's size
 * expressions run in the guest, and again in the worker as its check).
 */
#ifndef AVA_MATHLIB_TYPES_H
#define AVA_MATHLIB_TYPES_H

#include <stdint.h>

#include <library_types.h>

#include "enum_sizes.h"

/*
 * Bytes of one scalar of data type t (alpha, beta of cuBLASLt and
 * cuSPARSE).  An unknown type gets the largest scalar (double complex), so
 * the worker always holds what the library may read; the library refuses
 * the type itself.
 */
static inline uint64_t ava_cuda_dtype_bytes(cudaDataType t)
{
	static const uint8_t sizes[] = {
		[CUDA_R_8I] = 1, [CUDA_R_8U] = 1,
		[CUDA_R_16F] = 2, [CUDA_R_16BF] = 2, [CUDA_C_8I] = 2, [CUDA_C_8U] = 2,
		[CUDA_R_32F] = 4, [CUDA_R_32I] = 4, [CUDA_R_32U] = 4, [CUDA_C_16F] = 4, [CUDA_C_16BF] = 4,
		[CUDA_R_64F] = 8, [CUDA_C_32F] = 8, [CUDA_R_64I] = 8, [CUDA_R_64U] = 8,
	};

	return AVA_ENUM_SIZE(sizes, t, 16);
}

/* Elements of an output array whose count is an int: none when negative. */
static inline uint64_t ava_mathlib_count(int n)
{
	return n > 0 ? (uint64_t)n : 0;
}

/* Bytes of a workspace of n elements of size bytes each: 0 when n is not positive. */
static inline uint64_t ava_mathlib_elems(int64_t n, uint64_t size)
{
	return n > 0 ? (uint64_t)n * size : 0;
}

#endif
