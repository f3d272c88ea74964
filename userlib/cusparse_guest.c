// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcusparse.so.12 shim: the handle's pointer
 * mode (which decides how alpha, beta and some results travel), its stream
 * (mathlib_guest.h), the ids of the read-only descriptor types, and the
 * status texts.
 */
#include "cusparse_guest_rt.h"
#include "status_texts.h"

AVA_MATHLIB_SHIM(cusparse, "AvA cuSPARSE shim");

AVA_MATHLIB_SET_STREAM(cusparseStatus_t, cusparseSetStream, cusparseHandle_t,
		       ava_mathlib_obj(handle, AVA_API_CUSPARSE, AVA_HT_CUSPARSE_sparse), CUSPARSE_STATUS_SUCCESS)

int ava_cusparse_pmode(cusparseHandle_t handle)
{
	return ava_mathlib_pmode(handle, AVA_API_CUSPARSE, AVA_HT_CUSPARSE_sparse);
}

void ava_cusparse_set_pmode(cusparseHandle_t handle, cusparsePointerMode_t mode)
{
	ava_mathlib_set_pmode(handle, AVA_API_CUSPARSE, AVA_HT_CUSPARSE_sparse, mode == CUSPARSE_POINTER_MODE_DEVICE);
}

uint64_t ava_cusparse_spmat_id(const void *descr, uint32_t type)
{
	(void)type;
	return ava_obj_id(descr, AVA_HT_CUSPARSE_spmat);
}

uint64_t ava_cusparse_dnmat_id(const void *descr, uint32_t type)
{
	(void)type;
	return ava_obj_id(descr, AVA_HT_CUSPARSE_dnmat);
}

uint64_t ava_cusparse_dnvec_id(const void *descr, uint32_t type)
{
	(void)type;
	return ava_obj_id(descr, AVA_HT_CUSPARSE_dnvec);
}

static const struct ava_status_text texts[] = {
	AVA_STATUS(CUSPARSE_STATUS_SUCCESS, "success"),
	AVA_STATUS(CUSPARSE_STATUS_NOT_INITIALIZED, "initialization error"),
	AVA_STATUS(CUSPARSE_STATUS_ALLOC_FAILED, "out of memory"),
	AVA_STATUS(CUSPARSE_STATUS_INVALID_VALUE, "invalid value"),
	AVA_STATUS(CUSPARSE_STATUS_ARCH_MISMATCH, "architecture mismatch"),
	AVA_STATUS(CUSPARSE_STATUS_MAPPING_ERROR, "mapping error"),
	AVA_STATUS(CUSPARSE_STATUS_EXECUTION_FAILED, "execution failed"),
	AVA_STATUS(CUSPARSE_STATUS_INTERNAL_ERROR, "internal operation failed"),
	AVA_STATUS(CUSPARSE_STATUS_MATRIX_TYPE_NOT_SUPPORTED, "matrix type not supported"),
	AVA_STATUS(CUSPARSE_STATUS_ZERO_PIVOT, "zero pivot"),
	AVA_STATUS(CUSPARSE_STATUS_NOT_SUPPORTED, "operation not supported"),
	AVA_STATUS(CUSPARSE_STATUS_INSUFFICIENT_RESOURCES, "insufficient resources"),
};

AVA_EXPORT const char *cusparseGetErrorName(cusparseStatus_t status)
{
	return AVA_STATUS_TEXT(texts, status, 0, "CUSPARSE_STATUS_UNKNOWN");
}

AVA_EXPORT const char *cusparseGetErrorString(cusparseStatus_t status)
{
	return AVA_STATUS_TEXT(texts, status, 1, NULL);
}
