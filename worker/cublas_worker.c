// SPDX-License-Identifier: MIT
/*
 * cuBLAS in the worker: the API's tables, NVIDIA's libcublas.so.13
 * (opened with dlopen in the session's worker process, like libcuda), and
 * the checks the spec names: a handle's pointer mode, device addresses,
 * streams of the CUDA API and workspaces inside one allocation.
 */
#include "cublas_worker_rt.h"
#include "cuda_worker_internal.h"

static const struct avaw_api cublas_api = {
	.fns = avaw_cublas_fns, .nfns = AVA_FN_CUBLAS_COUNT,
	.types = avaw_cublas_types, .ntypes = AVA_HT_CUBLAS_COUNT,
};

void avaw_cublas_register(void)
{
	avaw_apis[AVA_API_CUBLAS] = &cublas_api;
}

static int cublas_usable(void)
{
	return avaw_cublas_sym.cublasCreate_v2 && avaw_cublas_sym.cublasGetPointerMode_v2;
}

static const char *const cublas_names[] = { "libcublas.so.13", "/usr/local/cuda/lib64/libcublas.so.13",
					    "/usr/local/cuda/targets/x86_64-linux/lib/libcublas.so.13", NULL };

static struct avaw_vendor_lib cublas_lib = {
	"AVA_CUBLAS_LIB", cublas_names, "ava_cublas_shim", "api/cublas.spec", avaw_cublas_load_syms,
	cublas_usable, "no libcublas.so.13 (set AVA_CUBLAS_LIB): cuBLAS calls answer CUBLAS_STATUS_NOT_INITIALIZED",
	1, 0,
};

int avaw_cublas_ready(struct avaw_call *c)
{
	return avaw_cuda_ready(c) && avaw_lib_ready(&cublas_lib);
}

int avaw_cublas_devptr_ok(struct avaw_call *c, uint64_t ptr)
{
	return !ptr || avaw_cu_devptr_ok(c, ptr);
}

/* A forged mode would make cuBLAS read a worker address as a device one,
 * or dereference a device address on the host. */
int64_t avaw_cublas_pmode_check(struct avaw_call *c, cublasHandle_t handle, int mode)
{
	cublasPointerMode_t m;
	cublasStatus_t st;

	if (!handle)
		return CUBLAS_STATUS_NOT_INITIALIZED;
	if (!avaw_cublas_ready(c))
		return 0;	/* the call answers that the library is missing */
	st = avaw_cublas_sym.cublasGetPointerMode_v2(handle, &m);
	if (st != CUBLAS_STATUS_SUCCESS)
		return st;
	return (m == CUBLAS_POINTER_MODE_DEVICE) == (mode == 1) ? 0 : CUBLAS_STATUS_INVALID_VALUE;
}

int avaw_cublas_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	uint32_t api = c->api;
	int found;

	(void)type;	/* this spec's stream type; the object is the CUDA API's */
	c->api = AVA_API_CUDA;
	found = avaw_cu_stream_handle(c, id, AVA_HT_CUDA_stream, obj);
	c->api = api;
	return found;
}

/* The session's streams may be gone already (at its end, the CUDA API's
 * handles can go first): the handle forgets its stream before it goes. */
int avaw_cublas_release(void *handle)
{
	if (!avaw_cublas_sym.cublasDestroy_v2)
		return 0;
	if (avaw_cublas_sym.cublasSetStream_v2)
		avaw_cublas_sym.cublasSetStream_v2(handle, NULL);
	return avaw_cublas_sym.cublasDestroy_v2(handle);
}

cublasStatus_t avaw_cublas_set_workspace(struct avaw_call *c, cublasHandle_t handle, void *workspace,
					 size_t size)
{
	CUdeviceptr base = 0, p = (CUdeviceptr)(uintptr_t)workspace;
	size_t len = 0;

	(void)c;
	if (!avaw_cublas_sym.cublasSetWorkspace_v2)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	/* cuBLAS would use all size bytes: they must be one allocation's */
	if (workspace && (!avaw_cuda_sym.cuMemGetAddressRange ||
			  avaw_cuda_sym.cuMemGetAddressRange(&base, &len, p) != CUDA_SUCCESS ||
			  size > len - (size_t)(p - base)))
		return CUBLAS_STATUS_INVALID_VALUE;
	return avaw_cublas_sym.cublasSetWorkspace_v2(handle, workspace, size);
}
