// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcublas.so.13 shim: what the guest keeps
 * of each handle (its pointer mode, which decides how alpha, beta and
 * results travel, and its stream), and the status texts.
 */
#include "cublas_guest_rt.h"

AVA_MATHLIB_SHIM(cublas, "AvA cuBLAS shim");

int ava_cublas_pmode(cublasHandle_t handle)
{
	return ava_mathlib_pmode(handle, AVA_API_CUBLAS, AVA_HT_CUBLAS_cublas);
}

void ava_cublas_set_pmode(cublasHandle_t handle, cublasPointerMode_t mode)
{
	ava_mathlib_set_pmode(handle, AVA_API_CUBLAS, AVA_HT_CUBLAS_cublas, mode == CUBLAS_POINTER_MODE_DEVICE);
}

void ava_cublas_set_stream(cublasHandle_t handle, cudaStream_t stream)
{
	struct ava_mathlib_state *s = ava_mathlib_state(handle, AVA_API_CUBLAS, AVA_HT_CUBLAS_cublas, 1);

	if (s)
		atomic_store(&s->stream, stream);
}

AVA_EXPORT cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, cudaStream_t *streamId)
{
	struct ava_obj *o = ava_obj_check(handle, AVA_HT_CUBLAS_cublas);
	struct ava_mathlib_state *s;

	if (!o || o->api != AVA_API_CUBLAS)
		return CUBLAS_STATUS_NOT_INITIALIZED;
	if (!streamId)
		return CUBLAS_STATUS_INVALID_VALUE;
	s = ava_mathlib_state(handle, AVA_API_CUBLAS, AVA_HT_CUBLAS_cublas, 0);
	*streamId = s ? (cudaStream_t)atomic_load(&s->stream) : NULL;
	return CUBLAS_STATUS_SUCCESS;
}

AVA_EXPORT const char *cublasGetStatusName(cublasStatus_t status)
{
	return ava_cublas_status_text(status, 0);
}

AVA_EXPORT const char *cublasGetStatusString(cublasStatus_t status)
{
	return ava_cublas_status_text(status, 1);
}
