/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuBLASLt guest stubs (build/gen/cublasLt_guest.c)
 * need.  The libcublasLt.so.13 shim links against AvA's libcuda.so.1 and
 * shares its session (docs/cuda.md).
 */
#ifndef AVA_CUBLASLT_GUEST_RT_H
#define AVA_CUBLASLT_GUEST_RT_H

#include <cublasLt.h>

#include "cublasLt_ids.h"
#include "cublas_ids.h"
#include "cublas_status.h"
#include "mathlib_guest.h"
#include "mathlib_types.h"

/* A handle's id: a cuBLASLt handle's, or a cuBLAS handle's (one is a cuBLASLt handle too). */
uint64_t ava_cublaslt_handle_id(const void *handle, uint32_t type);
/* @pmode: nonzero when the descriptor's alpha and beta are device pointers. */
int ava_cublaslt_pmode(cublasLtMatmulDesc_t desc);
/* Bytes of alpha and beta: one scalar of the descriptor's scale type. */
uint64_t ava_cublaslt_scale_bytes(cublasLtMatmulDesc_t desc);
/* @after hooks: what the guest keeps of a descriptor */
void ava_cublaslt_desc_created(cublasLtMatmulDesc_t desc, cudaDataType_t scale);
void ava_cublaslt_desc_set(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attr, const void *buf,
			   size_t size);

/* the generated call cublasLtGetVersion makes */
cublasStatus_t avagen_avaCublasLtGetVersion(size_t *version);

#endif
