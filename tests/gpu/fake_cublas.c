// SPDX-License-Identifier: MIT
/*
 * A stand-in for NVIDIA's libcuda.so.1 and libcublas.so.13 in the worker
 * (AVA_CUDA_LIB, AVA_CUBLAS_LIB), so that tests/gpu/cublas_fake checks how
 * cuBLAS calls travel without a GPU: it records what cuBLAS would have
 * received and reports it back through cublasGetVersion_v2.  Its device
 * memory is one 4 KiB allocation at FAKE_DEV (for the worker's checks in
 * tests/gpu/hostile_cublas).
 */
#include <cublas_v2.h>
#include <cuda.h>
#include <stdint.h>
#include <stdlib.h>

struct fake_handle {
	cublasPointerMode_t mode;
};

static int last;	/* what the last call saw, read back by cublasGetVersion_v2 */

#define FAKE_DEV 0x7f0000000000ull
#define FAKE_DEV_SIZE 4096u

CUresult cuInit(unsigned int flags)
{
	(void)flags;
	return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
{
	static int ctx;

	*pctx = (CUcontext)&ctx;
	return dev == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

/* The flags answered are how many calls it served (tests/gpu/guest_answers). */
CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)
{
	static unsigned int served;

	if (!flags || !active)
		return CUDA_ERROR_INVALID_VALUE;
	if (dev != 0)
		return CUDA_ERROR_INVALID_DEVICE;
	*flags = ++served;
	*active = 1;
	return CUDA_SUCCESS;
}

CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags)
{
	(void)flags;
	return dev == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult cuDevicePrimaryCtxRelease(CUdevice dev)
{
	return dev == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult cuDevicePrimaryCtxReset(CUdevice dev)
{
	return dev == 0 ? CUDA_SUCCESS : CUDA_ERROR_INVALID_DEVICE;
}

CUresult cuCtxSetCurrent(CUcontext ctx)
{
	(void)ctx;
	return CUDA_SUCCESS;
}

CUresult cuMemAlloc(CUdeviceptr *dptr, size_t bytesize)
{
	*dptr = FAKE_DEV;
	return bytesize <= FAKE_DEV_SIZE ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
}

CUresult cuPointerGetAttribute(void *data, CUpointer_attribute attribute, CUdeviceptr ptr)
{
	if (attribute != CU_POINTER_ATTRIBUTE_MEMORY_TYPE || ptr < FAKE_DEV || ptr >= FAKE_DEV + FAKE_DEV_SIZE)
		return CUDA_ERROR_INVALID_VALUE;
	*(CUmemorytype *)data = CU_MEMORYTYPE_DEVICE;
	return CUDA_SUCCESS;
}

CUresult cuMemGetAddressRange(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr)
{
	if (dptr < FAKE_DEV || dptr >= FAKE_DEV + FAKE_DEV_SIZE)
		return CUDA_ERROR_NOT_FOUND;
	*pbase = FAKE_DEV;
	*psize = FAKE_DEV_SIZE;
	return CUDA_SUCCESS;
}

cublasStatus_t cublasSetWorkspace_v2(cublasHandle_t handle, void *workspace, size_t size)
{
	(void)handle, (void)workspace, (void)size;
	return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasCreate_v2(cublasHandle_t *handle)
{
	*handle = calloc(1, sizeof(struct fake_handle));
	return *handle ? CUBLAS_STATUS_SUCCESS : CUBLAS_STATUS_ALLOC_FAILED;
}

cublasStatus_t cublasDestroy_v2(cublasHandle_t handle)
{
	free(handle);
	return CUBLAS_STATUS_SUCCESS;
}

/* last = how many set-stream calls it served (tests/gpu/guest_answers) */
cublasStatus_t cublasSetStream_v2(cublasHandle_t handle, cudaStream_t stream)
{
	static int served;

	(void)handle, (void)stream;
	last = ++served;
	return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetVersion_v2(cublasHandle_t handle, int *version)
{
	(void)handle;
	*version = last;
	return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasSetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t mode)
{
	((struct fake_handle *)handle)->mode = mode;
	return CUBLAS_STATUS_SUCCESS;
}

cublasStatus_t cublasGetPointerMode_v2(cublasHandle_t handle, cublasPointerMode_t *mode)
{
	*mode = ((struct fake_handle *)handle)->mode;
	return CUBLAS_STATUS_SUCCESS;
}

/* host mode: last = 100 * alpha; device mode: the low bits of alpha's address */
cublasStatus_t cublasSaxpy_v2(cublasHandle_t handle, int n, const float *alpha, const float *x, int incx, float *y,
			      int incy)
{
	(void)n, (void)x, (void)incx, (void)y, (void)incy;
	if (!alpha)
		return CUBLAS_STATUS_INVALID_VALUE;
	last = ((struct fake_handle *)handle)->mode == CUBLAS_POINTER_MODE_HOST ? (int)(*alpha * 100) :
										    (int)((uintptr_t)alpha & 0xffff);
	return CUBLAS_STATUS_SUCCESS;
}

/* host mode: the result is n + 0.5; device mode: records result's address */
cublasStatus_t cublasSdot_v2(cublasHandle_t handle, int n, const float *x, int incx, const float *y, int incy,
			     float *result)
{
	(void)x, (void)incx, (void)y, (void)incy;
	if (!result)
		return CUBLAS_STATUS_INVALID_VALUE;
	if (((struct fake_handle *)handle)->mode == CUBLAS_POINTER_MODE_HOST)
		*result = (float)n + 0.5f;
	else
		last = (int)((uintptr_t)result & 0xffff);
	return CUBLAS_STATUS_SUCCESS;
}

/* the scalars of GemmEx with a 64F compute type: last = 100 * alpha + beta */
cublasStatus_t cublasGemmEx(cublasHandle_t handle, cublasOperation_t transa, cublasOperation_t transb, int m, int n,
			    int k, const void *alpha, const void *A, cudaDataType Atype, int lda, const void *B,
			    cudaDataType Btype, int ldb, const void *beta, void *C, cudaDataType Ctype, int ldc,
			    cublasComputeType_t computeType, cublasGemmAlgo_t algo)
{
	(void)handle, (void)transa, (void)transb, (void)m, (void)n, (void)k, (void)A, (void)Atype, (void)lda;
	(void)B, (void)Btype, (void)ldb, (void)C, (void)Ctype, (void)ldc, (void)algo;
	if (computeType != CUBLAS_COMPUTE_64F)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	last = (int)(*(const double *)alpha * 100 + *(const double *)beta);
	return CUBLAS_STATUS_SUCCESS;
}
