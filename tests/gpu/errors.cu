// Error paths: what fails must fail the same way natively and through AvA
// (error codes, names, strings, cudaGetLastError's reset and sticky errors).
#include "common.h"
#include <cuda.h>

__global__ void ok_kernel(int *x)
{
	if (x)
		x[threadIdx.x] = threadIdx.x;
}

__global__ void bad_access(int *x)
{
	x[threadIdx.x] = 1;	/* launched with an invalid pointer */
}

static void show(const char *what, cudaError_t e)
{
	printf("%-40s %s: %s\n", what, cudaGetErrorName(e), cudaGetErrorString(e));
}

int main()
{
	int *d = NULL, cnt = 0;

	print_device();
	show("cudaSetDevice(99)", cudaSetDevice(99));
	show("cudaGetLastError after it", cudaGetLastError());
	show("cudaGetLastError again", cudaGetLastError());
	show("cudaMalloc(1 PiB)", cudaMalloc((void **)&d, 1ull << 50));
	cudaGetLastError();
	show("cudaGetDeviceProperties(-1)", cudaGetDeviceProperties(NULL, -1));
	cudaGetLastError();
	CK(cudaMalloc((void **)&d, 1024));
	show("cudaMemcpy from forged device ptr", cudaMemcpy(&cnt, (void *)0xdead0000ull, 4, cudaMemcpyDeviceToHost));
	cudaGetLastError();
	show("cudaMemset on forged device ptr", cudaMemset((void *)0xbeef0000ull, 0, 64));
	cudaGetLastError();

	/* a launch with too many threads per block */
	ok_kernel<<<1, 4096>>>(d);
	show("launch 4096 threads: cudaPeekAtLastError", cudaPeekAtLastError());
	show("launch 4096 threads: cudaGetLastError", cudaGetLastError());
	show("then cudaGetLastError", cudaGetLastError());
	ok_kernel<<<1, 32>>>(d);
	show("good launch", cudaGetLastError());
	show("cudaDeviceSynchronize", cudaDeviceSynchronize());

	cudaFuncAttributes fa;
	show("cudaFuncGetAttributes(not a kernel)", cudaFuncGetAttributes(&fa, (const void *)&show));
	cudaGetLastError();
	cudaEvent_t a, b;
	float ms;
	CK(cudaEventCreate(&a));
	CK(cudaEventCreate(&b));
	show("cudaEventElapsedTime(unrecorded)", cudaEventElapsedTime(&ms, a, b));
	cudaGetLastError();
	CK(cudaEventRecord(a, 0));
	CK(cudaEventSynchronize(a));
	show("cudaEventElapsedTime(one recorded)", cudaEventElapsedTime(&ms, a, b));
	cudaGetLastError();
	show("cudaMemcpy bad direction", cudaMemcpy(d, d, 4, (cudaMemcpyKind)77));
	cudaGetLastError();
	for (int e : { 0, 1, 2, 35, 100, 200, 209, 400, 700, 719, 801, 999, 12345 })
		printf("code %5d: %s / %s\n", e, cudaGetErrorName((cudaError_t)e), cudaGetErrorString((cudaError_t)e));

	/* driver API in the same process shares the runtime's context */
	CUdevice dev;
	const char *n = NULL;
	CUresult r = cuDeviceGet(&dev, 42);
	cuGetErrorName(r, &n);
	printf("cuDeviceGet(42): %s\n", n);
	r = cuMemsetD8((CUdeviceptr)d, 0, 1024);
	cuGetErrorName(r, &n);
	printf("cuMemsetD8 on the runtime's allocation: %s\n", n);

	/* a kernel that faults: the context's error is sticky */
	bad_access<<<1, 32>>>((int *)0x10);
	show("faulting kernel launch", cudaGetLastError());
	show("cudaDeviceSynchronize after fault", cudaDeviceSynchronize());
	show("cudaMalloc after fault", cudaMalloc((void **)&d, 64));
	show("cudaGetLastError after fault", cudaGetLastError());
	printf("DONE\n");
	return 0;
}
