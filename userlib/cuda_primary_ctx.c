// SPDX-License-Identifier: MIT
/*
 * cuDevicePrimaryCtxGetState answered in the guest (PyTorch asks before
 * every operation whether the device's primary context is active).
 *
 * Once the worker has said a device's primary context is active, it stays
 * active with the same flags until a call of this process changes it: the
 * primary contexts are the worker's, and the worker serves this session
 * only.  The calls that can change one (cuDevicePrimaryCtxRelease, SetFlags
 * and Reset here; cudaDeviceReset, cudaSetDeviceFlags and cudaInitDevice in
 * the libcudart.so.13 shim) call ava_cu_primary_changed when they return,
 * whatever they returned; the worker never destroys a primary context for
 * cuCtxDestroy (worker/cuda_worker_objects.c).  An inactive context is
 * never kept: cuDevicePrimaryCtxRetain and the runtime activate it.
 *
 * Each answer is kept with the generation it was asked in; a change makes
 * a new generation, so an answer that was in flight during a change is
 * never used, and a forked child (a session of its own) starts a new one.
 */
#include "cuda_guest_rt.h"

#include <pthread.h>
#include <stdatomic.h>

#define CACHED_DEVICES 64

/* The generation of what is known (never 0: a zero entry is unknown). */
static _Atomic uint32_t generation = 1;
/* Per device: generation << 32 | flags of an active primary context. */
static _Atomic uint64_t known[CACHED_DEVICES];

void ava_cu_primary_changed(void)
{
	uint32_t g = atomic_fetch_add(&generation, 1) + 1;

	if (g == 0)	/* after 2^32 changes: skip 0, which every unknown entry has */
		atomic_compare_exchange_strong(&generation, &g, 1);
}

static void install_fork_handler(void)
{
	pthread_atfork(NULL, NULL, ava_cu_primary_changed);
}

AVA_EXPORT CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int cacheable = flags && active && dev >= 0 && dev < CACHED_DEVICES;
	uint32_t g = atomic_load(&generation);
	uint64_t k = cacheable ? atomic_load(&known[dev]) : 0;
	CUresult r;

	if (k && (uint32_t)(k >> 32) == g) {
		ava_trace_answered();
		*flags = (unsigned int)k;
		*active = 1;
		return CUDA_SUCCESS;
	}
	pthread_once(&once, install_fork_handler);
	r = avagen_cuDevicePrimaryCtxGetState(dev, flags, active);
	if (r == CUDA_SUCCESS && cacheable && *active)
		atomic_store(&known[dev], (uint64_t)g << 32 | *flags);
	return r;
}

/* The driver API's calls that can deactivate a primary context or change its flags. */
AVA_EXPORT CUresult cuDevicePrimaryCtxRelease(CUdevice dev)
{
	CUresult r = avagen_cuDevicePrimaryCtxRelease(dev);

	ava_cu_primary_changed();
	return r;
}

AVA_EXPORT CUresult cuDevicePrimaryCtxSetFlags(CUdevice dev, unsigned int flags)
{
	CUresult r = avagen_cuDevicePrimaryCtxSetFlags(dev, flags);

	ava_cu_primary_changed();
	return r;
}

AVA_EXPORT CUresult cuDevicePrimaryCtxReset(CUdevice dev)
{
	CUresult r = avagen_cuDevicePrimaryCtxReset(dev);

	ava_cu_primary_changed();
	return r;
}
