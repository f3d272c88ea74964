// SPDX-License-Identifier: MIT
/*
 * cuBLASLt in the worker (NVIDIA's libcublasLt.so.13, opened in the
 * session's worker process: mathlib_table.c) and the checks its spec
 * names: handles of cuBLAS taken as cuBLASLt ones, the descriptor's
 * pointer mode and scale type, device addresses held in descriptor
 * attributes, and workspaces inside one allocation.
 */
#include "cublasLt_worker_rt.h"
#include "cublas_ids.h"

#define LT avaw_cublasLt_sym

/* A cuBLASLt handle of this API, or a cuBLAS handle (which is one too). */
int avaw_cublaslt_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	return avaw_mathlib_handle(c, id, type, obj) ||
	       (id != 0 && avaw_mathlib_foreign_handle(c, AVA_API_CUBLAS, id, AVA_HT_CUBLAS_cublas, obj));
}

AVAW_MATHLIB_RELEASE(avaw_cublaslt_release, LT, cublasLtDestroy)
AVAW_MATHLIB_RELEASE(avaw_cublaslt_desc_release, LT, cublasLtMatmulDescDestroy)
AVAW_MATHLIB_RELEASE(avaw_cublaslt_layout_release, LT, cublasLtMatrixLayoutDestroy)
AVAW_MATHLIB_RELEASE(avaw_cublaslt_pref_release, LT, cublasLtMatmulPreferenceDestroy)

/* An int32_t attribute of desc, or -1. */
static int32_t desc_attr(cublasLtMatmulDesc_t desc, cublasLtMatmulDescAttributes_t attr)
{
	int32_t v = -1;
	size_t n = 0;

	if (!desc || !LT.cublasLtMatmulDescGetAttribute ||
	    LT.cublasLtMatmulDescGetAttribute(desc, attr, &v, sizeof(v), &n) != CUBLAS_STATUS_SUCCESS)
		return -1;
	return v;
}

uint64_t ava_cublaslt_scale_bytes(cublasLtMatmulDesc_t desc)
{
	int32_t t = desc_attr(desc, CUBLASLT_MATMUL_DESC_SCALE_TYPE);

	return t < 0 ? 0 : ava_cuda_dtype_bytes((cudaDataType)t);
}

/* A forged mode would make cuBLASLt read a worker address as a device one,
 * or dereference a device address on the host. */
int64_t avaw_cublaslt_pmode_check(struct avaw_call *c, cublasLtMatmulDesc_t desc, int mode)
{
	int32_t m;

	if (!desc)
		return CUBLAS_STATUS_INVALID_VALUE;
	if (!avaw_cublasLt_ready(c))
		return 0;	/* the call answers that the library is missing */
	m = desc_attr(desc, CUBLASLT_MATMUL_DESC_POINTER_MODE);
	if (m < 0)
		return CUBLAS_STATUS_INVALID_VALUE;
	/* alpha on the device, beta on the host: the two cannot travel apart */
	if (m == CUBLASLT_POINTER_MODE_ALPHA_DEVICE_VECTOR_BETA_HOST)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	return (m != CUBLASLT_POINTER_MODE_HOST) == (mode == 1) ? 0 : CUBLAS_STATUS_INVALID_VALUE;
}

cublasStatus_t avaw_cublaslt_get_version(struct avaw_call *c, size_t *version)
{
	(void)c;
	if (!LT.cublasLtGetVersion)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	*version = LT.cublasLtGetVersion();
	return CUBLAS_STATUS_SUCCESS;
}

/* The attributes whose value is a device address (cublasLt.h). */
static int is_pointer_attr(cublasLtMatmulDescAttributes_t attr)
{
	switch (attr) {
	case CUBLASLT_MATMUL_DESC_BIAS_POINTER:
	case CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_POINTER:
	case CUBLASLT_MATMUL_DESC_A_SCALE_POINTER:
	case CUBLASLT_MATMUL_DESC_B_SCALE_POINTER:
	case CUBLASLT_MATMUL_DESC_C_SCALE_POINTER:
	case CUBLASLT_MATMUL_DESC_D_SCALE_POINTER:
	case CUBLASLT_MATMUL_DESC_AMAX_D_POINTER:
	case CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_SCALE_POINTER:
	case CUBLASLT_MATMUL_DESC_EPILOGUE_AUX_AMAX_POINTER:
	case CUBLASLT_MATMUL_DESC_D_OUT_SCALE_POINTER:
		return 1;
	default:
		return 0;
	}
}

cublasStatus_t avaw_cublaslt_desc_set(struct avaw_call *c, cublasLtMatmulDesc_t desc,
				      cublasLtMatmulDescAttributes_t attr, const void *buf, size_t size)
{
	uint64_t p;

	/* the emulation descriptor is a host object: no address of the guest's is one */
	if (attr == CUBLASLT_MATMUL_DESC_EMULATION_DESCRIPTOR)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	if (is_pointer_attr(attr)) {
		if (!buf || size != sizeof(void *))
			return CUBLAS_STATUS_INVALID_VALUE;
		memcpy(&p, buf, sizeof(p));
		if (!avaw_mathlib_devptr_ok(c, p))
			return CUBLAS_STATUS_INVALID_VALUE;
	}
	return LT.cublasLtMatmulDescSetAttribute(desc, attr, buf, size);
}

cublasStatus_t avaw_cublaslt_desc_get(struct avaw_call *c, cublasLtMatmulDesc_t desc,
				      cublasLtMatmulDescAttributes_t attr, void *buf, size_t size, size_t *written)
{
	(void)c;
	/* its value would be a worker address */
	if (attr == CUBLASLT_MATMUL_DESC_EMULATION_DESCRIPTOR)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	return LT.cublasLtMatmulDescGetAttribute(desc, attr, buf, size, written);
}

cublasStatus_t avaw_cublaslt_matmul(struct avaw_call *c, cublasLtHandle_t handle, cublasLtMatmulDesc_t desc,
				    const void *alpha, const void *A, cublasLtMatrixLayout_t Adesc, const void *B,
				    cublasLtMatrixLayout_t Bdesc, const void *beta, const void *C,
				    cublasLtMatrixLayout_t Cdesc, void *D, cublasLtMatrixLayout_t Ddesc,
				    const cublasLtMatmulAlgo_t *algo, void *workspace, size_t workspace_size,
				    cudaStream_t stream)
{
	(void)c;
	/* cuBLASLt may use all workspace_size bytes: they must be one allocation's */
	if (workspace_size && !avaw_mathlib_range_ok((uint64_t)(uintptr_t)workspace, workspace_size))
		return CUBLAS_STATUS_INVALID_VALUE;
	return LT.cublasLtMatmul(handle, desc, alpha, A, Adesc, B, Bdesc, beta, C, Cdesc, D, Ddesc, algo,
				 workspace, workspace_size, stream);
}
