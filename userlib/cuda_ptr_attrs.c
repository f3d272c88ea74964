// SPDX-License-Identifier: MIT
/*
 * cuPointerGetAttribute(s): the guest answers for its pinned memory (the
 * worker's address of it means nothing here); device memory is asked of the
 * worker (avaCuPointerAttribute), which serves the attributes whose values
 * are plain numbers.
 */
#include "cuda_guest_rt.h"

#include <string.h>

/* An attribute of the guest's pinned memory hm (p at offset off in it). */
static CUresult pinned_attr(void *data, CUpointer_attribute a, struct ava_obj *hm, uint64_t off, CUdeviceptr p)
{
	CUdeviceptr d = 0;
	CUresult r = CUDA_SUCCESS;

	switch (a) {
	case CU_POINTER_ATTRIBUTE_MEMORY_TYPE:
		*(unsigned int *)data = CU_MEMORYTYPE_HOST;
		return CUDA_SUCCESS;
	case CU_POINTER_ATTRIBUTE_HOST_POINTER:
		*(void **)data = (void *)(uintptr_t)p;
		return CUDA_SUCCESS;
	case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
		r = avagen_avaCuHostDevicePointer(&d, (ava_hostmem_t)hm, off);
		*(CUdeviceptr *)data = d;
		return r;
	case CU_POINTER_ATTRIBUTE_IS_MANAGED:
	case CU_POINTER_ATTRIBUTE_DEVICE_ORDINAL:
		*(unsigned int *)data = 0;
		return CUDA_SUCCESS;
	default:
		ava_unsupported("cuPointerGetAttribute of this attribute for pinned host memory");
		return CUDA_ERROR_NOT_SUPPORTED;
	}
}

CUresult avaguest_cuPointerGetAttribute(void *data, CUpointer_attribute attribute, CUdeviceptr ptr)
{
	size_t n = ava_cu_ptr_attr_size(attribute);
	unsigned long long v = 0;
	struct ava_obj *hm;
	uint64_t off = 0;
	CUresult r;

	if (!data)
		return CUDA_ERROR_INVALID_VALUE;
	hm = ava_cu_hostmem_find((const void *)(uintptr_t)ptr, 1, &off);
	if (hm)
		return pinned_attr(data, attribute, hm, off, ptr);
	if (!n || attribute == CU_POINTER_ATTRIBUTE_HOST_POINTER) {
		ava_unsupported("cuPointerGetAttribute of a context, host pointer, P2P tokens or memory pool");
		return CUDA_ERROR_NOT_SUPPORTED;
	}
	r = avagen_avaCuPointerAttribute(&v, attribute, ptr);
	if (r == CUDA_SUCCESS)
		memcpy(data, &v, n);
	return r;
}

CUresult avaguest_cuPointerGetAttributes(unsigned int numAttributes, CUpointer_attribute *attributes, void **data,
					 CUdeviceptr ptr)
{
	CUresult r = CUDA_SUCCESS;

	if (!attributes || !data)
		return CUDA_ERROR_INVALID_VALUE;
	for (unsigned int i = 0; i < numAttributes && r == CUDA_SUCCESS; i++)
		r = avaguest_cuPointerGetAttribute(data[i], attributes[i], ptr);
	return r;
}
