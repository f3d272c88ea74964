// SPDX-License-Identifier: MIT
/*
 * opencl_bench: micro-benchmarks of the OpenCL paths that AvA remotes, run on
 * the first device of the first platform (or of the one --platform names).
 * The same binary is run natively and through AvA (bench/run compares the
 * two).
 *
 * Output: one "key value" line per figure on stdout (lines starting with '#'
 * are comments):
 *   sync_rtt_us_<call>       median time of one cheap synchronous query, µs
 *   sync_rtt_idle_us_<call>  the same query issued after 1 ms of idleness
 *   enqueue_rate_per_s       empty-kernel NDRange enqueues per second,
 *                            N non-blocking enqueues + clFinish
 *   enqueue_submit_per_s     the same, counting only the enqueue loop
 *   enqueue_finish_us_empty  one empty-kernel enqueue + clFinish, median µs
 *   write_GBps_1MiB_cold     the first 32 one-MiB blocking writes of the
 *                            bandwidth part (memory not yet touched)
 *   write_GBps_<size>        blocking clEnqueueWriteBuffer, GB/s (1e9 B/s),
 *                            median of 9 samples after warm-up
 *   read_GBps_<size>         blocking clEnqueueReadBuffer, GB/s
 *   nb_write_GBps_64MiB      non-blocking clEnqueueWriteBuffer + clFinish
 *   nb_read_GBps_64MiB       non-blocking clEnqueueReadBuffer + clFinish
 *   map_GBps_64MiB           clEnqueueMapBuffer (read+write), check and
 *                            rewrite every byte, unmap, clFinish
 *   devmem_copy_GBps         a kernel copying one 256 MiB device buffer to
 *                            another (float4 per work-item), 50 launches
 *                            (--quick: 20) per sample, bytes read + written
 *                            per second
 *   ctx_create_release_per_s clCreateContext + clReleaseContext pairs per s
 * Exit status: 0, or 1 if an OpenCL call failed.
 *
 * Options: --quick (fewer iterations, for smoke tests),
 *          --only sync|enqueue|bw|devbw|ctx (run one part),
 *          --platform NAME (the first platform whose name contains NAME;
 *          default: the first platform).
 */
#define _POSIX_C_SOURCE 200809L
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int quick;

#define CK(call)                                                              \
	do {                                                                  \
		cl_int err_ = (call);                                         \
		if (err_ != CL_SUCCESS) {                                     \
			fprintf(stderr, "opencl_bench: %s:%d: %s failed: %d\n", \
				__FILE__, __LINE__, #call, (int)err_);        \
			exit(1);                                              \
		}                                                             \
	} while (0)

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Median of v[0..n); sorts v. */
static double median(double *v, size_t n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void *xmalloc(size_t n)
{
	void *p = malloc(n);

	if (!p) {
		fprintf(stderr, "opencl_bench: out of memory (%zu bytes)\n", n);
		exit(1);
	}
	return p;
}

struct env {
	cl_device_id device;
	cl_context ctx;
	cl_command_queue q;
	cl_program prog;
	cl_kernel kernel;
	cl_event done_event;	/* a completed marker event */
};

static const char *kernel_src = "__kernel void empty(void) { }\n";

/* The first platform whose name contains want (any platform when NULL). */
static cl_platform_id pick_platform(const char *want, char *name, size_t size)
{
	cl_platform_id all[16];
	cl_uint n = 0;

	CK(clGetPlatformIDs(16, all, &n));
	for (cl_uint i = 0; i < n && i < 16; i++) {
		CK(clGetPlatformInfo(all[i], CL_PLATFORM_NAME, size - 1, name, NULL));
		if (!want || strstr(name, want))
			return all[i];
	}
	fprintf(stderr, "opencl_bench: no platform named like '%s'\n", want);
	exit(1);
}

static void setup(struct env *e, const char *want)
{
	cl_int err;
	char name[256] = "", version[256] = "", pname[256] = "";
	cl_platform_id platform = pick_platform(want, pname, sizeof(pname));

	CK(clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &e->device, NULL));
	CK(clGetDeviceInfo(e->device, CL_DEVICE_NAME, sizeof(name) - 1, name, NULL));
	CK(clGetPlatformInfo(platform, CL_PLATFORM_VERSION, sizeof(version) - 1, version, NULL));
	printf("# platform %s\n# platform_name %s\n# device %s\n", version, pname, name);
	e->ctx = clCreateContext(NULL, 1, &e->device, NULL, NULL, &err);
	CK(err);
	e->q = clCreateCommandQueue(e->ctx, e->device, 0, &err);
	CK(err);
	e->prog = clCreateProgramWithSource(e->ctx, 1, &kernel_src, NULL, &err);
	CK(err);
	CK(clBuildProgram(e->prog, 1, &e->device, "", NULL, NULL));
	e->kernel = clCreateKernel(e->prog, "empty", &err);
	CK(err);
	CK(clEnqueueMarkerWithWaitList(e->q, 0, NULL, &e->done_event));
	CK(clFinish(e->q));
}

static void teardown(struct env *e)
{
	CK(clFinish(e->q));
	CK(clReleaseEvent(e->done_event));
	CK(clReleaseKernel(e->kernel));
	CK(clReleaseProgram(e->prog));
	CK(clReleaseCommandQueue(e->q));
	CK(clReleaseContext(e->ctx));
}

/* ------------------------------------------------------------ synchronous */

enum query { Q_DEVICE_TYPE, Q_EVENT_STATUS, Q_KERNEL_WG_SIZE, Q_COUNT };
static const char *const query_name[Q_COUNT] = {
	"clGetDeviceInfo", "clGetEventInfo", "clGetKernelWorkGroupInfo",
};

static void query_once(const struct env *e, enum query q)
{
	switch (q) {
	case Q_DEVICE_TYPE: {
		cl_device_type t;

		CK(clGetDeviceInfo(e->device, CL_DEVICE_TYPE, sizeof(t), &t, NULL));
		break;
	}
	case Q_EVENT_STATUS: {
		cl_int st;

		CK(clGetEventInfo(e->done_event, CL_EVENT_COMMAND_EXECUTION_STATUS,
				  sizeof(st), &st, NULL));
		if (st != CL_COMPLETE) {
			fprintf(stderr, "opencl_bench: marker event not complete (%d)\n", (int)st);
			exit(1);
		}
		break;
	}
	case Q_KERNEL_WG_SIZE: {
		size_t wg;

		CK(clGetKernelWorkGroupInfo(e->kernel, e->device, CL_KERNEL_WORK_GROUP_SIZE,
					    sizeof(wg), &wg, NULL));
		break;
	}
	default:
		break;
	}
}

/*
 * Back-to-back round trips: median over batches of the mean time of one call
 * in the batch (batching keeps the clock's own cost out of the native figure,
 * the median keeps interrupts out of both).
 */
static double sync_rtt_us(const struct env *e, enum query q)
{
	const size_t batches = quick ? 50 : 500, per = 20;
	double *t = xmalloc(batches * sizeof(*t)), m;

	for (size_t i = 0; i < 2000; i++)	/* warm-up */
		query_once(e, q);
	for (size_t b = 0; b < batches; b++) {
		double t0 = now_s();

		for (size_t i = 0; i < per; i++)
			query_once(e, q);
		t[b] = (now_s() - t0) / (double)per * 1e6;
	}
	m = median(t, batches);
	free(t);
	return m;
}

/* One call after 1 ms of doing nothing (an idle peer may have gone to sleep). */
static double sync_idle_rtt_us(const struct env *e, enum query q)
{
	const size_t iters = quick ? 20 : 150;
	const struct timespec nap = { 0, 1000000 };
	double *t = xmalloc(iters * sizeof(*t)), m;

	for (size_t i = 0; i < iters; i++) {
		double t0;

		nanosleep(&nap, NULL);
		t0 = now_s();
		query_once(e, q);
		t[i] = (now_s() - t0) * 1e6;
	}
	m = median(t, iters);
	free(t);
	return m;
}

static void bench_sync(const struct env *e)
{
	for (int q = 0; q < Q_COUNT; q++)
		printf("sync_rtt_us_%s %.3f\n", query_name[q], sync_rtt_us(e, (enum query)q));
	fflush(stdout);
	printf("sync_rtt_idle_us_%s %.3f\n", query_name[Q_EVENT_STATUS],
	       sync_idle_rtt_us(e, Q_EVENT_STATUS));
	fflush(stdout);
}

/* ---------------------------------------------------------------- enqueue */

static void enqueue_n(const struct env *e, size_t n)
{
	const size_t global = 1;

	for (size_t i = 0; i < n; i++)
		CK(clEnqueueNDRangeKernel(e->q, e->kernel, 1, NULL, &global, NULL, 0, NULL, NULL));
}

static void bench_enqueue(const struct env *e)
{
	const size_t n = quick ? 1000 : 10000, reps = quick ? 2 : 5;
	double total[8], submit[8];

	enqueue_n(e, n / 5);	/* warm-up */
	CK(clFinish(e->q));
	for (size_t r = 0; r < reps; r++) {
		double t0 = now_s(), t1;

		enqueue_n(e, n);
		t1 = now_s();
		CK(clFinish(e->q));
		total[r] = (double)n / (now_s() - t0);
		submit[r] = (double)n / (t1 - t0);
	}
	printf("enqueue_rate_per_s %.0f\n", median(total, reps));
	printf("enqueue_submit_per_s %.0f\n", median(submit, reps));
	fflush(stdout);
}

/* One empty kernel, then clFinish: the latency of a launch-bound loop. */
static void bench_enqueue_finish(const struct env *e)
{
	const size_t iters = quick ? 200 : 2000;
	double *t = xmalloc(iters * sizeof(*t));

	for (size_t i = 0; i < 100; i++) {	/* warm-up */
		enqueue_n(e, 1);
		CK(clFinish(e->q));
	}
	for (size_t i = 0; i < iters; i++) {
		double t0 = now_s();

		enqueue_n(e, 1);
		CK(clFinish(e->q));
		t[i] = (now_s() - t0) * 1e6;
	}
	printf("enqueue_finish_us_empty %.3f\n", median(t, iters));
	fflush(stdout);
	free(t);
}

/* -------------------------------------------------------------- bandwidth */

static void check_same(const void *got, const void *want, size_t size, const char *what)
{
	if (memcmp(got, want, size)) {
		fprintf(stderr, "opencl_bench: %s: data differs from data written\n", what);
		exit(1);
	}
}

static void bench_bw_size(const struct env *e, size_t size, const char *label)
{
	/* each timed sample moves at least 8 MiB (one call at 64 MiB) */
	const size_t per = size >= (8u << 20) ? 1 : (8u << 20) / size;
	const size_t warm = size >= (8u << 20) ? 4 : 2, reps = quick ? 3 : 9;
	double wr[16], rd[16];
	unsigned char *host = xmalloc(size), *back = xmalloc(size);
	cl_mem buf;
	cl_int err;

	for (size_t i = 0; i < size; i++)
		host[i] = (unsigned char)(i * 7 + 1);
	memset(back, 0, size);
	buf = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, size, NULL, &err);
	CK(err);
	for (size_t r = 0; r < warm + reps; r++) {
		double t0 = now_s(), t1, t2;

		for (size_t i = 0; i < per; i++)
			CK(clEnqueueWriteBuffer(e->q, buf, CL_TRUE, 0, size, host, 0, NULL, NULL));
		t1 = now_s();
		for (size_t i = 0; i < per; i++)
			CK(clEnqueueReadBuffer(e->q, buf, CL_TRUE, 0, size, back, 0, NULL, NULL));
		t2 = now_s();
		if (r >= warm) {
			wr[r - warm] = (double)(size * per) / (t1 - t0) * 1e-9;
			rd[r - warm] = (double)(size * per) / (t2 - t1) * 1e-9;
		}
	}
	check_same(back, host, size, label);
	printf("write_GBps_%s %.3f\n", label, median(wr, reps));
	printf("read_GBps_%s %.3f\n", label, median(rd, reps));
	fflush(stdout);
	CK(clReleaseMemObject(buf));
	free(host);
	free(back);
}

/*
 * The first transfers of a session may land on memory that was never touched
 * (AvA's bulk arena is a ring that fills up before it is reused): time the
 * first 32 one-MiB writes of a fresh buffer, then move 512 MiB in each
 * direction so that the figures below are steady-state ones.
 */
static void bench_bw_cold(const struct env *e)
{
	const size_t size = 1u << 20, n = 32, big = 64u << 20;
	unsigned char *host = xmalloc(big);
	cl_mem buf;
	cl_int err;
	double t0;

	memset(host, 1, big);
	buf = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, big, NULL, &err);
	CK(err);
	t0 = now_s();
	for (size_t i = 0; i < n; i++)
		CK(clEnqueueWriteBuffer(e->q, buf, CL_TRUE, 0, size, host, 0, NULL, NULL));
	printf("write_GBps_1MiB_cold %.3f\n", (double)(size * n) / (now_s() - t0) * 1e-9);
	fflush(stdout);
	for (size_t i = 0; i < 8; i++) {
		CK(clEnqueueWriteBuffer(e->q, buf, CL_TRUE, 0, big, host, 0, NULL, NULL));
		CK(clEnqueueReadBuffer(e->q, buf, CL_TRUE, 0, big, host, 0, NULL, NULL));
	}
	CK(clReleaseMemObject(buf));
	free(host);
}

/*
 * 64 MiB non-blocking writes and reads, each followed by clFinish (the
 * pattern of programs that overlap transfers with other work).  The read
 * target is cleared before each read, so every read must really move data.
 */
static void bench_bw_nonblocking(const struct env *e)
{
	const size_t size = 64u << 20, warm = 2, reps = quick ? 3 : 9;
	unsigned char *host = xmalloc(size), *back = xmalloc(size);
	double wr[16], rd[16];
	cl_mem buf;
	cl_int err;

	for (size_t i = 0; i < size; i++)
		host[i] = (unsigned char)(i * 5 + 3);
	buf = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, size, NULL, &err);
	CK(err);
	for (size_t r = 0; r < warm + reps; r++) {
		double t0, t1, t2;

		memset(back, 0, size);
		t0 = now_s();
		CK(clEnqueueWriteBuffer(e->q, buf, CL_FALSE, 0, size, host, 0, NULL, NULL));
		CK(clFinish(e->q));
		t1 = now_s();
		CK(clEnqueueReadBuffer(e->q, buf, CL_FALSE, 0, size, back, 0, NULL, NULL));
		CK(clFinish(e->q));
		t2 = now_s();
		check_same(back, host, size, "non-blocking read of a non-blocking write");
		if (r >= warm) {
			wr[r - warm] = (double)size / (t1 - t0) * 1e-9;
			rd[r - warm] = (double)size / (t2 - t1) * 1e-9;
		}
	}
	printf("nb_write_GBps_64MiB %.3f\n", median(wr, reps));
	printf("nb_read_GBps_64MiB %.3f\n", median(rd, reps));
	fflush(stdout);
	CK(clReleaseMemObject(buf));
	free(host);
	free(back);
}

/*
 * Map a 64 MiB buffer for reading and writing, check that it holds the last
 * pattern written, write the other pattern through the map, unmap, finish.
 */
static void bench_bw_map(const struct env *e)
{
	const size_t size = 64u << 20, warm = 2, reps = quick ? 3 : 9;
	unsigned char *pat[2] = { xmalloc(size), xmalloc(size) };
	double t[16];
	cl_mem buf;
	cl_int err;

	for (size_t i = 0; i < size; i++) {
		pat[0][i] = (unsigned char)(i * 3 + 1);
		pat[1][i] = (unsigned char)(i * 11 + 2);
	}
	buf = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, size, NULL, &err);
	CK(err);
	CK(clEnqueueWriteBuffer(e->q, buf, CL_TRUE, 0, size, pat[0], 0, NULL, NULL));
	for (size_t r = 0; r < warm + reps; r++) {
		double t0 = now_s();
		unsigned char *p = clEnqueueMapBuffer(e->q, buf, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, 0,
						      size, 0, NULL, NULL, &err);

		CK(err);
		check_same(p, pat[r % 2], size, "mapped buffer");
		memcpy(p, pat[(r + 1) % 2], size);
		CK(clEnqueueUnmapMemObject(e->q, buf, p, 0, NULL, NULL));
		CK(clFinish(e->q));
		if (r >= warm)
			t[r - warm] = (double)size / (now_s() - t0) * 1e-9;
	}
	CK(clEnqueueReadBuffer(e->q, buf, CL_TRUE, 0, size, pat[0], 0, NULL, NULL));
	check_same(pat[0], pat[1], size, "read back after unmap");
	printf("map_GBps_64MiB %.3f\n", median(t, reps));
	fflush(stdout);
	CK(clReleaseMemObject(buf));
	free(pat[0]);
	free(pat[1]);
}

static void bench_bw(const struct env *e)
{
	bench_bw_cold(e);
	bench_bw_size(e, 4u << 10, "4KiB");
	bench_bw_size(e, 1u << 20, "1MiB");
	bench_bw_size(e, 64u << 20, "64MiB");
	bench_bw_nonblocking(e);
	bench_bw_map(e);
}

/* ------------------------------------------------------- device memory */

static const char *copy_src =
	"__kernel void copy4(__global const float4 *a, __global float4 *b)"
	" { size_t i = get_global_id(0); b[i] = a[i]; }\n";

/*
 * Global-memory bandwidth as a kernel sees it: copy a buffer on the device,
 * several launches per sample, clFinish at the end of each sample.
 */
static void bench_devbw(const struct env *e)
{
	const size_t size = 256u << 20, per = quick ? 20 : 50, reps = quick ? 3 : 7;
	const size_t global = size / 16;
	double t[16];
	cl_mem a, b;
	cl_program prog;
	cl_kernel k;
	cl_int err;
	const float zero = 0.0f;

	prog = clCreateProgramWithSource(e->ctx, 1, &copy_src, NULL, &err);
	CK(err);
	CK(clBuildProgram(prog, 1, &e->device, "", NULL, NULL));
	k = clCreateKernel(prog, "copy4", &err);
	CK(err);
	a = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, size, NULL, &err);
	CK(err);
	b = clCreateBuffer(e->ctx, CL_MEM_READ_WRITE, size, NULL, &err);
	CK(err);
	CK(clEnqueueFillBuffer(e->q, a, &zero, sizeof(zero), 0, size, 0, NULL, NULL));
	CK(clSetKernelArg(k, 0, sizeof(a), &a));
	CK(clSetKernelArg(k, 1, sizeof(b), &b));
	for (size_t r = 0; r < reps + 1; r++) {	/* the first sample warms up */
		double t0 = now_s();

		for (size_t i = 0; i < per; i++)
			CK(clEnqueueNDRangeKernel(e->q, k, 1, NULL, &global, NULL, 0, NULL, NULL));
		CK(clFinish(e->q));
		if (r > 0)
			t[r - 1] = 2.0 * (double)(size * per) / (now_s() - t0) * 1e-9;
	}
	printf("devmem_copy_GBps %.3f\n", median(t, reps));
	fflush(stdout);
	CK(clReleaseMemObject(a));
	CK(clReleaseMemObject(b));
	CK(clReleaseKernel(k));
	CK(clReleaseProgram(prog));
}

/* ---------------------------------------------------------------- context */

/* Contexts created and released per second, median of a few batches. */
static void bench_ctx(const struct env *e)
{
	const size_t per = quick ? 20 : 200, reps = quick ? 2 : 5;
	double rate[8];

	for (size_t r = 0; r < reps + 1; r++) {	/* the first batch warms up */
		double t0 = now_s();

		for (size_t i = 0; i < per; i++) {
			cl_int err;
			cl_context c = clCreateContext(NULL, 1, &e->device, NULL, NULL, &err);

			CK(err);
			CK(clReleaseContext(c));
		}
		if (r > 0)
			rate[r - 1] = (double)per / (now_s() - t0);
	}
	printf("ctx_create_release_per_s %.1f\n", median(rate, reps));
	fflush(stdout);
}

static void bench_enqueue_all(const struct env *e)
{
	bench_enqueue(e);
	bench_enqueue_finish(e);
}

/* The parts, in the order a whole run takes them (--only runs one). */
static const struct {
	const char *name;
	void (*run)(const struct env *e);
} parts[] = {
	{ "sync", bench_sync }, { "enqueue", bench_enqueue_all }, { "bw", bench_bw },
	{ "devbw", bench_devbw }, { "ctx", bench_ctx },
};
#define NPARTS (sizeof(parts) / sizeof(parts[0]))

int main(int argc, char **argv)
{
	const char *only = NULL, *platform = NULL;
	struct env e;
	size_t p;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--platform") && i + 1 < argc) {
			platform = argv[++i];
		} else {
			fprintf(stderr, "usage: opencl_bench [--quick] [--only sync|enqueue|bw|devbw|ctx]"
				" [--platform NAME]\n");
			return 2;
		}
	}
	for (p = 0; only && p < NPARTS && strcmp(only, parts[p].name); p++)
		;
	if (only && p == NPARTS) {
		fprintf(stderr, "opencl_bench: unknown part '%s' (sync, enqueue, bw, devbw, ctx)\n", only);
		return 2;
	}
	setup(&e, platform);
	for (p = 0; p < NPARTS; p++)
		if (!only || !strcmp(only, parts[p].name))
			parts[p].run(&e);
	teardown(&e);
	return 0;
}
