/* SPDX-License-Identifier: MIT */
/*
 * The session's pool of released OpenCL contexts (opencl_ctx_pool.c): a
 * context the guest let go of, that nothing else holds and that no
 * callback watches, is kept and given to the next create with the same
 * arguments instead of asking the backend for a new one.
 */
#ifndef AVA_OPENCL_CTX_POOL_H
#define AVA_OPENCL_CTX_POOL_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
#include <CL/cl.h>

#include "worker_call.h"

/* @wimpl of clCreateContext / clCreateContextFromType: notify says whether
 * the guest passed a pfn_notify (the worker drops it, see api/opencl.spec). */
cl_context avaw_cl_create_context(struct avaw_call *c, const cl_context_properties *props, cl_uint ndev,
				  const cl_device_id *devs, int notify, void *user_data, cl_int *err);
cl_context avaw_cl_create_context_from_type(struct avaw_call *c, const cl_context_properties *props,
					    cl_device_type type, int notify, void *user_data, cl_int *err);
/* The context handle type's release: pools the context or releases it. */
cl_int avaw_cl_context_release(cl_context ctx);
/* The session is over: releases every pooled context. */
void avaw_cl_ctx_pool_drain(void);

#endif
