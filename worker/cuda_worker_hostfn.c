// SPDX-License-Identifier: MIT
/*
 * Host functions and stream callbacks in the worker (docs/cuda.md).  The
 * guest's function runs in the guest; the worker enqueues a host function
 * of its own on the stream, which the driver runs when the stream reaches
 * it: it marks the guest's slot READY in the shared channel, rings the
 * doorbell and waits until the guest marks it DONE.  Work behind it on the
 * stream waits, as it waits for a native host function.
 */
#include "cuda_worker_internal.h"

#include <limits.h>
#include <linux/futex.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct hostfn {
	ava_hostmem_t hm;
	uint32_t *doorbell;
	uint32_t *slot;		/* state, then status */
};

/* Shared between processes: plain (not private) futexes. */
static void futex_wake(uint32_t *addr)
{
	syscall(SYS_futex, addr, FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

static void futex_wait(uint32_t *addr, uint32_t val)
{
	struct timespec ts = { 0, 100 * 1000 * 1000 };

	syscall(SYS_futex, addr, FUTEX_WAIT, val, &ts, NULL, 0);
}

static void run(struct hostfn *h, int status)
{
	uint32_t v;

	__atomic_store_n(&h->slot[1], (uint32_t)status, __ATOMIC_RELAXED);
	__atomic_store_n(&h->slot[0], AVA_CU_HOSTFN_READY, __ATOMIC_RELEASE);
	__atomic_fetch_add(h->doorbell, 1, __ATOMIC_ACQ_REL);
	futex_wake(h->doorbell);
	/* the guest runs the function; the session's end stops the wait */
	while ((v = __atomic_load_n(&h->slot[0], __ATOMIC_ACQUIRE)) != AVA_CU_HOSTFN_DONE &&
	       !avaw_cu_hostmem_closing(h->hm))
		futex_wait(&h->slot[0], v);
	__atomic_store_n(&h->slot[0], AVA_CU_HOSTFN_FREE, __ATOMIC_RELEASE);
	avaw_cu_hostmem_busy(h->hm, -1);
	free(h);
}

static void CUDA_CB host_func(void *ud)
{
	run(ud, 0);
}

static void CUDA_CB stream_callback(CUstream s, CUresult status, void *ud)
{
	(void)s;
	run(ud, status);
}

static void CUDART_CB rt_stream_callback(cudaStream_t s, cudaError_t status, void *ud)
{
	(void)s;
	run(ud, status);
}

/* A captured host function would run again at each replay, on a slot that
 * is no longer its own: refused while the stream captures. */
static CUresult enqueue(struct hostfn *h, CUstream stream, int kind)
{
	CUstreamCaptureStatus cs = CU_STREAM_CAPTURE_STATUS_NONE;

	if (CU.cuStreamIsCapturing && CU.cuStreamIsCapturing(stream, &cs) == CUDA_SUCCESS &&
	    cs != CU_STREAM_CAPTURE_STATUS_NONE)
		return CUDA_ERROR_STREAM_CAPTURE_UNSUPPORTED;
	/* each kind needs only its own entry point (a driver-API program never loads the runtime) */
	if (kind == AVA_CU_HOSTFN_FUNC)
		return CU.cuLaunchHostFunc ? CU.cuLaunchHostFunc(stream, host_func, h) : CUDA_ERROR_NOT_SUPPORTED;
	if (kind == AVA_CU_HOSTFN_CALLBACK)
		return CU.cuStreamAddCallback ? CU.cuStreamAddCallback(stream, stream_callback, h, 0) :
						CUDA_ERROR_NOT_SUPPORTED;
	return RT.cudaStreamAddCallback ? (CUresult)RT.cudaStreamAddCallback(stream, rt_stream_callback, h, 0) :
					  CUDA_ERROR_NOT_SUPPORTED;
}

CUresult avaw_cu_host_fn(struct avaw_call *c, CUstream stream, ava_hostmem_t hm, size_t offset, int kind)
{
	uint32_t *base = avaw_cu_hostmem_at(hm, 0, AVA_CU_HOSTFN_BYTES);
	struct hostfn *h;
	CUresult r;

	(void)c;
	if (!base || offset < AVA_CU_HOSTFN_SLOT(0) || offset > AVA_CU_HOSTFN_SLOT(AVA_CU_HOSTFN_SLOTS - 1) ||
	    (offset - AVA_CU_HOSTFN_SLOT(0)) % 8 || kind < AVA_CU_HOSTFN_FUNC || kind > AVA_CU_HOSTFN_RT_CALLBACK)
		return CUDA_ERROR_INVALID_VALUE;
	h = malloc(sizeof(*h));
	if (!h)
		return CUDA_ERROR_OUT_OF_MEMORY;
	*h = (struct hostfn){ hm, base, base + offset / 4 };
	avaw_cu_hostmem_busy(hm, 1);
	r = enqueue(h, stream, kind);
	if (r != CUDA_SUCCESS) {
		/* the guest sent it without waiting: give its slot back */
		__atomic_store_n(&h->slot[0], AVA_CU_HOSTFN_FREE, __ATOMIC_RELEASE);
		avaw_cu_hostmem_busy(hm, -1);
		free(h);
	}
	return r;
}
