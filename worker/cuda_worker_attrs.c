// SPDX-License-Identifier: MIT
/*
 * CUDA attributes in the worker: stream attributes, the attributes of
 * cuLaunchKernelEx / cudaLaunchKernelExC, and pointer attributes.  Only
 * attributes whose values are plain data pass: those that carry an event
 * handle, a context, a memory pool or a host address of the worker are
 * refused (the guest's bytes would be taken as worker pointers, or a worker
 * address would be handed out).
 */
#include "cuda_worker_internal.h"

#include <string.h>

/* Launch attribute ids are the same numbers in both APIs. */
static int launch_attr_ok(unsigned int id, int for_stream)
{
	switch (id) {
	case CU_LAUNCH_ATTRIBUTE_IGNORE:
	case CU_LAUNCH_ATTRIBUTE_ACCESS_POLICY_WINDOW:
	case CU_LAUNCH_ATTRIBUTE_PRIORITY:
	case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN_MAP:
	case CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN:
	case CU_LAUNCH_ATTRIBUTE_NVLINK_UTIL_CENTRIC_SCHEDULING:
		return 1;
	case CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY:
		return for_stream;
	case CU_LAUNCH_ATTRIBUTE_COOPERATIVE:
	case CU_LAUNCH_ATTRIBUTE_CLUSTER_DIMENSION:
	case CU_LAUNCH_ATTRIBUTE_CLUSTER_SCHEDULING_POLICY_PREFERENCE:
	case CU_LAUNCH_ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION:
	case CU_LAUNCH_ATTRIBUTE_PREFERRED_CLUSTER_DIMENSION:
	case CU_LAUNCH_ATTRIBUTE_PREFERRED_SHARED_MEMORY_CARVEOUT:
		return !for_stream;
	default:	/* events, kernel nodes, and what this worker does not know */
		return 0;
	}
}

static int launch_attrs_ok(const CUlaunchAttribute *attrs, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		if (!launch_attr_ok(attrs[i].id, 0))
			return 0;
	}
	return 1;
}

/* Both APIs' stream attribute calls: only the attributes valid for streams pass. */
#define STREAM_ATTR(call, unsupported) (launch_attr_ok(attr, 1) ? (call)(stream, attr, value) : (unsupported))

CUresult avaw_cu_stream_set_attr(struct avaw_call *c, CUstream stream, CUstreamAttrID attr,
				  const CUstreamAttrValue *value)
{
	(void)c;
	return STREAM_ATTR(CU.cuStreamSetAttribute, CUDA_ERROR_NOT_SUPPORTED);
}

CUresult avaw_cu_stream_get_attr(struct avaw_call *c, CUstream stream, CUstreamAttrID attr, CUstreamAttrValue *value)
{
	(void)c;
	return STREAM_ATTR(CU.cuStreamGetAttribute, CUDA_ERROR_NOT_SUPPORTED);
}

cudaError_t avaw_rt_stream_set_attr(struct avaw_call *c, cudaStream_t stream, cudaStreamAttrID attr,
				     const cudaStreamAttrValue *value)
{
	(void)c;
	return STREAM_ATTR(RT.cudaStreamSetAttribute, cudaErrorNotSupported);
}

cudaError_t avaw_rt_stream_get_attr(struct avaw_call *c, cudaStream_t stream, cudaStreamAttrID attr,
				     cudaStreamAttrValue *value)
{
	(void)c;
	return STREAM_ATTR(RT.cudaStreamGetAttribute, cudaErrorNotSupported);
}

CUresult avaw_cu_launch_ex(struct avaw_call *c, CUfunction f, const unsigned int *dims, CUstream stream,
			    const CUlaunchAttribute *attrs, unsigned int n, void **params, void **extra)
{
	CUlaunchConfig cfg = { dims[0], dims[1], dims[2], dims[3], dims[4], dims[5], dims[6], stream,
			       (CUlaunchAttribute *)attrs, n };

	(void)c;
	if (!CU.cuLaunchKernelEx)
		return CUDA_ERROR_NOT_SUPPORTED;
	if (!launch_attrs_ok(attrs, n))
		return CUDA_ERROR_NOT_SUPPORTED;
	return CU.cuLaunchKernelEx(&cfg, f, params, extra);
}

cudaError_t avaw_rt_launch_ex(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, size_t shmem,
			       cudaStream_t stream, const cudaLaunchAttribute *attrs, unsigned int n, void **args)
{
	struct avaw_kfunc *k = (struct avaw_kfunc *)kernel;
	cudaLaunchConfig_t cfg = { grid, block, shmem, stream, (cudaLaunchAttribute *)attrs, n };

	(void)c;
	if (!k)
		return cudaErrorInvalidDeviceFunction;
	/* cudaLaunchAttribute has CUlaunchAttribute's layout */
	if (!RT.cudaLaunchKernelExC || !launch_attrs_ok((const CUlaunchAttribute *)attrs, n))
		return cudaErrorNotSupported;
	return RT.cudaLaunchKernelExC(&cfg, &k->key, args);
}

CUresult avaw_cu_ptr_attr(struct avaw_call *c, unsigned long long *data, CUpointer_attribute attr, CUdeviceptr ptr)
{
	unsigned long long v = 0;
	size_t n = ava_cu_ptr_attr_size(attr);
	CUresult r;

	(void)c;
	/* a host pointer of the worker means nothing to the guest */
	if (!n || attr == CU_POINTER_ATTRIBUTE_HOST_POINTER)
		return CUDA_ERROR_NOT_SUPPORTED;
	if (!CU.cuPointerGetAttribute || !data)
		return CUDA_ERROR_INVALID_VALUE;
	r = CU.cuPointerGetAttribute(&v, attr, ptr);
	*data = 0;
	memcpy(data, &v, n);
	return r;
}

cudaError_t avaw_rt_ptr_attrs(struct avaw_call *c, struct cudaPointerAttributes *attr, const void *ptr)
{
	cudaError_t r;

	(void)c;
	if (!RT.cudaPointerGetAttributes || !attr)
		return cudaErrorInvalidValue;
	r = RT.cudaPointerGetAttributes(attr, ptr);
	attr->hostPointer = NULL;	/* never a worker address */
	return r;
}
