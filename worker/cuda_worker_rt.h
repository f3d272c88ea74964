/* SPDX-License-Identifier: MIT */
/*
 * What the generated CUDA worker dispatch (build/gen/cuda_worker.c and
 * build/gen/cudart_worker.c) needs.  The worker calls NVIDIA's libcuda.so.1
 * and libcudart.so.13 through tables filled with dlsym when a session first
 * uses CUDA, so ava-hostd builds and runs on machines without them; there
 * every CUDA call answers CUDA_ERROR_NO_DEVICE / cudaErrorNoDevice.
 */
#ifndef AVA_CUDA_WORKER_RT_H
#define AVA_CUDA_WORKER_RT_H

/* the spec names deprecated entry points too (they must exist as symbols) */
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"

#include <dlfcn.h>
#include <string.h>

#include "../common/cuda_types.h"
#define AVAW_CUDA_SYMS
#define AVAW_CUDART_SYMS
#include "cuda_ids.h"
#include "cudart_ids.h"
#include "worker_call.h"
#include "worker_time.h"
#include "time_cuda.h"

extern const avaw_fn avaw_cuda_fns[AVA_FN_CUDA_COUNT];
extern const struct avaw_handle_type avaw_cuda_types[AVA_HT_CUDA_COUNT];
extern const avaw_fn avaw_cudart_fns[AVA_FN_CUDART_COUNT];

/* Loads the vendor libraries on first use; 0 when they are not available. */
int avaw_cuda_ready(struct avaw_call *c);
int avaw_cudart_ready(struct avaw_call *c);

/* @devptr: device memory (or pinned memory) of this session? */
int avaw_cu_devptr_ok(struct avaw_call *c, uint64_t ptr);

/* codecs: kernel parameters and host-side keys of registered kernels */
struct avaw_cu_kparams {
	uint64_t n;
	struct avaw_data d;
	void **val;
};
void avaw_cu_kparams_get(struct avaw_call *c, struct avaw_cu_kparams *v);
int64_t avaw_cu_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, CUfunction f, void **extra);
/* nothing to free: the pointers are the call's (avaw_alloc) */
#define avaw_cu_kparams_free(c, v, ok) ((void)(c), (void)(v), (void)(ok))
/* the runtime's kernel parameters travel as the driver API's; only the check differs */
#define avaw_cudart_kparams avaw_cu_kparams
#define avaw_cudart_kparams_get avaw_cu_kparams_get
#define avaw_cudart_kparams_free avaw_cu_kparams_free
int64_t avaw_cudart_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, cudaKernel_t k);

struct avaw_cudart_hostfn {
	uint64_t id;
	const void *val;
};
void avaw_cudart_hostfn_get(struct avaw_call *c, struct avaw_cudart_hostfn *v);
int64_t avaw_cudart_hostfn_check(struct avaw_call *c, struct avaw_cudart_hostfn *v);
#define avaw_cudart_hostfn_free(c, v, ok) ((void)(c), (void)(v), (void)(ok))

/* @wimpl: driver API */
CUresult avaw_cu_ctx_create(struct avaw_call *c, CUcontext *pctx, const CUexecAffinityParam *affinity, int count,
			     int with_params, unsigned int flags, CUdevice dev);
CUresult avaw_cu_launch_ex(struct avaw_call *c, CUfunction f, const unsigned int *dims, CUstream stream,
			    const CUlaunchAttribute *attrs, unsigned int n, void **params, void **extra);
CUresult avaw_cu_ptr_attr(struct avaw_call *c, unsigned long long *data, CUpointer_attribute attr, CUdeviceptr ptr);
CUresult avaw_cu_host_fn(struct avaw_call *c, CUstream stream, ava_hostmem_t hm, size_t offset, int kind);
CUresult avaw_cu_2d_dev(struct avaw_call *c, CUdeviceptr dst, size_t dpitch, CUdeviceptr src, size_t spitch, size_t w,
			size_t h, CUstream st, int async);
CUresult avaw_cu_2d_htod(struct avaw_call *c, CUdeviceptr dst, size_t dpitch, const void *src, size_t bytes, size_t w,
			 size_t h, CUstream st);
CUresult avaw_cu_2d_dtoh(struct avaw_call *c, void *dst, size_t bytes, CUdeviceptr src, size_t spitch, size_t w,
			 size_t h, CUstream st);
CUresult avaw_cu_stream_set_attr(struct avaw_call *c, CUstream stream, CUstreamAttrID attr,
				  const CUstreamAttrValue *value);
CUresult avaw_cu_stream_get_attr(struct avaw_call *c, CUstream stream, CUstreamAttrID attr,
				  CUstreamAttrValue *value);
CUresult avaw_cu_module_load(struct avaw_call *c, CUmodule *module, const void *image, size_t size);
CUresult avaw_cu_func_params(struct avaw_call *c, CUfunction f, size_t cap, unsigned long long *info,
			      size_t *info_bytes);
CUresult avaw_cu_host_alloc(struct avaw_call *c, ava_hostmem_t *hm, size_t size, unsigned int flags);
CUresult avaw_cu_host_devptr(struct avaw_call *c, CUdeviceptr *pdptr, ava_hostmem_t hm, size_t offset);
CUresult avaw_cu_htod(struct avaw_call *c, CUdeviceptr dst, const void *src, size_t count, CUstream stream,
		       int flags);
CUresult avaw_cu_dtoh(struct avaw_call *c, void *dst, CUdeviceptr src, size_t count, CUstream stream,
		       int flags);
CUresult avaw_cu_memcpy_hostmem(struct avaw_call *c, CUdeviceptr dev, ava_hostmem_t hm, size_t offset,
				 size_t count, int to_device, CUstream stream, int flags);
CUresult avaw_cu_error_text(struct avaw_call *c, CUresult error, int which, char *text);
CUresult avaw_cu_sync(struct avaw_call *c);
CUresult avaw_cu_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, CUdeviceptr src, size_t count,
			     CUstream stream, int flags);
cudaError_t avaw_rt_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, const void *src,
				size_t count, cudaStream_t stream, int flags);
cudaError_t avaw_rt_sync(struct avaw_call *c);

/* @wimpl: runtime API */
cudaError_t avaw_rt_error_text(struct avaw_call *c, cudaError_t error, int which, char *text);
cudaError_t avaw_rt_host_alloc(struct avaw_call *c, ava_hostmem_t *hm, size_t size, unsigned int flags);
cudaError_t avaw_rt_host_devptr(struct avaw_call *c, unsigned long long *pdev, ava_hostmem_t hm, size_t offset);
cudaError_t avaw_rt_symbol_info(struct avaw_call *c, ava_var_t var, unsigned long long *addr, size_t *size);
cudaError_t avaw_rt_htod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags);
cudaError_t avaw_rt_dtoh(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags);
cudaError_t avaw_rt_dtod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags);
cudaError_t avaw_rt_memcpy_hostmem(struct avaw_call *c, void *dev, ava_hostmem_t hm, size_t offset,
				    size_t count, int to_device, cudaStream_t stream, int flags);
cudaError_t avaw_rt_fatbin_cached(struct avaw_call *c, ava_fatbin_t *fatbin, const void *sha256, size_t size);
cudaError_t avaw_rt_fatbin_upload(struct avaw_call *c, ava_fatbin_t *fatbin, size_t size, const void *data);
cudaError_t avaw_rt_register_fatbin_end(struct avaw_call *c, ava_fatbin_t fatbin);
cudaError_t avaw_rt_register_function(struct avaw_call *c, ava_fatbin_t fatbin, cudaKernel_t *kfunc,
				       const char *name, int thread_limit);
cudaError_t avaw_rt_register_var(struct avaw_call *c, ava_fatbin_t fatbin, ava_var_t *var, const char *name,
				  int ext, size_t size, int constant, int global);
cudaError_t avaw_rt_init_module(struct avaw_call *c, ava_fatbin_t fatbin, int *ok);
cudaError_t avaw_rt_launch(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, void **args,
			    size_t shmem, cudaStream_t stream);
cudaError_t avaw_rt_launch_coop(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, void **args,
				 size_t shmem, cudaStream_t stream);
cudaError_t avaw_rt_launch_ex(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, size_t shmem,
			       cudaStream_t stream, const cudaLaunchAttribute *attrs, unsigned int n, void **args);
cudaError_t avaw_rt_2d_dev(struct avaw_call *c, void *dst, size_t dpitch, const void *src, size_t spitch, size_t w,
			   size_t h, cudaStream_t st, int async);
cudaError_t avaw_rt_2d_htod(struct avaw_call *c, void *dst, size_t dpitch, const void *src, size_t bytes, size_t w,
			    size_t h, cudaStream_t st);
cudaError_t avaw_rt_2d_dtoh(struct avaw_call *c, void *dst, size_t bytes, const void *src, size_t spitch, size_t w,
			    size_t h, cudaStream_t st);
cudaError_t avaw_rt_ptr_attrs(struct avaw_call *c, struct cudaPointerAttributes *attr, const void *ptr);
cudaError_t avaw_rt_stream_set_attr(struct avaw_call *c, cudaStream_t stream, cudaStreamAttrID attr,
				     const cudaStreamAttrValue *value);
cudaError_t avaw_rt_stream_get_attr(struct avaw_call *c, cudaStream_t stream, cudaStreamAttrID attr,
				     cudaStreamAttrValue *value);
cudaError_t avaw_rt_func_params(struct avaw_call *c, cudaKernel_t kernel, size_t cap, unsigned long long *info,
				 size_t *info_bytes);

cudaError_t avaw_rt_capture_info(struct avaw_call *c, cudaStream_t stream, enum cudaStreamCaptureStatus *status,
				 unsigned long long *id, ava_capgraph_t *graph, size_t cap, cudaGraphNode_t *deps, cudaGraphEdgeData *edges,
				 size_t *num);
cudaError_t avaw_rt_graph_nodes(struct avaw_call *c, cudaGraph_t graph, size_t cap, cudaGraphNode_t *nodes,
				size_t *num);
cudaError_t avaw_rt_graph_node_deps(struct avaw_call *c, cudaGraphNode_t node, size_t cap, cudaGraphNode_t *deps,
				    cudaGraphEdgeData *edges, size_t *num);
cudaError_t avaw_rt_graph_dot(struct avaw_call *c, cudaGraph_t graph, unsigned int flags, size_t cap, char *text,
			      size_t *len);
cudaError_t avaw_rt_pool_get_attr(struct avaw_call *c, cudaMemPool_t pool, enum cudaMemPoolAttr attr, void *value);
cudaError_t avaw_rt_pool_set_attr(struct avaw_call *c, cudaMemPool_t pool, enum cudaMemPoolAttr attr, void *value);
#endif
