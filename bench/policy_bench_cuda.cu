// SPDX-License-Identifier: MIT
/*
 * policy_bench, CUDA (policy_harness.h says what it does): the kernel
 * loop on one stream, each kernel's device time from an event pair.
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

__global__ void spin(float *o, int n)
{
	size_t g = blockIdx.x * (size_t)blockDim.x + threadIdx.x;
	float x = (float)g;

	for (int i = 0; i < n; i++)
		x = x * 0.999999f + 0.000001f;
	o[g] = x;
}

static float *buf;
static cudaStream_t stream;
static cudaEvent_t start[MAX_DEPTH], end[MAX_DEPTH];

static void launch(const struct opts *o)
{
	unsigned block = o->global < 256 ? (unsigned)o->global : 256;

	spin<<<(unsigned)((o->global + block - 1) / block), block, 0, stream>>>(buf, o->iters);
	CK(cudaGetLastError());
}

static void api_setup(const struct opts *o)
{
	int i;

	CK(cudaStreamCreate(&stream));
	CK(cudaMalloc(&buf, (o->global + 256) * sizeof(float)));
	for (i = 0; i < o->depth; i++) {
		CK(cudaEventCreate(&start[i]));
		CK(cudaEventCreate(&end[i]));
	}
	launch(o);	/* warm-up */
	CK(cudaStreamSynchronize(stream));
}

static void api_submit(const struct opts *o, int slot)
{
	CK(cudaEventRecord(start[slot], stream));
	launch(o);
	CK(cudaEventRecord(end[slot], stream));
}

static uint64_t api_retire(int slot)
{
	float ms = 0;

	CK(cudaEventSynchronize(end[slot]));
	CK(cudaEventElapsedTime(&ms, start[slot], end[slot]));
	return ms > 0 ? (uint64_t)(ms * 1e6) : 0;
}
