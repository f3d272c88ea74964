/* SPDX-License-Identifier: MIT */
/*
 * @wimpl of the calls that make buffers and images from host memory
 * (opencl_host_data.c): their host data may stream in, larger than the arena.
 */
#ifndef AVA_OPENCL_HOST_DATA_H
#define AVA_OPENCL_HOST_DATA_H

#include <CL/cl.h>

#include "worker_call.h"

cl_mem avaw_cl_create_buffer(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, size_t size, void *host_ptr,
			     cl_int *err);
cl_mem avaw_cl_create_buffer_with_properties(struct avaw_call *c, cl_context ctx, const cl_mem_properties *props,
					     cl_mem_flags flags, size_t size, void *host_ptr, cl_int *err);
cl_mem avaw_cl_create_image(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, const cl_image_format *fmt,
			    const cl_image_desc *desc, void *host_ptr, cl_int *err);
cl_mem avaw_cl_create_image_with_properties(struct avaw_call *c, cl_context ctx, const cl_mem_properties *props,
					    cl_mem_flags flags, const cl_image_format *fmt, const cl_image_desc *desc,
					    void *host_ptr, cl_int *err);
cl_mem avaw_cl_create_image2d(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, const cl_image_format *fmt,
			      size_t w, size_t h, size_t row_pitch, void *host_ptr, cl_int *err);
cl_mem avaw_cl_create_image3d(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, const cl_image_format *fmt,
			      size_t w, size_t h, size_t d, size_t row_pitch, size_t slice_pitch, void *host_ptr,
			      cl_int *err);

#endif
