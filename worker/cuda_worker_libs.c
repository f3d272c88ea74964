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

#include <stdio.h>
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
	avaw_mathlibs_register();
}

/* Where the toolkit keeps its libraries, when the loader's path lacks them. */
static const char *const toolkit_dirs[] = { "", "/usr/local/cuda/lib64/", "/usr/local/cuda/targets/x86_64-linux/lib/" };

static void *open_lib(const struct avaw_vendor_lib *l)
{
	const char *e = getenv(l->env);
	char path[256];
	void *h = NULL;
	unsigned i;

	if (e && *e)
		h = dlopen(e, RTLD_NOW | RTLD_LOCAL);
	for (i = 0; !h && i < sizeof(toolkit_dirs) / sizeof(toolkit_dirs[0]); i++) {
		snprintf(path, sizeof(path), "%s%s", toolkit_dirs[i], l->soname);
		h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	}
	if (h && dlsym(h, l->marker)) {
		/* the worker must never load AvA's own shims */
		avaw_log("%s found AvA's own shim (build/cuda on LD_LIBRARY_PATH of ava-hostd, or in /etc/ld.so.preload?); "
			 "set %s to NVIDIA's library", l->soname, l->env);
		dlclose(h);
		h = NULL;
	}
	return h;
}

static int usable(const struct avaw_vendor_lib *l, void *h)
{
	unsigned i;

	for (i = 0; l->essential[i]; i++)
		if (!dlsym(h, l->essential[i]))
			return 0;
	return 1;
}

/* Asked several times by every call: the answer, once known, costs a load. */
int avaw_lib_ready(struct avaw_vendor_lib *l)
{
	int verbose, missing;
	void *h;

	if (l->state)
		return l->state > 0;
	verbose = getenv("AVA_WORKER_VERBOSE") != NULL;
	l->state = -1;
	h = open_lib(l);
	if (!h) {
		if (l->log_absent || verbose)
			avaw_log("%s", l->absent);
		return 0;
	}
	missing = l->load_syms(h);
	if (!usable(l, h)) {
		avaw_log("%s lacks the API's essential entry points", l->soname);
		return 0;
	}
	if (missing && verbose)
		avaw_log("%s lacks %d entry point(s) of %s", l->soname, missing, l->spec);
	l->state = 1;
	return 1;
}

static const char *const cuda_essential[] = { "cuInit", NULL };
static const char *const cudart_essential[] = { "cudaMalloc", "__cudaRegisterFatBinary", NULL };

static struct avaw_vendor_lib cuda_lib = {
	"AVA_CUDA_LIB", "libcuda.so.1", "ava_cuda_shim", "api/cuda.spec", avaw_cuda_load_syms, cuda_essential,
	"no libcuda.so.1: CUDA calls answer CUDA_ERROR_NO_DEVICE", 0, 0,
};
static struct avaw_vendor_lib cudart_lib = {
	"AVA_CUDART_LIB", "libcudart.so.13", "ava_cudart_shim", "api/cudart.spec", avaw_cudart_load_syms,
	cudart_essential, "no libcudart.so.13 (set AVA_CUDART_LIB): CUDA runtime calls answer cudaErrorNoDevice",
	1, 0,
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
