/* SPDX-License-Identifier: MIT */
/*
 * The worker's side of coarse-grained buffer SVM (opencl_svm.c): the
 * session's live allocations, and the calls that take SVM addresses from
 * the guest, each checked to lie inside one of them.
 */
#ifndef AVA_OPENCL_SVM_WORKER_H
#define AVA_OPENCL_SVM_WORKER_H

#include <CL/cl.h>

#include "worker_call.h"

cl_int avaw_cl_svm_alloc(struct avaw_call *c, cl_context ctx, cl_svm_mem_flags flags, size_t size,
			 cl_uint alignment, cl_ulong *address);
cl_int avaw_cl_svm_free(struct avaw_call *c, cl_context ctx, cl_ulong address);
cl_int avaw_cl_svm_read(struct avaw_call *c, cl_command_queue q, cl_ulong src, size_t size, void *dst,
			cl_uint nwait, const cl_event *wait, cl_event *ev);
cl_int avaw_cl_svm_write(struct avaw_call *c, cl_command_queue q, cl_ulong dst, size_t size, const void *src,
			 cl_uint nwait, const cl_event *wait, cl_event *ev);
cl_int avaw_cl_svm_copy(struct avaw_call *c, cl_command_queue q, cl_bool blocking, cl_ulong dst, cl_ulong src,
			size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev);
cl_int avaw_cl_svm_fill(struct avaw_call *c, cl_command_queue q, cl_ulong dst, const void *pattern,
			size_t pattern_size, size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev);
cl_int avaw_cl_set_arg_svm(struct avaw_call *c, cl_kernel kernel, cl_uint index, const void *value);
cl_int avaw_cl_set_exec_info(struct avaw_call *c, cl_kernel kernel, cl_kernel_exec_info name, size_t size,
			     const void *value);

#endif
