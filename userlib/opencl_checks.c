// SPDX-License-Identifier: MIT
/*
 * Argument checks of the enqueues sent without waiting.  The worker's
 * answer to such a call comes at the next synchronization point, but
 * argument errors must come from the call itself (and no event may be
 * returned with them): what the guest knows (live objects, wait lists,
 * buffer sizes, kernel dimensions) is checked here first.  Errors only the
 * vendor can see (a context mismatch, a device limit) stay deferred.
 */
#include "opencl_guest_rt.h"

static int live(const void *p, uint32_t type)
{
	return ava_obj_check(p, type) != NULL;
}

static cl_int wait_list_error(cl_uint nwait, const cl_event *wait)
{
	cl_uint i;

	if (!nwait != !wait)
		return CL_INVALID_EVENT_WAIT_LIST;
	for (i = 0; i < nwait; i++)
		if (!live(wait[i], AVA_HT_OPENCL_event))
			return CL_INVALID_EVENT_WAIT_LIST;
	return CL_SUCCESS;
}

/* What every enqueue checks: the queue, then the wait list. */
static cl_int enqueue_error(cl_command_queue q, cl_uint nwait, const cl_event *wait)
{
	if (!live(q, AVA_HT_OPENCL_queue))
		return CL_INVALID_COMMAND_QUEUE;
	return wait_list_error(nwait, wait);
}

static cl_int mems_error(cl_mem a, cl_mem b)
{
	return live(a, AVA_HT_OPENCL_mem) && live(b, AVA_HT_OPENCL_mem) ? CL_SUCCESS : CL_INVALID_MEM_OBJECT;
}

/* [offset, offset + size) outside a buffer whose size the guest knows */
static int out_of_range(cl_mem m, size_t offset, size_t size)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(m);

	return mem && mem->size && !mem->elem_size && (offset > mem->size || size > mem->size - offset);
}

cl_int ava_cl_write_error(cl_command_queue q, cl_mem buf, size_t offset, size_t size, const void *ptr,
			  cl_uint nwait, const cl_event *wait)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(buf, buf);
	if (err == CL_SUCCESS && (!ptr || out_of_range(buf, offset, size)))
		err = CL_INVALID_VALUE;
	return err == CL_SUCCESS ? ava_cl_host_access_error(buf, 1) : err;
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyBuffer(cl_command_queue q, cl_mem src, cl_mem dst, size_t src_offset,
						size_t dst_offset, size_t size, cl_uint nwait, const cl_event *wait,
						cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(src, dst);
	if (err == CL_SUCCESS && (out_of_range(src, src_offset, size) || out_of_range(dst, dst_offset, size)))
		err = CL_INVALID_VALUE;
	if (err == CL_SUCCESS && src == dst && src_offset < dst_offset + size && dst_offset < src_offset + size)
		err = CL_MEM_COPY_OVERLAP;
	return err ? err : avagen_clEnqueueCopyBuffer(q, src, dst, src_offset, dst_offset, size, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueFillBuffer(cl_command_queue q, cl_mem buf, const void *pattern,
						size_t pattern_size, size_t offset, size_t size, cl_uint nwait,
						const cl_event *wait, cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(buf, buf);
	/* a pattern of 1, 2, 4, ..., 128 bytes; offset and size its multiples */
	if (err == CL_SUCCESS &&
	    (!pattern || !pattern_size || pattern_size > 128 || (pattern_size & (pattern_size - 1)) ||
	     offset % pattern_size || size % pattern_size || out_of_range(buf, offset, size)))
		err = CL_INVALID_VALUE;
	return err ? err : avagen_clEnqueueFillBuffer(q, buf, pattern, pattern_size, offset, size, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueNDRangeKernel(cl_command_queue q, cl_kernel k, cl_uint dim,
						   const size_t *offset, const size_t *global, const size_t *local,
						   cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS && !live(k, AVA_HT_OPENCL_kernel))
		err = CL_INVALID_KERNEL;
	if (err == CL_SUCCESS && (dim < 1 || dim > 3))
		err = CL_INVALID_WORK_DIMENSION;
	return err ? err : avagen_clEnqueueNDRangeKernel(q, k, dim, offset, global, local, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueTask(cl_command_queue q, cl_kernel k, cl_uint nwait, const cl_event *wait,
					  cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS && !live(k, AVA_HT_OPENCL_kernel))
		err = CL_INVALID_KERNEL;
	return err ? err : avagen_clEnqueueTask(q, k, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueMarkerWithWaitList(cl_command_queue q, cl_uint nwait, const cl_event *wait,
							cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	return err ? err : avagen_clEnqueueMarkerWithWaitList(q, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueBarrierWithWaitList(cl_command_queue q, cl_uint nwait, const cl_event *wait,
							 cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	return err ? err : avagen_clEnqueueBarrierWithWaitList(q, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueMarker(cl_command_queue q, cl_event *ev)
{
	if (!live(q, AVA_HT_OPENCL_queue))
		return CL_INVALID_COMMAND_QUEUE;
	return ev ? avagen_clEnqueueMarker(q, ev) : CL_INVALID_VALUE;
}

cl_int CL_API_CALL ava_wrap_clEnqueueBarrier(cl_command_queue q)
{
	return live(q, AVA_HT_OPENCL_queue) ? avagen_clEnqueueBarrier(q) : CL_INVALID_COMMAND_QUEUE;
}

cl_int CL_API_CALL ava_wrap_clEnqueueWaitForEvents(cl_command_queue q, cl_uint n, const cl_event *list)
{
	if (!live(q, AVA_HT_OPENCL_queue))
		return CL_INVALID_COMMAND_QUEUE;
	if (!n || !list)
		return CL_INVALID_VALUE;
	return wait_list_error(n, list) ? CL_INVALID_EVENT : avagen_clEnqueueWaitForEvents(q, n, list);
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyImage(cl_command_queue q, cl_mem src, cl_mem dst, const size_t *src_origin,
					       const size_t *dst_origin, const size_t *region, cl_uint nwait,
					       const cl_event *wait, cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(src, dst);
	if (err == CL_SUCCESS && (!src_origin || !dst_origin || !region))
		err = CL_INVALID_VALUE;
	return err ? err : avagen_clEnqueueCopyImage(q, src, dst, src_origin, dst_origin, region, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueFillImage(cl_command_queue q, cl_mem image, const void *color,
					       const size_t *origin, const size_t *region, cl_uint nwait,
					       const cl_event *wait, cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(image, image);
	if (err == CL_SUCCESS && (!color || !origin || !region))
		err = CL_INVALID_VALUE;
	return err ? err : avagen_clEnqueueFillImage(q, image, color, origin, region, nwait, wait, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyImageToBuffer(cl_command_queue q, cl_mem src, cl_mem dst,
						       const size_t *src_origin, const size_t *region,
						       size_t dst_offset, cl_uint nwait, const cl_event *wait,
						       cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(src, dst);
	if (err == CL_SUCCESS && (!src_origin || !region))
		err = CL_INVALID_VALUE;
	return err ? err : avagen_clEnqueueCopyImageToBuffer(q, src, dst, src_origin, region, dst_offset, nwait, wait,
							     ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyBufferToImage(cl_command_queue q, cl_mem src, cl_mem dst, size_t src_offset,
						       const size_t *dst_origin, const size_t *region, cl_uint nwait,
						       const cl_event *wait, cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(src, dst);
	if (err == CL_SUCCESS && (!dst_origin || !region))
		err = CL_INVALID_VALUE;
	return err ? err : avagen_clEnqueueCopyBufferToImage(q, src, dst, src_offset, dst_origin, region, nwait, wait,
							     ev);
}
