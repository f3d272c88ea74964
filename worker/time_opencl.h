/* SPDX-License-Identifier: MIT */
/*
 * OpenCL device time (time_opencl.c): a @submit call's event is measured
 * by its profiling times.  Under a device-time policy the worker creates
 * every queue with CL_QUEUE_PROFILING_ENABLE; clGetCommandQueueInfo hides
 * the bit from a guest that did not ask for it, and clGetEventProfilingInfo
 * answers CL_PROFILING_INFO_NOT_AVAILABLE on such a queue's events.
 */
#ifndef AVA_TIME_OPENCL_H
#define AVA_TIME_OPENCL_H

#include <CL/cl.h>

struct avaw_call;

/* @submit(event=): the command's event (NULL: none); the worker keeps its own reference. */
void avaw_opencl_time_event(struct avaw_call *c, cl_event ev);

/* @wimpl of clCreateCommandQueue, clCreateCommandQueueWithProperties, clGetCommandQueueInfo */
cl_command_queue avaw_cl_create_queue(struct avaw_call *c, cl_context ctx, cl_device_id dev,
				      cl_command_queue_properties props, cl_int *err);
cl_command_queue avaw_cl_create_queue_props(struct avaw_call *c, cl_context ctx, cl_device_id dev,
					    const cl_queue_properties *props, cl_int *err);
cl_int avaw_cl_queue_info(struct avaw_call *c, cl_command_queue q, cl_command_queue_info name, size_t size,
			  void *value, size_t *size_ret);
/* @wimpl of clGetEventProfilingInfo: none for a queue the guest did not profile */
cl_int avaw_cl_event_profiling(struct avaw_call *c, cl_event ev, cl_profiling_info name, size_t size, void *value,
			       size_t *size_ret);

#endif
