// SPDX-License-Identifier: MIT
/* OpenCL-specific helpers of the guest library (called by generated stubs). */
#include "opencl_guest_rt.h"

#include <string.h>

static uint64_t elem_of(cl_mem image)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(image);

	return mem ? mem->elem_size : 0;
}

const size_t *ava_cl_image_xyz_of(cl_mem image, const size_t *v, size_t buf[3])
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(image);

	return mem ? ava_cl_image_xyz(mem->type, v, buf) : v;
}

uint64_t ava_cl_image_region_bytes(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch)
{
	size_t buf[3];

	return ava_cl_region_bytes(elem_of(image), ava_cl_image_xyz_of(image, region, buf), row_pitch, slice_pitch);
}

int ava_cl_image_region_packed(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch)
{
	size_t buf[3];

	return ava_cl_region_packed(elem_of(image), ava_cl_image_xyz_of(image, region, buf), row_pitch, slice_pitch);
}

uint64_t ava_cl_map_image_bytes(cl_mem image, const size_t *region, const size_t *row_pitch,
				const size_t *slice_pitch)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(image);
	size_t buf[3];

	/*
	 * The backend's pitches are not known yet: those of the host memory the
	 * image was made from (PoCL keeps them, CTS images use_pitches), else packed.
	 */
	(void)row_pitch;
	(void)slice_pitch;
	if (!mem)
		return 0;
	return ava_cl_region_bytes(mem->elem_size, ava_cl_image_xyz(mem->type, region, buf), mem->host_row,
				   mem->host_slice);
}

uint64_t ava_cl_image_map_offset(cl_mem image, const size_t *origin, const size_t *row_pitch,
				 const size_t *slice_pitch)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(image);
	size_t buf[3];

	if (!mem || !mem->host_ptr || !origin || !row_pitch || *row_pitch != mem->host_row ||
	    (slice_pitch && *slice_pitch && *slice_pitch != mem->host_slice))
		return AVA_MAP_PRIVATE;
	origin = ava_cl_image_xyz(mem->type, origin, buf);
	return origin[2] * mem->host_slice + origin[1] * mem->host_row + origin[0] * mem->elem_size;
}

void ava_cl_image_desc_put(struct ava_call *c, const cl_image_desc *d)
{
	if (!d) {
		ava_put_u64(c, 0);
		return;
	}
	ava_put_u64(c, 1);
	ava_put_u64(c, d->image_type);
	ava_put_u64(c, d->image_width);
	ava_put_u64(c, d->image_height);
	ava_put_u64(c, d->image_depth);
	ava_put_u64(c, d->image_array_size);
	ava_put_u64(c, d->image_row_pitch);
	ava_put_u64(c, d->image_slice_pitch);
	ava_put_u64(c, d->num_mip_levels);
	ava_put_u64(c, d->num_samples);
	ava_put_u64(c, ava_obj_id(d->buffer, AVA_HT_OPENCL_mem));
}

void ava_cl_event_cb_invoke(struct ava_cb *cb, int64_t status)
{
	void (CL_CALLBACK *fn)(cl_event, cl_int, void *) =
		(void (CL_CALLBACK *)(cl_event, cl_int, void *))cb->fn;

	fn((cl_event)cb->obj, (cl_int)status, cb->user_data);
}
