/* SPDX-License-Identifier: MIT */
/*
 * What the generated CUDA guest stubs (build/gen/cuda_guest.c for the
 * driver API, build/gen/cudart_guest.c for the runtime API) and the
 * hand-written parts of the two shims need.
 *
 * libcuda.so.1 holds the guest runtime (one session per process, objects,
 * the transport) and exports it as ava_*; libcudart.so.13 links against it,
 * so both APIs share one session and one handle space (docs/cuda.md).
 */
#ifndef AVA_CUDA_GUEST_RT_H
#define AVA_CUDA_GUEST_RT_H

/* the spec names deprecated entry points too (they must exist as symbols) */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "cuda_types.h"
#include "cuda_ids.h"
#include "cudart_ids.h"
#include "guest_call.h"
#include "guest_objects.h"

#define AVA_EXPORT __attribute__((visibility("default")))

/* ------------------------------------------------------------ handles */
/* A stream's id: NULL, CU_STREAM_LEGACY and CU_STREAM_PER_THREAD are special. */
uint64_t ava_cu_stream_id(const void *p, uint32_t type);

/* ------------------------------------------------------------ device memory */
/* Device allocations the guest saw, to tell device from host pointers
 * (cuMemcpy, cudaMemcpyDefault). */
void ava_cu_track_add(int ret, uint64_t ptr, uint64_t size);
void ava_cu_track_del(int ret, uint64_t ptr);
int ava_cu_is_device(uint64_t ptr);

struct ava_cu_api;

/* ------------------------------------------------------------ pinned host memory */
/* After an alloc call succeeded: takes the region's memory from the worker
 * (an fd on the session socket), maps it and remembers it. */
void *ava_cu_hostmem_map(struct ava_obj *hm, uint64_t size, unsigned int flags);
/* The region holding [p, p + n), or NULL; *off is p's offset in it. */
struct ava_obj *ava_cu_hostmem_find(const void *p, uint64_t n, uint64_t *off);
/* Forgets and unmaps the region starting at p: 0 and its object (to
 * release; NULL for local memory), or -1 when p starts no region. */
int ava_cu_hostmem_unmap(void *p, struct ava_obj **obj);
/* Pinned host memory of size bytes into *p, mapped from the worker where the
 * transport shares memory, else local memory: 0 or the API's error. */
int ava_cu_host_alloc(const struct ava_cu_api *a, void **p, size_t size, unsigned int flags);
/* Local memory standing in for pinned memory the worker cannot share. */
void *ava_cu_hostmem_local(uint64_t size, unsigned int flags);
int ava_cu_hostmem_flags(const void *p, unsigned int *flags);
/* Serializes alloc calls (their fds arrive on the socket in order). */
void ava_cu_hostmem_lock(void);
void ava_cu_hostmem_unlock(void);

/* Bytes per chunk of a pageable copy through the shared arena. */
uint64_t ava_cu_chunk(void);
/* memcpy, over helper threads when large (AVA_CUDA_COPY_THREADS). */
void ava_cu_memcpy(void *dst, const void *src, size_t n);
/*
 * What the paths both shims share need of one API (driver or runtime):
 * its generated calls, the same calls under that API's names and types,
 * and its codes; results are that API's codes, 0 = success.
 */
struct ava_cu_api {
	uint32_t api, htod_fn;	/* AVA_API_* and its avaCuMemcpyHtoD or avaRtMemcpyHtoD */
	uint32_t func_type;	/* the handle type of its kernel functions */
	int err_no_device, err_no_memory, err_not_supported;	/* for a failed transport */
	int err_bad_func;	/* not a function of the API */
	int err_bad_params;	/* the worker's parameter layout is unusable */
	int (*hostmem)(uint64_t dev, struct ava_obj *hm, uint64_t off, uint64_t n, int to_device, CUstream st,
		       int flags);
	int (*dtoh)(void *dst, uint64_t src, uint64_t n, CUstream st, int flags);
	/* asks the worker to copy n bytes at src into hm at off, without waiting */
	int (*stage_dtoh)(struct ava_obj *hm, uint64_t off, uint64_t src, uint64_t n, CUstream st, int flags);
	/* waits for the calls sent without waiting: the first one's result */
	int (*sync)(void);
	/* a function's parameter layout (AVA_CU_PARAM_INFO_WORDS words at most) */
	int (*func_params)(void *fn, size_t cap, unsigned long long *info, size_t *info_bytes);
	/* pinned host memory the worker shares (its fd follows on the socket) */
	int (*host_alloc)(ava_hostmem_t *hm, size_t size, unsigned int flags);
};
/*
 * Defines name, a shim's struct ava_cu_api, with the adapters it needs:
 * gen is the prefix of the API's generated calls (avagen_avaCu,
 * avagen_avaRt), devptr(x) turns a uint64_t into its device pointer type;
 * the rest are the fields of struct ava_cu_api in their order.
 */
#define AVA_CU_API_DEFINE(name, gen, devptr, api_, htod_fn_, func_type_, no_device, no_memory, not_supported,	\
			  bad_func, bad_params)								\
static int name##_hostmem(uint64_t dev, struct ava_obj *hm, uint64_t off, uint64_t n, int to_device,		\
			  CUstream st, int flags)								\
{														\
	return gen##MemcpyHostmem(devptr(dev), (ava_hostmem_t)hm, off, n, to_device, st, flags);		\
}														\
static int name##_dtoh(void *dst, uint64_t src, uint64_t n, CUstream st, int flags)				\
{														\
	return gen##MemcpyDtoH(dst, devptr(src), n, st, flags);						\
}														\
static int name##_stage_dtoh(struct ava_obj *hm, uint64_t off, uint64_t src, uint64_t n, CUstream st,		\
			     int flags)										\
{														\
	return gen##StageDtoH((ava_hostmem_t)hm, off, devptr(src), n, st, flags);				\
}														\
static int name##_sync(void)											\
{														\
	return gen##Sync();											\
}														\
static int name##_func_params(void *fn, size_t cap, unsigned long long *info, size_t *info_bytes)		\
{														\
	return gen##FuncParams(fn, cap, info, info_bytes);							\
}														\
static int name##_host_alloc(ava_hostmem_t *hm, size_t size, unsigned int flags)				\
{														\
	return gen##HostAlloc(hm, size, flags);									\
}														\
static const struct ava_cu_api name = {										\
	api_, htod_fn_, func_type_, no_device, no_memory, not_supported, bad_func, bad_params,			\
	name##_hostmem, name##_dtoh, name##_stage_dtoh, name##_sync, name##_func_params, name##_host_alloc,	\
}

/*
 * Copies between pageable or pinned host memory and the device, ordered on
 * st when stream_api (a *Async call): pinned memory in one call, pageable
 * memory through the arena in chunks; a large device-to-host copy is
 * pipelined through a pinned staging region shared with the worker.
 */
int ava_cu_copy_htod(const struct ava_cu_api *a, uint64_t dst, const void *src, uint64_t n, CUstream st,
		     int stream_api);
int ava_cu_copy_dtoh(const struct ava_cu_api *a, void *dst, uint64_t src, uint64_t n, CUstream st,
		     int stream_api);

/* ------------------------------------------------------------ kernel parameters */
/* Layout of a function's parameters, kept with its guest object. */
struct ava_cu_finfo {
	struct ava_obj_part part;	/* first: the CUDA part of the object */
	uint32_t n;
	uint64_t total;
	uint64_t *off;
	uint64_t *size;
};
struct ava_cu_finfo *ava_cu_finfo_of(const void *fn);
/* Makes sure fn has its parameter layout, fetched from the worker once: 0 or the API's error. */
int ava_cu_func_ready(const struct ava_cu_api *a, void *fn);
/* codecs @kparams (driver) and @rtkparams (runtime) */
void ava_cu_kparams_put(struct ava_call *c, void **params, const void *fn, void **extra);
void ava_cudart_kparams_put(struct ava_call *c, void **params, const void *kernel);
/* codec @hostfn: a host function registered by __cudaRegisterFunction */
void ava_cudart_hostfn_put(struct ava_call *c, const void *func);

/* ------------------------------------------------------------ error texts */
/* A cached name (which = 0) or description (which = 1) of an API's error code. */
const char *ava_cu_text(uint32_t api, int err, int which, int (*fetch)(int err, int which, char *buf));

/* ------------------------------------------------------------ generated stubs the wrappers call */
CUresult avagen_cuCtxCreate(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags, CUdevice dev);
CUresult avagen_avaCuModuleLoadData(CUmodule *module, const void *image, size_t size);
CUresult avagen_avaCuFuncParams(CUfunction func, size_t cap, unsigned long long *info, size_t *info_bytes);
CUresult avagen_cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
			       unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
			       unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
			       void **kernelParams, void **extra);
CUresult avagen_cuLaunchCooperativeKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
					  unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
					  unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
					  void **kernelParams);
CUresult avagen_cuOccupancyMaxPotentialBlockSize(int *minGridSize, int *blockSize, CUfunction func,
						 CUoccupancyB2DSize blockSizeToDynamicSMemSize,
						 size_t dynamicSMemSize, int blockSizeLimit);
CUresult avagen_avaCuHostAlloc(ava_hostmem_t *hm, size_t size, unsigned int flags);
CUresult avagen_avaCuHostDevicePointer(CUdeviceptr *pdptr, ava_hostmem_t hm, size_t offset);
CUresult avagen_avaCuMemcpyHtoD(CUdeviceptr dst, const void *src, size_t count, CUstream stream, int flags);
CUresult avagen_avaCuMemcpyDtoH(void *dst, CUdeviceptr src, size_t count, CUstream stream, int flags);
CUresult avagen_avaCuMemcpyHostmem(CUdeviceptr dev, ava_hostmem_t hm, size_t offset, size_t count,
				   int to_device, CUstream stream, int flags);
CUresult avagen_avaCuErrorText(CUresult error, int which, char *text);
CUresult avagen_avaCuSync(void);
CUresult avagen_avaCuStageDtoH(ava_hostmem_t hm, size_t offset, CUdeviceptr src, size_t count, CUstream stream,
			       int flags);

cudaError_t avagen_cudaGetLastError(void);
cudaError_t avagen_cudaPeekAtLastError(void);
cudaError_t avagen_avaRtErrorText(cudaError_t error, int which, char *text);
cudaError_t avagen_avaRtSync(void);
cudaError_t avagen_avaRtStageDtoH(ava_hostmem_t hm, size_t offset, const void *src, size_t count,
				  cudaStream_t stream, int flags);
cudaError_t avagen_avaRtHostAlloc(ava_hostmem_t *hm, size_t size, unsigned int flags);
cudaError_t avagen_avaRtHostDevicePointer(unsigned long long *pdev, ava_hostmem_t hm, size_t offset);
cudaError_t avagen_avaRtSymbolInfo(ava_var_t var, unsigned long long *addr, size_t *size);
cudaError_t avagen_avaRtMemcpyHtoD(void *dst, const void *src, size_t count, cudaStream_t stream, int flags);
cudaError_t avagen_avaRtMemcpyDtoH(void *dst, const void *src, size_t count, cudaStream_t stream, int flags);
cudaError_t avagen_avaRtMemcpyDtoD(void *dst, const void *src, size_t count, cudaStream_t stream, int flags);
cudaError_t avagen_avaRtMemcpyHostmem(void *dev, ava_hostmem_t hm, size_t offset, size_t count,
				      int to_device, cudaStream_t stream, int flags);
cudaError_t avagen_avaRtRegisterFatBinary(ava_fatbin_t *fatbin, const void *data, size_t size);
cudaError_t avagen_avaRtRegisterFatBinaryEnd(ava_fatbin_t fatbin);
cudaError_t avagen_avaRtRegisterFunction(ava_fatbin_t fatbin, cudaKernel_t *kfunc, const char *name,
					 int thread_limit);
cudaError_t avagen_avaRtRegisterVar(ava_fatbin_t fatbin, ava_var_t *var, const char *name, int ext,
				    size_t size, int constant, int global);
cudaError_t avagen_avaRtInitModule(ava_fatbin_t fatbin, int *ok);
cudaError_t avagen___cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
				      size_t sharedMem, cudaStream_t stream);
cudaError_t avagen_avaRtLaunchCooperative(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
					  size_t sharedMem, cudaStream_t stream);
cudaError_t avagen_avaRtFuncParams(cudaKernel_t kernel, size_t cap, unsigned long long *info,
				   size_t *info_bytes);

#endif
