/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuDNN worker dispatch (build/gen/cudnn_worker.c)
 * needs.  The worker calls NVIDIA's libcudnn.so.9 through a table filled
 * with dlsym when a session first uses cuDNN (mathlib_table.c); the backend
 * API's descriptors are objects of cudnn_worker_backend.c.
 */
#ifndef AVA_CUDNN_WORKER_RT_H
#define AVA_CUDNN_WORKER_RT_H

#include "../common/cudnn_types.h"
#include "mathlib_worker.h"
#define AVAW_CUDNN_SYMS
#include "cudnn_ids.h"

AVAW_MATHLIB_DECLS(cudnn, CUDNN)

/* @wimpl */
cudnnStatus_t avaw_cudnn_versions(struct avaw_call *c, size_t *versions);
cudnnStatus_t avaw_cudnn_last_error(struct avaw_call *c, char *message, size_t max_size);
cudnnStatus_t avaw_cudnn_backend_create(struct avaw_call *c, cudnnBackendDescriptorType_t type,
					cudnnBackendDescriptor_t *descriptor);
cudnnStatus_t avaw_cudnn_backend_finalize(struct avaw_call *c, cudnnBackendDescriptor_t descriptor);
cudnnStatus_t avaw_cudnn_backend_set(struct avaw_call *c, cudnnBackendDescriptor_t descriptor,
				     cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
				     int64_t count, const void *elems);
cudnnStatus_t avaw_cudnn_backend_get(struct avaw_call *c, cudnnBackendDescriptor_t descriptor,
				     cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
				     int64_t requested, int64_t *count, void *elems);
cudnnStatus_t avaw_cudnn_backend_execute(struct avaw_call *c, cudnnHandle_t handle,
					 cudnnBackendDescriptor_t executionPlan, cudnnBackendDescriptor_t variantPack);

#endif
