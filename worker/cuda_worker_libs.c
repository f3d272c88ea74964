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
	avaw_cublas_register();
	avaw_mathlibs_register();
	avaw_cudnn_register();
}


static void *open_lib(const struct avaw_vendor_lib *l)
{
	const char *e = getenv(l->env);
	void *h = NULL;
	unsigned i;

	if (e && *e)
		h = dlopen(e, RTLD_NOW | RTLD_LOCAL);
	for (i = 0; !h && l->names[i]; i++)
		h = dlopen(l->names[i], RTLD_NOW | RTLD_LOCAL);
	if (h && dlsym(h, l->marker)) {
		/* the worker must never load AvA's own shims */
		avaw_log("%s found AvA's own shim (is build/cuda on LD_LIBRARY_PATH of ava-hostd?); "
			 "set %s to NVIDIA's library", l->names[0], l->env);
		dlclose(h);
		h = NULL;
	}
	return h;
}

int avaw_lib_ready(struct avaw_vendor_lib *l)
{
	int verbose = getenv("AVA_WORKER_VERBOSE") != NULL, missing;
	void *h;

	if (l->state)
		return l->state > 0;
	l->state = -1;
	h = open_lib(l);
	if (!h) {
		if (l->log_absent || verbose)
			avaw_log("%s", l->absent);
		return 0;
	}
	missing = l->load_syms(h);
	if (!l->usable()) {
		avaw_log("%s lacks the API's essential entry points", l->names[0]);
		return 0;
	}
	if (missing && verbose)
		avaw_log("%s lacks %d entry point(s) of %s", l->names[0], missing, l->spec);
	l->state = 1;
	return 1;
}

static int cuda_usable(void)
{
	return avaw_cuda_sym.cuInit != NULL;
}

static int cudart_usable(void)
{
	return avaw_cudart_sym.cudaMalloc && avaw_cudart_sym.__cudaRegisterFatBinary;
}

static const char *const cuda_names[] = { "libcuda.so.1", NULL };
static const char *const cudart_names[] = { "libcudart.so.13", "/usr/local/cuda/lib64/libcudart.so.13",
					    "/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so.13", NULL };

static struct avaw_vendor_lib cuda_lib = {
	"AVA_CUDA_LIB", cuda_names, "ava_cuda_shim", "api/cuda.spec", avaw_cuda_load_syms, cuda_usable,
	"no libcuda.so.1: CUDA calls answer CUDA_ERROR_NO_DEVICE", 0, 0,
};
static struct avaw_vendor_lib cudart_lib = {
	"AVA_CUDART_LIB", cudart_names, "ava_cudart_shim", "api/cudart.spec", avaw_cudart_load_syms, cudart_usable,
	"no libcudart.so.13 (set AVA_CUDART_LIB): CUDA runtime calls answer cudaErrorNoDevice", 1, 0,
};

int avaw_cuda_ready(struct avaw_call *c)
{
	(void)c;
	return avaw_lib_ready(&cuda_lib);
}

int avaw_cudart_ready(struct avaw_call *c)
{
	return avaw_cuda_ready(c) && avaw_lib_ready(&cudart_lib);
}
