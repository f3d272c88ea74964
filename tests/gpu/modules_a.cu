// Multiple modules: two translation units, each with its own fat binary,
// kernels, __constant__ and __device__ variables (see modules_b.cu).
#include "common.h"

__constant__ int coef_a[4];
__device__ int total_a;

__global__ void kernel_a(const int *x, int n)
{
	int s = 0;
	for (int i = threadIdx.x; i < n; i += blockDim.x)
		s += x[i] * coef_a[i % 4];
	atomicAdd(&total_a, s);
}

int run_b(const int *dx, int n);	/* modules_b.cu */

int main()
{
	const int n = 4096;
	int hx[n], *dx, coef[4] = { 1, 2, 3, 4 }, zero = 0, ta = 0;

	print_device();
	for (int i = 0; i < n; i++)
		hx[i] = i % 17;
	CK(cudaMalloc((void **)&dx, sizeof(hx)));
	CK(cudaMemcpy(dx, hx, sizeof(hx), cudaMemcpyHostToDevice));
	CK(cudaMemcpyToSymbol(coef_a, coef, sizeof(coef)));
	CK(cudaMemcpyToSymbol(total_a, &zero, sizeof(int)));
	kernel_a<<<1, 128>>>(dx, n);
	CK(cudaGetLastError());
	CK(cudaMemcpyFromSymbol(&ta, total_a, sizeof(int)));
	int want = 0;
	for (int i = 0; i < n; i++)
		want += hx[i] * coef[i % 4];
	printf("module a: total %d (expected %d)\n", ta, want);
	size_t sz = 0;
	void *addr = NULL;
	CK(cudaGetSymbolSize(&sz, coef_a));
	CK(cudaGetSymbolAddress(&addr, total_a));
	printf("symbol sizes: coef_a %zu, total_a address known: %d\n", sz, addr != NULL);
	/* copy between the modules' variables through a device pointer */
	int tb = run_b(dx, n);
	int both = 0;
	CK(cudaMemcpy(&both, addr, sizeof(int), cudaMemcpyDeviceToHost));
	printf("module b: total %d; a's total read back %d\n", tb, both);
	cudaError_t e = cudaMemcpyToSymbol(coef_a, coef, sizeof(coef) + 4);
	printf("oversized symbol copy: %s\n", cudaGetErrorName(e));
	cudaGetLastError();
	CK(cudaFree(dx));
	printf("%s\n", ta == want ? "PASSED" : "FAILED");
	return ta != want;
}
