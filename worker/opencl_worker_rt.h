/* SPDX-License-Identifier: MIT */
/* What the generated OpenCL worker dispatch (build/gen/opencl_worker.c) needs. */
#ifndef AVA_OPENCL_WORKER_RT_H
#define AVA_OPENCL_WORKER_RT_H

#define CL_TARGET_OPENCL_VERSION 300
#define CL_USE_DEPRECATED_OPENCL_1_0_APIS
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#define CL_USE_DEPRECATED_OPENCL_1_2_APIS
#include <CL/cl.h>
#include <CL/cl_ext.h>

#include "../common/opencl_sizes.h"
#include "opencl_ids.h"
#include "worker_call.h"
#include "worker_codecs.h"
#include "opencl_kernel_args.h"
#include "opencl_svm.h"
#include "opencl_host_data.h"
#include "opencl_ctx_pool.h"
#include "time_opencl.h"
#include "worker_time.h"

extern const avaw_fn avaw_opencl_fns[AVA_FN_OPENCL_COUNT];
extern const struct avaw_handle_type avaw_opencl_types[AVA_HT_OPENCL_COUNT];

/* @wfix: the guest's memory cannot back a host buffer: copy it instead. */
static inline cl_mem_flags ava_cl_host_flags(cl_mem_flags f)
{
	return (f & CL_MEM_USE_HOST_PTR) && !(f & CL_MEM_COPY_HOST_PTR) ? ((f & ~(cl_mem_flags)CL_MEM_USE_HOST_PTR) | CL_MEM_COPY_HOST_PTR) : f;
}

uint64_t ava_cl_image_region_bytes(cl_mem image, const size_t *region, size_t row_pitch, size_t slice_pitch);
uint64_t ava_cl_map_image_bytes(cl_mem image, const size_t *region, const size_t *row_pitch,
				const size_t *slice_pitch);

cl_int avaw_opencl_map_done(struct avaw_call *c, cl_command_queue q, cl_mem mem, void *ptr,
			    uint64_t host_size, uint64_t guest_size, cl_map_flags flags,
			    struct avaw_out *o, uint64_t *map_id, uint64_t *map_len);

struct avaw_cl_image_desc {
	int present;
	uint64_t f[10];
	cl_image_desc desc;
	const cl_image_desc *val;
};
void avaw_cl_image_desc_get(struct avaw_call *c, struct avaw_cl_image_desc *v);
int64_t avaw_cl_image_desc_check(struct avaw_call *c, struct avaw_cl_image_desc *v);
/* nothing to free: the descriptor lives in struct avaw_cl_image_desc */
#define avaw_cl_image_desc_free(c, v, ok) ((void)(c), (void)(v), (void)(ok))

void CL_CALLBACK avaw_cl_event_cb(cl_event e, cl_int status, void *record);

cl_int avaw_platform_ids(struct avaw_call *c, cl_uint num_entries, cl_platform_id *platforms,
			  cl_uint *num_platforms);
cl_int avaw_cl_set_spec_constant(struct avaw_call *c, cl_program program, cl_uint spec_id, size_t spec_size,
				  const void *spec_value);
/* A blocking streamed transfer without an event, in (write) or out (opencl_stream.c). */
cl_int avaw_cl_stream(struct avaw_call *c, cl_command_queue q, cl_mem buf, int in, size_t offset, size_t size,
		      cl_uint nwait, const cl_event *wait);
/* A queue was created: asks for larger stream rings where its device wants them. */
void avaw_cl_stream_queue(struct avaw_call *c, cl_command_queue q);
cl_int avaw_cl_write_buffer(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
			    size_t offset, size_t size, const void *ptr, cl_uint nwait,
			    const cl_event *wait, cl_event *ev);
cl_int avaw_cl_read_buffer(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
			   size_t offset, size_t size, void *ptr, cl_uint nwait,
			   const cl_event *wait, cl_event *ev);
cl_int avaw_cl_read_buffer_rect(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
				const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
				size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
				size_t host_slice_pitch, void *ptr, cl_uint nwait, const cl_event *wait,
				cl_event *ev);
cl_int avaw_cl_write_buffer_rect(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking,
				 const size_t *buffer_origin, const size_t *host_origin, const size_t *region,
				 size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
				 size_t host_slice_pitch, const void *ptr, cl_uint nwait, const cl_event *wait,
				 cl_event *ev);
cl_int avaw_cl_read_image(struct avaw_call *c, cl_command_queue q, cl_mem image, cl_bool blocking,
			  const size_t *origin, const size_t *region, size_t row_pitch, size_t slice_pitch,
			  void *ptr, cl_uint nwait, const cl_event *wait, cl_event *ev);
cl_int avaw_cl_write_image(struct avaw_call *c, cl_command_queue q, cl_mem image, cl_bool blocking,
			   const size_t *origin, const size_t *region, size_t row_pitch, size_t slice_pitch,
			   const void *ptr, cl_uint nwait, const cl_event *wait, cl_event *ev);
void *avaw_cl_map_buffer(struct avaw_call *c, cl_command_queue q, cl_mem buf, cl_bool blocking, cl_map_flags flags,
			 size_t offset, size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev, cl_int *err);
void *avaw_cl_map_image(struct avaw_call *c, cl_command_queue q, cl_mem image, cl_bool blocking, cl_map_flags flags,
			const size_t *origin, const size_t *region, size_t *row_pitch, size_t *slice_pitch,
			cl_uint nwait, const cl_event *wait, cl_event *ev, cl_int *err);
/* worker_pending.c: pending data copied from src once event completed, under the id the caller gives */
cl_int avaw_program_binary(struct avaw_call *c, cl_program program, cl_uint index, size_t size,
			    unsigned char *binary);

#endif
