/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuSPARSE worker dispatch (build/gen/cusparse_worker.c)
 * needs.  The worker calls NVIDIA's libcusparse.so.12 through a table
 * filled with dlsym when a session first uses cuSPARSE (mathlib_table.c).
 */
#ifndef AVA_CUSPARSE_WORKER_RT_H
#define AVA_CUSPARSE_WORKER_RT_H

#include <cusparse.h>

#include "../common/mathlib_types.h"
#include "mathlib_worker.h"
#define AVAW_CUSPARSE_SYMS
#include "cusparse_ids.h"

AVAW_MATHLIB_DECLS(cusparse, CUSPARSE)

/* @pmode: 0 when mode (1: device) is the handle's pointer mode, else the error. */
int64_t avaw_cusparse_pmode_check(struct avaw_call *c, cusparseHandle_t handle, int mode);
/* The read-only descriptor types: objects of the writable ones. */
int avaw_cusparse_spmat(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
int avaw_cusparse_dnmat(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
int avaw_cusparse_dnvec(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);

/* @wimpl: the external buffer must hold what the product needs inside one allocation. */
cusparseStatus_t avaw_cusparse_spmv(struct avaw_call *c, cusparseHandle_t handle, cusparseOperation_t opA,
				    const void *alpha, cusparseConstSpMatDescr_t matA, cusparseConstDnVecDescr_t vecX,
				    const void *beta, cusparseDnVecDescr_t vecY, cudaDataType computeType,
				    cusparseSpMVAlg_t alg, void *buffer);
cusparseStatus_t avaw_cusparse_spmm(struct avaw_call *c, cusparseHandle_t handle, cusparseOperation_t opA,
				    cusparseOperation_t opB, const void *alpha, cusparseConstSpMatDescr_t matA,
				    cusparseConstDnMatDescr_t matB, const void *beta, cusparseDnMatDescr_t matC,
				    cudaDataType computeType, cusparseSpMMAlg_t alg, void *buffer);

#endif
