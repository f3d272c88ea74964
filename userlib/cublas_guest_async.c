// SPDX-License-Identifier: MIT
/*
 * When a cuBLAS compute call goes without waiting (the @async conditions of
 * api/cublas.spec): the handle is a live cuBLAS handle of this session and
 * the arguments pass the checks cuBLAS makes before it runs (those of the
 * reference BLAS: operations, sizes, leading dimensions, increments, the
 * scalars present).  The checks are sufficient, not exact: a call that
 * fails one waits, so cuBLAS's own answer (an error such as
 * CUBLAS_STATUS_INVALID_VALUE, or success) comes back at once, as natively.
 */
#include "cublas_guest_rt.h"

static int live(cublasHandle_t handle)
{
	return ava_mathlib_obj(handle, AVA_API_CUBLAS, AVA_HT_CUBLAS_cublas) != NULL;
}

static int op_ok(cublasOperation_t op)
{
	return op == CUBLAS_OP_N || op == CUBLAS_OP_T || op == CUBLAS_OP_C;
}

/* A leading dimension of a matrix with `rows` rows (the reference BLAS's max(1, rows)). */
static int ld_ok(int ld, int rows)
{
	return ld >= (rows > 1 ? rows : 1);
}

int ava_cublas_gemm_async(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n,
			  int k, int lda, int ldb, int ldc, const void *alpha, const void *beta)
{
	return live(handle) && op_ok(transa) && op_ok(transb) && m >= 0 && n >= 0 && k >= 0 &&
	       ld_ok(lda, transa == CUBLAS_OP_N ? m : k) && ld_ok(ldb, transb == CUBLAS_OP_N ? k : n) &&
	       ld_ok(ldc, m) && alpha && beta;
}

int ava_cublas_gemm_ex_async(cublasComputeType_t compute, cudaDataType ctype, cublasGemmAlgo_t algo)
{
	return ava_cublas_scalar_bytes(compute, ctype) != 0 &&
	       ((algo >= CUBLAS_GEMM_DEFAULT && algo <= CUBLAS_GEMM_ALGO23) ||
		(algo >= CUBLAS_GEMM_DEFAULT_TENSOR_OP && algo <= CUBLAS_GEMM_ALGO15_TENSOR_OP));
}

int ava_cublas_gemv_async(cublasHandle_t handle, cublasOperation_t trans, int m, int n, int lda, int incx, int incy,
			  const void *alpha, const void *beta)
{
	return live(handle) && op_ok(trans) && m >= 0 && n >= 0 && ld_ok(lda, m) && incx != 0 && incy != 0 &&
	       alpha && beta;
}

/* Level 1 (axpy, scal, copy): negative increments, legal but rare, wait. */
int ava_cublas_vec_async(cublasHandle_t handle, int n, int incx, int incy)
{
	return live(handle) && n >= 0 && incx > 0 && incy > 0;
}
