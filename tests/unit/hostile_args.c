// SPDX-License-Identifier: MIT
/*
 * hostile_args: kernel arguments a hostile guest sets, through AvA (run it
 * with AvA's ICD selected; tests/run's hostile-args suite does).
 *
 * Every object type and raw values in the buffer, image and sampler slots
 * of a kernel must be refused with CL_INVALID_MEM_OBJECT or
 * CL_INVALID_SAMPLER and leave the worker alive; an object released while
 * bound to an argument must stay usable by the kernel (as natively); a
 * valid run must compute the right result.  Prints TAP and exits 0 only
 * when every case passed.
 */
#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#include <CL/cl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define N 64

static int n_tests, n_failed;

static void tap(int ok, const char *what, cl_int got)
{
	n_tests++;
	n_failed += !ok;
	printf("%s %d - %s (%d)\n", ok ? "ok" : "not ok", n_tests, what, got);
}

static const char *src =
	"__kernel void k(__global int *out, __global const int *in, read_only image2d_t im,\n"
	"                sampler_t s, long add, __local int *tmp)\n"
	"{\n"
	"    size_t i = get_global_id(0);\n"
	"    tmp[get_local_id(0)] = in[i];\n"
	"    out[i] = tmp[get_local_id(0)] * 2 + (int)add + read_imagei(im, s, (int2)(0, 0)).x;\n"
	"}\n";

struct env {
	cl_platform_id platform;
	cl_device_id device;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	cl_kernel k;
	cl_mem out, in, image;
	cl_sampler sampler;
	cl_event user_event;
};

static int setup(struct env *e)
{
	cl_image_format fmt = { CL_R, CL_SIGNED_INT32 };
	cl_int err, pixel = 5;

	if (clGetPlatformIDs(1, &e->platform, NULL) ||
	    clGetDeviceIDs(e->platform, CL_DEVICE_TYPE_ALL, 1, &e->device, NULL))
		return -1;
	e->ctx = clCreateContext(NULL, 1, &e->device, NULL, NULL, &err);
	e->q = e->ctx ? clCreateCommandQueue(e->ctx, e->device, 0, &err) : NULL;
	e->prog = e->q ? clCreateProgramWithSource(e->ctx, 1, &src, NULL, &err) : NULL;
	if (!e->prog || clBuildProgram(e->prog, 1, &e->device, "", NULL, NULL))
		return -1;
	e->k = clCreateKernel(e->prog, "k", &err);
	e->out = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, N * sizeof(int), NULL, &err);
	e->image = clCreateImage2D(e->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, &fmt, 1, 1, 0, &pixel, &err);
	e->sampler = clCreateSampler(e->ctx, CL_FALSE, CL_ADDRESS_CLAMP_TO_EDGE, CL_FILTER_NEAREST, &err);
	e->user_event = clCreateUserEvent(e->ctx, &err);
	return e->k && e->out && e->image && e->sampler && e->user_event ? 0 : -1;
}

static cl_mem new_input(struct env *e, int base)
{
	int v[N], i;
	cl_int err;

	for (i = 0; i < N; i++)
		v[i] = base + i;
	return clCreateBuffer(e->ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(v), v, &err);
}

/* Runs the kernel with valid arguments except what is already bound to in; checks out. */
static int run_ok(struct env *e, int base, int bind_in)
{
	cl_long add = 3;
	size_t g = N, l = 16;
	int out[N], i;

	if ((bind_in && clSetKernelArg(e->k, 1, sizeof(cl_mem), &e->in)) ||
	    clSetKernelArg(e->k, 0, sizeof(cl_mem), &e->out) ||
	    clSetKernelArg(e->k, 2, sizeof(cl_mem), &e->image) ||
	    clSetKernelArg(e->k, 3, sizeof(cl_sampler), &e->sampler) ||
	    clSetKernelArg(e->k, 4, sizeof(add), &add) || clSetKernelArg(e->k, 5, l * sizeof(int), NULL) ||
	    clEnqueueNDRangeKernel(e->q, e->k, 1, NULL, &g, &l, 0, NULL, NULL) ||
	    clEnqueueReadBuffer(e->q, e->out, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL))
		return 0;
	for (i = 0; i < N; i++)
		if (out[i] != (base + i) * 2 + 3 + 5)
			return 0;
	return 1;
}

static void wrong_objects(struct env *e)
{
	struct {
		const char *name;
		void *obj;
	} objs[] = {
		{ "platform", e->platform }, { "device", e->device }, { "context", e->ctx },
		{ "queue", e->q }, { "program", e->prog }, { "kernel", e->k },
		{ "user event", e->user_event }, { "sampler", e->sampler }, { "buffer", e->out },
		{ "raw 0xdeadbeef", (void *)(uintptr_t)0xdeadbeef }, { "raw -1", (void *)(uintptr_t)-1 },
		{ "raw 0x1000", (void *)(uintptr_t)0x1000 }, { "raw stack address", &objs },
	};
	static const struct {
		cl_uint index;
		const char *name;
		cl_int err;
		const char *ok_type;
	} slots[] = {
		{ 0, "buffer", CL_INVALID_MEM_OBJECT, "buffer" },
		{ 2, "image", CL_INVALID_MEM_OBJECT, "" },
		{ 3, "sampler", CL_INVALID_SAMPLER, "sampler" },
	};
	char what[128];
	unsigned i, j;
	cl_int err;

	for (i = 0; i < sizeof(slots) / sizeof(slots[0]); i++)
		for (j = 0; j < sizeof(objs) / sizeof(objs[0]); j++) {
			err = clSetKernelArg(e->k, slots[i].index, sizeof(void *), &objs[j].obj);
			snprintf(what, sizeof(what), "%s in the %s slot", objs[j].name, slots[i].name);
			if (!strcmp(objs[j].name, slots[i].ok_type))
				tap(err == CL_SUCCESS, what, err);
			else
				tap(err == slots[i].err, what, err);
		}
}

static void release_while_bound(struct env *e)
{
	cl_mem spare;

	e->in = new_input(e, 100);
	tap(clSetKernelArg(e->k, 1, sizeof(cl_mem), &e->in) == CL_SUCCESS, "bind the input buffer", 0);
	clReleaseMemObject(e->in);
	e->in = NULL;
	tap(run_ok(e, 100, 0), "input released while bound: the kernel still reads it", 0);
	/* replaced: the old one goes, the new one is read */
	spare = new_input(e, 200);
	e->in = spare;
	tap(run_ok(e, 200, 1), "rebinding a released buffer's slot", 0);
	clReleaseMemObject(spare);
}

int main(void)
{
	struct env e;
	cl_long raw = 0x7fffdeadbeef;
	cl_int err;

	memset(&e, 0, sizeof(e));
	if (setup(&e)) {
		printf("not ok 1 - OpenCL setup failed\n");
		return 1;
	}
	e.in = new_input(&e, 1);
	tap(run_ok(&e, 1, 1), "valid arguments compute the right result", 0);
	wrong_objects(&e);
	err = clSetKernelArg(e.k, 4, sizeof(raw), &raw);
	tap(err == CL_SUCCESS, "raw bytes in the long slot", err);
	err = clSetKernelArg(e.k, 4, sizeof(void *), &e.q);
	tap(err == CL_SUCCESS, "an object in the long slot (the kernel sees its id)", err);
	err = clSetKernelArg(e.k, 6, sizeof(void *), &e.out);
	tap(err == CL_INVALID_ARG_INDEX, "an index past the last argument", err);
	clReleaseMemObject(e.in);
	release_while_bound(&e);
	e.in = new_input(&e, 7);
	tap(run_ok(&e, 7, 1), "the worker survived: valid arguments still compute", 0);
	clReleaseMemObject(e.in);
	printf("%d passed, %d failed\n", n_tests - n_failed, n_failed);
	return n_failed ? 1 : 0;
}
