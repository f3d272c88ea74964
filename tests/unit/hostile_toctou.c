// SPDX-License-Identifier: MIT
/*
 * hostile_toctou: a guest that rewrites the shared arena while the worker
 * processes its calls (run it through AvA's `local` transport with a small
 * arena, AVA_ARENA_MB=1; tests/run's hostile-args suite does).
 *
 * Strings too long to travel inline (build options, kernel names) go by
 * reference to the arena; a thread fills the arena with 'A' in a loop, so
 * that a worker which checked a string's final NUL and then let the vendor
 * read the arena again would read past the string (and the mapping).  The
 * worker must use a private copy: every call gets an answer, the worker
 * survives.  Prints TAP; exits 0 only when every case passed.
 */
#ifndef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 120
#endif
#include <CL/cl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define LONG (40u << 10)	/* over the guest library's inline limit */
#define ROUNDS 300

static unsigned char *arena;
static size_t arena_len;
static atomic_int stop;

/* The session's memory (worker/transport_local.c names it ava-session): its last mapping. */
static int find_arena(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];
	unsigned long lo, hi;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strstr(line, "ava-session") && sscanf(line, "%lx-%lx", &lo, &hi) == 2) {
			arena = (unsigned char *)lo;
			arena_len = hi - lo;
		}
	fclose(f);
	return arena ? 0 : -1;
}

static void *scribble(void *arg)
{
	/* past the ring and reply pages: the bulk arena is the region's tail */
	size_t tail = (size_t)arg;

	while (!atomic_load(&stop))
		memset(arena + arena_len - tail, 'A', tail);
	return NULL;
}

int main(void)
{
	static const char *src = "__kernel void k(__global int *a) { a[0] = 1; }\n";
	cl_platform_id platform;
	cl_device_id device;
	cl_context ctx;
	cl_program prog, victim;
	char *opts = malloc(LONG), *name = malloc(LONG);
	int i, answered = 0, failed = 0;
	int codes[80] = { 0 };
	pthread_t t;
	cl_int err;

	if (!opts || !name || clGetPlatformIDs(1, &platform, NULL) ||
	    clGetDeviceIDs(platform, CL_DEVICE_TYPE_ALL, 1, &device, NULL) ||
	    !(ctx = clCreateContext(NULL, 1, &device, NULL, NULL, &err)) ||
	    !(prog = clCreateProgramWithSource(ctx, 1, &src, NULL, &err)) ||
	    !(victim = clCreateProgramWithSource(ctx, 1, &src, NULL, &err)) ||
	    clBuildProgram(prog, 1, &device, "", NULL, NULL) || find_arena()) {
		printf("not ok 1 - setup (through AvA's local transport?)\n");
		return 1;
	}
	for (i = 0; i < (int)LONG - 1; i++) {
		opts[i] = i % 8 == 7 ? ' ' : '-';
		name[i] = 'k';
	}
	opts[LONG - 1] = name[LONG - 1] = '\0';
	/* the arena is at most 1 MiB here (AVA_ARENA_MB=1), well inside the mapping */
	pthread_create(&t, NULL, scribble, (void *)(size_t)(arena_len < (1u << 20) ? arena_len / 2 : 1u << 20));
	for (i = 0; i < ROUNDS; i++) {
		cl_kernel k = clCreateKernel(prog, name, &err);

		/* refused as unknown, or as malformed once overwritten before the check */
		answered += err == CL_INVALID_KERNEL_NAME || err == CL_OUT_OF_RESOURCES;
		if (k)
			clReleaseKernel(k);
		codes[-err < 80 && err <= 0 ? -err : 79]++;
		err = clCompileProgram(victim, 1, &device, opts, 0, NULL, NULL, NULL, NULL);
		failed += err == CL_SUCCESS;
	}
	atomic_store(&stop, 1);
	pthread_join(t, NULL);
	for (i = 0; i < 80; i++)
		if (codes[i])
			printf("# clCreateKernel: %d x error %d\n", codes[i], -i);
	printf("%s 1 - %d of %d long kernel names refused while the arena was rewritten\n",
	       answered == ROUNDS ? "ok" : "not ok", answered, ROUNDS);
	printf("%s 2 - no bogus build options accepted (%d)\n", failed == 0 ? "ok" : "not ok", failed);
	err = clBuildProgram(victim, 1, &device, "", NULL, NULL);
	printf("%s 3 - the worker survived: a build after the attack (%d)\n", err == CL_SUCCESS ? "ok" : "not ok", err);
	free(opts);
	free(name);
	return answered == ROUNDS && !failed && err == CL_SUCCESS ? 0 : 1;
}
