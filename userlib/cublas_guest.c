// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcublas.so.13 shim: what the guest keeps
 * of each handle (its pointer mode, which decides how alpha, beta and
 * results travel, and its stream), and the status texts.
 */
#include "cublas_guest_rt.h"

#include <stdatomic.h>

AVA_MATHLIB_SHIM(cublas, "AvA cuBLAS shim");

struct cublas_state {
	struct ava_obj_part part;	/* first: the object's part */
	atomic_int pmode;
	_Atomic(cudaStream_t) stream;
};

/* The object of a live cuBLAS handle, or NULL. */
static struct ava_obj *handle_obj(cublasHandle_t handle)
{
	struct ava_obj *o = ava_obj_check(handle, AVA_HT_CUBLAS_cublas);

	return o && o->api == AVA_API_CUBLAS ? o : NULL;
}

/* The state kept with a live cuBLAS handle; made on first use if create. */
static struct cublas_state *state_of(cublasHandle_t handle, int create)
{
	struct ava_obj *o = handle_obj(handle);

	if (!o)
		return NULL;
	if (!create)
		return (struct cublas_state *)ava_obj_part(o);
	return (struct cublas_state *)ava_obj_part_get(o, sizeof(struct cublas_state), ava_obj_part_free);
}

int ava_cublas_pmode(cublasHandle_t handle)
{
	struct cublas_state *s = state_of(handle, 0);

	return s ? atomic_load(&s->pmode) : CUBLAS_POINTER_MODE_HOST;
}

void ava_cublas_set_pmode(cublasHandle_t handle, cublasPointerMode_t mode)
{
	struct cublas_state *s = state_of(handle, 1);

	if (s)
		atomic_store(&s->pmode, mode == CUBLAS_POINTER_MODE_DEVICE);
}

void ava_cublas_set_stream(cublasHandle_t handle, cudaStream_t stream)
{
	struct cublas_state *s = state_of(handle, 1);

	if (s)
		atomic_store(&s->stream, stream);
}

AVA_EXPORT cublasStatus_t cublasGetStream_v2(cublasHandle_t handle, cudaStream_t *streamId)
{
	struct ava_obj *o = handle_obj(handle);
	struct cublas_state *s;

	if (!o)
		return CUBLAS_STATUS_NOT_INITIALIZED;
	if (!streamId)
		return CUBLAS_STATUS_INVALID_VALUE;
	s = (struct cublas_state *)ava_obj_part(o);
	*streamId = s ? atomic_load(&s->stream) : NULL;
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
