// Lazy registration: this translation unit's fat binary is used, that of
// lazy_unused.cu never is, so through AvA only this one reaches the worker
// (AVA_STATS: "ava: fat binaries: 2 registered, 1 sent").  Two threads
// first use two kernels of this fat binary at once.
#include <thread>

#include "common.h"

__device__ int hits;

__global__ void fill(int *x, int n, int v)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		x[i] = v + i;
}

__global__ void count(const int *x, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n && x[i] % 3 == 0)
		atomicAdd(&hits, 1);
}

int main()
{
	const int n = 1 << 16;
	int *a, *b, zero = 0, got = 0, want = 0;

	print_device();
	CK(cudaMalloc((void **)&a, n * sizeof(int)));
	CK(cudaMalloc((void **)&b, n * sizeof(int)));
	/* the first use of this fat binary's kernels, from two threads at once */
	std::thread t1([&] { fill<<<n / 256, 256>>>(a, n, 7); });
	std::thread t2([&] { fill<<<n / 256, 256>>>(b, n, 11); });
	t1.join();
	t2.join();
	CK(cudaDeviceSynchronize());
	CK(cudaMemcpyToSymbol(hits, &zero, sizeof(int)));
	count<<<n / 256, 256>>>(a, n);
	count<<<n / 256, 256>>>(b, n);
	CK(cudaGetLastError());
	CK(cudaMemcpyFromSymbol(&got, hits, sizeof(int)));
	for (int i = 0; i < n; i++)
		want += ((7 + i) % 3 == 0) + ((11 + i) % 3 == 0);
	printf("lazy: %d multiples of 3 (expected %d)\n", got, want);
	CK(cudaFree(a));
	CK(cudaFree(b));
	return got == want ? 0 : 1;
}
