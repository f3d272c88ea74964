// SPDX-License-Identifier: MIT
/* OpenCL-specific parts of the worker (called by the generated dispatch). */
#include "opencl_worker_rt.h"
#include "worker_staging.h"

#include <stdio.h>
#include <string.h>

static int event_state(void *event)
{
	cl_int st = CL_QUEUED;

	if (clGetEventInfo(event, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL) != CL_SUCCESS)
		return -1;
	return st == CL_COMPLETE ? 1 : st < 0 ? -1 : 0;
}

static const struct avaw_api opencl_api = {
	avaw_opencl_fns, AVA_FN_OPENCL_COUNT, avaw_opencl_types, AVA_HT_OPENCL_COUNT, event_state
};

void avaw_opencl_register(void)
{
	avaw_apis[AVA_API_OPENCL] = &opencl_api;
	avaw_props_set_handle_key(AVA_API_OPENCL, CL_CONTEXT_PLATFORM, AVA_HT_OPENCL_platform,
				  CL_INVALID_PLATFORM);
	avaw_cl_kernel_args_register();
}

static uint64_t elem_size(cl_mem image)
{
	size_t e = 0;

	if (!image || clGetImageInfo(image, CL_IMAGE_ELEMENT_SIZE, sizeof(e), &e, NULL) != CL_SUCCESS)
		return 0;
	return e;
}

/* A region of image as the size arithmetic takes it (ava_cl_image_xyz). */
static const size_t *xyz(cl_mem image, const size_t *region, size_t buf[3])
{
	cl_mem_object_type type = 0;

	if (image)
		clGetMemObjectInfo(image, CL_MEM_TYPE, sizeof(type), &type, NULL);
	return ava_cl_image_xyz(type, region, buf);
}

uint64_t ava_cl_image_region_bytes(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch)
{
	size_t buf[3];

	return ava_cl_region_bytes(elem_size(image), xyz(image, region, buf), row_pitch, slice_pitch);
}

uint64_t ava_cl_map_image_bytes(cl_mem image, const size_t *region, const size_t *row_pitch,
				const size_t *slice_pitch)
{
	size_t buf[3];

	return ava_cl_region_bytes(elem_size(image), xyz(image, region, buf), row_pitch ? *row_pitch : 0,
				   slice_pitch ? *slice_pitch : 0);
}

/*
 * Maps.  A blocking map's data goes to the guest's mirror with the reply.
 * A non-blocking one may wait for a user event the guest sets next, so the
 * worker does not wait: the map's event is kept (running_map, from the map
 * call to map_done of the same command) and the mirror's data is collected
 * like a non-blocking read's, under the map's id (AVA_CL_MAP_PENDING_BIT).
 */
static cl_event running_map;

static void *map_started(void *p, cl_event own, cl_event *ev)
{
	if (running_map)	/* never left by a map that reached map_done */
		clReleaseEvent(running_map);
	running_map = NULL;
	if (!p || !own)
		return p;
	clRetainEvent(own);
	running_map = own;
	if (ev)
		*ev = own;
	else
		clReleaseEvent(own);
	return p;
}

void *avaw_cl_map_buffer(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking, cl_map_flags flags,
			 size_t offset, size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev, cl_int *err)
{
	cl_event own = NULL;
	void *p;

	(void)c;
	p = clEnqueueMapBuffer(q, buf, blocking, flags, offset, size, nwait, wait, blocking ? ev : &own, err);
	return blocking ? p : map_started(p, own, ev);
}

void *avaw_cl_map_image(struct avaw_call *c, cl_command_queue q, cl_mem image, cl_bool blocking, cl_map_flags flags,
			const size_t *origin, const size_t *region, size_t *row_pitch, size_t *slice_pitch,
			cl_uint nwait, const cl_event *wait, cl_event *ev, cl_int *err)
{
	cl_event own = NULL;
	void *p;

	(void)c;
	p = clEnqueueMapImage(q, image, blocking, flags, origin, region, row_pitch, slice_pitch, nwait, wait,
			      blocking ? ev : &own, err);
	return blocking ? p : map_started(p, own, ev);
}

cl_int avaw_opencl_map_done(struct avaw_call *c, cl_command_queue q, cl_mem mem, void *ptr,
			    uint64_t host_size, uint64_t guest_size, cl_map_flags flags,
			    struct avaw_out *o, uint64_t *map_id, uint64_t *map_len)
{
	cl_event running = running_map, ev = NULL;
	cl_int err = CL_SUCCESS;

	running_map = NULL;
	/* the guest's mirror must hold the whole mapping */
	if (host_size > guest_size || !(*map_id = avaw_map_add(c->s, mem, ptr, host_size))) {
		if (clEnqueueUnmapMemObject(q, mem, ptr, 0, NULL, &ev) == CL_SUCCESS) {
			if (!running)	/* else the unmap may wait for the guest too */
				clWaitForEvents(1, &ev);
			clReleaseEvent(ev);
		}
		*map_id = 0;
		err = CL_MAP_FAILURE;
	} else if (ava_opencl_map_reads(flags) && o->p && running) {
		if (!avaw_pending_add_src(c, *map_id | AVA_CL_MAP_PENDING_BIT, AVA_HT_OPENCL_event, running, ptr,
					  host_size))
			err = CL_OUT_OF_HOST_MEMORY;
	} else if (ava_opencl_map_reads(flags) && o->p) {
		memcpy(o->p, ptr, host_size);
		*map_len = host_size;
	}
	if (running)
		clReleaseEvent(running);
	return err;
}

void avaw_cl_image_desc_get(struct avaw_call *c, struct avaw_cl_image_desc *v)
{
	unsigned i;

	memset(v, 0, sizeof(*v));
	v->present = avaw_get_u64(c) != 0;
	for (i = 0; v->present && i < 10; i++)
		v->f[i] = avaw_get_u64(c);
}

int64_t avaw_cl_image_desc_check(struct avaw_call *c, struct avaw_cl_image_desc *v)
{
	cl_image_desc *d = &v->desc;
	void *buf = NULL;

	if (!v->present)
		return 0;
	d->image_type = (cl_mem_object_type)v->f[0];
	d->image_width = v->f[1];
	d->image_height = v->f[2];
	d->image_depth = v->f[3];
	d->image_array_size = v->f[4];
	d->image_row_pitch = v->f[5];
	d->image_slice_pitch = v->f[6];
	d->num_mip_levels = (cl_uint)v->f[7];
	d->num_samples = (cl_uint)v->f[8];
	if (!avaw_handle(c, v->f[9], AVA_HT_OPENCL_mem, &buf))
		return CL_INVALID_IMAGE_DESCRIPTOR;
	d->buffer = buf;
	v->val = d;
	return 0;
}

void CL_CALLBACK avaw_cl_event_cb(cl_event e, cl_int status, void *record)
{
	(void)e;
	avaw_notify(record, status);
}

/* The backend's platforms, never AvA's own (AVA_BACKEND picks by name). */
cl_int avaw_platform_ids(struct avaw_call *c, cl_uint num_entries, cl_platform_id *platforms,
			  cl_uint *num_platforms)
{
	const char *want = getenv("AVA_BACKEND");
	cl_platform_id all[16], keep[16];
	cl_uint n = 0, k = 0, i;
	cl_int err;

	(void)c;
	if ((!platforms && !num_platforms) || (platforms && !num_entries))
		return CL_INVALID_VALUE;
	err = clGetPlatformIDs(16, all, &n);
	if (err != CL_SUCCESS && err != CL_PLATFORM_NOT_FOUND_KHR)
		return err;
	for (i = 0; i < n && i < 16; i++) {
		char name[256] = "";

		clGetPlatformInfo(all[i], CL_PLATFORM_NAME, sizeof(name) - 1, name, NULL);
		if (strncmp(name, "AvA", 3) == 0)
			continue;
		if (want && *want && !strstr(name, want))
			continue;
		keep[k++] = all[i];
	}
	if (num_platforms)
		*num_platforms = k;
	for (i = 0; platforms && i < k && i < num_entries; i++)
		platforms[i] = keep[i];
	return k ? CL_SUCCESS : CL_PLATFORM_NOT_FOUND_KHR;
}

cl_int avaw_program_binary(struct avaw_call *c, cl_program program, cl_uint index, size_t size,
			    unsigned char *binary)
{
	size_t sizes[64], nbytes = 0;
	unsigned char *ptrs[64] = { 0 };
	cl_int err;

	(void)c;
	err = clGetProgramInfo(program, CL_PROGRAM_BINARY_SIZES, sizeof(sizes), sizes, &nbytes);
	if (err != CL_SUCCESS)
		return err;
	if (index >= nbytes / sizeof(size_t) || !binary || size != sizes[index])
		return CL_INVALID_VALUE;
	ptrs[index] = binary;
	return clGetProgramInfo(program, CL_PROGRAM_BINARIES, nbytes / sizeof(size_t) * sizeof(ptrs[0]),
				ptrs, NULL);
}

/*
 * Only a program made from IL has specialization constants; PoCL asserts
 * (and the worker aborts) on any other, so the spec's error is returned here.
 */
cl_int avaw_cl_set_spec_constant(struct avaw_call *c, cl_program program, cl_uint spec_id, size_t spec_size,
				  const void *spec_value)
{
	size_t il = 0;

	(void)c;
	if (clGetProgramInfo(program, CL_PROGRAM_IL, 0, NULL, &il) != CL_SUCCESS || !il)
		return CL_INVALID_PROGRAM;
	return clSetProgramSpecializationConstant(program, spec_id, spec_size, spec_value);
}

/*
 * Transfers.  A non-blocking write reads its host memory after the call
 * returned, when the arena region it came in is reused: it gets a
 * worker-owned copy that its completion callback frees, so the worker never
 * waits for it (it may wait for a user event the guest sets next).  A
 * streamed buffer of a blocking call without an event goes straight
 * between the ring and the buffer (opencl_stream.c); otherwise it is staged.
 */
static void CL_CALLBACK free_staging(cl_event e, cl_int status, void *p)
{
	(void)e;
	(void)status;
	avaw_staging_free(p);
}

/* The command of event `own` owns `staging` until it completes. */
static cl_int keep_until_done(cl_int err, void *staging, cl_event own, cl_event *ev)
{
	if (err != CL_SUCCESS) {
		avaw_staging_free(staging);
		return err;
	}
	if (clSetEventCallback(own, CL_COMPLETE, free_staging, staging) != CL_SUCCESS) {
		clWaitForEvents(1, &own);	/* a backend without callbacks: wait instead */
		avaw_staging_free(staging);
	}
	if (ev)
		*ev = own;
	else
		clReleaseEvent(own);
	return CL_SUCCESS;
}

/*
 * A write's streamed data, received whole into staging that the caller owns
 * (*ptr then points there); nothing when no stream is active.
 */
static cl_int staged_in(struct avaw_call *c, uint64_t size, const void **ptr, void **staging)
{
	*staging = NULL;
	if (!avaw_stream_active(c))
		return CL_SUCCESS;
	if (!(*staging = avaw_staging_copy(NULL, size))) {
		avaw_stream_abort(c);
		return CL_OUT_OF_HOST_MEMORY;
	}
	if (avaw_stream_in(c, *staging, size)) {
		avaw_staging_free(*staging);
		*staging = NULL;
		return CL_OUT_OF_RESOURCES;
	}
	*ptr = *staging;
	return CL_SUCCESS;
}

/* A streamed read's data, read blocking into staging (err: the read's), streamed out. */
static cl_int staged_out(struct avaw_call *c, cl_int err, void *staging, uint64_t size)
{
	if (err == CL_SUCCESS && avaw_stream_out(c, staging, size))
		err = CL_OUT_OF_RESOURCES;
	avaw_stream_abort(c);	/* if it did not finish */
	free(staging);
	return err;
}

cl_int avaw_cl_write_buffer(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
			    size_t offset, size_t size, const void *ptr, cl_uint nwait,
			    const cl_event *wait, cl_event *ev)
{
	void *staging;
	cl_event own = NULL;
	cl_int err;

	if (avaw_stream_active(c) && blocking && !ev)
		return avaw_cl_stream(c, q, buf, 1, offset, size, nwait, wait);
	if ((err = staged_in(c, size, &ptr, &staging)) != CL_SUCCESS)
		return err;
	if (blocking || !ptr) {
		err = clEnqueueWriteBuffer(q, buf, blocking, offset, size, ptr, nwait, wait, ev);
		avaw_staging_free(staging);
		return err;
	}
	if (!staging && !(staging = avaw_staging_copy(ptr, size)))
		return CL_OUT_OF_HOST_MEMORY;
	err = clEnqueueWriteBuffer(q, buf, CL_FALSE, offset, size, staging, nwait, wait, &own);
	return keep_until_done(err, staging, own, ev);
}

/* Streamed reads are blocking (non-blocking ones are deferred: worker_pending.c). */
cl_int avaw_cl_read_buffer(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
			   size_t offset, size_t size, void *ptr, cl_uint nwait,
			   const cl_event *wait, cl_event *ev)
{
	void *staging;

	if (!avaw_stream_active(c))
		return clEnqueueReadBuffer(q, buf, blocking, offset, size, ptr, nwait, wait, ev);
	if (!ev)
		return avaw_cl_stream(c, q, buf, 0, offset, size, nwait, wait);
	if (!(staging = malloc(size ? size : 1)))
		return staged_out(c, CL_OUT_OF_HOST_MEMORY, NULL, size);
	return staged_out(c, clEnqueueReadBuffer(q, buf, CL_TRUE, offset, size, staging, nwait, wait, ev), staging,
			  size);
}

/*
 * Rectangles and images stream staged: their host memory's layout differs
 * from the object's.  A streamed read's host memory has no gaps between
 * its rows (the guest reads a padded layout packed and spreads it).
 */
cl_int avaw_cl_read_buffer_rect(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
				const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
				size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
				size_t host_slice_pitch, void *ptr, cl_uint nwait, const cl_event *wait,
				cl_event *ev)
{
	uint64_t size = ava_cl_rect_bytes(host_origin, region, host_row_pitch, host_slice_pitch);
	void *staging;

	if (!avaw_stream_active(c))
		return clEnqueueReadBufferRect(q, buf, blocking, buffer_origin, host_origin, region, buffer_row_pitch,
					       buffer_slice_pitch, host_row_pitch, host_slice_pitch, ptr, nwait, wait,
					       ev);
	if (!(staging = malloc(size ? size : 1)))
		return staged_out(c, CL_OUT_OF_HOST_MEMORY, NULL, size);
	return staged_out(c, clEnqueueReadBufferRect(q, buf, CL_TRUE, buffer_origin, host_origin, region,
						     buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
						     host_slice_pitch, staging, nwait, wait, ev),
			  staging, size);
}

cl_int avaw_cl_write_buffer_rect(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
				 const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
				 size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
				 size_t host_slice_pitch, const void *ptr, cl_uint nwait, const cl_event *wait,
				 cl_event *ev)
{
	uint64_t size = ava_cl_rect_bytes(host_origin, region, host_row_pitch, host_slice_pitch);
	void *staging;
	cl_event own = NULL;
	cl_int err;

	if ((err = staged_in(c, size, &ptr, &staging)) != CL_SUCCESS)
		return err;
	if (blocking || !ptr || !host_origin || !region) {
		err = clEnqueueWriteBufferRect(q, buf, blocking, buffer_origin, host_origin, region, buffer_row_pitch,
					       buffer_slice_pitch, host_row_pitch, host_slice_pitch, ptr, nwait, wait,
					       ev);
		avaw_staging_free(staging);
		return err;
	}
	if (!staging && !(staging = avaw_staging_copy(ptr, size)))
		return CL_OUT_OF_HOST_MEMORY;
	err = clEnqueueWriteBufferRect(q, buf, CL_FALSE, buffer_origin, host_origin, region, buffer_row_pitch,
				       buffer_slice_pitch, host_row_pitch, host_slice_pitch, staging, nwait,
				       wait, &own);
	return keep_until_done(err, staging, own, ev);
}

cl_int avaw_cl_read_image(struct avaw_call *c, cl_command_queue q, cl_mem image, cl_bool blocking,
			  const size_t *origin, const size_t *region, size_t row_pitch, size_t slice_pitch,
			  void *ptr, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	uint64_t size = ava_cl_image_region_bytes(image, region, row_pitch, slice_pitch);
	void *staging;

	if (!avaw_stream_active(c))
		return clEnqueueReadImage(q, image, blocking, origin, region, row_pitch, slice_pitch, ptr, nwait,
					  wait, ev);
	if (!(staging = malloc(size ? size : 1)))
		return staged_out(c, CL_OUT_OF_HOST_MEMORY, NULL, size);
	return staged_out(c, clEnqueueReadImage(q, image, CL_TRUE, origin, region, row_pitch, slice_pitch, staging,
						nwait, wait, ev),
			  staging, size);
}

cl_int avaw_cl_write_image(struct avaw_call *c, cl_command_queue q, cl_mem image, cl_bool blocking,
			   const size_t *origin, const size_t *region, size_t row_pitch, size_t slice_pitch,
			   const void *ptr, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	uint64_t size = ava_cl_image_region_bytes(image, region, row_pitch, slice_pitch);
	void *staging;
	cl_event own = NULL;
	cl_int err;

	if ((err = staged_in(c, size, &ptr, &staging)) != CL_SUCCESS)
		return err;
	if (blocking || !ptr || !region) {
		err = clEnqueueWriteImage(q, image, blocking, origin, region, row_pitch, slice_pitch, ptr, nwait, wait,
					  ev);
		avaw_staging_free(staging);
		return err;
	}
	if (!staging && !(staging = avaw_staging_copy(ptr, size)))
		return CL_OUT_OF_HOST_MEMORY;
	err = clEnqueueWriteImage(q, image, CL_FALSE, origin, region, row_pitch, slice_pitch, staging, nwait, wait,
				  &own);
	return keep_until_done(err, staging, own, ev);
}
