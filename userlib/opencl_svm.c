// SPDX-License-Identifier: MIT
/*
 * Coarse-grained buffer SVM.  Device code may hold SVM pointers inside
 * buffers, so the application's pointer must be the backend's: each
 * allocation is mirrored in this process at the very address the worker's
 * clSVMAlloc gave (MAP_FIXED_NOREPLACE; when that address is taken here the
 * allocation fails, as one the device cannot make).  Coarse-grained
 * memory holds the host's data only between a map and its unmap: a map
 * copies the device's bytes into the mirror, an unmap copies them back.
 * Copies and fills go to the worker, which checks every address against
 * the session's live allocations (worker/opencl_svm.c).
 */
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "opencl_guest_rt.h"

struct svm_map {
	void *ptr;
	size_t size;
	cl_map_flags flags;
	struct svm_map *next;
};

struct svm_alloc {
	uintptr_t addr;
	size_t size, span;	/* asked; mirrored (whole pages) */
	struct svm_map *maps;
	struct svm_alloc *next;
};

static struct svm_alloc *allocs;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

cl_device_svm_capabilities ava_cl_svm_caps(cl_device_svm_capabilities backend)
{
	return backend & CL_DEVICE_SVM_COARSE_GRAIN_BUFFER;
}

/* 0 when q is a queue whose device offers SVM; else the error of an SVM
 * enqueue: CL_INVALID_OPERATION without SVM, as natively. */
static cl_int svm_queue_error(cl_command_queue q)
{
	cl_device_id dev;

	if (!ava_obj_check(q, AVA_HT_OPENCL_queue) || !(dev = ava_cl_queue_device(q)))
		return CL_INVALID_COMMAND_QUEUE;
	return ava_cl_device_svm(dev) ? CL_SUCCESS : CL_INVALID_OPERATION;
}

/* The allocation p lies in; call with the lock held. */
static struct svm_alloc *holder(const void *p)
{
	struct svm_alloc *a;

	for (a = allocs; a; a = a->next)
		if ((uintptr_t)p >= a->addr && (uintptr_t)p - a->addr < a->size)
			return a;
	return NULL;
}

/* [p, p + len): 1 inside one allocation, 0 outside all, -1 partly in one. */
static int svm_where(const void *p, size_t len)
{
	struct svm_alloc *a;
	int r;

	pthread_mutex_lock(&lock);
	a = holder(p);
	r = !a ? 0 : len <= a->size - ((uintptr_t)p - a->addr) ? 1 : -1;
	pthread_mutex_unlock(&lock);
	return r;
}

void *CL_API_CALL ava_guest_clSVMAlloc(cl_context context, cl_svm_mem_flags flags, size_t size, cl_uint alignment)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct svm_alloc *a = calloc(1, sizeof(*a));
	cl_ulong addr = 0;
	void *m;

	if (!a || !size || avagen_avaSVMAlloc(context, flags, size, alignment, &addr) != CL_SUCCESS) {
		free(a);
		return NULL;
	}
	a->addr = (uintptr_t)addr;
	a->size = size;
	a->span = (size + page - 1) / page * page;
	m = mmap((void *)a->addr, a->span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE,
		 -1, 0);
	if (m != (void *)a->addr) {
		/* the address is taken here (or the kernel took the flag as a hint) */
		if (m != MAP_FAILED)
			munmap(m, a->span);
		ava_log("SVM: address %#llx is taken in this process; allocation refused", (unsigned long long)addr);
		avagen_avaSVMFree(context, addr);
		free(a);
		return NULL;
	}
	pthread_mutex_lock(&lock);
	a->next = allocs;
	allocs = a;
	pthread_mutex_unlock(&lock);
	return m;
}

void CL_API_CALL ava_guest_clSVMFree(cl_context context, void *p)
{
	struct svm_alloc **pp, *a = NULL;
	struct svm_map *m;

	pthread_mutex_lock(&lock);
	for (pp = &allocs; *pp; pp = &(*pp)->next)
		if ((*pp)->addr == (uintptr_t)p) {
			a = *pp;
			*pp = a->next;
			break;
		}
	pthread_mutex_unlock(&lock);
	if (!p || !a)
		return;
	avagen_avaSVMFree(context, a->addr);
	munmap((void *)a->addr, a->span);
	while ((m = a->maps)) {
		a->maps = m->next;
		free(m);
	}
	free(a);
}

/* A marker for a command done in the guest; with wait, once its wait list and the queue's commands are done. */
static cl_int guest_step(cl_command_queue q, cl_uint nwait, const cl_event *wait, cl_event *ev, int wait_done)
{
	const struct _cl_icd_dispatch *d = &ava_opencl_dispatch;
	cl_event marker = NULL;
	cl_int err = d->clEnqueueMarkerWithWaitList(q, nwait, wait, &marker);

	if (err == CL_SUCCESS && wait_done)
		err = d->clWaitForEvents(1, &marker);
	if (marker && (err != CL_SUCCESS || !ev))
		d->clReleaseEvent(marker);
	else if (ev)
		*ev = marker;
	return err;
}

cl_int CL_API_CALL ava_guest_clEnqueueSVMMap(cl_command_queue q, cl_bool blocking, cl_map_flags flags, void *p,
					     size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	const cl_map_flags rw = CL_MAP_READ | CL_MAP_WRITE, inval = CL_MAP_WRITE_INVALIDATE_REGION;
	struct svm_alloc *a;
	struct svm_map *m;
	cl_int err;

	if ((err = svm_queue_error(q)))
		return err;
	(void)blocking;	/* the data is in the mirror when the call returns */
	if (!p || !size || (flags & ~(rw | inval)) || ((flags & inval) && (flags & rw)) || svm_where(p, size) != 1)
		return CL_INVALID_VALUE;
	if (!(m = calloc(1, sizeof(*m))))
		return CL_OUT_OF_HOST_MEMORY;
	if (flags & inval) {
		err = guest_step(q, nwait, wait, ev, 0);
	} else {
		ava_cl_await_gates(q, CL_TRUE, nwait, wait);
		err = ava_cl_enqueued(avagen_avaSVMRead(q, (uintptr_t)p, size, p, nwait, wait, ev), q, ev);
	}
	pthread_mutex_lock(&lock);
	a = holder(p);
	if (err == CL_SUCCESS && a) {
		*m = (struct svm_map){ p, size, flags, a->maps };
		a->maps = m;
		m = NULL;
	}
	pthread_mutex_unlock(&lock);
	free(m);
	return err;
}

/* Takes the latest mapping at p off its allocation; NULL when p is not mapped. */
static struct svm_map *take_map(void *p)
{
	struct svm_alloc *a;
	struct svm_map **pp, *m = NULL;

	pthread_mutex_lock(&lock);
	for (a = holder(p), pp = a ? &a->maps : NULL; pp && *pp; pp = &(*pp)->next)
		if ((*pp)->ptr == p) {
			m = *pp;
			*pp = m->next;
			break;
		}
	pthread_mutex_unlock(&lock);
	return m;
}

static void put_map(struct svm_map *m)
{
	struct svm_alloc *a;

	pthread_mutex_lock(&lock);
	a = holder(m->ptr);
	if (a) {
		m->next = a->maps;
		a->maps = m;
		m = NULL;
	}
	pthread_mutex_unlock(&lock);
	free(m);
}

cl_int CL_API_CALL ava_guest_clEnqueueSVMUnmap(cl_command_queue q, void *p, cl_uint nwait, const cl_event *wait,
					       cl_event *ev)
{
	cl_int err = svm_queue_error(q);
	struct svm_map *m;

	if (err)
		return err;
	if (!p || !(m = take_map(p)))
		return CL_INVALID_VALUE;
	if (m->flags == CL_MAP_READ) {
		err = guest_step(q, nwait, wait, ev, 0);
	} else {
		/* what the host wrote goes back to the device */
		ava_cl_await_gates(q, CL_TRUE, nwait, wait);
		err = ava_cl_enqueued(avagen_avaSVMWrite(q, (uintptr_t)p, m->size, p, nwait, wait, ev), q, ev);
	}
	if (err != CL_SUCCESS) {
		put_map(m);
		return err;
	}
	free(m);
	return CL_SUCCESS;
}

/* Each side is an SVM range or host memory; the worker moves what touches SVM. */
cl_int CL_API_CALL ava_guest_clEnqueueSVMMemcpy(cl_command_queue q, cl_bool blocking, void *dst, const void *src,
						size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	cl_int err = svm_queue_error(q);
	int to, from;

	if (err)
		return err;
	if (!dst || !src)
		return CL_INVALID_VALUE;
	if ((uintptr_t)dst < (uintptr_t)src + size && (uintptr_t)src < (uintptr_t)dst + size)
		return CL_MEM_COPY_OVERLAP;
	to = svm_where(dst, size ? size : 1);
	from = svm_where(src, size ? size : 1);
	if (to < 0 || from < 0)
		return CL_INVALID_VALUE;
	if (!size || (!to && !from)) {
		err = guest_step(q, nwait, wait, ev, 1);
		if (err == CL_SUCCESS && size)
			memcpy(dst, src, size);
		return err;
	}
	if (to && from) {
		ava_cl_await_gates(q, blocking, nwait, wait);
		err = avagen_avaSVMCopy(q, blocking, (uintptr_t)dst, (uintptr_t)src, size, nwait, wait, ev);
	} else {
		ava_cl_await_gates(q, CL_TRUE, nwait, wait);
		err = to ? avagen_avaSVMWrite(q, (uintptr_t)dst, size, src, nwait, wait, ev)
			 : avagen_avaSVMRead(q, (uintptr_t)src, size, dst, nwait, wait, ev);
	}
	return ava_cl_enqueued(err, q, ev);
}

cl_int CL_API_CALL ava_guest_clEnqueueSVMMemFill(cl_command_queue q, void *p, const void *pattern, size_t psize,
						 size_t size, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	cl_int err = svm_queue_error(q);

	if (err)
		return err;
	if (!p || !pattern || !psize || psize > 128 || (psize & (psize - 1)) || (uintptr_t)p % psize ||
	    size % psize || (size && svm_where(p, size) != 1))
		return CL_INVALID_VALUE;
	if (!size)
		return guest_step(q, nwait, wait, ev, 0);
	return ava_cl_enqueued(avagen_avaSVMFill(q, (uintptr_t)p, pattern, psize, size, nwait, wait, ev), q, ev);
}

/* A hint: checked, then a marker stands for it. */
cl_int CL_API_CALL ava_guest_clEnqueueSVMMigrateMem(cl_command_queue q, cl_uint n, const void **ptrs,
						    const size_t *sizes, cl_mem_migration_flags flags, cl_uint nwait,
						    const cl_event *wait, cl_event *ev)
{
	const cl_mem_migration_flags known = CL_MIGRATE_MEM_OBJECT_HOST | CL_MIGRATE_MEM_OBJECT_CONTENT_UNDEFINED;
	cl_int err = svm_queue_error(q);
	cl_uint i;

	if (err)
		return err;
	if (!n || !ptrs || (flags & ~known))
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++)
		if (!ptrs[i] || svm_where(ptrs[i], sizes && sizes[i] ? sizes[i] : 1) != 1)
			return CL_INVALID_VALUE;
	return guest_step(q, nwait, wait, ev, 0);
}

/* Once the wait list and the queue's earlier commands are done: the callback, or clSVMFree. */
cl_int CL_API_CALL ava_guest_clEnqueueSVMFree(cl_command_queue q, cl_uint n, void **ptrs,
					      void(CL_CALLBACK *fn)(cl_command_queue, cl_uint, void **, void *),
					      void *user_data, cl_uint nwait, const cl_event *wait, cl_event *ev)
{
	cl_int err = svm_queue_error(q);
	cl_context ctx = NULL;
	cl_uint i;

	if (err)
		return err;
	if ((!n) != (!ptrs))
		return CL_INVALID_VALUE;
	for (i = 0; i < n; i++)
		if (!ptrs[i])
			return CL_INVALID_VALUE;
	err = ava_opencl_dispatch.clGetCommandQueueInfo(q, CL_QUEUE_CONTEXT, sizeof(ctx), &ctx, NULL);
	if (err == CL_SUCCESS)
		err = guest_step(q, nwait, wait, ev, 1);
	if (err != CL_SUCCESS)
		return err;
	if (fn)
		fn(q, n, ptrs, user_data);
	for (i = 0; !fn && i < n; i++)
		ava_guest_clSVMFree(ctx, ptrs[i]);
	return CL_SUCCESS;
}
