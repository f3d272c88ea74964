// SPDX-License-Identifier: MIT
/* CUDA driver objects in the worker: special stream ids, contexts, modules, and their release. */
#include "cuda_worker_internal.h"

int avaw_cu_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	if (id >= AVA_CU_SPECIAL_ID(1) && id <= AVA_CU_SPECIAL_ID(AVA_CU_SPECIAL_MAX)) {
		*obj = (void *)(uintptr_t)(id & 0xff);
		return 1;
	}
	return avaw_handle(c, id, type, obj);
}

static struct ava_hmap created_ctx;	/* contexts this session created */

/* Creation parameters come as the execution affinity array (CIG is refused in the guest). */
CUresult avaw_cu_ctx_create(struct avaw_call *c, CUcontext *pctx, const CUexecAffinityParam *affinity, int count,
			     int with_params, unsigned int flags, CUdevice dev)
{
	CUctxCreateParams params = { (CUexecAffinityParam *)affinity, count, NULL };
	CUresult r;

	(void)c;
	if (!CU.cuCtxCreate)
		return CUDA_ERROR_NOT_SUPPORTED;
	if (count < 0 || (count && !affinity))
		return CUDA_ERROR_INVALID_VALUE;
	r = CU.cuCtxCreate(pctx, with_params ? &params : NULL, flags, dev);
	if (r == CUDA_SUCCESS && pctx && *pctx)
		ava_hmap_put(&created_ctx, (uint64_t)(uintptr_t)*pctx, *pctx);
	return r;
}

/* Only contexts the session created are destroyed (not the primary one). */
int avaw_cu_ctx_release(void *ctx)
{
	if (!ava_hmap_del(&created_ctx, (uint64_t)(uintptr_t)ctx) || !CU.cuCtxDestroy)
		return 0;
	return CU.cuCtxDestroy(ctx);
}

int avaw_cu_module_release(void *mod)
{
	return CU.cuModuleUnload ? CU.cuModuleUnload(mod) : 0;
}

int avaw_cu_stream_release(void *stream)
{
	return CU.cuStreamDestroy ? CU.cuStreamDestroy(stream) : 0;
}

int avaw_cu_event_release(void *event)
{
	return CU.cuEventDestroy ? CU.cuEventDestroy(event) : 0;
}

int avaw_cu_graph_release(void *graph)
{
	return CU.cuGraphDestroy ? CU.cuGraphDestroy(graph) : 0;
}

int avaw_cu_graphexec_release(void *exec)
{
	return CU.cuGraphExecDestroy ? CU.cuGraphExecDestroy(exec) : 0;
}


CUresult avaw_cu_module_load(struct avaw_call *c, CUmodule *module, const void *image, size_t size)
{
	(void)c;
	/* the driver parses the image: it must be exactly what it claims to be */
	if (!image || size < 4 || ava_cu_image_extent(image, size) != size)
		return CUDA_ERROR_INVALID_IMAGE;
	return CU.cuModuleLoadData(module, image);
}
