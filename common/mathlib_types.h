/* SPDX-License-Identifier: MIT */
/*
 * Sizes both halves of the math-library shims evaluate (a spec's size
 * expressions run in the guest, and again in the worker as its check).
 */
#ifndef AVA_MATHLIB_TYPES_H
#define AVA_MATHLIB_TYPES_H

#include <stdint.h>

#include <library_types.h>

/*
 * Bytes of one scalar of data type t (alpha, beta of cuBLASLt and
 * cuSPARSE).  An unknown type gets the largest scalar (double complex), so
 * the worker always holds what the library may read; the library refuses
 * the type itself.
 */
static inline uint64_t ava_cuda_dtype_bytes(cudaDataType t)
{
	switch (t) {
	case CUDA_R_8I:
	case CUDA_R_8U:
		return 1;
	case CUDA_R_16F:
	case CUDA_R_16BF:
	case CUDA_C_8I:
	case CUDA_C_8U:
		return 2;
	case CUDA_R_32F:
	case CUDA_R_32I:
	case CUDA_R_32U:
	case CUDA_C_16F:
	case CUDA_C_16BF:
		return 4;
	case CUDA_R_64F:
	case CUDA_C_32F:
	case CUDA_R_64I:
	case CUDA_R_64U:
		return 8;
	default:
		return 16;
	}
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
