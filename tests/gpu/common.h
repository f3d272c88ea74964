// Shared by the CUDA test programs (tests/gpu/run): output must be the
// same natively and through AvA, so nothing printed depends on addresses
// or timing.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <cuda_runtime.h>
#include <vector>

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

// A device copy of h, and a host copy of n elements at d.
template <typename T> static T *dev(const std::vector<T> &h)
{
	T *d;
	CK(cudaMalloc(&d, h.size() * sizeof(T)));
	CK(cudaMemcpy(d, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice));
	return d;
}

template <typename T> static std::vector<T> host(const T *d, size_t n)
{
	std::vector<T> h(n);
	CK(cudaMemcpy(h.data(), d, n * sizeof(T), cudaMemcpyDeviceToHost));
	return h;
}
