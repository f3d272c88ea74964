// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcusparse.so.12 shim: the handle's pointer
 * mode (which decides how alpha, beta and some results travel), its stream
 * (mathlib_guest.h), the ids of the read-only descriptor types, and the
 * status texts.
 */
#include "cusparse_guest_rt.h"

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

static const struct {
	cusparseStatus_t st;
	const char *name, *text;
} texts[] = {
	{ CUSPARSE_STATUS_SUCCESS, "CUSPARSE_STATUS_SUCCESS", "success" },
	{ CUSPARSE_STATUS_NOT_INITIALIZED, "CUSPARSE_STATUS_NOT_INITIALIZED", "initialization error" },
	{ CUSPARSE_STATUS_ALLOC_FAILED, "CUSPARSE_STATUS_ALLOC_FAILED", "out of memory" },
	{ CUSPARSE_STATUS_INVALID_VALUE, "CUSPARSE_STATUS_INVALID_VALUE", "invalid value" },
	{ CUSPARSE_STATUS_ARCH_MISMATCH, "CUSPARSE_STATUS_ARCH_MISMATCH", "architecture mismatch" },
	{ CUSPARSE_STATUS_MAPPING_ERROR, "CUSPARSE_STATUS_MAPPING_ERROR", "mapping error" },
	{ CUSPARSE_STATUS_EXECUTION_FAILED, "CUSPARSE_STATUS_EXECUTION_FAILED", "execution failed" },
	{ CUSPARSE_STATUS_INTERNAL_ERROR, "CUSPARSE_STATUS_INTERNAL_ERROR", "internal operation failed" },
	{ CUSPARSE_STATUS_MATRIX_TYPE_NOT_SUPPORTED, "CUSPARSE_STATUS_MATRIX_TYPE_NOT_SUPPORTED",
	  "matrix type not supported" },
	{ CUSPARSE_STATUS_ZERO_PIVOT, "CUSPARSE_STATUS_ZERO_PIVOT", "zero pivot" },
	{ CUSPARSE_STATUS_NOT_SUPPORTED, "CUSPARSE_STATUS_NOT_SUPPORTED", "operation not supported" },
	{ CUSPARSE_STATUS_INSUFFICIENT_RESOURCES, "CUSPARSE_STATUS_INSUFFICIENT_RESOURCES",
	  "insufficient resources" },
};

static const char *status_text(cusparseStatus_t st, int which)
{
	size_t i;

	for (i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		if (texts[i].st == st)
			return which ? texts[i].text : texts[i].name;
	return which ? "unknown error" : "CUSPARSE_STATUS_UNKNOWN";
}

AVA_EXPORT const char *cusparseGetErrorName(cusparseStatus_t status)
{
	return status_text(status, 0);
}

AVA_EXPORT const char *cusparseGetErrorString(cusparseStatus_t status)
{
	return status_text(status, 1);
}
