// SPDX-License-Identifier: MIT
/*
 * The device addresses of the math libraries' calls (their specs'
 * @devptr): NULL, or memory the CUDA check accepts (avaw_cu_devptr_ok:
 * device memory, or the session's pinned memory).
 *
 * A loop of small library calls asks the driver about the same few
 * allocations again and again (three addresses per gemm), which cost as
 * much as a third of the worker's own time per call.  So the device
 * allocations found are kept, and an address inside one of them passes
 * without asking, but only while every command since they were found was a
 * library call that checked addresses here: any other command (a free, a
 * copy, a launch, a control command) comes in between and empties them.
 * What a library call may free meanwhile is its own internal memory
 * (a workspace it reallocates), whose addresses the guest is not given and
 * which stays in this session's device address space.  Pinned host memory
 * is never kept: it is asked about each time.
 */
#include "cuda_worker_internal.h"

#define KEPT 4

static struct {
	const struct avaw_session *s;
	uint64_t seq;		/* the session's command that last used them */
	unsigned n, next;
	struct {
		uint64_t base, len;
	} r[KEPT];
} kept;

/* Device memory holding ptr: 1 and its allocation, else 0. */
static int device_extent(struct avaw_call *c, uint64_t ptr, uint64_t *base, uint64_t *len)
{
	CUpointer_attribute at[3] = { CU_POINTER_ATTRIBUTE_MEMORY_TYPE, CU_POINTER_ATTRIBUTE_RANGE_START_ADDR,
				      CU_POINTER_ATTRIBUTE_RANGE_SIZE };
	CUmemorytype type = 0;
	CUdeviceptr start = 0;
	size_t size = 0;
	void *data[3] = { &type, &start, &size };

	if (!avaw_cuda_ready(c) || !CU.cuPointerGetAttributes ||
	    CU.cuPointerGetAttributes(3, at, data, (CUdeviceptr)ptr) != CUDA_SUCCESS ||
	    type != CU_MEMORYTYPE_DEVICE || !size || ptr - start >= size)
		return 0;
	*base = start;
	*len = size;
	return 1;
}

int avaw_mathlib_devptr_ok(struct avaw_call *c, uint64_t ptr)
{
	uint64_t seq = c->s->stats[AVA_STAT_CALLS], base, len;
	unsigned i;

	if (!ptr)
		return 1;
	if (kept.s != c->s || (kept.seq != seq && kept.seq + 1 != seq))
		kept.n = kept.next = 0;
	kept.s = c->s;
	kept.seq = seq;
	for (i = 0; i < kept.n; i++)
		if (ptr - kept.r[i].base < kept.r[i].len)
			return 1;
	if (!device_extent(c, ptr, &base, &len))
		return avaw_cu_devptr_ok(c, ptr);
	kept.r[kept.next].base = base;
	kept.r[kept.next].len = len;
	kept.next = (kept.next + 1) % KEPT;
	kept.n += kept.n < KEPT;
	return 1;
}

int avaw_mathlib_range_ok(uint64_t ptr, size_t size)
{
	CUdeviceptr base = 0;
	size_t len = 0;

	return CU.cuMemGetAddressRange && CU.cuMemGetAddressRange(&base, &len, (CUdeviceptr)ptr) == CUDA_SUCCESS &&
	       size <= len - (size_t)(ptr - base);
}
