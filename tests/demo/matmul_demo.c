/*
 * The demo's OpenCL program: multiplies two 512x512 matrices on the first
 * OpenCL device, checks the result against a plain CPU multiply, and says
 * where it ran.  Under AvA the platform is "AvA: <backend>".
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define N 512
#define TILE 16

static const char *src =
	"__kernel void matmul(__global const float *a, __global const float *b,\n"
	"                     __global float *c, int n)\n"
	"{\n"
	"    __local float ta[16][16], tb[16][16];\n"
	"    int row = get_global_id(1), col = get_global_id(0);\n"
	"    int lr = get_local_id(1), lc = get_local_id(0);\n"
	"    float acc = 0.0f;\n"
	"    for (int t = 0; t < n; t += 16) {\n"
	"        ta[lr][lc] = a[row * n + t + lc];\n"
	"        tb[lr][lc] = b[(t + lr) * n + col];\n"
	"        barrier(CLK_LOCAL_MEM_FENCE);\n"
	"        for (int k = 0; k < 16; k++)\n"
	"            acc += ta[lr][k] * tb[k][lc];\n"
	"        barrier(CLK_LOCAL_MEM_FENCE);\n"
	"    }\n"
	"    c[row * n + col] = acc;\n"
	"}\n";

#define TRY(x) do { cl_int e_ = (x); if (e_ != CL_SUCCESS) { \
	fprintf(stderr, "%s failed: %d\n", #x, e_); return 1; } } while (0)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(void)
{
	static float a[N * N], b[N * N], c[N * N], ref[N * N];
	char pname[256], dname[256];
	cl_platform_id plat;
	cl_device_id dev;
	cl_int err;
	cl_int n = N;
	size_t global[2] = { N, N }, local[2] = { TILE, TILE };
	double t0, t1, maxerr = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (int i = 0; i < N * N; i++) {
		a[i] = (float)((i * 7) % 13) / 13.0f - 0.5f;
		b[i] = (float)((i * 5) % 11) / 11.0f - 0.5f;
	}
	TRY(clGetPlatformIDs(1, &plat, NULL));
	TRY(clGetDeviceIDs(plat, CL_DEVICE_TYPE_ALL, 1, &dev, NULL));
	TRY(clGetPlatformInfo(plat, CL_PLATFORM_NAME, sizeof(pname), pname, NULL));
	TRY(clGetDeviceInfo(dev, CL_DEVICE_NAME, sizeof(dname), dname, NULL));
	printf("platform: %s\ndevice:   %s\n", pname, dname);

	cl_context ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	TRY(err);
	cl_command_queue q = clCreateCommandQueue(ctx, dev, 0, &err);
	TRY(err);
	cl_program prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err);
	TRY(err);
	TRY(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	cl_kernel k = clCreateKernel(prog, "matmul", &err);
	TRY(err);
	cl_mem da = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(a), a, &err);
	TRY(err);
	cl_mem db = clCreateBuffer(ctx, CL_MEM_READ_ONLY | CL_MEM_COPY_HOST_PTR, sizeof(b), b, &err);
	TRY(err);
	cl_mem dc = clCreateBuffer(ctx, CL_MEM_WRITE_ONLY, sizeof(c), NULL, &err);
	TRY(err);
	TRY(clSetKernelArg(k, 0, sizeof(da), &da));
	TRY(clSetKernelArg(k, 1, sizeof(db), &db));
	TRY(clSetKernelArg(k, 2, sizeof(dc), &dc));
	TRY(clSetKernelArg(k, 3, sizeof(n), &n));
	t0 = now();
	TRY(clEnqueueNDRangeKernel(q, k, 2, NULL, global, local, 0, NULL, NULL));
	TRY(clEnqueueReadBuffer(q, dc, CL_TRUE, 0, sizeof(c), c, 0, NULL, NULL));
	t1 = now();

	for (int i = 0; i < N; i++)
		for (int j = 0; j < N; j++) {
			double s = 0;

			for (int kk = 0; kk < N; kk++)
				s += (double)a[i * N + kk] * b[kk * N + j];
			ref[i * N + j] = (float)s;
			if (fabs(s - c[i * N + j]) > maxerr)
				maxerr = fabs(s - c[i * N + j]);
		}
	printf("matmul %dx%d: %.1f ms on the device, %.2f GFLOP/s\n", N, N, (t1 - t0) * 1e3,
	       2.0 * N * N * N / (t1 - t0) * 1e-9);
	printf("c[0][0] = %.6f, c[%d][%d] = %.6f\n", c[0], N - 1, N - 1, c[N * N - 1]);
	printf("verified against the CPU reference: max abs error %.2e -> %s\n", maxerr,
	       maxerr < 1e-3 ? "OK" : "MISMATCH");

	clReleaseMemObject(da);
	clReleaseMemObject(db);
	clReleaseMemObject(dc);
	clReleaseKernel(k);
	clReleaseProgram(prog);
	clReleaseCommandQueue(q);
	clReleaseContext(ctx);
	return maxerr < 1e-3 ? 0 : 1;
}
