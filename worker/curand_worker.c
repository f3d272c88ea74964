// SPDX-License-Identifier: MIT
/*
 * cuRAND in the worker: NVIDIA's libcurand.so.10 (opened in the session's worker
 * process: mathlib_table.c), and which generators are host ones.  A host
 * generator writes host memory (the worker's buffer, sent back in the
 * reply), a device generator device memory: the guest says which it
 * expects, and a forged answer must never make cuRAND's kernels write a
 * worker address or its CPU code write a device one.
 */
#include "curand_worker_rt.h"
#include "hmap.h"

/* The session's host generators (one worker process serves one session). */
static struct ava_hmap host_gens;

curandStatus_t avaw_curand_create_host(struct avaw_call *c, curandGenerator_t *generator,
				       curandRngType_t rng_type)
{
	curandStatus_t st;

	(void)c;
	if (!avaw_curand_sym.curandCreateGeneratorHost)
		return CURAND_STATUS_INITIALIZATION_FAILED;
	st = avaw_curand_sym.curandCreateGeneratorHost(generator, rng_type);
	if (st != CURAND_STATUS_SUCCESS || !generator || !*generator)
		return st;
	if (ava_hmap_put(&host_gens, (uint64_t)(uintptr_t)*generator, *generator)) {
		avaw_curand_sym.curandDestroyGenerator(*generator);
		*generator = NULL;
		return CURAND_STATUS_ALLOCATION_FAILED;
	}
	return st;
}

int64_t avaw_curand_pmode_check(struct avaw_call *c, curandGenerator_t generator, int mode)
{
	int host;

	(void)c;
	if (!generator)
		return CURAND_STATUS_NOT_INITIALIZED;
	host = ava_hmap_get(&host_gens, (uint64_t)(uintptr_t)generator) != NULL;
	return host == !mode ? 0 : CURAND_STATUS_TYPE_ERROR;
}

/* A device generator forgets its stream first: at the session's end the
 * CUDA API's streams can be gone already. */
int avaw_curand_release(void *generator)
{
	int host = ava_hmap_del(&host_gens, (uint64_t)(uintptr_t)generator) != NULL;

	if (!avaw_curand_sym.curandDestroyGenerator)
		return 0;
	if (!host && avaw_curand_sym.curandSetStream)
		avaw_curand_sym.curandSetStream(generator, NULL);
	return avaw_curand_sym.curandDestroyGenerator(generator);
}
