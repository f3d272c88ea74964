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

#define HANDLE_OBJ(h) ava_mathlib_obj(h, AVA_API_CUBLAS, AVA_HT_CUBLAS_cublas)

AVA_MATHLIB_SET_STREAM(cublasStatus_t, cublasSetStream_v2, cublasHandle_t, HANDLE_OBJ(handle), CUBLAS_STATUS_SUCCESS)

/* cublasSetStream resets the workspace to the default pool: after a
 * cublasSetWorkspace, a set-stream call to the same stream is sent. */
void ava_cublas_workspace_set(cublasHandle_t handle)
{
	ava_mathlib_stream_forget(HANDLE_OBJ(handle));
}

AVA_EXPORT cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, cudaStream_t *streamId)
{
	struct ava_obj *o = HANDLE_OBJ(handle);

	if (!o)
		return CUBLAS_STATUS_NOT_INITIALIZED;
	if (!streamId)
		return CUBLAS_STATUS_INVALID_VALUE;
	*streamId = (cudaStream_t)ava_mathlib_stream(o);
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
