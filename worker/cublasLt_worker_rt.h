/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuBLASLt worker dispatch (build/gen/cublasLt_worker.c)
 * needs.  The worker calls NVIDIA's libcublasLt.so.13 through a table
 * filled with dlsym when a session first uses cuBLASLt (mathlib_table.c).
 */
#ifndef AVA_CUBLASLT_WORKER_RT_H
#define AVA_CUBLASLT_WORKER_RT_H

#include <cublasLt.h>

#include "../common/mathlib_types.h"
#include "mathlib_worker.h"
#define AVAW_CUBLASLT_SYMS
#include "cublasLt_ids.h"

AVAW_MATHLIB_DECLS(cublasLt, CUBLASLT)

/* @pmode: 0 when mode (1: device) is the descriptor's pointer mode, else the error. */
int64_t avaw_cublaslt_pmode_check(struct avaw_call *c, cublasLtMatmulDesc_t desc, int mode);
/* Bytes of alpha and beta: one scalar of the descriptor's scale type (0: unknown). */
uint64_t ava_cublaslt_scale_bytes(cublasLtMatmulDesc_t desc);

/* @wimpl */
cublasStatus_t avaw_cublaslt_get_version(struct avaw_call *c, size_t *version);
cublasStatus_t avaw_cublaslt_desc_set(struct avaw_call *c, cublasLtMatmulDesc_t desc,
				      cublasLtMatmulDescAttributes_t attr, const void *buf, size_t size);
cublasStatus_t avaw_cublaslt_desc_get(struct avaw_call *c, cublasLtMatmulDesc_t desc,
				      cublasLtMatmulDescAttributes_t attr, void *buf, size_t size, size_t *written);
cublasStatus_t avaw_cublaslt_matmul(struct avaw_call *c, cublasLtHandle_t handle, cublasLtMatmulDesc_t desc,
				    const void *alpha, const void *A, cublasLtMatrixLayout_t Adesc, const void *B,
				    cublasLtMatrixLayout_t Bdesc, const void *beta, const void *C,
				    cublasLtMatrixLayout_t Cdesc, void *D, cublasLtMatrixLayout_t Ddesc,
				    const cublasLtMatmulAlgo_t *algo, void *workspace, size_t workspace_size,
				    cudaStream_t stream);

#endif
