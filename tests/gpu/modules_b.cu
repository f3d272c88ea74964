#include "common.h"

__constant__ int coef_b;
__device__ int total_b;

__global__ void kernel_b(const int *x, int n, int *out)
{
	int s = 0;
	for (int i = threadIdx.x; i < n; i += blockDim.x)
		s += x[i] * coef_b;
	atomicAdd(&total_b, s);
	__syncthreads();
	if (threadIdx.x == 0)
		*out = total_b;
}

int run_b(const int *dx, int n)
{
	int c = 3, zero = 0, r = 0, *dout;
	CK(cudaMemcpyToSymbol(coef_b, &c, sizeof(int)));
	CK(cudaMemcpyToSymbol(total_b, &zero, sizeof(int)));
	CK(cudaMalloc((void **)&dout, sizeof(int)));
	kernel_b<<<1, 64>>>(dx, n, dout);
	CK(cudaGetLastError());
	CK(cudaMemcpy(&r, dout, sizeof(int), cudaMemcpyDeviceToHost));
	CK(cudaFree(dout));
	return r;
}
