// SPDX-License-Identifier: MIT
/*
 * cudnnBackendSetAttribute and cudnnBackendGetAttribute in the guest: the
 * elements of descriptor and handle attributes are the program's pointers
 * to guest objects, which travel as their ids (an unknown one as an id no
 * table holds, which the worker refuses).  Every other type travels as it
 * is, its element size from common/cudnn_types.h.  The call goes without
 * waiting when the guest finds nothing wrong (ava_cudnn_set_async).
 */
#include "cudnn_guest_rt.h"

#include <stdlib.h>
#include <string.h>

/* The handle type whose ids elements of this attribute type travel as; 0
 * when the elements are plain values. */
static uint32_t object_type(cudnnBackendAttributeType_t type)
{
	if (type == CUDNN_TYPE_BACKEND_DESCRIPTOR)
		return AVA_HT_CUDNN_backend;
	if (type == CUDNN_TYPE_HANDLE)
		return AVA_HT_CUDNN_cudnn;
	return 0;
}

/* The ids of count objects of type ht; NULL when out of memory. */
static uint64_t *ids_of(const void *elems, int64_t count, uint32_t ht)
{
	const void *const *objs = elems;
	uint64_t *ids = malloc((size_t)count * sizeof(*ids) + 1);
	int64_t i;

	for (i = 0; ids && i < count; i++)
		ids[i] = objs[i] ? ava_obj_id(objs[i], ht) : AVA_ID_INVALID;
	return ids;
}

int ava_cudnn_set_async(cudnnBackendDescriptor_t desc, cudnnBackendAttributeType_t type, int64_t count,
			const void *elems)
{
	uint64_t id;
	int64_t i;

	if (!ava_cudnn_live(desc, AVA_HT_CUDNN_backend) || !ava_cudnn_attr_size(type) || count < 0 ||
	    count > AVA_CUDNN_MAX_ELEMENTS || !elems)
		return 0;
	for (i = 0; object_type(type) && i < count; i++) {	/* ids by now (ids_of) */
		memcpy(&id, (const char *)elems + i * sizeof(id), sizeof(id));
		if (id == AVA_ID_INVALID)
			return 0;
	}
	return 1;
}

AVA_EXPORT cudnnStatus_t cudnnBackendSetAttribute(cudnnBackendDescriptor_t descriptor,
						  cudnnBackendAttributeName_t attributeName,
						  cudnnBackendAttributeType_t attributeType, int64_t elementCount,
						  const void *arrayOfElements)
{
	uint32_t ht = object_type(attributeType);
	cudnnStatus_t st;
	uint64_t *ids;

	if (!ht || !arrayOfElements || !ava_cudnn_attr_bytes(attributeType, elementCount))
		return avagen_cudnnBackendSetAttribute(descriptor, attributeName, attributeType, elementCount,
						       arrayOfElements);
	ids = ids_of(arrayOfElements, elementCount, ht);
	if (!ids)
		return CUDNN_STATUS_ALLOC_FAILED;
	st = avagen_cudnnBackendSetAttribute(descriptor, attributeName, attributeType, elementCount, ids);
	free(ids);
	return st;
}

/* Descriptor elements are descriptors the program made, which cuDNN fills
 * in the worker: they travel as ids, and the program's array stays as it is. */
AVA_EXPORT cudnnStatus_t cudnnBackendGetAttribute(cudnnBackendDescriptor_t descriptor,
						  cudnnBackendAttributeName_t attributeName,
						  cudnnBackendAttributeType_t attributeType,
						  int64_t requestedElementCount, int64_t *elementCount,
						  void *arrayOfElements)
{
	uint32_t ht = object_type(attributeType);
	cudnnStatus_t st;
	uint64_t *ids;

	if (!ht || !arrayOfElements || !ava_cudnn_attr_bytes(attributeType, requestedElementCount))
		return avagen_cudnnBackendGetAttribute(descriptor, attributeName, attributeType,
						       requestedElementCount, elementCount, arrayOfElements);
	ids = ids_of(arrayOfElements, requestedElementCount, ht);
	if (!ids)
		return CUDNN_STATUS_ALLOC_FAILED;
	st = avagen_cudnnBackendGetAttribute(descriptor, attributeName, attributeType, requestedElementCount,
					     elementCount, ids);
	free(ids);
	return st;
}
