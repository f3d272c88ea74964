// SPDX-License-Identifier: MIT
/*
 * sandbox_probe: opens an AvA session (its worker starts), prints "ready",
 * and keeps the session until its standard input closes, so that
 * tests/unit/sandbox_check can look at the session's worker.
 */
#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <stdio.h>

int main(void)
{
	cl_platform_id platform;
	cl_device_id device;
	cl_context ctx;
	cl_int err;

	if (clGetPlatformIDs(1, &platform, NULL) || clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL))
		return 1;
	ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err);
	if (!ctx)
		return 1;
	printf("ready\n");
	fflush(stdout);
	while (getchar() != EOF)
		;
	clReleaseContext(ctx);
	return 0;
}
