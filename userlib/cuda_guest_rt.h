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

/* ------------------------------------------------------------ device memory */
/* Device allocations the guest saw, to tell device from host pointers
 * (cuMemcpy, cudaMemcpyDefault). */
void ava_cu_track_add(int ret, uint64_t ptr, uint64_t size);
void ava_cu_track_del(int ret, uint64_t ptr);
int ava_cu_is_device(uint64_t ptr);

/* ------------------------------------------------------------ pinned host memory */
/* After an alloc call succeeded: takes the region's memory from the worker
 * (an fd on the session socket), maps it and remembers it. */
void *ava_cu_hostmem_map(struct ava_obj *hm, uint64_t size, unsigned int flags);
/* The region holding [p, p + n), or NULL; *off is p's offset in it. */
struct ava_obj *ava_cu_hostmem_find(const void *p, uint64_t n, uint64_t *off);
/* Forgets and unmaps the region starting at p: 0 and its object (to
 * release; NULL for local memory), or -1 when p starts no region. */
int ava_cu_hostmem_unmap(void *p, struct ava_obj **obj);
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
 * A pageable host-to-device copy (func: avaCuMemcpyHtoD or avaRtMemcpyHtoD,
 * same layout) in chunks, each one's data copied straight into the command
 * or the arena.  A stream-ordered copy (stream_api) never waits; a plain
 * one waits for its last chunk.  Returns the transport status of the chunk
 * that failed, or AVA_S_OK; *ret the API's result (0 = success).
 */
int ava_cu_htod(uint32_t api, uint32_t func, uint64_t dst, const void *src, uint64_t n, uint64_t stream_id,
		int stream_api, int64_t *ret);
/*
 * A large device-to-host copy into pageable memory, pipelined through a
 * pinned staging region shared with the worker (two halves of
 * ava_cu_chunk() bytes): stage() asks the worker to fill a half without
 * waiting, sync() waits for it and returns the API status, while the guest
 * copies the other half out.  Returns the API status, or -1 when no staging
 * region could be made (the caller copies in plain chunks).
 */
int ava_cu_dtoh_staged(void *dst, uint64_t src, uint64_t n,
		       int (*stage)(struct ava_obj *hm, uint64_t off, uint64_t src, uint64_t n, void *arg),
		       int (*sync)(void), void *arg);

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
/* Stores info (AVA_CU_PARAM_INFO_WORDS layout, bytes long) with fn's object. */
int ava_cu_finfo_set(const void *fn, const unsigned long long *info, size_t bytes);
/* codecs @kparams (driver) and @rtkparams (runtime) */
void ava_cu_kparams_put(struct ava_call *c, void **params, const void *fn, void **extra);
void ava_cudart_kparams_put(struct ava_call *c, void **params, const void *kernel);
/* codec @hostfn: a host function registered by __cudaRegisterFunction */
void ava_cudart_hostfn_put(struct ava_call *c, const void *func);

/* ------------------------------------------------------------ error texts */
/* A cached name (which = 0) or description (which = 1) of an API's error code. */
const char *ava_cu_text(uint32_t api, int err, int which, int (*fetch)(int err, int which, char *buf));

/* The generated stubs the wrappers call (avagen_*) are declared in the
 * generated cuda_ids.h and cudart_ids.h (AVA_GUEST_IMPL_DECLS). */

#endif
