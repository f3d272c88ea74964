// SPDX-License-Identifier: MIT
/*
 * OpenCL on NVIDIA's platform: a kernel without arguments (NVIDIA's
 * compiler makes PTX its ptxas refuses for one when asked for argument
 * information, which the worker adds to every build) and one with
 * arguments, built and run; prints what they computed.  tests/gpu/run runs
 * it natively and through AvA (ava-local --backend NVIDIA) and compares.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <CL/cl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CK(x) do { cl_int e_ = (x); if (e_ != CL_SUCCESS) { fprintf(stderr, "%s: %d\n", #x, e_); exit(1); } } while (0)

static const char *src =
	"__kernel void empty(void) { }\n"
	"__kernel void twice(__global int *v) { size_t i = get_global_id(0); v[i] = 2 * (int)i; }\n";

int main(void)
{
	cl_platform_id p[16];
	cl_uint n = 0, i;
	cl_device_id d;
	cl_int err;
	char name[256];
	int v[64], sum = 0;
	size_t global = 64;

	CK(clGetPlatformIDs(16, p, &n));
	for (i = 0; i < n && i < 16; i++) {
		CK(clGetPlatformInfo(p[i], CL_PLATFORM_NAME, sizeof(name), name, NULL));
		if (strstr(name, "NVIDIA"))
			break;
	}
	if (i == n || i == 16) {
		printf("no NVIDIA OpenCL platform\n");
		return 2;
	}
	CK(clGetDeviceIDs(p[i], CL_DEVICE_TYPE_GPU, 1, &d, NULL));
	cl_context ctx = clCreateContext(NULL, 1, &d, NULL, NULL, &err);
	CK(err);
	cl_command_queue q = clCreateCommandQueueWithProperties(ctx, d, NULL, &err);
	CK(err);
	cl_program prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	CK(err);
	CK(clBuildProgram(prog, 1, &d, "", NULL, NULL));
	cl_kernel empty = clCreateKernel(prog, "empty", &err);
	CK(err);
	cl_kernel twice = clCreateKernel(prog, "twice", &err);
	CK(err);
	cl_mem buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, sizeof(v), NULL, &err);
	CK(err);
	CK(clSetKernelArg(twice, 0, sizeof(buf), &buf));
	CK(clEnqueueNDRangeKernel(q, empty, 1, NULL, &global, NULL, 0, NULL, NULL));
	CK(clEnqueueNDRangeKernel(q, twice, 1, NULL, &global, NULL, 0, NULL, NULL));
	CK(clEnqueueReadBuffer(q, buf, CL_TRUE, 0, sizeof(v), v, 0, NULL, NULL));
	for (i = 0; i < 64; i++)
		sum += v[i];
	printf("empty kernel ran; twice: v[63] %d, sum %d\n", v[63], sum);
	clReleaseMemObject(buf);
	clReleaseKernel(empty);
	clReleaseKernel(twice);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return 0;
}
