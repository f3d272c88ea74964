// SPDX-License-Identifier: MIT
/* CUDA memory copies in the worker: pageable ones through the shared arena, pinned ones, staging. */
#include "cuda_worker_internal.h"

/*
 * Pageable copies pass through the session's shared arena.  Pinning it
 * once lets the driver move them by DMA; copies that may outlive the call
 * (stream-ordered ones) then wait for their stream before returning, since
 * the guest reuses arena space once the worker is past a call.
 */
static int arena_state;	/* 0 not yet, 1 pinned, -1 never */

static int in_arena(struct avaw_call *c, const void *p)
{
	const uint8_t *q = p, *a = c->s->arena;

	return q >= a && q < a + c->s->arena_size;
}

static void pin_arena(struct avaw_call *c)
{
	int r;

	if (arena_state || getenv("AVA_CUDA_NO_ARENA_PIN")) {
		if (!arena_state)
			arena_state = -1;
		return;
	}
	/* through the driver for both APIs: a failing runtime call would
	 * leave an error for the application's cudaGetLastError */
	r = CU.cuMemHostRegister ? (int)CU.cuMemHostRegister(c->s->arena, c->s->arena_size,
							      CU_MEMHOSTREGISTER_PORTABLE) : -1;
	if (r == 0)
		arena_state = 1;
	else if (r != CUDA_ERROR_INVALID_CONTEXT)
		arena_state = -1;	/* else try again once a context is current */
}

/* The copies of one API (driver or runtime); results are that API's codes, 0 = success. */
struct flavour {
	int (*htod)(uint64_t dst, const void *src, size_t n, void *stream, int async);
	int (*dtoh)(void *dst, uint64_t src, size_t n, void *stream, int async);
	int (*sync)(void *stream);
	int invalid_value;
};

static int cu_htod(uint64_t dst, const void *src, size_t n, void *stream, int async)
{
	return async ? CU.cuMemcpyHtoDAsync(dst, src, n, stream) : CU.cuMemcpyHtoD(dst, src, n);
}

static int cu_dtoh(void *dst, uint64_t src, size_t n, void *stream, int async)
{
	return async ? CU.cuMemcpyDtoHAsync(dst, src, n, stream) : CU.cuMemcpyDtoH(dst, src, n);
}

static int cu_sync(void *stream)
{
	return CU.cuStreamSynchronize(stream);
}

static int rt_copy(void *dst, const void *src, size_t n, enum cudaMemcpyKind kind, void *stream, int async)
{
	return async ? RT.cudaMemcpyAsync(dst, src, n, kind, stream) : RT.cudaMemcpy(dst, src, n, kind);
}

static int rt_htod(uint64_t dst, const void *src, size_t n, void *stream, int async)
{
	return rt_copy((void *)(uintptr_t)dst, src, n, cudaMemcpyHostToDevice, stream, async);
}

static int rt_dtoh(void *dst, uint64_t src, size_t n, void *stream, int async)
{
	return rt_copy(dst, (const void *)(uintptr_t)src, n, cudaMemcpyDeviceToHost, stream, async);
}

static int rt_sync(void *stream)
{
	return RT.cudaStreamSynchronize(stream);
}

static const struct flavour driver = { cu_htod, cu_dtoh, cu_sync, CUDA_ERROR_INVALID_VALUE };
static const struct flavour runtime = { rt_htod, rt_dtoh, rt_sync, cudaErrorInvalidValue };

static int htod(const struct flavour *f, struct avaw_call *c, uint64_t dst, const void *src, size_t n,
		void *stream, int flags)
{
	int arena = src && in_arena(c, src), async = (flags & AVA_CU_CP_STREAM) != 0;
	int r;

	if (arena)
		pin_arena(c);
	r = f->htod(dst, src, n, stream, async);
	if (r == 0 && async && arena && arena_state > 0)
		r = f->sync(stream);
	return r;
}

/*
 * Small device-to-host copies land in one reused buffer of the worker and
 * are copied to the reply from there: the driver is measurably slower
 * (about 1.3 µs per 4 KiB copy on an H100) into the fresh buffer each
 * call's inline output gets.
 */
#define SMALL_COPY (64u << 10)
static _Alignas(4096) uint8_t small_buf[SMALL_COPY];

static int dtoh(const struct flavour *f, struct avaw_call *c, void *dst, uint64_t src, size_t n,
		void *stream, int flags)
{
	void *to = dst && n <= SMALL_COPY && !in_arena(c, dst) ? small_buf : dst;
	int r;

	if (dst && in_arena(c, dst))
		pin_arena(c);
	r = f->dtoh(to, src, n, stream, flags & AVA_CU_CP_STREAM);
	/* the data must be there before the reply: wait as native CUDA does
	 * for pageable destinations */
	if (r == 0 && (flags & AVA_CU_CP_STREAM))
		r = f->sync(stream);
	if (r == 0 && to != dst)
		memcpy(dst, to, n);
	return r;
}

/* Between device memory and pinned memory hm. */
static int memcpy_hostmem(const struct flavour *f, uint64_t dev, ava_hostmem_t hm, size_t offset, size_t n,
			  int to_device, void *stream, int flags)
{
	void *host = avaw_cu_hostmem_at(hm, offset, n);
	int async = (flags & AVA_CU_CP_STREAM) != 0;

	if (!host)
		return f->invalid_value;
	return to_device ? f->htod(dev, host, n, stream, async) : f->dtoh(host, dev, n, stream, async);
}

/* A staging copy completes before the worker takes its next call (the
 * guest's avaCuSync / avaRtSync then knows the data is there). */
static int stage_dtoh(const struct flavour *f, ava_hostmem_t hm, size_t offset, uint64_t src, size_t n,
		      void *stream, int flags)
{
	int r = memcpy_hostmem(f, src, hm, offset, n, 0, stream, flags);

	return r == 0 && (flags & AVA_CU_CP_STREAM) ? f->sync(stream) : r;
}

CUresult avaw_cu_htod(struct avaw_call *c, CUdeviceptr dst, const void *src, size_t count, CUstream stream,
		       int flags)
{
	return (CUresult)htod(&driver, c, dst, src, count, stream, flags);
}

CUresult avaw_cu_dtoh(struct avaw_call *c, void *dst, CUdeviceptr src, size_t count, CUstream stream, int flags)
{
	return (CUresult)dtoh(&driver, c, dst, src, count, stream, flags);
}

CUresult avaw_cu_memcpy_hostmem(struct avaw_call *c, CUdeviceptr dev, ava_hostmem_t hm, size_t offset,
				 size_t count, int to_device, CUstream stream, int flags)
{
	(void)c;
	return (CUresult)memcpy_hostmem(&driver, dev, hm, offset, count, to_device, stream, flags);
}

CUresult avaw_cu_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, CUdeviceptr src, size_t count,
			     CUstream stream, int flags)
{
	(void)c;
	return (CUresult)stage_dtoh(&driver, hm, offset, src, count, stream, flags);
}

cudaError_t avaw_rt_htod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	return (cudaError_t)htod(&runtime, c, (uintptr_t)dst, src, count, stream, flags);
}

cudaError_t avaw_rt_dtoh(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	return (cudaError_t)dtoh(&runtime, c, dst, (uintptr_t)src, count, stream, flags);
}

cudaError_t avaw_rt_memcpy_hostmem(struct avaw_call *c, void *dev, ava_hostmem_t hm, size_t offset,
				    size_t count, int to_device, cudaStream_t stream, int flags)
{
	(void)c;
	return (cudaError_t)memcpy_hostmem(&runtime, (uintptr_t)dev, hm, offset, count, to_device, stream, flags);
}

cudaError_t avaw_rt_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, const void *src,
				size_t count, cudaStream_t stream, int flags)
{
	(void)c;
	return (cudaError_t)stage_dtoh(&runtime, hm, offset, (uintptr_t)src, count, stream, flags);
}

cudaError_t avaw_rt_dtod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	(void)c;
	return rt_copy(dst, src, count, cudaMemcpyDeviceToDevice, stream, flags & AVA_CU_CP_STREAM);
}

/* avaCuSync / avaRtSync: nothing to do; the reply says the worker is past
 * every earlier call, and carries their deferred errors. */
CUresult avaw_cu_sync(struct avaw_call *c)
{
	(void)c;
	return CUDA_SUCCESS;
}

cudaError_t avaw_rt_sync(struct avaw_call *c)
{
	(void)c;
	return cudaSuccess;
}
