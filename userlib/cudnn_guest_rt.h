/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuDNN guest stubs (build/gen/cudnn_guest.c) and the
 * hand-written part of the libcudnn.so.9 shim need.  The shim links against
 * AvA's libcuda.so.1 and shares its session (docs/cuda.md, cuDNN).
 */
#ifndef AVA_CUDNN_GUEST_RT_H
#define AVA_CUDNN_GUEST_RT_H

#include <stdint.h>

#include "cudnn_types.h"
#include "cudnn_ids.h"
#include "mathlib_guest.h"

#define AVA_EXPORT __attribute__((visibility("default")))

/* @after hook: what the guest keeps of a tensor descriptor's data type
 * (userlib/cudnn_guest.c). */
void ava_cudnn_set_dtype(cudnnTensorDescriptor_t desc, cudnnDataType_t type);

/* A scaling factor as it travels: 8 bytes, a double or a float after the
 * data type the guest saw for desc (userlib/cudnn_guest_scalars.c). */
union ava_cudnn_scalar {
	double d;
	float f;
	uint64_t bits;
};
const void *ava_cudnn_scalar(union ava_cudnn_scalar *s, const void *p, cudnnTensorDescriptor_t desc);

/* The generated stubs the hand-written entry points call (@wrap, @internal) */
cudnnStatus_t avagen_avaCudnnVersions(size_t *versions);
cudnnStatus_t avagen_avaCudnnLastError(char *message, size_t max_size);
cudnnStatus_t avagen_cudnnBackendSetAttribute(cudnnBackendDescriptor_t descriptor,
					      cudnnBackendAttributeName_t attributeName,
					      cudnnBackendAttributeType_t attributeType, int64_t elementCount,
					      const void *arrayOfElements);
cudnnStatus_t avagen_cudnnBackendGetAttribute(cudnnBackendDescriptor_t descriptor,
					      cudnnBackendAttributeName_t attributeName,
					      cudnnBackendAttributeType_t attributeType,
					      int64_t requestedElementCount, int64_t *elementCount,
					      void *arrayOfElements);

#endif
