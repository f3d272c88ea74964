// SPDX-License-Identifier: MIT
/*
 * CUDA in the worker: the API tables, registered from ava-hostd's main,
 * and NVIDIA's libcuda.so.1 and libcudart.so.13, opened with dlopen when a
 * session first makes a CUDA call, in the session's own worker process
 * (never in ava-hostd itself, which forks the workers: CUDA does not
 * survive a fork).  Without them every CUDA call answers "no device".
 *
 * One worker process serves one session, so the state kept by the
 * cuda_worker_*.c files (libraries, registrations, parameter layouts) is
 * the session's.
 */
#include "cuda_worker_internal.h"

#include <stdlib.h>

static const struct avaw_api cuda_api = {
	.fns = avaw_cuda_fns, .nfns = AVA_FN_CUDA_COUNT,
	.types = avaw_cuda_types, .ntypes = AVA_HT_CUDA_COUNT,
};
/* The runtime's handles are the driver API's (api/cudart.spec: handles_of). */
static const struct avaw_api cudart_api = {
	.fns = avaw_cudart_fns, .nfns = AVA_FN_CUDART_COUNT,
	.types = avaw_cuda_types, .ntypes = AVA_HT_CUDA_COUNT,
};

/* Called by avaw_register_apis() (worker_dispatch.c) from ava-hostd's main. */
void avaw_cuda_register(void)
{
	avaw_apis[AVA_API_CUDA] = &cuda_api;
	avaw_apis[AVA_API_CUDART] = &cudart_api;
}



static int cuda_state, cudart_state;	/* 0 not tried, 1 loaded, -1 unavailable */

static void *open_lib(const char *env, const char *const *names, const char *marker)
{
	const char *e = getenv(env);
	void *h = NULL;
	unsigned i;

	if (e && *e)
		h = dlopen(e, RTLD_NOW | RTLD_LOCAL);
	for (i = 0; !h && names[i]; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (h && dlsym(h, marker)) {
		/* the worker must never load AvA's own shims */
		avaw_log("%s found AvA's own shim (is build/cuda on LD_LIBRARY_PATH of ava-hostd?); "
			 "set %s to NVIDIA's library", names[0], env);
		dlclose(h);
		h = NULL;
	}
	return h;
}

int avaw_cuda_ready(struct avaw_call *c)
{
	static const char *const names[] = { "libcuda.so.1", NULL };
	void *h;
	int missing;

	(void)c;
	if (cuda_state)
		return cuda_state > 0;
	cuda_state = -1;
	h = open_lib("AVA_CUDA_LIB", names, "ava_cuda_shim");
	if (!h) {
		if (getenv("AVA_WORKER_VERBOSE"))
			avaw_log("no libcuda.so.1: CUDA calls answer CUDA_ERROR_NO_DEVICE");
		return 0;
	}
	missing = avaw_cuda_load_syms(h);
	if (!avaw_cuda_sym.cuInit) {
		avaw_log("libcuda.so.1 has no cuInit");
		return 0;
	}
	if (missing && getenv("AVA_WORKER_VERBOSE"))
		avaw_log("libcuda.so.1 lacks %d entry point(s) of api/cuda.spec", missing);
	cuda_state = 1;
	return 1;
}

int avaw_cudart_ready(struct avaw_call *c)
{
	static const char *const names[] = { "libcudart.so.13", "/usr/local/cuda/lib64/libcudart.so.13",
					     "/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so.13", NULL };
	void *h;
	int missing;

	if (cudart_state)
		return cudart_state > 0;
	cudart_state = -1;
	if (!avaw_cuda_ready(c))
		return 0;
	h = open_lib("AVA_CUDART_LIB", names, "ava_cudart_shim");
	if (!h) {
		avaw_log("no libcudart.so.13 (set AVA_CUDART_LIB): CUDA runtime calls answer cudaErrorNoDevice");
		return 0;
	}
	missing = avaw_cudart_load_syms(h);
	if (!avaw_cudart_sym.cudaMalloc || !avaw_cudart_sym.__cudaRegisterFatBinary) {
		avaw_log("libcudart.so.13 lacks the runtime's entry points");
		return 0;
	}
	if (missing && getenv("AVA_WORKER_VERBOSE"))
		avaw_log("libcudart.so.13 lacks %d entry point(s) of api/cudart.spec", missing);
	cudart_state = 1;
	return 1;
}
