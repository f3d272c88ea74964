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
/* the generated entry points of the @guest functions call the avaguest_ ones */
#define AVA_GUEST_IMPL_DECLS 1
#include "cuda_ids.h"
#include "cudart_ids.h"
#include "guest_call.h"
#include "guest_objects.h"
#include "guest_trace.h"

#define AVA_EXPORT __attribute__((visibility("default")))

/* The symbol the CUDA headers map a driver API name to (generated from
 * api/cuda.exports; cuCtxCreate: cuCtxCreate_v4), or name. */
const char *ava_cuda_export_alias(const char *name);

/* A host function or stream callback (AVA_CU_HOSTFN_* kind) run in the
 * guest in stream order (cuda_hostfn.c). */
CUresult ava_cu_host_fn(int kind, void *stream, void (*fn)(void), void *ud);

/* A 2-D copy of h rows of w bytes (cuda_copy2d.c), through an API's calls. */
struct ava_cu_2d_ops {
	int (*dev)(void *dst, size_t dpitch, const void *src, size_t spitch, size_t w, size_t h, void *stream,
		   int async);
	int (*htod)(void *dst, size_t dpitch, const void *packed, size_t bytes, size_t w, size_t h, void *stream);
	int (*dtoh)(void *packed, size_t bytes, const void *src, size_t spitch, size_t w, size_t h, void *stream);
	int invalid, nomem;
};
int ava_cu_copy2d(const struct ava_cu_2d_ops *ops, void *dst, int dst_dev, size_t dpitch, const void *src,
		  int src_dev, size_t spitch, size_t w, size_t h, void *stream, int async);

/* ------------------------------------------------------------ handles */
/* A stream's id: NULL, CU_STREAM_LEGACY and CU_STREAM_PER_THREAD are special. */
uint64_t ava_cu_stream_id(const void *p, uint32_t type);

/* ------------------------------------------------------------ answered in the guest (cuda_capture.c) */
/* Captures under way in this process, counted from the status of each
 * BeginCapture and EndCapture (either API); nonzero while there is one. */
void ava_cu_capture_begun(int status);
void ava_cu_capture_ended(int status);
int ava_cu_captures_active(void);
/* An API's BeginCapture and EndCapture entry points, counted. */
#define AVA_CU_CAPTURE_ENTRY_POINTS(T, begin, end, stream_t, mode_t, graph_t)	\
AVA_EXPORT T begin(stream_t stream, mode_t mode)				\
{										\
	T r = avagen_##begin(stream, mode);					\
	ava_cu_capture_begun(r);						\
	return r;								\
}										\
AVA_EXPORT T end(stream_t stream, graph_t *graph)				\
{										\
	T r = avagen_##end(stream, graph);					\
	ava_cu_capture_ended(r);						\
	return r;								\
}
/* Commands this process has sent to the worker so far. */
uint64_t ava_cu_commands_sent(void);

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
uint64_t ava_cudart_hostfn_id(const void *func);	/* before the call begins */

/* A call that can deactivate a primary context or change its flags has
 * returned: what cuDevicePrimaryCtxGetState knew is forgotten (cuda_primary_ctx.c). */
void ava_cu_primary_changed(void);

/* ------------------------------------------------------------ error texts */
/* A cached name (which = 0) or description (which = 1) of an API's error code. */
const char *ava_cu_text(uint32_t api, int err, int which, int (*fetch)(int err, int which, char *buf));

/* The generated stubs the wrappers call (avagen_*) are declared in the
 * generated cuda_ids.h and cudart_ids.h (AVA_GUEST_IMPL_DECLS). */

#endif
