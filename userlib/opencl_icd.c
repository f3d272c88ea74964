// SPDX-License-Identifier: MIT
/*
 * libava-opencl.so as an OpenCL ICD (cl_khr_icd): the loader finds it
 * through ava.icd, calls clIcdGetPlatformIDsKHR, and from then on
 * dispatches through the table in every object.  The few entries written by
 * hand here adjust what the backend reports: the platform says it is AvA,
 * and devices offer coarse-grained buffer SVM at most (opencl_svm.c).
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "opencl_guest_rt.h"

#define AVA_EXPORT __attribute__((visibility("default")))

static void init_once(void)
{
	ava_obj_set_dispatch(AVA_API_OPENCL, &ava_opencl_dispatch);
	ava_props_set_handle_key(AVA_API_OPENCL, CL_CONTEXT_PLATFORM, AVA_HT_OPENCL_platform);
}

AVA_EXPORT cl_int CL_API_CALL clIcdGetPlatformIDsKHR(cl_uint num_entries, cl_platform_id *platforms,
						     cl_uint *num_platforms)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	cl_uint n = 0;
	cl_int err;

	pthread_once(&once, init_once);
	if ((!platforms && !num_platforms) || (platforms && !num_entries))
		return CL_INVALID_VALUE;
	/* inside a worker, AvA must not serve itself */
	if (getenv("AVA_WORKER")) {
		if (num_platforms)
			*num_platforms = 0;
		return CL_PLATFORM_NOT_FOUND_KHR;
	}
	err = ava_opencl_dispatch.clGetPlatformIDs(num_entries, platforms, &n);
	if (err != CL_SUCCESS || n == 0) {
		ava_log("no platform behind AvA (error %d); is the AvA daemon running?", err);
		if (num_platforms)
			*num_platforms = 0;
		return CL_PLATFORM_NOT_FOUND_KHR;
	}
	if (num_platforms)
		*num_platforms = n;
	return CL_SUCCESS;
}

static void *lookup_ext(const char *name)
{
	if (!name)
		return NULL;
	if (strcmp(name, "clIcdGetPlatformIDsKHR") == 0)
		return (void *)clIcdGetPlatformIDsKHR;
	/* the ICD loader asks for this one before it has a platform object */
	if (strcmp(name, "clGetPlatformInfo") == 0)
		return (void *)ava_wrap_clGetPlatformInfo;
	return NULL;
}

AVA_EXPORT void *CL_API_CALL clGetExtensionFunctionAddress(const char *name)
{
	return lookup_ext(name);
}

void *CL_API_CALL ava_guest_clGetExtensionFunctionAddress(const char *name)
{
	return lookup_ext(name);
}

void *CL_API_CALL ava_guest_clGetExtensionFunctionAddressForPlatform(cl_platform_id p, const char *name)
{
	(void)p;
	return lookup_ext(name);
}

static cl_int give(const void *v, size_t n, size_t size, void *value, size_t *size_ret)
{
	if (value && size < n)
		return CL_INVALID_VALUE;
	if (value)
		memcpy(value, v, n);
	if (size_ret)
		*size_ret = n;
	return CL_SUCCESS;
}

/* give, for a live object of that type; invalid otherwise. */
static cl_int give_for(const void *obj, uint32_t type, cl_int invalid, const void *v, size_t n, size_t size,
		       void *value, size_t *size_ret)
{
	if (!ava_obj_check(obj, type))
		return invalid;
	return give(v, n, size, value, size_ret);
}

/* Fetches a string query whole so that it can be rewritten. */
typedef cl_int (CL_API_CALL *info_fn)(void *, cl_uint, size_t, void *, size_t *);

static cl_int prefixed_string(info_fn fn, void *obj, cl_uint param, const char *prefix, size_t size,
			       void *value, size_t *size_ret)
{
	char buf[2048], out[2100];
	size_t n = 0;
	cl_int err = fn(obj, param, sizeof(buf) - 1, buf, &n);

	if (err != CL_SUCCESS)
		return err;
	buf[n < sizeof(buf) ? n : sizeof(buf) - 1] = '\0';
	snprintf(out, sizeof(out), "%s%s", prefix, buf);
	return give(out, strlen(out) + 1, size, value, size_ret);
}

cl_int CL_API_CALL ava_wrap_clGetPlatformInfo(cl_platform_id p, cl_platform_info param, size_t size,
					      void *value, size_t *size_ret)
{
	switch (param) {
	case CL_PLATFORM_NAME:
		return prefixed_string((info_fn)avagen_clGetPlatformInfo, p, param, "AvA: ", size, value, size_ret);
	case CL_PLATFORM_ICD_SUFFIX_KHR:
		return give_for(p, AVA_HT_OPENCL_platform, CL_INVALID_PLATFORM, "AvA", 4, size, value, size_ret);
	default:
		return avagen_clGetPlatformInfo(p, param, size, value, size_ret);
	}
}

cl_int CL_API_CALL ava_wrap_clGetDeviceInfo(cl_device_id d, cl_device_info param, size_t size,
					    void *value, size_t *size_ret)
{
	cl_device_svm_capabilities caps = 0;

	if (param != CL_DEVICE_SVM_CAPABILITIES)
		return avagen_clGetDeviceInfo(d, param, size, value, size_ret);
	/* a backend before OpenCL 2.0 does not know the query: no SVM */
	if (avagen_clGetDeviceInfo(d, param, sizeof(caps), &caps, NULL) != CL_SUCCESS)
		caps = 0;
	caps = ava_cl_svm_caps(caps);
	return give_for(d, AVA_HT_OPENCL_device, CL_INVALID_DEVICE, &caps, sizeof(caps), size, value, size_ret);
}

cl_int CL_API_CALL ava_wrap_clGetMemObjectInfo(cl_mem m, cl_mem_info param, size_t size,
					       void *value, size_t *size_ret)
{
	struct ava_obj *o = ava_obj_check(m, AVA_HT_OPENCL_mem);
	const struct ava_cl_mem *mem = o ? ava_cl_mem_part(o) : NULL;

	if (o && param == CL_MEM_HOST_PTR) {
		void *host_ptr = mem ? mem->host_ptr : NULL;

		return give(&host_ptr, sizeof(void *), size, value, size_ret);
	}
	if (mem && param == CL_MEM_FLAGS && mem->flags) {
		cl_mem_flags f = mem->flags;

		return give(&f, sizeof(f), size, value, size_ret);
	}
	return avagen_clGetMemObjectInfo(m, param, size, value, size_ret);
}

cl_int CL_API_CALL ava_wrap_clGetProgramInfo(cl_program p, cl_program_info param, size_t size,
					     void *value, size_t *size_ret)
{
	size_t sizes[64], nbytes = 0, n, i;
	unsigned char **bins = value;
	cl_int err;

	if (param != CL_PROGRAM_BINARIES)
		return avagen_clGetProgramInfo(p, param, size, value, size_ret);
	/* an array of pointers into application memory: fetch each binary */
	err = avagen_clGetProgramInfo(p, CL_PROGRAM_BINARY_SIZES, sizeof(sizes), sizes, &nbytes);
	if (err != CL_SUCCESS)
		return err;
	n = nbytes / sizeof(size_t);
	if (size_ret)
		*size_ret = n * sizeof(unsigned char *);
	if (!value)
		return CL_SUCCESS;
	if (size < n * sizeof(unsigned char *))
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++) {
		if (!bins[i] || !sizes[i])
			continue;
		err = avagen_avaGetProgramBinary(p, (cl_uint)i, sizes[i], bins[i]);
		if (err != CL_SUCCESS)
			return err;
	}
	return CL_SUCCESS;
}

/* The arguments of a native kernel that the guest can check before running it. */
static cl_int native_args_error(void (*fn)(void *), const void *args, size_t cb_args, cl_uint nmem,
				const cl_mem *mems, const void **locs)
{
	cl_uint i;

	if (!fn || (!args && (cb_args || nmem)) || (args && !cb_args) || (nmem && (!mems || !locs)) ||
	    (!nmem && (mems || locs)))
		return CL_INVALID_VALUE;
	for (i = 0; i < nmem; i++) {
		if (!ava_obj_check(mems[i], AVA_HT_OPENCL_mem))
			return CL_INVALID_MEM_OBJECT;
		if ((const char *)locs[i] < (const char *)args ||
		    (size_t)((const char *)locs[i] - (const char *)args) + sizeof(void *) > cb_args)
			return CL_INVALID_VALUE;
	}
	return CL_SUCCESS;
}

/* Maps (map != NULL) or unmaps the buffers of a native kernel: all of each, blocking. */
static cl_int native_maps(cl_command_queue q, cl_uint nmem, const cl_mem *mems, void **map)
{
	const struct _cl_icd_dispatch *d = &ava_opencl_dispatch;
	cl_int err = CL_SUCCESS;
	size_t size;
	cl_uint i;

	for (i = 0; map && err == CL_SUCCESS && i < nmem; i++) {
		err = d->clGetMemObjectInfo(mems[i], CL_MEM_SIZE, sizeof(size), &size, NULL);
		if (err == CL_SUCCESS)
			map[i] = d->clEnqueueMapBuffer(q, mems[i], CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0, size, 0,
						       NULL, NULL, &err);
	}
	return err;
}

static void native_unmaps(cl_command_queue q, cl_uint nmem, const cl_mem *mems, void **map)
{
	cl_uint i;

	for (i = 0; i < nmem; i++)
		if (map[i])
			ava_opencl_dispatch.clEnqueueUnmapMemObject(q, mems[i], map[i], 0, NULL, NULL);
}

/*
 * A native kernel is a function of the guest: it runs here, on the calling
 * thread, once the wait list and the queue's earlier commands finished, on
 * a copy of its arguments that points at mappings of its buffers.  A
 * marker after the unmaps stands for it.
 */
cl_int CL_API_CALL ava_guest_clEnqueueNativeKernel(cl_command_queue q, void(CL_CALLBACK *fn)(void *), void *args,
						   size_t cb_args, cl_uint nmem, const cl_mem *mems,
						   const void **locs, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	const struct _cl_icd_dispatch *d = &ava_opencl_dispatch;
	cl_event before = NULL;
	cl_int err = native_args_error(fn, args, cb_args, nmem, mems, locs);
	void **map = NULL;
	char *copy = NULL;
	cl_uint i;

	/* the marker checks the queue and the wait list, and waits for the latter */
	if (err == CL_SUCCESS)
		err = d->clEnqueueMarkerWithWaitList(q, nwait, wait, &before);
	if (err == CL_SUCCESS)
		err = d->clFinish(q);
	if (before)
		d->clReleaseEvent(before);
	if (err == CL_SUCCESS &&
	    (!(map = calloc(nmem ? nmem : 1, sizeof(*map))) || !(copy = malloc(cb_args ? cb_args : 1))))
		err = CL_OUT_OF_HOST_MEMORY;
	if (err == CL_SUCCESS)
		err = native_maps(q, nmem, mems, map);
	if (err == CL_SUCCESS) {
		if (cb_args)
			memcpy(copy, args, cb_args);
		for (i = 0; i < nmem; i++)
			memcpy(copy + ((const char *)locs[i] - (const char *)args), &map[i], sizeof(void *));
		fn(cb_args ? copy : NULL);
	}
	if (map)
		native_unmaps(q, nmem, mems, map);
	if (err == CL_SUCCESS && ev)
		err = d->clEnqueueMarkerWithWaitList(q, 0, NULL, ev);
	free(copy);
	free(map);
	return err;
}

/*
 * A non-blocking map returns before its data is there (the worker does not
 * wait for it): the mirror is filled like a non-blocking read's, after a
 * later synchronous call finds the map complete.  The map's event is of
 * q's context.
 */
static void *collect_map_later(cl_command_queue q, cl_mem mem, void *p, cl_bool blocking, cl_map_flags flags,
			       cl_event *ev)
{
	uint64_t id, size;

	if (p)
		ava_cl_enqueued(CL_SUCCESS, q, ev);
	if (p && !blocking && ava_opencl_map_reads(flags) && ava_map_info(mem, p, &id, &size) == 0 && size)
		ava_pending_add(id | AVA_CL_MAP_PENDING_BIT, p, size);
	return p;
}

void *CL_API_CALL ava_wrap_clEnqueueMapBuffer(cl_command_queue q, cl_mem buf, cl_bool blocking, cl_map_flags flags,
					      size_t offset, size_t size, cl_uint nwait, const cl_event *wait,
					      cl_event *ev, cl_int *err)
{
	ava_cl_await_gates(q, blocking, nwait, wait);
	return collect_map_later(q, buf,
				 avagen_clEnqueueMapBuffer(q, buf, blocking, flags, offset, size, nwait, wait, ev, err),
				 blocking, flags, ev);
}

void *CL_API_CALL ava_wrap_clEnqueueMapImage(cl_command_queue q, cl_mem image, cl_bool blocking, cl_map_flags flags,
					     const size_t *origin, const size_t *region, size_t *row_pitch,
					     size_t *slice_pitch, cl_uint nwait, const cl_event *wait, cl_event *ev,
					     cl_int *err)
{
	ava_cl_await_gates(q, blocking, nwait, wait);
	return collect_map_later(q, image,
				 avagen_clEnqueueMapImage(q, image, blocking, flags, origin, region, row_pitch,
							  slice_pitch, nwait, wait, ev, err),
				 blocking, flags, ev);
}
