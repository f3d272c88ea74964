// SPDX-License-Identifier: MIT
/*
 * policy_bench, OpenCL (policy_harness.h says what it does): the kernel
 * loop on one queue, each kernel's device time from its profiling event.
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include "policy_harness.h"

static const char *src =
	"__kernel void spin(__global float *o, int n)\n"
	"{\n"
	"	size_t g = get_global_id(0);\n"
	"	float x = (float)g;\n"
	"	for (int i = 0; i < n; i++)\n"
	"		x = x * 0.999999f + 0.000001f;\n"
	"	o[g] = x;\n"
	"}\n";

#define CK(call)                                                                          \
	do {                                                                              \
		cl_int e_ = (call);                                                       \
		if (e_ != CL_SUCCESS) {                                                   \
			fprintf(stderr, "policy_bench: %s: error %d\n", #call, (int)e_); \
			exit(1);                                                          \
		}                                                                         \
	} while (0)

static cl_command_queue q;
static cl_kernel k;
static cl_event ring[MAX_DEPTH];

static cl_device_id pick_device(const char *want)
{
	cl_platform_id all[16], p = NULL;
	cl_uint n = 0, i;
	cl_device_id dev;
	char name[256];

	CK(clGetPlatformIDs(16, all, &n));
	for (i = 0; i < n && !p; i++) {
		CK(clGetPlatformInfo(all[i], CL_PLATFORM_NAME, sizeof(name), name, NULL));
		if (!want || strstr(name, want))
			p = all[i];
	}
	if (!p) {
		fprintf(stderr, "policy_bench: no platform like '%s'\n", want);
		exit(1);
	}
	CK(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &dev, NULL));
	return dev;
}

static void api_setup(const struct opts *o)
{
	cl_device_id dev = pick_device(o->platform);
	cl_context ctx;
	cl_program prog;
	cl_mem buf;
	cl_int e;

	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &e);
	CK(e);
	q = clCreateCommandQueue(ctx, dev, CL_QUEUE_PROFILING_ENABLE, &e);
	CK(e);
	prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &e);
	CK(e);
	CK(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	k = clCreateKernel(prog, "spin", &e);
	CK(e);
	buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, o->global * sizeof(float), NULL, &e);
	CK(e);
	CK(clSetKernelArg(k, 0, sizeof(buf), &buf));
	CK(clSetKernelArg(k, 1, sizeof(int), &o->iters));
	CK(clEnqueueNDRangeKernel(q, k, 1, NULL, &o->global, NULL, 0, NULL, NULL));	/* warm-up */
	CK(clFinish(q));
}

static void api_submit(const struct opts *o, int slot)
{
	CK(clEnqueueNDRangeKernel(q, k, 1, NULL, &o->global, NULL, 0, NULL, &ring[slot]));
	CK(clFlush(q));
}

static uint64_t api_retire(const struct opts *o, int slot)
{
	cl_ulong a = 0, b = 0;

	CK(clWaitForEvents(1, &ring[slot]));
	if (!o->untimed) {
		CK(clGetEventProfilingInfo(ring[slot], CL_PROFILING_COMMAND_START, sizeof(a), &a, NULL));
		CK(clGetEventProfilingInfo(ring[slot], CL_PROFILING_COMMAND_END, sizeof(b), &b, NULL));
	}
	clReleaseEvent(ring[slot]);
	return b > a ? b - a : 0;
}
