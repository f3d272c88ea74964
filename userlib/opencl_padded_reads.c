// SPDX-License-Identifier: MIT
/*
 * Reads into padded host memory (row or slice pitches beyond the region's
 * rows, a rectangle's host origin) large enough to stream.  A streamed read
 * writes every byte of its span, while OpenCL leaves the gaps alone, so
 * these read packed into memory of the guest library's and are spread from
 * there into the application's.  Smaller ones go through the arena with the
 * application's memory preloaded (inout).
 */
#include "opencl_guest_rt.h"

#include <string.h>

/* Rows of row bytes from packed src into dst, at row_pitch and slice_pitch. */
static void spread(unsigned char *dst, size_t row_pitch, size_t slice_pitch, const unsigned char *src, size_t row,
		   size_t rows, size_t slices)
{
	size_t y, z;

	for (z = 0; z < slices; z++)
		for (y = 0; y < rows; y++, src += row)
			memcpy(dst + z * slice_pitch + y * row_pitch, src, row);
}

/* Pitches that are 0 (packed) or hold the region's rows and slices; bytes the span. */
static int padded(const void *ptr, uint64_t bytes, int packed, const size_t *region, size_t row, size_t row_pitch,
		  size_t slice_pitch)
{
	size_t r = row_pitch ? row_pitch : row;

	return ptr && region && bytes >= AVA_STREAM_MIN && bytes != UINT64_MAX && !packed && r >= row &&
	       (!slice_pitch || slice_pitch / region[1] >= r);
}

static size_t image_row(cl_mem image, const size_t *region)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(image);

	return mem && region ? mem->elem_size * region[0] : 0;
}

int ava_cl_image_read_padded(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch,
			     const void *ptr)
{
	size_t buf[3];

	return padded(ptr, ava_cl_image_region_bytes(image, region, row_pitch, slice_pitch),
		      ava_cl_image_region_packed(image, region, row_pitch, slice_pitch),
		      ava_cl_image_xyz_of(image, region, buf), image_row(image, region), row_pitch, slice_pitch);
}

cl_int ava_cl_read_image_packed(cl_command_queue q, cl_mem image, const size_t *origin, const size_t *region,
				size_t row_pitch, size_t slice_pitch, void *ptr, cl_uint nwait, const cl_event *wait,
				cl_event *ev)
{
	size_t buf[3];
	const size_t *xyz = ava_cl_image_xyz_of(image, region, buf);	/* a 1D array's layers as slices */
	size_t row = image_row(image, region), r = row_pitch ? row_pitch : row;
	unsigned char *tmp = malloc(row * region[1] * region[2]);
	cl_int err;

	if (!tmp)
		return CL_OUT_OF_HOST_MEMORY;
	err = avagen_clEnqueueReadImage(q, image, CL_TRUE, origin, region, 0, 0, tmp, nwait, wait, ev);
	if (err == CL_SUCCESS)
		spread(ptr, r, slice_pitch ? slice_pitch : r * xyz[1], tmp, row, xyz[1], xyz[2]);
	free(tmp);
	return err;
}

int ava_cl_rect_read_padded(const size_t *host_origin, const size_t *region, size_t host_row_pitch,
			    size_t host_slice_pitch, const void *ptr)
{
	return host_origin &&
	       padded(ptr, ava_cl_rect_bytes(host_origin, region, host_row_pitch, host_slice_pitch),
		      ava_cl_rect_packed(host_origin, region, host_row_pitch, host_slice_pitch), region,
		      region ? region[0] : 0, host_row_pitch, host_slice_pitch);
}

cl_int ava_cl_read_rect_packed(cl_command_queue q, cl_mem buf, const size_t *buffer_origin,
			       const size_t *host_origin, const size_t *region, size_t buffer_row_pitch,
			       size_t buffer_slice_pitch, size_t host_row_pitch, size_t host_slice_pitch, void *ptr,
			       cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	static const size_t zero[3];
	size_t r = host_row_pitch ? host_row_pitch : region[0], s = host_slice_pitch ? host_slice_pitch : r * region[1];
	unsigned char *tmp = malloc(region[0] * region[1] * region[2]);
	cl_int err;

	if (!tmp)
		return CL_OUT_OF_HOST_MEMORY;
	err = avagen_clEnqueueReadBufferRect(q, buf, CL_TRUE, buffer_origin, zero, region, buffer_row_pitch,
					     buffer_slice_pitch, 0, 0, tmp, nwait, wait, ev);
	if (err == CL_SUCCESS)
		spread((unsigned char *)ptr + host_origin[2] * s + host_origin[1] * r + host_origin[0], r, s, tmp,
		       region[0], region[1], region[2]);
	free(tmp);
	return err;
}
