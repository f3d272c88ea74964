// SPDX-License-Identifier: MIT
/*
 * policy_bench: SESSIONS OpenCL sessions competing for the device, each in
 * its own process named avapol0, avapol1, ... (what ava-hostd's
 * --time-weight NAME=W matches), each running a compute-bound kernel loop
 * with a few kernels in flight, all started at once.  Each session measures
 * its own device time (profiling events) per window of wall time.  Run by
 * bench/policy (bench/run policy), which sets the policy and compares the
 * shares with their targets.
 *
 *   policy_bench [--seconds S] [--window W] [--global G] [--iters N]
 *                [--depth D] [--platform NAME] SESSIONS
 *
 * Prints "win K NS_0 .. NS_{n-1}" (device ns per session in window K),
 * "kernels N_0 .. N_{n-1}" and "elapsed_s S".
 */
#define CL_TARGET_OPENCL_VERSION 120
#include <CL/cl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_SESSIONS 8
#define MAX_WINDOWS 64
#define MAX_DEPTH 16

struct opts {
	double seconds, window;
	size_t global;
	int iters, depth, sessions;
	const char *platform;
};

struct result {
	uint64_t win_ns[MAX_WINDOWS];
	uint64_t kernels;
};

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

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

struct cl {
	cl_command_queue q;
	cl_kernel k;
};

static void cl_setup(const struct opts *o, struct cl *c)
{
	cl_platform_id all[16], p = NULL;
	cl_uint n = 0, i;
	cl_device_id dev;
	cl_context ctx;
	cl_program prog;
	cl_mem buf;
	cl_int e;
	char name[256];

	CK(clGetPlatformIDs(16, all, &n));
	for (i = 0; i < n && !p; i++) {
		CK(clGetPlatformInfo(all[i], CL_PLATFORM_NAME, sizeof(name), name, NULL));
		if (!o->platform || strstr(name, o->platform))
			p = all[i];
	}
	if (!p) {
		fprintf(stderr, "policy_bench: no platform like '%s'\n", o->platform);
		exit(1);
	}
	CK(clGetDeviceIDs(p, CL_DEVICE_TYPE_ALL, 1, &dev, NULL));
	ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &e);
	CK(e);
	c->q = clCreateCommandQueue(ctx, dev, CL_QUEUE_PROFILING_ENABLE, &e);
	CK(e);
	prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &e);
	CK(e);
	CK(clBuildProgram(prog, 1, &dev, NULL, NULL, NULL));
	c->k = clCreateKernel(prog, "spin", &e);
	CK(e);
	buf = clCreateBuffer(ctx, CL_MEM_READ_WRITE, o->global * sizeof(float), NULL, &e);
	CK(e);
	CK(clSetKernelArg(c->k, 0, sizeof(buf), &buf));
	CK(clSetKernelArg(c->k, 1, sizeof(int), &o->iters));
}

/* Waits for ev and adds its device time to the window it completed in. */
static void retire(cl_event ev, double t0, double window, struct result *r)
{
	cl_ulong a, b;
	int w;

	CK(clWaitForEvents(1, &ev));
	CK(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(a), &a, NULL));
	CK(clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(b), &b, NULL));
	clReleaseEvent(ev);
	w = (int)((now_s() - t0) / window);
	if (w < MAX_WINDOWS && b > a)
		r->win_ns[w] += b - a;
	r->kernels++;
}

/* One session: set up, say ready, wait for go, run the loop, send the result. */
static void session(const struct opts *o, int idx, int ready, int go, int out)
{
	cl_event ring[MAX_DEPTH];
	struct result r;
	struct cl c;
	char name[24], b = 'r';
	double t0;
	int head = 0, live = 0;

	memset(&r, 0, sizeof(r));
	snprintf(name, sizeof(name), "avapol%d", idx);
	prctl(PR_SET_NAME, name);
	cl_setup(o, &c);
	CK(clEnqueueNDRangeKernel(c.q, c.k, 1, NULL, &o->global, NULL, 0, NULL, NULL));
	CK(clFinish(c.q));
	if (write(ready, &b, 1) != 1 || read(go, &b, 1) != 1)
		exit(1);
	t0 = now_s();
	while (now_s() - t0 < o->seconds) {
		if (live == o->depth) {
			retire(ring[head], t0, o->window, &r);
			head = (head + 1) % o->depth;
			live--;
		}
		CK(clEnqueueNDRangeKernel(c.q, c.k, 1, NULL, &o->global, NULL, 0, NULL,
					  &ring[(head + live) % o->depth]));
		CK(clFlush(c.q));
		live++;
	}
	for (; live; live--, head = (head + 1) % o->depth)
		retire(ring[head], t0, o->window, &r);
	if (write(out, &r, sizeof(r)) != (ssize_t)sizeof(r))
		exit(1);
	exit(0);
}

static void parse(int argc, char **argv, struct opts *o)
{
	int i;

	*o = (struct opts){ .seconds = 10, .window = 2, .global = 64, .iters = 100000, .depth = 4 };
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--seconds") && i + 1 < argc)
			o->seconds = atof(argv[++i]);
		else if (!strcmp(argv[i], "--window") && i + 1 < argc)
			o->window = atof(argv[++i]);
		else if (!strcmp(argv[i], "--global") && i + 1 < argc)
			o->global = (size_t)atol(argv[++i]);
		else if (!strcmp(argv[i], "--iters") && i + 1 < argc)
			o->iters = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--depth") && i + 1 < argc)
			o->depth = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--platform") && i + 1 < argc)
			o->platform = argv[++i];
		else
			o->sessions = atoi(argv[i]);
	}
	if (o->sessions < 1 || o->sessions > MAX_SESSIONS || o->depth < 1 || o->depth > MAX_DEPTH ||
	    o->window <= 0 || o->seconds / o->window > MAX_WINDOWS || !o->global || o->iters < 1) {
		fprintf(stderr, "usage: policy_bench [--seconds S] [--window W] [--global G] [--iters N] [--depth D]"
				" [--platform NAME] SESSIONS (1-%d)\n", MAX_SESSIONS);
		exit(2);
	}
}

int main(int argc, char **argv)
{
	int ready[2], go[2], res[MAX_SESSIONS][2], i, w, st, bad = 0;
	struct result r[MAX_SESSIONS];
	struct opts o;
	double t0;
	char b;

	parse(argc, argv, &o);
	if (pipe(ready) || pipe(go))
		return 1;
	for (i = 0; i < o.sessions; i++) {
		if (pipe(res[i]))
			return 1;
		if (fork() == 0)
			session(&o, i, ready[1], go[0], res[i][1]);
	}
	for (i = 0; i < o.sessions; i++)
		if (read(ready[0], &b, 1) != 1)
			return 1;
	t0 = now_s();
	for (i = 0; i < o.sessions; i++)
		if (write(go[1], "g", 1) != 1)
			return 1;
	for (i = 0; i < o.sessions; i++)
		if (read(res[i][0], &r[i], sizeof(r[i])) != (ssize_t)sizeof(r[i]))
			bad = 1;
	printf("elapsed_s %.3f\n", now_s() - t0);
	while (wait(&st) > 0)
		bad |= !WIFEXITED(st) || WEXITSTATUS(st);
	if (bad) {
		fprintf(stderr, "policy_bench: a session failed\n");
		return 1;
	}
	for (w = 0; w < (int)(o.seconds / o.window); w++) {
		printf("win %d", w);
		for (i = 0; i < o.sessions; i++)
			printf(" %llu", (unsigned long long)r[i].win_ns[w]);
		printf("\n");
	}
	printf("kernels");
	for (i = 0; i < o.sessions; i++)
		printf(" %llu", (unsigned long long)r[i].kernels);
	printf("\n");
	return 0;
}
