// SPDX-License-Identifier: MIT
/*
 * The CUDA runtime's module registration, replayed in the worker: the
 * guest's __cudaRegisterFatBinary, __cudaRegisterFunction and
 * __cudaRegisterVar reach the worker's libcudart with host-side keys of
 * the worker's own (struct avaw_kfunc, struct avaw_var).
 */
#include "cuda_worker_internal.h"

#include <stdlib.h>

struct avaw_fatbin {
	void **handle;
	unsigned long long *blob;
	struct ava_fatbin_wrapper wrap;
};

/* A registered variable; as for kernels, libcudart knows it by the address of key. */
struct avaw_var {
	char key;
	char *name;
};

cudaError_t avaw_rt_register_fatbin(struct avaw_call *c, ava_fatbin_t *fatbin, const void *data, size_t size)
{
	struct avaw_fatbin *fb;

	(void)c;
	if (!fatbin || !data || size < 16 || ava_cu_image_extent(data, size) != size ||
	    ((const uint32_t *)data)[0] != AVA_FATBIN_MAGIC)
		return cudaErrorInvalidKernelImage;
	fb = calloc(1, sizeof(*fb));
	if (!fb || !(fb->blob = malloc(size))) {
		free(fb);
		return cudaErrorMemoryAllocation;
	}
	memcpy(fb->blob, data, size);	/* libcudart keeps using it */
	fb->wrap.magic = (int)AVA_FATBINC_MAGIC;
	fb->wrap.version = 1;
	fb->wrap.data = fb->blob;
	fb->handle = RT.__cudaRegisterFatBinary(&fb->wrap);
	if (!fb->handle) {
		free(fb->blob);
		free(fb);
		return cudaErrorInvalidKernelImage;
	}
	*fatbin = (ava_fatbin_t)fb;
	return cudaSuccess;
}

cudaError_t avaw_rt_register_fatbin_end(struct avaw_call *c, ava_fatbin_t fatbin)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;

	(void)c;
	if (!fb)
		return cudaErrorInvalidResourceHandle;
	if (RT.__cudaRegisterFatBinaryEnd)
		RT.__cudaRegisterFatBinaryEnd(fb->handle);
	return cudaSuccess;
}

int avaw_rt_fatbin_release(void *obj)
{
	struct avaw_fatbin *fb = obj;

	if (RT.__cudaUnregisterFatBinary)
		RT.__cudaUnregisterFatBinary(fb->handle);
	free(fb->blob);
	free(fb);
	return 0;
}

cudaError_t avaw_rt_register_function(struct avaw_call *c, ava_fatbin_t fatbin, cudaKernel_t *kfunc,
				       const char *name, int thread_limit)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;
	struct avaw_kfunc *k;

	(void)c;
	if (!fb || !kfunc || !name)
		return cudaErrorInvalidValue;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->name = strdup(name))) {
		free(k);
		return cudaErrorMemoryAllocation;
	}
	RT.__cudaRegisterFunction(fb->handle, &k->key, k->name, k->name, thread_limit, NULL, NULL, NULL, NULL, NULL);
	*kfunc = (cudaKernel_t)k;
	return cudaSuccess;
}

cudaError_t avaw_rt_register_var(struct avaw_call *c, ava_fatbin_t fatbin, ava_var_t *var, const char *name,
				  int ext, size_t size, int constant, int global)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;
	struct avaw_var *v;

	(void)c;
	if (!fb || !var || !name || size > (1ull << 40))
		return cudaErrorInvalidValue;
	v = calloc(1, sizeof(*v));
	if (!v || !(v->name = strdup(name))) {
		free(v);
		return cudaErrorMemoryAllocation;
	}
	RT.__cudaRegisterVar(fb->handle, &v->key, v->name, v->name, ext, size, constant, global);
	*var = (ava_var_t)v;
	return cudaSuccess;
}

cudaError_t avaw_rt_init_module(struct avaw_call *c, ava_fatbin_t fatbin, int *ok)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;

	(void)c;
	if (!fb || !ok)
		return cudaErrorInvalidValue;
	*ok = RT.__cudaInitModule ? RT.__cudaInitModule(fb->handle) : 0;
	return cudaSuccess;
}

cudaError_t avaw_rt_symbol_info(struct avaw_call *c, ava_var_t var, unsigned long long *addr, size_t *size)
{
	struct avaw_var *v = (struct avaw_var *)var;
	void *p = NULL;
	cudaError_t r;

	(void)c;
	if (!v)
		return cudaErrorInvalidSymbol;
	r = RT.cudaGetSymbolAddress(&p, &v->key);
	if (r == cudaSuccess)
		r = RT.cudaGetSymbolSize(size, &v->key);
	if (addr)
		*addr = (unsigned long long)(uintptr_t)p;
	return r;
}

/*
 * The runtime records the error of every call for cudaGetLastError, so the
 * worker asks the driver about a registered kernel (its CUkernel), never
 * libcudart with a call that may fail.
 */
cudaError_t avaw_rt_kernel(struct avaw_kfunc *k)
{
	if (!k->kernel && RT.__cudaGetKernel)
		return RT.__cudaGetKernel(&k->kernel, &k->key);
	return k->kernel ? cudaSuccess : cudaErrorInvalidDeviceFunction;
}
