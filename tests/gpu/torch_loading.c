// SPDX-License-Identifier: MIT
/*
 * What PyTorch needs of AvA's loading and guest-answered calls, without a
 * GPU (tests/gpu/torch_loading): linked against NVIDIA's libcudart with an
 * RPATH naming NVIDIA's directory, as PyTorch's libraries are, it must get
 * AvA's shims anyway; the stub shims answer; capture queries, the current
 * device and a repeated last error are answered in the guest.  Prints one
 * "name value" line per check for the script to compare.
 */
#include <cuda_runtime_api.h>
#include <dlfcn.h>
#include <stdio.h>

typedef int (*int_fn)(void *);

static void *sym(const char *lib, const char *name)
{
	void *h = dlopen(lib, RTLD_NOW);

	return h ? dlsym(h, name) : NULL;
}

int main(void)
{
	enum cudaStreamCaptureStatus st = (enum cudaStreamCaptureStatus)7;
	unsigned long long id = 5;
	const cudaGraphNode_t *deps = (const cudaGraphNode_t *)&id;
	cudaGraph_t graph = (cudaGraph_t)&id;
	size_t n = 9;
	int v = -1, r;
	int_fn f;

	printf("shim %d\n", sym("libcudart.so.13", "ava_cudart_shim") != NULL);
	r = cudaStreamIsCapturing(0, &st);
	printf("is_capturing %d %d\n", r, st);
	st = (enum cudaStreamCaptureStatus)7;
	r = cudaStreamGetCaptureInfo(0, &st, &id, &graph, &deps, NULL, &n);	/* as PyTorch asks */
	printf("capture_info %d %d %llu %d %d %zu\n", r, st, id, graph == NULL, deps == NULL, n);
	r = cudaGetLastError();
	printf("last_error_first %d\n", r != cudaErrorNotSupported);
	r = cudaGetLastError();
	printf("last_error_again %d\n", r);
	r = cudaIpcCloseMemHandle(NULL);
	printf("ipc %d\n", r);
	f = (int_fn)sym("libnccl.so.2", "ncclGetVersion");
	r = f ? f(&v) : -1;
	printf("nccl_version %d %d\n", r, v > 0);
	f = (int_fn)sym("libnccl.so.2", "ncclCommCount");
	printf("nccl_other %d\n", f ? f(NULL) : -1);
	f = (int_fn)sym("libcusparseLt.so.0", "cusparseLtInit");
	printf("cusparselt %d\n", f ? f(NULL) : -1);
	return 0;
}
