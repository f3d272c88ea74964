// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcublasLt.so.13 shim: which handles it
 * takes (its own and cuBLAS's), what the guest keeps of each matmul
 * descriptor (the scale type and pointer mode, which decide how alpha and
 * beta travel), the version and the status texts.
 */
#include "cublasLt_guest_rt.h"

#include <stdatomic.h>
#include <string.h>

AVA_MATHLIB_SHIM(cublasLt, "AvA cuBLASLt shim");

uint64_t ava_cublaslt_handle_id(const void *handle, uint32_t type)
{
	struct ava_obj *o = ava_obj_check(handle, 0);

	if (o && ((o->api == AVA_API_CUBLASLT && o->type == type) ||
		  (o->api == AVA_API_CUBLAS && o->type == AVA_HT_CUBLAS_cublas)))
		return o->id;
	return AVA_ID_INVALID;
}

struct desc_state {
	struct ava_obj_part part;	/* first: the object's part */
	atomic_int scale, pmode;
};

/* The state kept with a live matmul descriptor; made on first use if create. */
static struct desc_state *desc_of(cublasLtMatmulDesc_t desc, int create)
{
	struct ava_obj *o = ava_mathlib_obj(desc, AVA_API_CUBLASLT, AVA_HT_CUBLASLT_matmul);

	return (struct desc_state *)ava_obj_state(o, sizeof(struct desc_state), create);
}

int ava_cublaslt_pmode(cublasLtMatmulDesc_t desc)
{
	struct desc_state *s = desc_of(desc, 0);

	return s && atomic_load(&s->pmode) != CUBLASLT_POINTER_MODE_HOST;
}

uint64_t ava_cublaslt_scale_bytes(cublasLtMatmulDesc_t desc)
{
	struct desc_state *s = desc_of(desc, 0);

	return ava_cuda_dtype_bytes(s ? (cudaDataType)atomic_load(&s->scale) : CUDA_R_32F);
}

void ava_cublaslt_desc_created(cublasLtMatmulDesc_t desc, cudaDataType_t scale)
{
	struct desc_state *s = desc_of(desc, 1);

	if (s)
		atomic_store(&s->scale, scale);
}

void ava_cublaslt_desc_set(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attr, const void *buf,
			   size_t size)
{
	struct desc_state *s = desc_of(desc, 1);
	int32_t v;

	if (!s || !buf || size != sizeof(v))
		return;
	memcpy(&v, buf, sizeof(v));
	if (attr == CUBLASLT_MATMUL_DESC_SCALE_TYPE)
		atomic_store(&s->scale, v);
	else if (attr == CUBLASLT_MATMUL_DESC_POINTER_MODE)
		atomic_store(&s->pmode, v);
}

AVA_EXPORT size_t cublasLtGetVersion(void)
{
	size_t v = 0;

	return avagen_avaCublasLtGetVersion(&v) == CUBLAS_STATUS_SUCCESS ? v : 0;
}

AVA_EXPORT const char *cublasLtGetStatusName(cublasStatus_t status)
{
	return ava_cublas_status_text(status, 0);
}

AVA_EXPORT const char *cublasLtGetStatusString(cublasStatus_t status)
{
	return ava_cublas_status_text(status, 1);
}
