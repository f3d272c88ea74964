// SPDX-License-Identifier: MIT
/*
 * CUDA pinned host memory in the worker.  cuMemHostAlloc / cudaHostAlloc
 * make a memfd of the session's worker, registered with the driver, that
 * the guest maps too (AVA_CTL_SHARE_MEM, worker_share.c), so copies from
 * and to it need no staging.  A transport that cannot pass descriptors
 * gets "not supported", and the guest falls back to memory of its own.
 */
#include "cuda_worker_internal.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define HOSTMEM_MAX (64ull << 30)

struct avaw_hostmem {
	uint8_t *p;
	uint64_t size;
	int busy;		/* host functions waiting on a slot in it */
	int closing;		/* released while busy: they stop waiting */
	struct avaw_session *s;
	struct avaw_hostmem *next;
};

static struct avaw_hostmem *hostmems;

/* Is [p, p + n) inside pinned memory of this session? */
static int in_hostmem(const void *p, uint64_t n)
{
	struct avaw_hostmem *h;

	for (h = hostmems; h; h = h->next)
		if ((const uint8_t *)p >= h->p && (uint64_t)((const uint8_t *)p - h->p) <= h->size &&
		    n <= h->size - (uint64_t)((const uint8_t *)p - h->p))
			return 1;
	return 0;
}

/* A device address this session may use: device memory, or pinned memory
 * the session allocated (mapped into the device's address space). */
int avaw_cu_devptr_ok(struct avaw_call *c, uint64_t ptr)
{
	CUmemorytype type = 0;
	void *host = NULL;

	if (!ptr)
		return 0;
	if (!avaw_cuda_ready(c) || !CU.cuPointerGetAttribute)
		return 1;	/* cannot tell: the call itself will fail */
	if (CU.cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, ptr) != CUDA_SUCCESS)
		return 0;
	if (type == CU_MEMORYTYPE_DEVICE)
		return 1;
	if (type == CU_MEMORYTYPE_HOST &&
	    CU.cuPointerGetAttribute(&host, CU_POINTER_ATTRIBUTE_HOST_POINTER, ptr) == CUDA_SUCCESS)
		return in_hostmem(host, 1);
	return 0;
}

/* A shared mapping of len bytes; *fd is its memfd. */
static void *map_new(uint64_t len, int *fd)
{
	void *p;

	*fd = memfd_create("ava-pinned", MFD_CLOEXEC);
	if (*fd < 0)
		return NULL;
	if (ftruncate(*fd, (off_t)len) < 0 ||
	    (p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0)) == MAP_FAILED) {
		close(*fd);
		return NULL;
	}
	return p;
}

/*
 * Pinned memory the guest maps too: a memfd registered with the driver
 * (reg: the driver's or the runtime's flavour), offered to the guest.
 * Returns 0, a negative errno, or reg's error.
 */
static int host_alloc(struct avaw_call *c, ava_hostmem_t *out, size_t size, int (*reg)(void *p, uint64_t n, unsigned f),
		      unsigned int flags)
{
	uint64_t len = size ? ((uint64_t)size + 4095) & ~4095ull : 4096;
	struct avaw_hostmem *h;
	int fd, err;
	void *p;

	if (!out)
		return -EINVAL;
	if (!avaw_share_possible(c->s))
		return -ENOTSUP;
	if (size > HOSTMEM_MAX || !(h = calloc(1, sizeof(*h))))
		return -ENOMEM;
	p = map_new(len, &fd);
	err = p ? reg(p, len, flags) : -ENOMEM;
	if (!err && avaw_share_add(c->s, h, fd, len)) {
		err = -ENOMEM;
		if (CU.cuMemHostUnregister)
			CU.cuMemHostUnregister(p);
	}
	if (err) {
		if (p) {
			munmap(p, len);
			close(fd);
		}
		free(h);
		return err;
	}
	h->p = p;
	h->size = len;
	h->s = c->s;
	h->next = hostmems;
	hostmems = h;
	*out = (ava_hostmem_t)h;
	return 0;
}

static int reg_driver(void *p, uint64_t n, unsigned f)
{
	unsigned rf = CU_MEMHOSTREGISTER_PORTABLE | ((f & CU_MEMHOSTALLOC_DEVICEMAP) ? CU_MEMHOSTREGISTER_DEVICEMAP : 0);

	if (!CU.cuMemHostRegister)
		return CUDA_ERROR_NOT_SUPPORTED;
	return (int)CU.cuMemHostRegister(p, n, rf);
}

static int reg_runtime(void *p, uint64_t n, unsigned f)
{
	unsigned rf = cudaHostRegisterPortable | ((f & cudaHostAllocMapped) ? cudaHostRegisterMapped : 0);

	if (!RT.cudaHostRegister)
		return cudaErrorNotSupported;
	return (int)RT.cudaHostRegister(p, n, rf);
}

CUresult avaw_cu_host_alloc(struct avaw_call *c, ava_hostmem_t *hm, size_t size, unsigned int flags)
{
	int r = host_alloc(c, hm, size, reg_driver, flags);

	return r == 0 ? CUDA_SUCCESS : r == -EINVAL ? CUDA_ERROR_INVALID_VALUE : r == -ENOTSUP ? CUDA_ERROR_NOT_SUPPORTED
		: r < 0 ? CUDA_ERROR_OUT_OF_MEMORY : (CUresult)r;
}

cudaError_t avaw_rt_host_alloc(struct avaw_call *c, ava_hostmem_t *hm, size_t size, unsigned int flags)
{
	int r = host_alloc(c, hm, size, reg_runtime, flags);

	return r == 0 ? cudaSuccess : r == -EINVAL ? cudaErrorInvalidValue : r == -ENOTSUP ? cudaErrorNotSupported
		: r < 0 ? cudaErrorMemoryAllocation : (cudaError_t)r;
}

int avaw_cu_hostmem_release(void *obj)
{
	struct avaw_hostmem *h = obj, **pp;

	for (pp = &hostmems; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	/* a host function still waits on a slot: it stops waiting and the
	 * memory stays (the session is ending, or the guest lied) */
	if (__atomic_load_n(&h->busy, __ATOMIC_ACQUIRE)) {
		__atomic_store_n(&h->closing, 1, __ATOMIC_RELEASE);
		avaw_share_drop(h->s, h);
		return 0;
	}
	if (CU.cuMemHostUnregister)
		CU.cuMemHostUnregister(h->p);
	munmap(h->p, h->size);
	avaw_share_drop(h->s, h);
	free(h);
	return 0;
}

void *avaw_cu_hostmem_at(ava_hostmem_t hm, size_t offset, size_t count)
{
	struct avaw_hostmem *h = (struct avaw_hostmem *)hm;

	if (!h || offset > h->size || count > h->size - offset)
		return NULL;
	return h->p + offset;
}

CUresult avaw_cu_host_devptr(struct avaw_call *c, CUdeviceptr *pdptr, ava_hostmem_t hm, size_t offset)
{
	void *p = avaw_cu_hostmem_at(hm, offset, 0);

	(void)c;
	if (!p || !CU.cuMemHostGetDevicePointer)
		return CUDA_ERROR_INVALID_VALUE;
	return CU.cuMemHostGetDevicePointer(pdptr, p, 0);
}

void avaw_cu_hostmem_busy(ava_hostmem_t hm, int delta)
{
	__atomic_fetch_add(&((struct avaw_hostmem *)hm)->busy, delta, __ATOMIC_ACQ_REL);
}

int avaw_cu_hostmem_closing(ava_hostmem_t hm)
{
	return __atomic_load_n(&((struct avaw_hostmem *)hm)->closing, __ATOMIC_ACQUIRE);
}

cudaError_t avaw_rt_host_devptr(struct avaw_call *c, unsigned long long *pdev, ava_hostmem_t hm, size_t offset)
{
	void *p = avaw_cu_hostmem_at(hm, offset, 0), *d = NULL;
	cudaError_t r;

	(void)c;
	if (!p || !pdev)
		return cudaErrorInvalidValue;
	r = RT.cudaHostGetDevicePointer(&d, p, 0);
	*pdev = (unsigned long long)(uintptr_t)d;
	return r;
}
