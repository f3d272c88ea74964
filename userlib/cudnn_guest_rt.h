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

/* @async conditions: the checks the guest can make itself.  A call that
 * fails one waits, so its error comes back at once; one that passes is sent
 * without waiting, and an error the worker finds comes back at the next
 * @sync_point call (docs/cuda.md, what waits and what does not). */
/* obj is a live cuDNN object of type (cudnn_guest.c). */
int ava_cudnn_live(const void *obj, uint32_t type);
/* n dimensions, a rank cuDNN takes, in two arrays present (cudnn_guest.c). */
int ava_cudnn_dims_ok(int n, const int *a, const int *b);
/* cudnnBackendSetAttribute: a live descriptor, a known type, a count in
 * range and elements that are values or live objects' ids (cudnn_guest_attrs.c). */
int ava_cudnn_set_async(cudnnBackendDescriptor_t desc, cudnnBackendAttributeType_t type, int64_t count,
			const void *elems);

/* @scale (scale_factor): a scaling factor as it travels, 8 bytes in wire
 * holding a double or a float after the data type the guest saw for desc;
 * NULL for a NULL p (cudnn_guest.c). */
const void *ava_cudnn_scalar(uint64_t *wire, const void *p, cudnnTensorDescriptor_t desc);

/* The generated stubs the hand-written entry points call (@wrap, @internal) */
cudnnStatus_t avagen_cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType,
						int nbDims, const int *dimA, const int *strideA);
cudnnStatus_t avagen_cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format,
						cudnnDataType_t dataType, int n, int c, int h, int w);
cudnnStatus_t avagen_cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType,
						  int n, int c, int h, int w, int nStride, int cStride,
						  int hStride, int wStride);
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
