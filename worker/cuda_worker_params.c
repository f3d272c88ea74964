// SPDX-License-Identifier: MIT
/*
 * CUDA kernel parameters in the worker: the layout of a kernel's
 * parameters (offsets and sizes, asked of the driver once per function)
 * checks the packed parameter buffer the guest sends, for the driver API's
 * CUfunction and the runtime's registered kernels alike.
 */
#include "cuda_worker_internal.h"

#include <stdlib.h>

struct avaw_finfo {
	uint32_t n;
	uint64_t total;
	uint64_t off[];	/* n offsets, then n sizes */
};

static struct avaw_finfo *finfo_build(CUresult (*get)(const void *fn, size_t i, size_t *off, size_t *size),
				 const void *fn)
{
	size_t off, size, i;
	struct avaw_finfo *fi = NULL, *nf;
	uint64_t *tmp = malloc(2 * AVA_CU_MAX_PARAMS * sizeof(uint64_t));

	if (!tmp)
		return NULL;
	for (i = 0; i < AVA_CU_MAX_PARAMS && get(fn, i, &off, &size) == 0; i++) {
		tmp[2 * i] = off;
		tmp[2 * i + 1] = size;
	}
	nf = malloc(sizeof(*nf) + 2 * (i ? i : 1) * sizeof(uint64_t));
	if (nf) {
		size_t k;

		nf->n = (uint32_t)i;
		nf->total = 0;
		for (k = 0; k < i; k++) {
			nf->off[k] = tmp[2 * k];
			nf->off[i + k] = tmp[2 * k + 1];
			if (tmp[2 * k] + tmp[2 * k + 1] > nf->total)
				nf->total = tmp[2 * k] + tmp[2 * k + 1];
		}
		fi = nf;
	}
	free(tmp);
	return fi;
}

static CUresult cu_param(const void *fn, size_t i, size_t *off, size_t *size)
{
	return CU.cuFuncGetParamInfo((CUfunction)(uintptr_t)fn, i, off, size);
}

static struct ava_hmap cu_finfos;	/* CUfunction -> struct avaw_finfo */

static struct avaw_finfo *cu_finfo(CUfunction f)
{
	struct avaw_finfo *fi = ava_hmap_get(&cu_finfos, (uint64_t)(uintptr_t)f);

	if (fi || !f || !CU.cuFuncGetParamInfo)
		return fi;
	fi = finfo_build(cu_param, (const void *)f);
	if (fi && ava_hmap_put(&cu_finfos, (uint64_t)(uintptr_t)f, fi)) {
		free(fi);
		fi = NULL;
	}
	return fi;
}

static void finfo_out(const struct avaw_finfo *fi, size_t cap, unsigned long long *info, size_t *info_bytes)
{
	size_t words = 2 + 2 * (size_t)fi->n, i;

	if (words > cap)
		words = 2;	/* cannot happen: cap is AVA_CU_PARAM_INFO_WORDS */
	info[0] = fi->n;
	info[1] = fi->total;
	for (i = 0; 2 + 2 * i + 1 < words; i++) {
		info[2 + 2 * i] = fi->off[i];
		info[3 + 2 * i] = fi->off[fi->n + i];
	}
	if (info_bytes)
		*info_bytes = words * sizeof(*info);
}

#define STATIC_PARAMS 256

/* Pointers to each parameter inside the packed buffer the guest sent. */
static int64_t kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, const struct avaw_finfo *fi, int64_t err)
{
	static void *ptrs[STATIC_PARAMS];
	static char dummy[8];
	void **a = ptrs;
	uint32_t i;

	if (!fi || v->n != fi->n)
		return err;
	if (fi->n == 0) {
		v->val = (void **)dummy;
		return 0;
	}
	if (!v->d.present || v->d.len != fi->total)
		return err;
	/* the driver reads the arguments at launch: from a copy the guest cannot rewrite */
	if (avaw_privatize(c, &v->d))
		return AVAW_BAD;
	if (fi->n > STATIC_PARAMS && !(a = avaw_alloc(c, (uint64_t)fi->n * sizeof(void *))))
		return AVAW_BAD;
	for (i = 0; i < fi->n; i++)
		a[i] = (uint8_t *)(uintptr_t)v->d.p + fi->off[i];
	v->val = a;
	return 0;
}

void avaw_cu_kparams_get(struct avaw_call *c, struct avaw_cu_kparams *v)
{
	memset(v, 0, sizeof(*v));
	v->n = avaw_get_u64(c);
	avaw_get_data(c, &v->d);
}

int64_t avaw_cu_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, CUfunction f, void **extra)
{
	(void)extra;	/* the guest sent the buffer of either form */
	if (!f)
		return CUDA_ERROR_INVALID_HANDLE;
	return kparams_check(c, v, cu_finfo(f), CUDA_ERROR_INVALID_VALUE);
}

static CUresult rt_param(const void *fn, size_t i, size_t *off, size_t *size)
{
	return CU.cuKernelGetParamInfo((CUkernel)(uintptr_t)fn, i, off, size);
}

static struct avaw_finfo *rt_finfo(struct avaw_kfunc *k)
{
	if (!k->fi && CU.cuKernelGetParamInfo && avaw_rt_kernel(k) == cudaSuccess)
		k->fi = finfo_build(rt_param, (const void *)k->kernel);
	return k->fi;
}


int64_t avaw_cudart_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, cudaKernel_t kernel)
{
	struct avaw_kfunc *k = (struct avaw_kfunc *)kernel;

	if (!k)
		return cudaErrorInvalidDeviceFunction;
	return kparams_check(c, v, rt_finfo(k), cudaErrorInvalidValue);
}

/* avaCuFuncParams / avaRtFuncParams: one API's errors, and how to get a kernel's layout. */
struct params_api {
	int invalid_handle, invalid_value, not_supported;
	struct avaw_finfo *(*layout)(const void *fn, int *err);
};

static struct avaw_finfo *cu_layout(const void *fn, int *err)
{
	struct avaw_finfo *fi = cu_finfo((CUfunction)(uintptr_t)fn);

	*err = fi ? CUDA_SUCCESS : CUDA_ERROR_OUT_OF_MEMORY;
	return fi;
}

static struct avaw_finfo *rt_layout(const void *fn, int *err)
{
	struct avaw_kfunc *k = (struct avaw_kfunc *)(uintptr_t)fn;
	struct avaw_finfo *fi;

	/* a kernel libcudart does not know (its module failed) reports why */
	*err = avaw_rt_kernel(k);
	if (*err != cudaSuccess)
		return NULL;
	fi = rt_finfo(k);
	*err = fi ? cudaSuccess : cudaErrorMemoryAllocation;
	return fi;
}

static const struct params_api cu_params = {
	CUDA_ERROR_INVALID_HANDLE, CUDA_ERROR_INVALID_VALUE, CUDA_ERROR_NOT_SUPPORTED, cu_layout,
};
static const struct params_api rt_params = {
	cudaErrorInvalidDeviceFunction, cudaErrorInvalidValue, cudaErrorNotSupported, rt_layout,
};

/* The layout of kernel fn as the guest wants it: n, total, then n x (offset, size). */
static int func_params(const struct params_api *a, const void *fn, int supported, size_t cap,
		       unsigned long long *info, size_t *info_bytes)
{
	struct avaw_finfo *fi;
	int err;

	if (!fn)
		return a->invalid_handle;
	if (!info || cap < 2)
		return a->invalid_value;
	if (!supported)
		return a->not_supported;
	fi = a->layout(fn, &err);
	if (fi)
		finfo_out(fi, cap, info, info_bytes);
	return err;
}

CUresult avaw_cu_func_params(struct avaw_call *c, CUfunction f, size_t cap, unsigned long long *info,
			      size_t *info_bytes)
{
	(void)c;
	return (CUresult)func_params(&cu_params, (const void *)f, CU.cuFuncGetParamInfo != NULL, cap, info,
				     info_bytes);
}

cudaError_t avaw_rt_func_params(struct avaw_call *c, cudaKernel_t kernel, size_t cap, unsigned long long *info,
				 size_t *info_bytes)
{
	(void)c;
	return (cudaError_t)func_params(&rt_params, (const void *)kernel, CU.cuKernelGetParamInfo != NULL, cap,
					info, info_bytes);
}
