// SPDX-License-Identifier: MIT
/*
 * Argument checks of the enqueues sent without waiting.  The worker's
 * answer to such a call comes at the next synchronization point, but
 * argument errors must come from the call itself (and no event may be
 * returned with them): what the guest knows (live objects, wait lists,
 * buffer sizes, image extents, kernel dimensions, the context of queues
 * and events) is checked here first, and so are local work sizes against
 * the limits of the device and the kernel (asked of the backend once per
 * device and kernel).  Errors only the vendor can see (kernel arguments
 * not set, resources) stay deferred.
 */
#include <pthread.h>
#include <stdatomic.h>

#include "opencl_guest_rt.h"

static int live(const void *p, uint32_t type)
{
	return ava_obj_check(p, type) != NULL;
}

/* The events must be live and, where the guest knows, of q's context. */
static cl_int wait_list_error(cl_command_queue q, cl_uint nwait, const cl_event *wait)
{
	uint64_t qctx, ectx;
	int known = !ava_cl_owner(q, AVA_HT_OPENCL_queue, &qctx);
	cl_uint i;

	if (!nwait != !wait)
		return CL_INVALID_EVENT_WAIT_LIST;
	for (i = 0; i < nwait; i++) {
		if (!live(wait[i], AVA_HT_OPENCL_event))
			return CL_INVALID_EVENT_WAIT_LIST;
		if (known && !ava_cl_owner(wait[i], AVA_HT_OPENCL_event, &ectx) && ectx != qctx)
			return CL_INVALID_CONTEXT;
	}
	return CL_SUCCESS;
}

/* What every enqueue checks: the queue, then the wait list. */
static cl_int enqueue_error(cl_command_queue q, cl_uint nwait, const cl_event *wait)
{
	if (!live(q, AVA_HT_OPENCL_queue))
		return CL_INVALID_COMMAND_QUEUE;
	return wait_list_error(q, nwait, wait);
}

static cl_int mems_error(cl_mem a, cl_mem b)
{
	return live(a, AVA_HT_OPENCL_mem) && live(b, AVA_HT_OPENCL_mem) ? CL_SUCCESS : CL_INVALID_MEM_OBJECT;
}

/* Two boxes (of one image, or one buffer's rows and slices) overlap when they do in every dimension. */
static int boxes_overlap(const size_t *a, const size_t *b, const size_t *region)
{
	int i;

	for (i = 0; i < 3; i++)
		if (a[i] >= b[i] + region[i] || b[i] >= a[i] + region[i])
			return 0;
	return 1;
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
	return err ? err
		   : ava_cl_enqueued(
			     avagen_clEnqueueCopyBuffer(q, src, dst, src_offset, dst_offset, size, nwait, wait, ev), q,
			     ev);
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
	return err ? err
		   : ava_cl_enqueued(
			     avagen_clEnqueueFillBuffer(q, buf, pattern, pattern_size, offset, size, nwait, wait, ev),
			     q, ev);
}

/* ------------------------------------------------------- rectangles */

/*
 * A rectangle's pitches (0: packed) made explicit, and its checks: pitches
 * that hold the region, and its last byte inside the buffer.
 */
static cl_int rect_error(cl_mem buf, const size_t *origin, const size_t *region, uint64_t *row, uint64_t *slice)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(buf);
	uint64_t end;

	if (!*row)
		*row = region[0];
	if (!*slice)
		*slice = region[1] * *row;
	if (*row < region[0] || *slice < region[1] * *row || *slice % *row)
		return CL_INVALID_VALUE;
	if (!mem || !mem->size || mem->elem_size)
		return CL_SUCCESS;
	if (__builtin_mul_overflow(origin[2] + region[2] - 1, *slice, &end) ||
	    __builtin_add_overflow(end, (origin[1] + region[1] - 1) * *row + origin[0] + region[0], &end) ||
	    end > mem->size)
		return CL_INVALID_VALUE;
	return CL_SUCCESS;
}

/*
 * Whether two rectangles of one buffer, with the same pitches, share a
 * byte: exactly when each stays within its rows and slices (then a byte's
 * slice, row and column are unique), else whether their spans meet.
 */
static int rects_overlap(const size_t *a, const size_t *b, const size_t *region, uint64_t row, uint64_t slice)
{
	const uint64_t a0 = a[2] * slice + a[1] * row + a[0], b0 = b[2] * slice + b[1] * row + b[0];
	const uint64_t span = (region[2] - 1) * slice + (region[1] - 1) * row + region[0];
	const uint64_t rows = slice / row;
	const size_t an[3] = { a0 % row, a0 % slice / row, a0 / slice };
	const size_t bn[3] = { b0 % row, b0 % slice / row, b0 / slice };

	if (a0 >= b0 + span || b0 >= a0 + span)
		return 0;
	if (an[0] + region[0] > row || bn[0] + region[0] > row || an[1] + region[1] > rows ||
	    bn[1] + region[1] > rows)
		return 1;
	return boxes_overlap(an, bn, region);
}

static cl_int copy_rect_error(cl_mem src, cl_mem dst, const size_t *src_origin, const size_t *dst_origin,
			      const size_t *region, uint64_t src_row, uint64_t src_slice, uint64_t dst_row,
			      uint64_t dst_slice)
{
	cl_int err;

	if (!src_origin || !dst_origin || !region || !region[0] || !region[1] || !region[2])
		return CL_INVALID_VALUE;
	err = rect_error(src, src_origin, region, &src_row, &src_slice);
	if (err == CL_SUCCESS)
		err = rect_error(dst, dst_origin, region, &dst_row, &dst_slice);
	if (err || src != dst)
		return err;
	if (src_row != dst_row || src_slice != dst_slice)
		return CL_INVALID_VALUE;
	return rects_overlap(src_origin, dst_origin, region, src_row, src_slice) ? CL_MEM_COPY_OVERLAP : CL_SUCCESS;
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyBufferRect(cl_command_queue q, cl_mem src, cl_mem dst,
						    const size_t *src_origin, const size_t *dst_origin,
						    const size_t *region, size_t src_row_pitch, size_t src_slice_pitch,
						    size_t dst_row_pitch, size_t dst_slice_pitch, cl_uint nwait,
						    const cl_event *wait, cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(src, dst);
	if (err == CL_SUCCESS)
		err = copy_rect_error(src, dst, src_origin, dst_origin, region, src_row_pitch, src_slice_pitch,
				      dst_row_pitch, dst_slice_pitch);
	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueCopyBufferRect(q, src, dst, src_origin, dst_origin, region,
								    src_row_pitch, src_slice_pitch, dst_row_pitch,
								    dst_slice_pitch, nwait, wait, ev),
				     q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueMigrateMemObjects(cl_command_queue q, cl_uint n, const cl_mem *mems,
						       cl_mem_migration_flags flags, cl_uint nwait,
						       const cl_event *wait, cl_event *ev)
{
	const cl_mem_migration_flags known = CL_MIGRATE_MEM_OBJECT_HOST | CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED;
	cl_int err = enqueue_error(q, nwait, wait);
	cl_uint i;

	if (err == CL_SUCCESS && (!n || !mems || (flags & ~known)))
		err = CL_INVALID_VALUE;
	for (i = 0; err == CL_SUCCESS && i < n; i++)
		err = mems_error(mems[i], mems[i]);
	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueMigrateMemObjects(q, n, mems, flags, nwait, wait, ev), q, ev);
}

/* ------------------------------------------------------------ kernels */

/*
 * What the work-group checks need of a device, and of a kernel on a
 * device, asked of the backend once (the parts of their objects).
 */
struct device_limits {
	struct ava_obj_part part;
	atomic_int ready;
	cl_bool nonuniform;		/* CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT */
	size_t max_items[3];
	atomic_int svm_ready;		/* asked apart: only SVM enqueues need it */
	cl_device_svm_capabilities svm;	/* CL_DEVICE_SVM_CAPABILITIES as the guest reports it */
};

/* A kernel's part: which arguments are set, and its limits on a device. */
enum { ARG_WORDS = 4 };			/* the arguments followed: 256 */
struct kernel_limits {
	struct ava_obj_part part;
	_Atomic uint64_t set[ARG_WORDS];	/* arguments set */
	atomic_int nargs_known;
	cl_uint nargs;			/* CL_KERNEL_NUM_ARGS */
	atomic_int ready;
	cl_device_id device;		/* the device the limits were asked for */
	size_t group;			/* CL_KERNEL_WORK_GROUP_SIZE */
	size_t reqd[3];			/* CL_KERNEL_COMPILE_WORK_GROUP_SIZE */
};

static pthread_mutex_t limits_lock = PTHREAD_MUTEX_INITIALIZER;

/* Unknown limits (a query the backend refused) check nothing. */
static const struct device_limits *device_limits(cl_device_id dev)
{
	struct ava_obj *o = ava_obj_check(dev, AVA_HT_OPENCL_device);
	struct device_limits *d = o ? (struct device_limits *)ava_obj_part_get(o, sizeof(*d), ava_obj_part_free)
				    : NULL;

	if (!d || atomic_load(&d->ready))
		return d;
	pthread_mutex_lock(&limits_lock);
	if (!atomic_load(&d->ready)) {
		/* an OpenCL 1.2 device has no such query: its work-groups are uniform */
		if (ava_opencl_dispatch.clGetDeviceInfo(dev, CL_DEVICE_NON_UNIFORM_WORK_GROUP_SUPPORT,
							sizeof(d->nonuniform), &d->nonuniform, NULL))
			d->nonuniform = CL_FALSE;
		if (ava_opencl_dispatch.clGetDeviceInfo(dev, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(d->max_items),
							d->max_items, NULL))
			d->max_items[0] = d->max_items[1] = d->max_items[2] = SIZE_MAX;
		atomic_store(&d->ready, 1);
	}
	pthread_mutex_unlock(&limits_lock);
	return d;
}

cl_device_svm_capabilities ava_cl_device_svm(cl_device_id dev)
{
	struct ava_obj *o = ava_obj_check(dev, AVA_HT_OPENCL_device);
	struct device_limits *d = o ? (struct device_limits *)ava_obj_part_get(o, sizeof(*d), ava_obj_part_free)
				    : NULL;

	if (!d)
		return 0;
	if (!atomic_load(&d->svm_ready)) {
		pthread_mutex_lock(&limits_lock);
		if (!atomic_load(&d->svm_ready)) {
			if (ava_opencl_dispatch.clGetDeviceInfo(dev, CL_DEVICE_SVM_CAPABILITIES, sizeof(d->svm),
								&d->svm, NULL))
				d->svm = 0;
			atomic_store(&d->svm_ready, 1);
		}
		pthread_mutex_unlock(&limits_lock);
	}
	return d->svm;
}

static struct kernel_limits *kernel_part(const void *k)
{
	struct ava_obj *o = ava_obj_check(k, AVA_HT_OPENCL_kernel);

	return o ? (struct kernel_limits *)ava_obj_part_get(o, sizeof(struct kernel_limits), ava_obj_part_free) : NULL;
}

void ava_cl_kernel_arg_set(cl_kernel k, cl_uint index)
{
	struct kernel_limits *kl = index < ARG_WORDS * 64 ? kernel_part(k) : NULL;

	if (kl)
		atomic_fetch_or(&kl->set[index / 64], (uint64_t)1 << (index % 64));
}

void ava_cl_kernel_cloned(struct ava_obj *o, cl_kernel source)
{
	struct kernel_limits *from = kernel_part(source), *to = kernel_part(o);
	int i;

	for (i = 0; from && to && i < ARG_WORDS; i++)
		atomic_store(&to->set[i], atomic_load(&from->set[i]));
}

/* CL_INVALID_KERNEL_ARGS when an argument was never set (asked the count once). */
static cl_int kernel_args_error(cl_kernel k)
{
	struct kernel_limits *kl = kernel_part(k);
	cl_uint i;

	if (!kl)
		return CL_SUCCESS;
	if (!atomic_load(&kl->nargs_known)) {
		pthread_mutex_lock(&limits_lock);
		if (!atomic_load(&kl->nargs_known) &&
		    ava_opencl_dispatch.clGetKernelInfo(k, CL_KERNEL_NUM_ARGS, sizeof(kl->nargs), &kl->nargs, NULL))
			kl->nargs = 0;
		atomic_store(&kl->nargs_known, 1);
		pthread_mutex_unlock(&limits_lock);
	}
	for (i = 0; i < kl->nargs && i < ARG_WORDS * 64; i++)
		if (!(atomic_load(&kl->set[i / 64]) & ((uint64_t)1 << (i % 64))))
			return CL_INVALID_KERNEL_ARGS;
	return CL_SUCCESS;
}

static const struct kernel_limits *kernel_limits(cl_kernel k, cl_device_id dev)
{
	struct kernel_limits *kl = kernel_part(k);

	if (!kl || (atomic_load(&kl->ready) && kl->device == dev))
		return kl;
	pthread_mutex_lock(&limits_lock);
	if (!atomic_load(&kl->ready) || kl->device != dev) {
		atomic_store(&kl->ready, 0);
		kl->device = dev;
		if (ava_opencl_dispatch.clGetKernelWorkGroupInfo(k, dev, CL_KERNEL_WORK_GROUP_SIZE, sizeof(kl->group),
								 &kl->group, NULL))
			kl->group = SIZE_MAX;
		if (ava_opencl_dispatch.clGetKernelWorkGroupInfo(k, dev, CL_KERNEL_COMPILE_WORK_GROUP_SIZE,
								 sizeof(kl->reqd), kl->reqd, NULL))
			kl->reqd[0] = 0;
		atomic_store(&kl->ready, 1);
	}
	pthread_mutex_unlock(&limits_lock);
	return kl;
}

/*
 * A local work size against the device's and the kernel's limits: item
 * sizes, group size, the required size, and uniform groups where the
 * device has no others.  A zero size is left to the backend.
 */
static cl_int local_size_error(cl_command_queue q, cl_kernel k, cl_uint dim, const size_t *global,
			       const size_t *local)
{
	cl_device_id dev = ava_cl_queue_device(q);
	const struct device_limits *d = dev && global && local ? device_limits(dev) : NULL;
	const struct kernel_limits *kl = d ? kernel_limits(k, dev) : NULL;
	size_t group = 1;
	cl_uint i;

	if (!kl)
		return CL_SUCCESS;
	for (i = 0; i < dim; i++) {
		if (!local[i])
			return CL_SUCCESS;
		group *= local[i];
	}
	/* the group size first, as PoCL checks */
	if (group > kl->group)
		return CL_INVALID_WORK_GROUP_SIZE;
	for (i = 0; i < dim; i++)
		if (local[i] > d->max_items[i])
			return CL_INVALID_WORK_ITEM_SIZE;
	for (i = 0; kl->reqd[0] && i < 3; i++)
		if ((i < dim ? local[i] : 1) != kl->reqd[i])
			return CL_INVALID_WORK_GROUP_SIZE;
	for (i = 0; !d->nonuniform && i < dim; i++)
		if (global[i] % local[i])
			return CL_INVALID_WORK_GROUP_SIZE;
	return CL_SUCCESS;
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
	if (err == CL_SUCCESS)
		err = kernel_args_error(k);
	if (err == CL_SUCCESS)
		err = local_size_error(q, k, dim, global, local);
	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueNDRangeKernel(q, k, dim, offset, global, local, nwait, wait, ev),
				     q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueTask(cl_command_queue q, cl_kernel k, cl_uint nwait, const cl_event *wait,
					  cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS && !live(k, AVA_HT_OPENCL_kernel))
		err = CL_INVALID_KERNEL;
	if (err == CL_SUCCESS)
		err = kernel_args_error(k);
	return err ? err : ava_cl_enqueued(avagen_clEnqueueTask(q, k, nwait, wait, ev), q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueMarkerWithWaitList(cl_command_queue q, cl_uint nwait, const cl_event *wait,
							cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	return err ? err : ava_cl_enqueued(avagen_clEnqueueMarkerWithWaitList(q, nwait, wait, ev), q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueBarrierWithWaitList(cl_command_queue q, cl_uint nwait, const cl_event *wait,
							 cl_event *ev)
{
	cl_int err = enqueue_error(q, nwait, wait);

	return err ? err : ava_cl_enqueued(avagen_clEnqueueBarrierWithWaitList(q, nwait, wait, ev), q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueMarker(cl_command_queue q, cl_event *ev)
{
	if (!live(q, AVA_HT_OPENCL_queue))
		return CL_INVALID_COMMAND_QUEUE;
	return ev ? ava_cl_enqueued(avagen_clEnqueueMarker(q, ev), q, ev) : CL_INVALID_VALUE;
}

cl_int CL_API_CALL ava_wrap_clEnqueueBarrier(cl_command_queue q)
{
	return live(q, AVA_HT_OPENCL_queue) ? avagen_clEnqueueBarrier(q) : CL_INVALID_COMMAND_QUEUE;
}

cl_int CL_API_CALL ava_wrap_clEnqueueWaitForEvents(cl_command_queue q, cl_uint n, const cl_event *list)
{
	cl_int err;

	if (!live(q, AVA_HT_OPENCL_queue))
		return CL_INVALID_COMMAND_QUEUE;
	if (!n || !list)
		return CL_INVALID_VALUE;
	err = wait_list_error(q, n, list);
	if (err == CL_INVALID_EVENT_WAIT_LIST)
		err = CL_INVALID_EVENT;
	return err ? err : avagen_clEnqueueWaitForEvents(q, n, list);
}

/* ------------------------------------------------------------- images */

/* origin + region outside an image whose extent the guest knows, or an empty region */
static int outside_image(const struct ava_cl_mem *mem, const size_t *origin, const size_t *region)
{
	int i;

	for (i = 0; mem && mem->elem_size && i < 3; i++)
		if (!region[i] || region[i] > mem->dims[i] || origin[i] > mem->dims[i] - region[i])
			return 1;
	return 0;
}

cl_int ava_cl_image_region_error(cl_mem image, const size_t *origin, const size_t *region)
{
	if (!origin || !region)
		return CL_INVALID_VALUE;
	return outside_image(ava_cl_mem_of(image), origin, region) ? CL_INVALID_VALUE : CL_SUCCESS;
}

/*
 * What the image commands check first: queue, wait list, both objects
 * (a and b, the same for a fill), then the image's origin and region.
 */
static cl_int image_op_error(cl_command_queue q, cl_uint nwait, const cl_event *wait, cl_mem a, cl_mem b,
			     cl_mem image, const size_t *origin, const size_t *region)
{
	cl_int err = enqueue_error(q, nwait, wait);

	if (err == CL_SUCCESS)
		err = mems_error(a, b);
	return err ? err : ava_cl_image_region_error(image, origin, region);
}

/*
 * A copy between an image and a buffer: the image's region, packed, from
 * the buffer's offset must fit in the buffer.
 */
static cl_int image_buffer_error(cl_command_queue q, cl_uint nwait, const cl_event *wait, cl_mem image,
				 const size_t *origin, const size_t *region, cl_mem buf, size_t offset)
{
	cl_int err = image_op_error(q, nwait, wait, image, buf, image, origin, region);
	const struct ava_cl_mem *mem = ava_cl_mem_of(image);

	if (err == CL_SUCCESS && mem && mem->elem_size &&
	    out_of_range(buf, offset, (size_t)(region[0] * region[1] * region[2] * mem->elem_size)))
		err = CL_INVALID_VALUE;
	return err;
}

static int same_format(const struct ava_cl_mem *a, const struct ava_cl_mem *b)
{
	return !a || !b || !a->elem_size || !b->elem_size ||
	       (a->fmt.image_channel_order == b->fmt.image_channel_order &&
		a->fmt.image_channel_data_type == b->fmt.image_channel_data_type);
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyImage(cl_command_queue q, cl_mem src, cl_mem dst, const size_t *src_origin,
					       const size_t *dst_origin, const size_t *region, cl_uint nwait,
					       const cl_event *wait, cl_event *ev)
{
	cl_int err = image_op_error(q, nwait, wait, src, dst, src, src_origin, region);

	if (err == CL_SUCCESS)
		err = ava_cl_image_region_error(dst, dst_origin, region);
	if (err == CL_SUCCESS && !same_format(ava_cl_mem_of(src), ava_cl_mem_of(dst)))
		err = CL_IMAGE_FORMAT_MISMATCH;
	if (err == CL_SUCCESS && src == dst && boxes_overlap(src_origin, dst_origin, region))
		err = CL_MEM_COPY_OVERLAP;
	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueCopyImage(q, src, dst, src_origin, dst_origin, region, nwait,
							       wait, ev),
				     q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueFillImage(cl_command_queue q, cl_mem image, const void *color,
					       const size_t *origin, const size_t *region, cl_uint nwait,
					       const cl_event *wait, cl_event *ev)
{
	cl_int err = image_op_error(q, nwait, wait, image, image, image, origin, region);

	if (err == CL_SUCCESS && !color)
		err = CL_INVALID_VALUE;
	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueFillImage(q, image, color, origin, region, nwait, wait, ev), q,
				     ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyImageToBuffer(cl_command_queue q, cl_mem src, cl_mem dst,
						       const size_t *src_origin, const size_t *region,
						       size_t dst_offset, cl_uint nwait, const cl_event *wait,
						       cl_event *ev)
{
	cl_int err = image_buffer_error(q, nwait, wait, src, src_origin, region, dst, dst_offset);

	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueCopyImageToBuffer(q, src, dst, src_origin, region, dst_offset,
								       nwait, wait, ev),
				     q, ev);
}

cl_int CL_API_CALL ava_wrap_clEnqueueCopyBufferToImage(cl_command_queue q, cl_mem src, cl_mem dst, size_t src_offset,
						       const size_t *dst_origin, const size_t *region, cl_uint nwait,
						       const cl_event *wait, cl_event *ev)
{
	cl_int err = image_buffer_error(q, nwait, wait, dst, dst_origin, region, src, src_offset);

	return err ? err
		   : ava_cl_enqueued(avagen_clEnqueueCopyBufferToImage(q, src, dst, src_offset, dst_origin, region,
								       nwait, wait, ev),
				     q, ev);
}

/*
 * clCreateContext is sent without waiting when its property list holds only
 * keys the guest checks (each once): its argument errors are returned here,
 * in the order PoCL reports them; the context is the guest's object at once.
 */
static int context_prop_known(cl_context_properties key)
{
	return key == CL_CONTEXT_PLATFORM || key == CL_CONTEXT_INTEROP_USER_SYNC;
}

int ava_cl_context_props_checked(const cl_context_properties *props)
{
	size_t i, j;

	for (i = 0; props && props[i]; i += 2) {
		if (!context_prop_known(props[i]))
			return 0;
		for (j = 0; j < i; j += 2)
			if (props[j] == props[i])
				return 0;
	}
	return 1;
}

static cl_int context_error(const cl_context_properties *props, cl_uint n, const cl_device_id *devices,
			    void (CL_CALLBACK *pfn_notify)(const char *, const void *, size_t, void *),
			    void *user_data)
{
	cl_uint i;

	for (i = 0; props && props[i]; i += 2)
		if (props[i] == CL_CONTEXT_PLATFORM && !live((const void *)props[i + 1], AVA_HT_OPENCL_platform))
			return CL_INVALID_PLATFORM;
	if (!devices || !n || (!pfn_notify && user_data))
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++)
		if (!live(devices[i], AVA_HT_OPENCL_device))
			return CL_INVALID_DEVICE;
	return CL_SUCCESS;
}

cl_context CL_API_CALL ava_wrap_clCreateContext(const cl_context_properties *props, cl_uint n,
						const cl_device_id *devices,
						void (CL_CALLBACK *pfn_notify)(const char *, const void *, size_t,
									       void *),
						void *user_data, cl_int *errcode_ret)
{
	cl_int err = context_error(props, n, devices, pfn_notify, user_data);

	if (err) {
		if (errcode_ret)
			*errcode_ret = err;
		return NULL;
	}
	return avagen_clCreateContext(props, n, devices, pfn_notify, user_data, errcode_ret);
}
