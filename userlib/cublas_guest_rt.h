/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuBLAS guest stubs (build/gen/cublas_guest.c) need.
 * The libcublas.so.13 shim links against AvA's libcuda.so.1, whose guest
 * runtime (session, objects, transport) it shares: one session per
 * process for every CUDA API (docs/cuda.md).
 */
#ifndef AVA_CUBLAS_GUEST_RT_H
#define AVA_CUBLAS_GUEST_RT_H

/* the spec names deprecated entry points too (they must exist as symbols) */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include <cublas_v2.h>
#include <stdint.h>

#include "cublas_ids.h"
#include "cublas_types.h"
#include "cublas_status.h"
#include "mathlib_guest.h"

/* @pmode: the handle's pointer mode as the guest set it (host by default). */
int ava_cublas_pmode(cublasHandle_t handle);
/* @after hooks: what the guest keeps of a handle's settings */
void ava_cublas_set_pmode(cublasHandle_t handle, cublasPointerMode_t mode);
/* @after of cublasSetWorkspace: the next set-stream call is sent (cublas_guest.c). */
void ava_cublas_workspace_set(cublasHandle_t handle);

/* @async conditions of the compute calls: nonzero when the call may go
 * without waiting (cublas_guest_async.c); one function per argument shape. */
int ava_cublas_gemm_async(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n,
			  int k, int lda, int ldb, int ldc, const void *alpha, const void *beta);
/* with ava_cublas_gemm_async: the Ex calls' compute type and algorithm */
int ava_cublas_gemm_ex_async(cublasComputeType_t compute, cudaDataType ctype, cublasGemmAlgo_t algo);
int ava_cublas_gemv_async(cublasHandle_t handle, cublasOperation_t trans, int m, int n, int lda, int incx, int incy,
			  const void *alpha, const void *beta);
int ava_cublas_vec_async(cublasHandle_t handle, int n, int incx, int incy);

#endif
