// SPDX-License-Identifier: MIT
/*
 * Coarse-grained buffer SVM in the worker.  The guest mirrors each
 * allocation at the address returned here, page by page, so every address
 * handed out is page-aligned and no page holds two allocations: the
 * backend's allocation is a page (or the alignment asked) larger than
 * asked, and the guest gets its first aligned address.  Small allocations
 * are made SMALL_SPAN large, so that the backend's allocator serves them
 * from fresh mappings rather than from its heap (under a sanitizer, a heap
 * range the guest's own sanitizer has reserved).  Every address the
 * guest sends (kernel arguments, exec info, copies, fills) must lie inside
 * one live allocation of this session; freed ones are forgotten at once.
 */
#include "opencl_svm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "worker_staging.h"

struct svm_alloc {
	void *base;		/* what the backend's clSVMAlloc returned */
	uint64_t addr, size;	/* what the guest sees */
	cl_context ctx;		/* retained while the allocation lives */
};

#define SMALL_SPAN (1u << 20)

static struct svm_alloc *allocs;
static size_t nallocs, cap;

/* The allocation holding [p, p + len), len >= 1; NULL when none does. */
static struct svm_alloc *find(uint64_t p, uint64_t len)
{
	size_t i;

	for (i = 0; i < nallocs; i++)
		if (p >= allocs[i].addr && p - allocs[i].addr < allocs[i].size &&
		    len <= allocs[i].size - (p - allocs[i].addr))
			return &allocs[i];
	return NULL;
}

static int remember(void *base, uint64_t addr, uint64_t size, cl_context ctx)
{
	if (nallocs == cap) {
		size_t n = cap ? 2 * cap : 16;
		struct svm_alloc *a = realloc(allocs, n * sizeof(*a));

		if (!a)
			return -1;
		allocs = a;
		cap = n;
	}
	allocs[nallocs++] = (struct svm_alloc){ base, addr, size, ctx };
	clRetainContext(ctx);
	return 0;
}

cl_int avaw_cl_svm_alloc(struct avaw_call *c, cl_context ctx, cl_svm_mem_flags flags, size_t size,
			 cl_uint alignment, cl_ulong *address)
{
	uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE), align = alignment > page ? alignment : page;
	uint64_t span = size <= UINT64_MAX - 2 * page ? (size + page - 1) / page * page : 0;
	const cl_svm_mem_flags access = CL_MEM_READ_WRITE | CL_MEM_WRITE_ONLY | CL_MEM_READ_ONLY;
	void *base;

	(void)c;
	/* fine-grained SVM is not offered; the alignment is checked by the backend */
	/* span 0: a size so large that its pages wrap around */
	if (!span || (flags & ~access) || (alignment & (alignment - 1)) || span + align < span)
		return CL_INVALID_VALUE;
	base = clSVMAlloc(ctx, flags, (span > SMALL_SPAN ? span : SMALL_SPAN) + align, alignment);
	if (!base)
		return CL_MEM_OBJECT_ALLOCATION_FAILURE;
	*address = ((uint64_t)(uintptr_t)base + align - 1) / align * align;
	if (remember(base, *address, size, ctx)) {
		clSVMFree(ctx, base);
		return CL_OUT_OF_HOST_MEMORY;
	}
	return CL_SUCCESS;
}

cl_int avaw_cl_svm_free(struct avaw_call *c, cl_context ctx, cl_ulong address)
{
	struct svm_alloc *a = find(address, 1);

	(void)c;
	(void)ctx;
	if (!a || a->addr != address)
		return CL_INVALID_VALUE;
	clSVMFree(a->ctx, a->base);
	clReleaseContext(a->ctx);
	*a = allocs[--nallocs];
	return CL_SUCCESS;
}

/* A range of the guest's: inside one allocation (CL_INVALID_VALUE otherwise). */
static void *svm_range(cl_ulong p, size_t size)
{
	return find(p, size ? size : 1) ? (void *)(uintptr_t)p : NULL;
}

/* Streamed data is staged: the backend's memory is reached only through its calls. */
cl_int avaw_cl_svm_read(struct avaw_call *c, cl_command_queue q, cl_ulong src, size_t size, void *dst,
			cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	void *from = svm_range(src, size), *staging = NULL;
	cl_int err;

	if (!from || !size)
		return CL_INVALID_VALUE;
	if (avaw_stream_active(c) && !(dst = staging = malloc(size)))
		return CL_OUT_OF_HOST_MEMORY;
	err = clEnqueueSVMMemcpy(q, CL_TRUE, dst, from, size, nwait, wait, ev);
	if (err == CL_SUCCESS && staging && avaw_stream_out(c, staging, size))
		err = CL_OUT_OF_RESOURCES;
	free(staging);
	return err;
}

cl_int avaw_cl_svm_write(struct avaw_call *c, cl_command_queue q, cl_ulong dst, size_t size, const void *src,
			 cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	void *to = svm_range(dst, size), *staging = NULL;
	cl_int err;

	if (!to || !size)
		return CL_INVALID_VALUE;
	if (avaw_stream_active(c)) {
		if (!(staging = malloc(size)))
			return CL_OUT_OF_HOST_MEMORY;
		if (avaw_stream_in(c, staging, size)) {
			free(staging);
			return CL_OUT_OF_RESOURCES;
		}
		src = staging;
	}
	err = clEnqueueSVMMemcpy(q, CL_TRUE, to, src, size, nwait, wait, ev);
	free(staging);
	return err;
}

cl_int avaw_cl_svm_copy(struct avaw_call *c, cl_command_queue q, cl_bool blocking, cl_ulong dst, cl_ulong src,
			size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	void *to = svm_range(dst, size), *from = svm_range(src, size);

	(void)c;
	if (!to || !from || !size)
		return CL_INVALID_VALUE;
	return clEnqueueSVMMemcpy(q, blocking, to, from, size, nwait, wait, ev);
}

cl_int avaw_cl_svm_fill(struct avaw_call *c, cl_command_queue q, cl_ulong dst, const void *pattern,
			size_t pattern_size, size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	void *to = svm_range(dst, size);

	(void)c;
	if (!to || !size || !pattern)
		return CL_INVALID_VALUE;
	return clEnqueueSVMMemFill(q, to, pattern, pattern_size, size, nwait, wait, ev);
}

/* NULL is passed on (the backend decides); any other address must be of a live allocation. */
cl_int avaw_cl_set_arg_svm(struct avaw_call *c, cl_kernel kernel, cl_uint index, const void *value)
{
	(void)c;
	if (value && !find((uint64_t)(uintptr_t)value, 1))
		return CL_INVALID_ARG_VALUE;
	return clSetKernelArgSVMPointer(kernel, index, value);
}

/* Only the SVM parameters; fine-grained system SVM is not offered. */
cl_int avaw_cl_set_exec_info(struct avaw_call *c, cl_kernel kernel, cl_kernel_exec_info name, size_t size,
			     const void *value)
{
	const unsigned char *v = value;
	size_t i;

	(void)c;
	if (name == CL_KERNEL_EXEC_INFO_SVM_FINE_GRAIN_SYSTEM) {
		cl_bool on;

		if (!v || size != sizeof(on))
			return CL_INVALID_VALUE;
		memcpy(&on, v, sizeof(on));
		return on ? CL_INVALID_OPERATION : clSetKernelExecInfo(kernel, name, size, value);
	}
	if (name != CL_KERNEL_EXEC_INFO_SVM_PTRS || size % sizeof(void *))
		return CL_INVALID_VALUE;
	for (i = 0; v && i < size; i += sizeof(void *)) {
		uint64_t p = 0;

		memcpy(&p, v + i, sizeof(void *));
		if (!find(p, 1))
			return CL_INVALID_VALUE;
	}
	return clSetKernelExecInfo(kernel, name, size, value);
}
