// SPDX-License-Identifier: MIT
/*
 * policy_bench, CUDA (policy_harness.h says what it does): the kernel
 * loop on one stream.  Each kernel's device time is measured on the
 * device: every block reads %globaltimer when it starts and when it ends
 * and folds them (atomicMin / atomicMax) into its ring slot's span, which
 * the session reads back and resets when it retires the slot.  An event
 * pair around the launch would also count the time the worker held the
 * launch (the start event is recorded before it), which is not device time.
 * Built with nvcc -cudart shared (bench/policy --cuda).
 */
#include <cuda_runtime.h>

#include "policy_harness.h"

#define CK(call)                                                                                    \
	do {                                                                                        \
		cudaError_t e_ = (call);                                                            \
		if (e_ != cudaSuccess) {                                                            \
			fprintf(stderr, "policy_bench: %s: %s\n", #call, cudaGetErrorString(e_)); \
			exit(1);                                                                    \
		}                                                                                   \
	} while (0)

struct span {
	unsigned long long start, end;	/* the earliest block start, the latest block end (ns) */
};

static __device__ unsigned long long gtimer(void)
{
	unsigned long long t;

	asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
	return t;
}

__global__ void spin(float *o, int n, struct span *sp)
{
	size_t g = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
	unsigned long long t0 = gtimer();
	float x = (float)g;

	for (int i = 0; i < n; i++)
		x = x * 0.999999f + 0.000001f;
	o[g] = x;
	__syncthreads();	/* the block's end: every thread done */
	if (threadIdx.x == 0) {
		atomicMin(&sp->start, t0);
		atomicMax(&sp->end, gtimer());
	}
}

static const struct span fresh = { ~0ull, 0 };
static float *buf;
static struct span *spans;	/* on the device, one per ring slot */
static cudaStream_t stream, side;	/* side: the spans' copies, not behind the kernels */
static cudaEvent_t done[MAX_DEPTH];

static void launch(const struct opts *o, int slot)
{
	unsigned block = o->global < 256 ? (unsigned)o->global : 256;

	spin<<<(unsigned)((o->global + block - 1) / block), block, 0, stream>>>(buf, o->iters, &spans[slot]);
	CK(cudaGetLastError());
}

static void api_setup(const struct opts *o)
{
	int i;

	CK(cudaStreamCreate(&stream));
	CK(cudaStreamCreateWithFlags(&side, cudaStreamNonBlocking));
	CK(cudaMalloc(&buf, (o->global + 256) * sizeof(float)));
	CK(cudaMalloc(&spans, MAX_DEPTH * sizeof(struct span)));
	for (i = 0; i < o->depth; i++) {
		CK(cudaEventCreateWithFlags(&done[i], cudaEventDisableTiming));
		CK(cudaMemcpy(&spans[i], &fresh, sizeof(fresh), cudaMemcpyHostToDevice));
	}
	launch(o, 0);	/* warm-up */
	CK(cudaStreamSynchronize(stream));
	CK(cudaMemcpy(&spans[0], &fresh, sizeof(fresh), cudaMemcpyHostToDevice));
}

static void api_submit(const struct opts *o, int slot)
{
	launch(o, slot);
	CK(cudaEventRecord(done[slot], stream));
}

static uint64_t api_retire(const struct opts *o, int slot)
{
	struct span sp;

	CK(cudaEventSynchronize(done[slot]));
	if (o->untimed)
		return 0;
	CK(cudaMemcpyAsync(&sp, &spans[slot], sizeof(sp), cudaMemcpyDeviceToHost, side));
	CK(cudaMemcpyAsync(&spans[slot], &fresh, sizeof(fresh), cudaMemcpyHostToDevice, side));
	CK(cudaStreamSynchronize(side));
	return sp.end > sp.start ? sp.end - sp.start : 0;
}
