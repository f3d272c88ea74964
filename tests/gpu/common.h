// Shared by the CUDA test programs (tests/gpu/run): output must be the
// same natively and through AvA, so nothing printed depends on addresses
// or timing.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>

#define CK(call)                                                                        \
	do {                                                                            \
		cudaError_t e_ = (call);                                                \
		if (e_ != cudaSuccess) {                                                \
			printf("FAIL %s:%d: %s -> %s (%s)\n", __FILE__, __LINE__, #call, \
			       cudaGetErrorName(e_), cudaGetErrorString(e_));           \
			exit(1);                                                        \
		}                                                                       \
	} while (0)

static inline void print_device(void)
{
	int n = 0, dev = -1;
	cudaDeviceProp p;

	CK(cudaGetDeviceCount(&n));
	CK(cudaGetDevice(&dev));
	CK(cudaGetDeviceProperties(&p, dev));
	printf("devices %d, device %d: %s, sm_%d%d, %d SMs, %zu MiB\n", n, dev, p.name, p.major, p.minor,
	       p.multiProcessorCount, p.totalGlobalMem >> 20);
}
