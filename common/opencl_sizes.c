// SPDX-License-Identifier: MIT
#define CL_TARGET_OPENCL_VERSION 300
#include "opencl_sizes.h"

#define BAD UINT64_MAX

static uint64_t mul(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_mul_overflow(a, b, &r) ? BAD : r;
}

static uint64_t add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? BAD : r;
}

uint64_t ava_cl_format_bytes(const cl_image_format *fmt)
{
	uint64_t ch, sz;

	if (!fmt)
		return 0;
	switch (fmt->image_channel_data_type) {
	case CL_UNORM_SHORT_565:
	case CL_UNORM_SHORT_555:
		return 2;
	case CL_UNORM_INT_101010:
		return 4;
	case CL_SNORM_INT8: case CL_UNORM_INT8: case CL_SIGNED_INT8: case CL_UNSIGNED_INT8:
		sz = 1;
		break;
	case CL_SNORM_INT16: case CL_UNORM_INT16: case CL_SIGNED_INT16: case CL_UNSIGNED_INT16:
	case CL_HALF_FLOAT:
		sz = 2;
		break;
	case CL_SIGNED_INT32: case CL_UNSIGNED_INT32: case CL_FLOAT:
		sz = 4;
		break;
	default:
		return 0;
	}
	switch (fmt->image_channel_order) {
	case CL_R: case CL_A: case CL_INTENSITY: case CL_LUMINANCE: case CL_DEPTH: case CL_Rx:
		ch = 1;
		break;
	case CL_RG: case CL_RA: case CL_RGx:
		ch = 2;
		break;
	case CL_RGB: case CL_RGBx: case CL_sRGB:
		ch = 3;
		break;
	default:
		ch = 4;
	}
	return ch * sz;
}

uint64_t ava_cl_image_bytes(const cl_image_format *fmt, size_t w, size_t h, size_t d,
			    size_t row_pitch, size_t slice_pitch)
{
	uint64_t row = row_pitch ? row_pitch : mul(w, ava_cl_format_bytes(fmt));
	uint64_t slice = slice_pitch ? slice_pitch : mul(row, h ? h : 1);

	return mul(slice, d ? d : 1);
}

uint64_t ava_cl_image_host_bytes(const cl_image_format *fmt, const cl_image_desc *d)
{
	if (!d)
		return 0;
	switch (d->image_type) {
	case CL_MEM_OBJECT_IMAGE1D:
	case CL_MEM_OBJECT_IMAGE1D_BUFFER:
		return ava_cl_image_bytes(fmt, d->image_width, 1, 1, d->image_row_pitch, 0);
	case CL_MEM_OBJECT_IMAGE1D_ARRAY:
		return ava_cl_image_bytes(fmt, d->image_width, 1, d->image_array_size,
					  d->image_row_pitch, d->image_slice_pitch);
	case CL_MEM_OBJECT_IMAGE2D:
		return ava_cl_image_bytes(fmt, d->image_width, d->image_height, 1, d->image_row_pitch, 0);
	case CL_MEM_OBJECT_IMAGE2D_ARRAY:
		return ava_cl_image_bytes(fmt, d->image_width, d->image_height, d->image_array_size,
					  d->image_row_pitch, d->image_slice_pitch);
	case CL_MEM_OBJECT_IMAGE3D:
		return ava_cl_image_bytes(fmt, d->image_width, d->image_height, d->image_depth,
					  d->image_row_pitch, d->image_slice_pitch);
	default:
		return 0;
	}
}

uint64_t ava_cl_region_bytes(uint64_t elem, const size_t *region, size_t row_pitch,
			     size_t slice_pitch)
{
	uint64_t row, slice, n;

	if (!region || !region[0] || !region[1] || !region[2])
		return 0;
	row = row_pitch ? row_pitch : mul(region[0], elem);
	slice = slice_pitch ? slice_pitch : mul(row, region[1]);
	n = add(mul(region[2] - 1, slice), mul(region[1] - 1, row));
	return add(n, mul(region[0], elem));
}

uint64_t ava_cl_rect_bytes(const size_t *origin, const size_t *region, size_t row_pitch,
			   size_t slice_pitch)
{
	uint64_t row, slice, start;

	if (!origin || !region || !region[0] || !region[1] || !region[2])
		return 0;
	row = row_pitch ? row_pitch : region[0];
	slice = slice_pitch ? slice_pitch : mul(row, region[1]);
	start = add(add(mul(origin[2], slice), mul(origin[1], row)), origin[0]);
	return add(start, ava_cl_region_bytes(1, region, row, slice));
}

const size_t *ava_cl_image_xyz(cl_mem_object_type type, const size_t *v, size_t buf[3])
{
	if (!v || type != CL_MEM_OBJECT_IMAGE1D_ARRAY)
		return v;
	buf[0] = v[0];
	buf[1] = v[2];	/* 1 for a region, 0 for an origin */
	buf[2] = v[1];
	return buf;
}

int ava_cl_region_packed(uint64_t elem, const size_t *region, size_t row_pitch, size_t slice_pitch)
{
	return ava_cl_region_bytes(elem, region, row_pitch, slice_pitch) == ava_cl_region_bytes(elem, region, 0, 0);
}

int ava_cl_rect_packed(const size_t *origin, const size_t *region, size_t row_pitch, size_t slice_pitch)
{
	static const size_t zero[3];

	return ava_cl_rect_bytes(origin, region, row_pitch, slice_pitch) ==
	       ava_cl_rect_bytes(zero, region, 0, 0);
}
