/* SPDX-License-Identifier: MIT */
/*
 * Types and sizes both halves of the cuBLAS shim share (api/cublas.spec
 * evaluates the sizes in the guest and checks them in the worker).
 */
#ifndef AVA_CUBLAS_TYPES_H
#define AVA_CUBLAS_TYPES_H

#include <stdint.h>

#include <cublas_v2.h>

/*
 * __half is a C++ type, and cublas_api.h declares the half-precision calls
 * for C++ only: in C they take this stand-in (same size, passed by
 * pointer), declared here as NVIDIA's library exports them.
 */
typedef struct {
	unsigned short bits;
} ava_half_t;
cublasStatus_t cublasHgemm(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m,
			   int n, int k, const ava_half_t *alpha, const ava_half_t *A, int lda, const ava_half_t *B,
			   int ldb, const ava_half_t *beta, ava_half_t *C, int ldc);

/*
 * Bytes of an alpha or beta of the *Ex calls: the compute type's element,
 * twice for complex C.  An unknown compute type gets the largest scalar
 * (double complex), so the worker always holds what cuBLAS may read; cuBLAS
 * refuses the type itself.
 */
static inline uint64_t ava_cublas_scalar_bytes(cublasComputeType_t compute, cudaDataType ctype)
{
	uint64_t n;

	switch (compute) {
	case CUBLAS_COMPUTE_16F:
	case CUBLAS_COMPUTE_16F_PEDANTIC:
		n = 2;
		break;
	case CUBLAS_COMPUTE_32F:
	case CUBLAS_COMPUTE_32F_PEDANTIC:
	case CUBLAS_COMPUTE_32F_FAST_16F:
	case CUBLAS_COMPUTE_32F_FAST_16BF:
	case CUBLAS_COMPUTE_32F_FAST_TF32:
	case CUBLAS_COMPUTE_32F_EMULATED_16BFX9:
	case CUBLAS_COMPUTE_32I:
	case CUBLAS_COMPUTE_32I_PEDANTIC:
		n = 4;
		break;
	case CUBLAS_COMPUTE_64F:
	case CUBLAS_COMPUTE_64F_PEDANTIC:
	case CUBLAS_COMPUTE_64F_EMULATED_FIXEDPOINT:
		n = 8;
		break;
	default:
		return 16;
	}
	switch (ctype) {
	case CUDA_C_16F:
	case CUDA_C_16BF:
	case CUDA_C_32F:
	case CUDA_C_64F:
	case CUDA_C_4I:
	case CUDA_C_4U:
	case CUDA_C_8I:
	case CUDA_C_8U:
	case CUDA_C_16I:
	case CUDA_C_16U:
	case CUDA_C_32I:
	case CUDA_C_32U:
	case CUDA_C_64I:
	case CUDA_C_64U:
		return 2 * n;
	default:
		return n;
	}
}

#endif
