// SPDX-License-Identifier: MIT
/*
 * cuSPARSE in the worker (NVIDIA's libcusparse.so.12, opened in the
 * session's worker process: mathlib_table.c): the handle's pointer mode,
 * the read-only descriptor types, the external buffers of SpMV and SpMM
 * (they must hold what the product needs), and how a handle goes (the
 * descriptors' release is their destroy call, api/cusparse.spec destroy=).  The checks of
 * device addresses are the math libraries' (mathlib_worker.c).
 */
#include "cusparse_worker_rt.h"

#define SPARSE avaw_cusparse_sym

/* A forged mode would make cuSPARSE read a worker address as a device one,
 * or dereference a device address on the host. */
int64_t avaw_cusparse_pmode_check(struct avaw_call *c, cusparseHandle_t handle, int mode)
{
	cusparsePointerMode_t m;
	cusparseStatus_t st;

	if (!handle)
		return CUSPARSE_STATUS_NOT_INITIALIZED;
	if (!avaw_cusparse_ready(c) || !SPARSE.cusparseGetPointerMode)
		return 0;	/* the call answers that the library is missing */
	st = SPARSE.cusparseGetPointerMode(handle, &m);
	if (st != CUSPARSE_STATUS_SUCCESS)
		return st;
	return (m == CUSPARSE_POINTER_MODE_DEVICE) == (mode == 1) ? 0 : CUSPARSE_STATUS_INVALID_VALUE;
}

int avaw_cusparse_spmat(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	(void)type;
	return avaw_mathlib_handle(c, id, AVA_HT_CUSPARSE_spmat, obj);
}

int avaw_cusparse_dnmat(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	(void)type;
	return avaw_mathlib_handle(c, id, AVA_HT_CUSPARSE_dnmat, obj);
}

int avaw_cusparse_dnvec(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	(void)type;
	return avaw_mathlib_handle(c, id, AVA_HT_CUSPARSE_dnvec, obj);
}

/* Does buffer hold need bytes inside one allocation (NULL when none are needed)? */
static int buffer_ok(cusparseStatus_t st, void *buffer, size_t need)
{
	return st == CUSPARSE_STATUS_SUCCESS &&
	       (!need || (buffer && avaw_mathlib_range_ok((uint64_t)(uintptr_t)buffer, need)));
}

cusparseStatus_t avaw_cusparse_spmv(struct avaw_call *c, cusparseHandle_t handle, cusparseOperation_t opA,
				    const void *alpha, cusparseConstSpMatDescr_t matA, cusparseConstDnVecDescr_t vecX,
				    const void *beta, cusparseDnVecDescr_t vecY, cudaDataType computeType,
				    cusparseSpMVAlg_t alg, void *buffer)
{
	size_t need = 0;
	cusparseStatus_t st = CUSPARSE_STATUS_NOT_SUPPORTED;

	(void)c;
	if (SPARSE.cusparseSpMV_bufferSize)
		st = SPARSE.cusparseSpMV_bufferSize(handle, opA, alpha, matA, vecX, beta, vecY, computeType, alg, &need);
	if (!buffer_ok(st, buffer, need))
		return st != CUSPARSE_STATUS_SUCCESS ? st : CUSPARSE_STATUS_INVALID_VALUE;
	return SPARSE.cusparseSpMV(handle, opA, alpha, matA, vecX, beta, vecY, computeType, alg, buffer);
}

cusparseStatus_t avaw_cusparse_spmm(struct avaw_call *c, cusparseHandle_t handle, cusparseOperation_t opA,
				    cusparseOperation_t opB, const void *alpha, cusparseConstSpMatDescr_t matA,
				    cusparseConstDnMatDescr_t matB, const void *beta, cusparseDnMatDescr_t matC,
				    cudaDataType computeType, cusparseSpMMAlg_t alg, void *buffer)
{
	size_t need = 0;
	cusparseStatus_t st = CUSPARSE_STATUS_NOT_SUPPORTED;

	(void)c;
	if (SPARSE.cusparseSpMM_bufferSize)
		st = SPARSE.cusparseSpMM_bufferSize(handle, opA, opB, alpha, matA, matB, beta, matC, computeType, alg,
						    &need);
	if (!buffer_ok(st, buffer, need))
		return st != CUSPARSE_STATUS_SUCCESS ? st : CUSPARSE_STATUS_INVALID_VALUE;
	return SPARSE.cusparseSpMM(handle, opA, opB, alpha, matA, matB, beta, matC, computeType, alg, buffer);
}

AVAW_MATHLIB_RELEASE_HANDLE(avaw_cusparse_release, SPARSE, cusparseSetStream, cusparseDestroy)
