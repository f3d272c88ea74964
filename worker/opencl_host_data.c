// SPDX-License-Identifier: MIT
/*
 * Buffers and images made from host memory (CL_MEM_COPY_HOST_PTR, or
 * USE_HOST_PTR, which the worker turns into a copy: ava_cl_host_flags).
 * Initial contents larger than the arena stream in (CTS basic async_copy
 * makes 1 GiB buffers from host memory) into a copy of the worker's,
 * freed once the backend has made the object.
 */
#include "opencl_worker_rt.h"

#include <stdlib.h>

/* The largest allocation any device of ctx allows (0 if it cannot be asked). */
static cl_ulong max_alloc(cl_context ctx)
{
	cl_device_id devs[16];
	cl_ulong most = 0, m;
	size_t n = 0, i;

	if (clGetContextInfo(ctx, CL_CONTEXT_DEVICES, sizeof(devs), devs, &n) != CL_SUCCESS)
		return 0;
	for (i = 0; i < n / sizeof(devs[0]); i++)
		if (clGetDeviceInfo(devs[i], CL_DEVICE_MAX_MEM_ALLOC_SIZE, sizeof(m), &m, NULL) == CL_SUCCESS && m > most)
			most = m;
	return most;
}

/*
 * The host data of an object being made, of size bytes (as the generated
 * dispatch checked them): *host_ptr as received, or where it streamed in,
 * *copy, which the caller frees.  The copy is no larger than an allocation
 * a device of the context allows (a larger object is too_big natively).
 * Returns CL_SUCCESS or the error.
 */
static cl_int streamed_host_data(struct avaw_call *c, cl_context ctx, uint64_t size, cl_int too_big,
				 void **host_ptr, void **copy)
{
	cl_int err = CL_SUCCESS;

	*copy = NULL;
	if (!avaw_stream_active(c))
		return CL_SUCCESS;
	if (size > max_alloc(ctx))
		err = too_big;
	else if (!(*copy = malloc(size)))
		err = CL_OUT_OF_HOST_MEMORY;
	else if (avaw_stream_in(c, *copy, size))
		err = CL_OUT_OF_RESOURCES;
	avaw_stream_abort(c);	/* if it did not finish */
	*host_ptr = *copy;
	return err;
}

cl_mem avaw_cl_create_buffer(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, size_t size, void *host_ptr,
			     cl_int *err)
{
	return avaw_cl_create_buffer_with_properties(c, ctx, NULL, flags, size, host_ptr, err);
}

cl_mem avaw_cl_create_buffer_with_properties(struct avaw_call *c, cl_context ctx, const cl_mem_properties *props,
					     cl_mem_flags flags, size_t size, void *host_ptr, cl_int *err)
{
	cl_mem m = NULL;
	void *copy;

	*err = streamed_host_data(c, ctx, size, CL_INVALID_BUFFER_SIZE, &host_ptr, &copy);
	/* the 1.2 entry point where no properties were given: 1.2 backends lack the other */
	if (*err == CL_SUCCESS)
		m = props ? clCreateBufferWithProperties(ctx, props, flags, size, host_ptr, err) :
			    clCreateBuffer(ctx, flags, size, host_ptr, err);
	free(copy);
	return m;
}

/* Images: the host data's size from the format, the dimensions and the pitches (common/opencl_sizes.c). */
cl_mem avaw_cl_create_image(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, const cl_image_format *fmt,
			    const cl_image_desc *desc, void *host_ptr, cl_int *err)
{
	return avaw_cl_create_image_with_properties(c, ctx, NULL, flags, fmt, desc, host_ptr, err);
}

cl_mem avaw_cl_create_image_with_properties(struct avaw_call *c, cl_context ctx, const cl_mem_properties *props,
					    cl_mem_flags flags, const cl_image_format *fmt, const cl_image_desc *desc,
					    void *host_ptr, cl_int *err)
{
	cl_mem m = NULL;
	void *copy;

	*err = streamed_host_data(c, ctx, ava_cl_image_host_bytes(fmt, desc), CL_INVALID_IMAGE_SIZE, &host_ptr,
				  &copy);
	if (*err == CL_SUCCESS)
		m = props ? clCreateImageWithProperties(ctx, props, flags, fmt, desc, host_ptr, err) :
			    clCreateImage(ctx, flags, fmt, desc, host_ptr, err);
	free(copy);
	return m;
}

/* The 1.1 entry points (natively their errors differ from clCreateImage's). */
cl_mem avaw_cl_create_image2d(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, const cl_image_format *fmt,
			      size_t w, size_t h, size_t row_pitch, void *host_ptr, cl_int *err)
{
	cl_mem m = NULL;
	void *copy;

	*err = streamed_host_data(c, ctx, ava_cl_image_bytes(fmt, w, h, 1, row_pitch, 0), CL_INVALID_IMAGE_SIZE,
				  &host_ptr, &copy);
	if (*err == CL_SUCCESS)
		m = clCreateImage2D(ctx, flags, fmt, w, h, row_pitch, host_ptr, err);
	free(copy);
	return m;
}

cl_mem avaw_cl_create_image3d(struct avaw_call *c, cl_context ctx, cl_mem_flags flags, const cl_image_format *fmt,
			      size_t w, size_t h, size_t d, size_t row_pitch, size_t slice_pitch, void *host_ptr,
			      cl_int *err)
{
	cl_mem m = NULL;
	void *copy;

	*err = streamed_host_data(c, ctx, ava_cl_image_bytes(fmt, w, h, d, row_pitch, slice_pitch),
				  CL_INVALID_IMAGE_SIZE, &host_ptr, &copy);
	if (*err == CL_SUCCESS)
		m = clCreateImage3D(ctx, flags, fmt, w, h, d, row_pitch, slice_pitch, host_ptr, err);
	free(copy);
	return m;
}
