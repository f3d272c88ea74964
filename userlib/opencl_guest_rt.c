// SPDX-License-Identifier: MIT
/* OpenCL-specific helpers of the guest library (called by generated stubs). */
#include "opencl_guest_rt.h"

#include <string.h>

static uint64_t elem_of(cl_mem image)
{
	struct ava_obj *o = ava_obj_check(image, AVA_HT_OPENCL_mem);

	return o ? o->elem_size : 0;
}

uint64_t ava_cl_image_region_bytes(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch)
{
	return ava_cl_region_bytes(elem_of(image), region, row_pitch, slice_pitch);
}

uint64_t ava_cl_map_image_bytes(cl_mem image, const size_t *region, const size_t *row_pitch,
				const size_t *slice_pitch)
{
	struct ava_obj *o = ava_obj_check(image, AVA_HT_OPENCL_mem);

	/* the host's pitches are not known yet: assume the image is packed */
	(void)row_pitch;
	(void)slice_pitch;
	if (!o)
		return 0;
	return ava_cl_region_bytes(o->elem_size, region, o->img_row, o->img_slice);
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

void ava_cl_mem_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr, size_t size)
{
	o->mem_flags = flags;
	o->size = size;
	if (flags & CL_MEM_USE_HOST_PTR)
		o->host_ptr = host_ptr;
}

void ava_cl_subbuffer_created(struct ava_obj *o, cl_mem parent, cl_mem_flags flags, const void *region)
{
	const cl_mem_flags access = CL_MEM_READ_WRITE | CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY;
	const cl_mem_flags host = CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS;
	struct ava_obj *p = ava_obj_check(parent, AVA_HT_OPENCL_mem);
	cl_buffer_region r;

	memcpy(&r, region, sizeof(r));
	o->size = r.size;
	if (p) {
		/* access and host-access flags not given are inherited from the parent */
		o->mem_flags = p->mem_flags;
		if (flags & access)
			o->mem_flags = (o->mem_flags & ~access) | (flags & access);
		if (flags & host)
			o->mem_flags = (o->mem_flags & ~host) | (flags & host);
		if (p->host_ptr)
			o->host_ptr = (char *)p->host_ptr + r.origin;
	}
}

void ava_cl_image_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr,
			  const cl_image_format *fmt, const cl_image_desc *desc)
{
	ava_cl_image2d_created(o, flags, host_ptr, fmt, desc->image_width,
			       desc->image_type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? 1 : desc->image_height);
}

void ava_cl_image2d_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr,
			    const cl_image_format *fmt, size_t width, size_t height)
{
	o->mem_flags = flags;
	o->is_image = 1;
	o->elem_size = (uint32_t)ava_cl_format_bytes(fmt);
	o->img_row = width * o->elem_size;
	o->img_slice = o->img_row * (height ? height : 1);
	if (flags & CL_MEM_USE_HOST_PTR)
		o->host_ptr = host_ptr;
}

void ava_cl_event_cb_invoke(struct ava_cb *cb, int64_t status)
{
	void (CL_CALLBACK *fn)(cl_event, cl_int, void *) =
		(void (CL_CALLBACK *)(cl_event, cl_int, void *))cb->fn;

	fn((cl_event)cb->obj, (cl_int)status, cb->user_data);
}
