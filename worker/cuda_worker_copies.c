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

static void pin_arena(struct avaw_call *c, int runtime)
{
	int r;

	if (arena_state || getenv("AVA_CUDA_NO_ARENA_PIN")) {
		if (!arena_state)
			arena_state = -1;
		return;
	}
	/* through the driver: a failing runtime call would leave an error
	 * for the application's cudaGetLastError */
	(void)runtime;
	r = CU.cuMemHostRegister ? (int)CU.cuMemHostRegister(c->s->arena, c->s->arena_size,
							      CU_MEMHOSTREGISTER_PORTABLE) : -1;
	if (r == 0)
		arena_state = 1;
	else if (r != CUDA_ERROR_INVALID_CONTEXT)
		arena_state = -1;	/* else try again once a context is current */
}

CUresult avaw_cu_htod(struct avaw_call *c, CUdeviceptr dst, const void *src, size_t count, CUstream stream,
		       int flags)
{
	int arena = src && in_arena(c, src);
	CUresult r;

	if (arena)
		pin_arena(c, 0);
	if (!(flags & AVA_CU_CP_STREAM))
		return CU.cuMemcpyHtoD(dst, src, count);
	r = CU.cuMemcpyHtoDAsync(dst, src, count, stream);
	if (r == CUDA_SUCCESS && arena && arena_state > 0)
		r = CU.cuStreamSynchronize(stream);
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

static int small_out(struct avaw_call *c, void *dst, size_t count)
{
	return dst && count <= SMALL_COPY && !in_arena(c, dst);
}

CUresult avaw_cu_dtoh(struct avaw_call *c, void *dst, CUdeviceptr src, size_t count, CUstream stream, int flags)
{
	void *to = small_out(c, dst, count) ? small_buf : dst;
	CUresult r;

	if (dst && in_arena(c, dst))
		pin_arena(c, 0);
	if (!(flags & AVA_CU_CP_STREAM)) {
		r = CU.cuMemcpyDtoH(to, src, count);
	} else {
		/* the data must be there before the reply: wait as native CUDA
		 * does for pageable destinations */
		r = CU.cuMemcpyDtoHAsync(to, src, count, stream);
		if (r == CUDA_SUCCESS)
			r = CU.cuStreamSynchronize(stream);
	}
	if (r == CUDA_SUCCESS && to != dst)
		memcpy(dst, to, count);
	return r;
}

CUresult avaw_cu_memcpy_hostmem(struct avaw_call *c, CUdeviceptr dev, ava_hostmem_t hm, size_t offset,
				 size_t count, int to_device, CUstream stream, int flags)
{
	void *host = avaw_cu_hostmem_at(hm, offset, count);

	(void)c;
	if (!host)
		return CUDA_ERROR_INVALID_VALUE;
	if (flags & AVA_CU_CP_STREAM)
		return to_device ? CU.cuMemcpyHtoDAsync(dev, host, count, stream)
				 : CU.cuMemcpyDtoHAsync(host, dev, count, stream);
	return to_device ? CU.cuMemcpyHtoD(dev, host, count) : CU.cuMemcpyDtoH(host, dev, count);
}

/* A staging copy completes before the worker takes its next call (the
 * guest's avaCuSync / avaRtSync then knows the data is there). */
CUresult avaw_cu_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, CUdeviceptr src, size_t count,
			     CUstream stream, int flags)
{
	void *host = avaw_cu_hostmem_at(hm, offset, count);
	CUresult r;

	(void)c;
	if (!host)
		return CUDA_ERROR_INVALID_VALUE;
	if (!(flags & AVA_CU_CP_STREAM))
		return CU.cuMemcpyDtoH(host, src, count);
	r = CU.cuMemcpyDtoHAsync(host, src, count, stream);
	return r == CUDA_SUCCESS ? CU.cuStreamSynchronize(stream) : r;
}

cudaError_t avaw_rt_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, const void *src,
				size_t count, cudaStream_t stream, int flags)
{
	void *host = avaw_cu_hostmem_at(hm, offset, count);
	cudaError_t r;

	(void)c;
	if (!host)
		return cudaErrorInvalidValue;
	if (!(flags & AVA_CU_CP_STREAM))
		return RT.cudaMemcpy(host, src, count, cudaMemcpyDeviceToHost);
	r = RT.cudaMemcpyAsync(host, src, count, cudaMemcpyDeviceToHost, stream);
	return r == cudaSuccess ? RT.cudaStreamSynchronize(stream) : r;
}

cudaError_t avaw_rt_htod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	int arena = src && in_arena(c, src);
	cudaError_t r;

	if (arena)
		pin_arena(c, 1);
	if (!(flags & AVA_CU_CP_STREAM))
		return RT.cudaMemcpy(dst, src, count, cudaMemcpyHostToDevice);
	r = RT.cudaMemcpyAsync(dst, src, count, cudaMemcpyHostToDevice, stream);
	if (r == cudaSuccess && arena && arena_state > 0)
		r = RT.cudaStreamSynchronize(stream);
	return r;
}

cudaError_t avaw_rt_dtoh(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	void *to = small_out(c, dst, count) ? small_buf : dst;
	cudaError_t r;

	if (dst && in_arena(c, dst))
		pin_arena(c, 1);
	if (!(flags & AVA_CU_CP_STREAM)) {
		r = RT.cudaMemcpy(to, src, count, cudaMemcpyDeviceToHost);
	} else {
		r = RT.cudaMemcpyAsync(to, src, count, cudaMemcpyDeviceToHost, stream);
		if (r == cudaSuccess)
			r = RT.cudaStreamSynchronize(stream);
	}
	if (r == cudaSuccess && to != dst)
		memcpy(dst, to, count);
	return r;
}

cudaError_t avaw_rt_dtod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	(void)c;
	if (flags & AVA_CU_CP_STREAM)
		return RT.cudaMemcpyAsync(dst, src, count, cudaMemcpyDeviceToDevice, stream);
	return RT.cudaMemcpy(dst, src, count, cudaMemcpyDeviceToDevice);
}

cudaError_t avaw_rt_memcpy_hostmem(struct avaw_call *c, void *dev, ava_hostmem_t hm, size_t offset,
				    size_t count, int to_device, cudaStream_t stream, int flags)
{
	void *host = avaw_cu_hostmem_at(hm, offset, count);
	enum cudaMemcpyKind kind = to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;

	(void)c;
	if (!host)
		return cudaErrorInvalidValue;
	if (flags & AVA_CU_CP_STREAM)
		return to_device ? RT.cudaMemcpyAsync(dev, host, count, kind, stream)
				 : RT.cudaMemcpyAsync(host, dev, count, kind, stream);
	return to_device ? RT.cudaMemcpy(dev, host, count, kind) : RT.cudaMemcpy(host, dev, count, kind);
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
