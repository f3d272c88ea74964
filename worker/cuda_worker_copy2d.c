// SPDX-License-Identifier: MIT
/*
 * 2-D copies in the worker (userlib/cuda_copy2d.c): device to device as
 * asked; packed host rows (inline in the command or the reply) copied on
 * the stream, waited for before the buffer goes away.
 */
#include "cuda_worker_internal.h"

/* The packed buffer holds exactly height rows of width bytes. */
static int packed_ok(size_t bytes, size_t w, size_t h)
{
	return w && h && w <= SIZE_MAX / h && bytes == w * h;
}

static CUresult cu_copy(CUdeviceptr dd, const void *dh, size_t dpitch, CUdeviceptr sd, const void *sh, size_t spitch,
			size_t w, size_t h, CUstream st, int wait)
{
	CUDA_MEMCPY2D m = { 0 };
	CUresult r;

	m.srcMemoryType = sh ? CU_MEMORYTYPE_HOST : CU_MEMORYTYPE_DEVICE;
	m.srcHost = sh;
	m.srcDevice = sd;
	m.srcPitch = spitch;
	m.dstMemoryType = dh ? CU_MEMORYTYPE_HOST : CU_MEMORYTYPE_DEVICE;
	m.dstHost = (void *)dh;
	m.dstDevice = dd;
	m.dstPitch = dpitch;
	m.WidthInBytes = w;
	m.Height = h;
	if (!CU.cuMemcpy2DAsync)
		return CUDA_ERROR_NOT_SUPPORTED;
	r = CU.cuMemcpy2DAsync(&m, st);
	return r == CUDA_SUCCESS && wait ? CU.cuStreamSynchronize(st) : r;
}

CUresult avaw_cu_2d_dev(struct avaw_call *c, CUdeviceptr dst, size_t dpitch, CUdeviceptr src, size_t spitch, size_t w,
			size_t h, CUstream st, int async)
{
	(void)c;
	return cu_copy(dst, NULL, dpitch, src, NULL, spitch, w, h, st, !async);
}

CUresult avaw_cu_2d_htod(struct avaw_call *c, CUdeviceptr dst, size_t dpitch, const void *src, size_t bytes, size_t w,
			 size_t h, CUstream st)
{
	(void)c;
	if (!packed_ok(bytes, w, h))
		return CUDA_ERROR_INVALID_VALUE;
	return cu_copy(dst, NULL, dpitch, 0, src, w, w, h, st, 1);
}

CUresult avaw_cu_2d_dtoh(struct avaw_call *c, void *dst, size_t bytes, CUdeviceptr src, size_t spitch, size_t w,
			 size_t h, CUstream st)
{
	(void)c;
	if (!dst || !packed_ok(bytes, w, h))
		return CUDA_ERROR_INVALID_VALUE;
	return cu_copy(0, dst, w, src, NULL, spitch, w, h, st, 1);
}

static cudaError_t rt_copy(void *dst, size_t dpitch, const void *src, size_t spitch, size_t w, size_t h,
			   enum cudaMemcpyKind kind, cudaStream_t st, int wait)
{
	cudaError_t r;

	if (!RT.cudaMemcpy2DAsync)
		return cudaErrorNotSupported;
	r = RT.cudaMemcpy2DAsync(dst, dpitch, src, spitch, w, h, kind, st);
	return r == cudaSuccess && wait ? RT.cudaStreamSynchronize(st) : r;
}

cudaError_t avaw_rt_2d_dev(struct avaw_call *c, void *dst, size_t dpitch, const void *src, size_t spitch, size_t w,
			   size_t h, cudaStream_t st, int async)
{
	(void)c;
	return rt_copy(dst, dpitch, src, spitch, w, h, cudaMemcpyDeviceToDevice, st, !async);
}

cudaError_t avaw_rt_2d_htod(struct avaw_call *c, void *dst, size_t dpitch, const void *src, size_t bytes, size_t w,
			    size_t h, cudaStream_t st)
{
	(void)c;
	if (!packed_ok(bytes, w, h))
		return cudaErrorInvalidValue;
	return rt_copy(dst, dpitch, src, w, w, h, cudaMemcpyHostToDevice, st, 1);
}

cudaError_t avaw_rt_2d_dtoh(struct avaw_call *c, void *dst, size_t bytes, const void *src, size_t spitch, size_t w,
			    size_t h, cudaStream_t st)
{
	(void)c;
	if (!dst || !packed_ok(bytes, w, h))
		return cudaErrorInvalidValue;
	return rt_copy(dst, w, src, spitch, w, h, cudaMemcpyDeviceToHost, st, 1);
}
