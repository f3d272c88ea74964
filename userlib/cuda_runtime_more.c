// SPDX-License-Identifier: MIT
/*
 * More hand-written entry points of the libcudart.so.13 shim
 * (api/cudart.spec): host functions and stream callbacks (through the
 * driver API's channel, cuda_hostfn.c), cudaLaunchKernelExC, pointer
 * attributes, 2-D copies (cuda_copy2d.c) and the driver entry points.
 */
#include "cuda_runtime_more.h"

#include <string.h>

static cudaError_t from_cu(CUresult r)
{
	switch (r) {
	case CUDA_SUCCESS:
		return cudaSuccess;
	case CUDA_ERROR_INVALID_VALUE:
		return cudaErrorInvalidValue;
	case CUDA_ERROR_INVALID_HANDLE:
		return cudaErrorInvalidResourceHandle;
	case CUDA_ERROR_OUT_OF_MEMORY:
		return cudaErrorMemoryAllocation;
	case CUDA_ERROR_NOT_SUPPORTED:
		return cudaErrorNotSupported;
	case CUDA_ERROR_NOT_FOUND:
		return cudaErrorSymbolNotFound;
	case CUDA_ERROR_NO_DEVICE:
		return cudaErrorNoDevice;
	default:
		return cudaErrorUnknown;
	}
}

cudaError_t avaguest_cudaLaunchHostFunc(cudaStream_t stream, cudaHostFn_t fn, void *userData)
{
	return ava_rt_err(from_cu(ava_cu_host_fn(AVA_CU_HOSTFN_FUNC, stream, (void (*)(void))fn, userData)));
}

cudaError_t avaguest_cudaStreamAddCallback(cudaStream_t stream, cudaStreamCallback_t callback, void *userData,
					   unsigned int flags)
{
	if (flags)
		return ava_rt_err(cudaErrorInvalidValue);
	return ava_rt_err(from_cu(ava_cu_host_fn(AVA_CU_HOSTFN_RT_CALLBACK, stream, (void (*)(void))callback,
						 userData)));
}

cudaError_t avaguest_cudaLaunchKernelExC(const cudaLaunchConfig_t *config, const void *func, void **args)
{
	cudaKernel_t k = ava_rt_kernel_of(func);
	cudaError_t r;

	if (!config || (config->numAttrs && !config->attrs))
		return ava_rt_err(cudaErrorInvalidValue);
	if (!k)
		return ava_rt_err(cudaErrorInvalidDeviceFunction);
	if ((r = ava_rt_kernel_ready(k)) != cudaSuccess)
		return ava_rt_err(r);
	return avagen_avaRtLaunchKernelEx(k, config->gridDim, config->blockDim, config->dynamicSmemBytes,
					  config->stream, config->attrs, config->numAttrs, args);
}

/* Pinned memory is the guest's; device memory is asked of the worker. */
cudaError_t avaguest_cudaPointerGetAttributes(struct cudaPointerAttributes *attributes, const void *ptr)
{
	unsigned long long dev = 0;
	struct ava_obj *hm;
	uint64_t off = 0;
	cudaError_t r;

	if (!attributes)
		return ava_rt_err(cudaErrorInvalidValue);
	hm = ava_cu_hostmem_find(ptr, 1, &off);
	if (!hm && !ava_cu_is_device((uint64_t)(uintptr_t)ptr)) {
		memset(attributes, 0, sizeof(*attributes));
		attributes->type = cudaMemoryTypeUnregistered;
		attributes->device = -2;	/* as libcudart answers for memory it does not know */
		return cudaSuccess;
	}
	if (!hm)
		return ava_rt_err(avagen_avaRtPointerAttributes(attributes, ptr));
	r = avagen_avaRtHostDevicePointer(&dev, (ava_hostmem_t)hm, off);
	if (r != cudaSuccess)
		return ava_rt_err(r);
	attributes->type = cudaMemoryTypeHost;
	attributes->device = 0;
	attributes->devicePointer = (void *)(uintptr_t)dev;
	attributes->hostPointer = (void *)ptr;
	return cudaSuccess;
}

static int rt_dev(void *dst, size_t dpitch, const void *src, size_t spitch, size_t w, size_t h, void *st, int async)
{
	return avagen_avaRtMemcpy2DDevice(dst, dpitch, src, spitch, w, h, st, async);
}

static int rt_htod(void *dst, size_t dpitch, const void *packed, size_t bytes, size_t w, size_t h, void *st)
{
	return avagen_avaRtMemcpy2DHtoD(dst, dpitch, packed, bytes, w, h, st);
}

static int rt_dtoh(void *packed, size_t bytes, const void *src, size_t spitch, size_t w, size_t h, void *st)
{
	return avagen_avaRtMemcpy2DDtoH(packed, bytes, src, spitch, w, h, st);
}

static const struct ava_cu_2d_ops rt_ops = { rt_dev, rt_htod, rt_dtoh, cudaErrorInvalidValue,
					     cudaErrorMemoryAllocation };

static cudaError_t copy2d(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width, size_t height,
			  enum cudaMemcpyKind kind, cudaStream_t stream, int async)
{
	int ddev, sdev;

	if (kind == cudaMemcpyDefault) {
		ddev = ava_cu_is_device((uint64_t)(uintptr_t)dst);
		sdev = ava_cu_is_device((uint64_t)(uintptr_t)src);
	} else if (kind >= cudaMemcpyHostToHost && kind <= cudaMemcpyDeviceToDevice) {
		ddev = kind == cudaMemcpyHostToDevice || kind == cudaMemcpyDeviceToDevice;
		sdev = kind == cudaMemcpyDeviceToHost || kind == cudaMemcpyDeviceToDevice;
	} else {
		return ava_rt_err(cudaErrorInvalidMemcpyDirection);
	}
	return ava_rt_err((cudaError_t)ava_cu_copy2d(&rt_ops, dst, ddev, dpitch, src, sdev, spitch, width, height,
						     stream, async));
}

cudaError_t avaguest_cudaMemcpy2D(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
				  size_t height, enum cudaMemcpyKind kind)
{
	return copy2d(dst, dpitch, src, spitch, width, height, kind, NULL, 0);
}

cudaError_t avaguest_cudaMemcpy2DAsync(void *dst, size_t dpitch, const void *src, size_t spitch, size_t width,
				       size_t height, enum cudaMemcpyKind kind, cudaStream_t stream)
{
	return copy2d(dst, dpitch, src, spitch, width, height, kind, stream, 1);
}

/* AvA's own driver API functions (the libcuda.so.1 shim's cuGetProcAddress). */
cudaError_t avaguest_cudaGetDriverEntryPointByVersion(const char *symbol, void **funcPtr, unsigned int cudaVersion,
						      unsigned long long flags,
						      enum cudaDriverEntryPointQueryResult *driverStatus)
{
	CUdriverProcAddressQueryResult st = CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
	CUresult r;

	if (!symbol || !funcPtr)
		return ava_rt_err(cudaErrorInvalidValue);
	r = cuGetProcAddress(symbol, funcPtr, (int)cudaVersion, flags, &st);
	if (driverStatus)
		*driverStatus = (enum cudaDriverEntryPointQueryResult)st;
	/* not found is reported in driverStatus, the call itself succeeds */
	return r == CUDA_ERROR_NOT_FOUND ? cudaSuccess : ava_rt_err(from_cu(r));
}

cudaError_t avaguest_cudaGetDriverEntryPoint(const char *symbol, void **funcPtr, unsigned long long flags,
					     enum cudaDriverEntryPointQueryResult *driverStatus)
{
	return avaguest_cudaGetDriverEntryPointByVersion(symbol, funcPtr, CUDART_VERSION, flags, driverStatus);
}
