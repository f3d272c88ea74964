/* SPDX-License-Identifier: MIT */
/*
 * Helpers both halves of the OpenCL stubs evaluate.
 *
 * Sizes of the host memory OpenCL calls read or write, computed from their
 * scalar arguments.  The guest uses them to know how much to send; the
 * worker uses the same functions to check that it received exactly that
 * (a size that overflows comes out as UINT64_MAX, which never matches).
 */
#ifndef AVA_OPENCL_SIZES_H
#define AVA_OPENCL_SIZES_H

#include <CL/cl.h>
#include <stdint.h>

uint64_t ava_cl_format_bytes(const cl_image_format *fmt);
uint64_t ava_cl_image_bytes(const cl_image_format *fmt, size_t w, size_t h, size_t d,
			    size_t row_pitch, size_t slice_pitch);
uint64_t ava_cl_image_host_bytes(const cl_image_format *fmt, const cl_image_desc *desc);
/* Bytes from ptr to the end of a rectangle at origin (host side of *Rect calls). */
uint64_t ava_cl_rect_bytes(const size_t *origin, const size_t *region, size_t row_pitch,
			   size_t slice_pitch);
/* Bytes of a region of elements of elem bytes laid out with the given pitches. */
uint64_t ava_cl_region_bytes(uint64_t elem, const size_t *region, size_t row_pitch,
			     size_t slice_pitch);
/*
 * Whether such host memory has no gaps: nothing between its rows and
 * slices, nor, for a rectangle, before its origin.  A read into it writes
 * every byte of its span, so the span may stream (api/opencl.spec).
 */
int ava_cl_region_packed(uint64_t elem, const size_t *region, size_t row_pitch, size_t slice_pitch);
/*
 * The (origin or) region of an image of type as the arithmetic above takes
 * it: a 1D image array's (x, layer, 0) is (x, 0, layer), its host memory
 * stepping from layer to layer by the slice pitch (the row pitch when 0).
 * Returns v itself for any other type, else buf.
 */
const size_t *ava_cl_image_xyz(cl_mem_object_type type, const size_t *v, size_t buf[3]);
int ava_cl_rect_packed(const size_t *origin, const size_t *region, size_t row_pitch, size_t slice_pitch);

static inline int ava_cl_host_copy(cl_mem_flags f)
{
	return (f & (CL_MEM_COPY_HOST_PTR | CL_MEM_USE_HOST_PTR)) != 0;
}

static inline int ava_opencl_map_reads(cl_map_flags f)
{
	return !(f & CL_MAP_WRITE_INVALIDATE_REGION);
}

/* The pending-data id (AVA_CTL_PENDING) of a non-blocking map's mirror:
 * its map id with this bit, so that both sides know it. */
#define AVA_CL_MAP_PENDING_BIT (1ULL << 63)

static inline int ava_opencl_map_writes(cl_map_flags f)
{
	return (f & (CL_MAP_WRITE | CL_MAP_WRITE_INVALIDATE_REGION)) != 0;
}

/* Build-style callbacks run when the call reached the compiler. */
static inline int ava_opencl_notify_due(cl_int ret, int valid)
{
	return valid && (ret == CL_SUCCESS || ret == CL_BUILD_PROGRAM_FAILURE ||
			 ret == CL_COMPILE_PROGRAM_FAILURE || ret == CL_LINK_PROGRAM_FAILURE);
}

static inline cl_uint ava_cl_dims(cl_uint work_dim)
{
	return work_dim <= 3 ? work_dim : 3;
}

#endif
