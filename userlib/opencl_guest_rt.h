/* SPDX-License-Identifier: MIT */
/* What the generated OpenCL guest stubs (build/gen/opencl_guest.c) need. */
#ifndef AVA_OPENCL_GUEST_RT_H
#define AVA_OPENCL_GUEST_RT_H

#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#endif
#define CL_USE_DEPRECATED_OPENCL_1_0_APIS
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>
#include <CL/cl_egl.h>
#include <CL/cl_ext.h>
#include <CL/cl_gl.h>
#include <CL/cl_icd.h>
#include <stdint.h>
#include <stdlib.h>

#include "guest_call.h"
#include "guest_codecs.h"
#include "guest_objects.h"
#include "opencl_ids.h"
#include "opencl_sizes.h"
#include "guest_map.h"
#include "opencl_svm.h"

extern const struct _cl_icd_dispatch ava_opencl_dispatch;

/* Image sizes computed from the guest's record of the image. */
uint64_t ava_cl_image_region_bytes(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch);
/* An origin or region of image as the size arithmetic takes it (ava_cl_image_xyz). */
const size_t *ava_cl_image_xyz_of(cl_mem image, const size_t *v, size_t buf[3]);
uint64_t ava_cl_map_image_bytes(cl_mem image, const size_t *region, const size_t *row_pitch,
				const size_t *slice_pitch);
/* Whether host memory of these pitches has no gaps (ava_cl_region_packed). */
int ava_cl_image_region_packed(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch);

/*
 * Reads into padded host memory that would stream (opencl_padded_reads.c):
 * whether a read is one, and the read, blocking, packed and then spread.
 */
int ava_cl_image_read_padded(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch,
			     const void *ptr);
cl_int ava_cl_read_image_packed(cl_command_queue q, cl_mem image, const size_t *origin, const size_t *region,
				size_t row_pitch, size_t slice_pitch, void *ptr, cl_uint nwait, const cl_event *wait,
				cl_event *ev);
int ava_cl_rect_read_padded(const size_t *host_origin, const size_t *region, size_t host_row_pitch,
			    size_t host_slice_pitch, const void *ptr);
cl_int ava_cl_read_rect_packed(cl_command_queue q, cl_mem buf, const size_t *buffer_origin,
			       const size_t *host_origin, const size_t *region, size_t buffer_row_pitch,
			       size_t buffer_slice_pitch, size_t host_row_pitch, size_t host_slice_pitch, void *ptr,
			       cl_uint nwait, const cl_event *wait, cl_event *ev);

/*
 * Where a map of the image starts in its CL_MEM_USE_HOST_PTR memory, when
 * the host's mapping (its pitches, known once the map returned) has that
 * memory's layout; AVA_MAP_PRIVATE otherwise.
 */
uint64_t ava_cl_image_map_offset(cl_mem image, const size_t *origin, const size_t *row_pitch,
				 const size_t *slice_pitch);

void ava_cl_image_desc_put(struct ava_call *c, const cl_image_desc *d);

/* The OpenCL part of a memory object (opencl_objects.c). */
struct ava_map;
struct ava_cl_mem {
	struct ava_obj_part part;
	cl_mem_flags flags;
	void *host_ptr;
	uint64_t size;
	uint32_t elem_size;		/* images: bytes per pixel */
	cl_mem_object_type type;	/* images: their type (ava_cl_image_xyz) */
	uint64_t host_row;		/* images: the pitches of the host memory they were made from, else packed */
	uint64_t host_slice;
	cl_image_format fmt;		/* images: their format */
	uint64_t dims[3];		/* images: the extent an origin + region may reach */
	struct ava_map *maps;		/* its live mappings */
};

/* The record of a memory object, or NULL when none was kept. */
const struct ava_cl_mem *ava_cl_mem_of(const void *memobj);
/* The same, for a memory object already looked up. */
static inline const struct ava_cl_mem *ava_cl_mem_part(struct ava_obj *o)
{
	return (const struct ava_cl_mem *)ava_obj_part(o);
}

/*
 * CL_INVALID_OPERATION when the object's host-access flags forbid the host
 * to write (host_writes) or read it; an argument error the guest returns
 * at once instead of deferring it with the asynchronous call.
 */
cl_int ava_cl_host_access_error(const void *memobj, int host_writes);

/*
 * The argument errors of a write the guest can see (queue, wait list,
 * object, host pointer, range, host-access flags), returned at once though
 * the write is sent without waiting (opencl_checks.c).  size 0: no range.
 */
cl_int ava_cl_write_error(cl_command_queue q, cl_mem mem, size_t offset, size_t size, const void *ptr,
			  cl_uint nwait, const cl_event *wait);
/* Does a context's property list hold only keys the guest checks, each once?
 * Then clCreateContext is sent without waiting (opencl_checks.c). */
int ava_cl_context_props_checked(const cl_context_properties *props);
/* CL_INVALID_VALUE for no origin or region, or one outside the image (opencl_checks.c). */
cl_int ava_cl_image_region_error(cl_mem image, const size_t *origin, const size_t *region);

/* @after hooks: remember what the application said about new memory objects. */
void ava_cl_mem_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr, size_t size);
void ava_cl_subbuffer_created(struct ava_obj *o, cl_mem parent, cl_mem_flags flags, const void *region);
void ava_cl_image_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr,
			  const cl_image_format *fmt, const cl_image_desc *desc);
/* clCreateImage2D (depth 1) and clCreateImage3D */
void ava_cl_image3d_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr, const cl_image_format *fmt,
			    size_t width, size_t height, size_t depth, size_t row_pitch, size_t slice_pitch);

/*
 * The part of queues and events: the context they belong to, so that a
 * wait list of another context's events is refused by the call itself
 * (CL_INVALID_CONTEXT), as natively.  Known for every queue, for user
 * events and for the events of the enqueues the guest checks first.
 */
struct ava_cl_owned {
	struct ava_obj_part part;
	uint64_t ctx;			/* the context's id */
	int known;
	cl_device_id device;		/* a queue's */
};

/* o (a queue or an event) belongs to ctx. */
void ava_cl_owner_set(struct ava_obj *o, const void *ctx);
/* @after hook of the queue creations: the queue's context and device. */
void ava_cl_queue_created(struct ava_obj *o, const void *ctx, cl_device_id device);
/* The device of a queue the guest knows; NULL if none. */
cl_device_id ava_cl_queue_device(const void *q);
/* CL_DEVICE_SVM_CAPABILITIES of a device as the guest reports it, asked once
 * (opencl_checks.c keeps it with the device's other limits); 0 when unknown. */
cl_device_svm_capabilities ava_cl_device_svm(cl_device_id dev);
/* 0 and the context's id of a queue or event, -1 when the guest does not know it. */
int ava_cl_owner(const void *obj, uint32_t type, uint64_t *ctx);
/* After an enqueue on q: the event it returned (if any) belongs to q's context; returns err. */
cl_int ava_cl_enqueued(cl_int err, cl_command_queue q, const cl_event *ev);

/*
 * @after hook of the info queries: a *_REFERENCE_COUNT (is_refcount) the
 * backend gave counts the worker's one reference where the application
 * holds the guest's; made the count the application would see natively.
 */
void ava_cl_refcount(const void *obj, uint32_t type, int is_refcount, void *value, size_t size);

/*
 * @after hooks: a kernel argument set, a kernel cloned with the arguments
 * of its source; an enqueue of a kernel with one never set is refused
 * (CL_INVALID_KERNEL_ARGS) by the call (opencl_checks.c).
 */
void ava_cl_kernel_arg_set(cl_kernel k, cl_uint index);
void ava_cl_kernel_cloned(struct ava_obj *o, cl_kernel source);

/* The map id and mirror size of a live mapping; -1 when ptr is none. */
int ava_map_info(const void *memobj, const void *ptr, uint64_t *id, uint64_t *size);

void ava_cl_event_cb_invoke(struct ava_cb *cb, int64_t status);

/*
 * Before a blocking call on q: while user events the application has not
 * set exist, waits here (not in the worker) for the queue's commands and
 * the wait list (opencl_gates.c).
 */
void ava_cl_await_gates(cl_command_queue q, cl_bool blocking, cl_uint nwait, const cl_event *wait);

/*
 * A gated transfer: waits for the gates (when it blocks), then sends it
 * (send: the generated stub's call, evaluated after the wait) and records
 * its event as ava_cl_enqueued does.  A macro, as the stubs' arguments differ.
 */
#define AVA_CL_GATED_SEND(q, blocking, nwait, wait, ev, send)                                                    \
	(ava_cl_await_gates((q), (blocking), (nwait), (wait)), ava_cl_enqueued((send), (q), (ev)))

/*
 * A large non-blocking buffer transfer without an event, while no user
 * event can hold a queue, is made blocking: nothing the worker would wait
 * for depends on the application then, and a blocking transfer goes
 * straight between the caller and the buffer, where a non-blocking one is
 * copied once more in the worker so that it never blocks it
 * (docs/performance.md).  OpenCL lets a non-blocking call complete early.
 */
cl_bool ava_cl_transfer_blocking(cl_bool blocking, size_t size, const cl_event *ev);

/*
 * Calls that have a hand-written entry in the dispatch table
 * (userlib/opencl_icd.c, ava_wrap_*) which in turn calls the generated
 * stub (avagen_*): one list declares both.
 */
#define AVA_CL_WRAPPED(X)                                                                                   \
	X(cl_int, clGetPlatformInfo, (cl_platform_id, cl_platform_info, size_t, void *, size_t *))          \
	X(cl_int, clGetDeviceInfo, (cl_device_id, cl_device_info, size_t, void *, size_t *))                \
	X(cl_int, clGetMemObjectInfo, (cl_mem, cl_mem_info, size_t, void *, size_t *))                      \
	X(cl_int, clGetProgramInfo, (cl_program, cl_program_info, size_t, void *, size_t *))                \
	X(cl_int, clWaitForEvents, (cl_uint, const cl_event *))                                             \
	X(cl_int, clFinish, (cl_command_queue))                                                             \
	X(cl_event, clCreateUserEvent, (cl_context, cl_int *))                                              \
	X(cl_context, clCreateContext,                                                                      \
	  (const cl_context_properties *, cl_uint, const cl_device_id *,                                    \
	   void(CL_CALLBACK *)(const char *, const void *, size_t, void *), void *, cl_int *))              \
	X(cl_int, clSetUserEventStatus, (cl_event, cl_int))                                                 \
	X(cl_int, clEnqueueReadBuffer,                                                                      \
	  (cl_command_queue, cl_mem, cl_bool, size_t, size_t, void *, cl_uint, const cl_event *, cl_event *)) \
	X(cl_int, clEnqueueReadBufferRect,                                                                  \
	  (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, const size_t *, size_t,       \
	   size_t, size_t, size_t, void *, cl_uint, const cl_event *, cl_event *))                          \
	X(cl_int, clEnqueueReadImage,                                                                       \
	  (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, size_t, size_t, void *,       \
	   cl_uint, const cl_event *, cl_event *))                                                          \
	X(void *, clEnqueueMapBuffer,                                                                       \
	  (cl_command_queue, cl_mem, cl_bool, cl_map_flags, size_t, size_t, cl_uint, const cl_event *,      \
	   cl_event *, cl_int *))                                                                           \
	X(void *, clEnqueueMapImage,                                                                        \
	  (cl_command_queue, cl_mem, cl_bool, cl_map_flags, const size_t *, const size_t *, size_t *,       \
	   size_t *, cl_uint, const cl_event *, cl_event *, cl_int *))                                      \
	X(cl_int, clEnqueueWriteBuffer,                                                                     \
	  (cl_command_queue, cl_mem, cl_bool, size_t, size_t, const void *, cl_uint, const cl_event *,      \
	   cl_event *))                                                                                     \
	X(cl_int, clEnqueueWriteBufferRect,                                                                 \
	  (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, const size_t *, size_t,       \
	   size_t, size_t, size_t, const void *, cl_uint, const cl_event *, cl_event *))                    \
	X(cl_int, clEnqueueWriteImage,                                                                      \
	  (cl_command_queue, cl_mem, cl_bool, const size_t *, const size_t *, size_t, size_t, const void *, \
	   cl_uint, const cl_event *, cl_event *))                                                          \
	X(cl_int, clEnqueueCopyBuffer,                                                                      \
	  (cl_command_queue, cl_mem, cl_mem, size_t, size_t, size_t, cl_uint, const cl_event *, cl_event *)) \
	X(cl_int, clEnqueueCopyBufferRect,                                                                  \
	  (cl_command_queue, cl_mem, cl_mem, const size_t *, const size_t *, const size_t *, size_t, size_t, \
	   size_t, size_t, cl_uint, const cl_event *, cl_event *))                                          \
	X(cl_int, clEnqueueMigrateMemObjects,                                                               \
	  (cl_command_queue, cl_uint, const cl_mem *, cl_mem_migration_flags, cl_uint, const cl_event *,    \
	   cl_event *))                                                                                     \
	X(cl_int, clEnqueueFillBuffer,                                                                      \
	  (cl_command_queue, cl_mem, const void *, size_t, size_t, size_t, cl_uint, const cl_event *,       \
	   cl_event *))                                                                                     \
	X(cl_int, clEnqueueNDRangeKernel,                                                                   \
	  (cl_command_queue, cl_kernel, cl_uint, const size_t *, const size_t *, const size_t *, cl_uint,   \
	   const cl_event *, cl_event *))                                                                   \
	X(cl_int, clEnqueueTask, (cl_command_queue, cl_kernel, cl_uint, const cl_event *, cl_event *))      \
	X(cl_int, clEnqueueMarkerWithWaitList, (cl_command_queue, cl_uint, const cl_event *, cl_event *))   \
	X(cl_int, clEnqueueBarrierWithWaitList, (cl_command_queue, cl_uint, const cl_event *, cl_event *))  \
	X(cl_int, clEnqueueMarker, (cl_command_queue, cl_event *))                                          \
	X(cl_int, clEnqueueBarrier, (cl_command_queue))                                                     \
	X(cl_int, clEnqueueWaitForEvents, (cl_command_queue, cl_uint, const cl_event *))                    \
	X(cl_int, clEnqueueCopyImage,                                                                       \
	  (cl_command_queue, cl_mem, cl_mem, const size_t *, const size_t *, const size_t *, cl_uint,       \
	   const cl_event *, cl_event *))                                                                   \
	X(cl_int, clEnqueueFillImage,                                                                       \
	  (cl_command_queue, cl_mem, const void *, const size_t *, const size_t *, cl_uint,                 \
	   const cl_event *, cl_event *))                                                                   \
	X(cl_int, clEnqueueCopyImageToBuffer,                                                               \
	  (cl_command_queue, cl_mem, cl_mem, const size_t *, const size_t *, size_t, cl_uint,               \
	   const cl_event *, cl_event *))                                                                   \
	X(cl_int, clEnqueueCopyBufferToImage,                                                               \
	  (cl_command_queue, cl_mem, cl_mem, size_t, const size_t *, const size_t *, cl_uint,               \
	   const cl_event *, cl_event *))

#define AVA_CL_DECLARE_WRAPPED(ret, name, params) \
	ret CL_API_CALL avagen_##name params;     \
	ret CL_API_CALL ava_wrap_##name params;
AVA_CL_WRAPPED(AVA_CL_DECLARE_WRAPPED)
#undef AVA_CL_DECLARE_WRAPPED

/* A generated stub that only hand-written code calls. */
cl_int CL_API_CALL avagen_avaGetProgramBinary(cl_program, cl_uint, size_t, unsigned char *);

/* Hand-written entries with no generated stub behind them. */
void *CL_API_CALL ava_guest_clGetExtensionFunctionAddress(const char *);
cl_int CL_API_CALL ava_guest_clEnqueueNativeKernel(cl_command_queue, void(CL_CALLBACK *)(void *), void *, size_t,
						   cl_uint, const cl_mem *, const void **, cl_uint, const cl_event *,
						   cl_event *);
void *CL_API_CALL ava_guest_clGetExtensionFunctionAddressForPlatform(cl_platform_id, const char *);

#endif
