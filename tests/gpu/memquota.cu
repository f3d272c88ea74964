// The device-memory quota on CUDA, through AvA only (tests/gpu/run):
//   scripts/ava-local --cuda --mem-quota Q -- memquota Q
// cudaMemGetInfo, cuMemGetInfo and cuDeviceTotalMem report the quota;
// cudaMalloc and cuMemAlloc past it fail with cudaErrorMemoryAllocation and
// CUDA_ERROR_OUT_OF_MEMORY; a free gives room back.
#include "common.h"
#include <cuda.h>

static int failures;

#define EXPECT(cond, ...)                                                   \
	do {                                                                \
		if (!(cond)) {                                              \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);         \
			printf(__VA_ARGS__);                                \
			printf("\n");                                       \
			failures++;                                         \
		}                                                           \
	} while (0)

int main(int argc, char **argv)
{
	size_t quota = argc > 1 ? strtoull(argv[1], NULL, 10) : 0, part, free_b = 0, total = 0;
	void *d[4] = { NULL, NULL, NULL, NULL }, *over = NULL;
	CUdeviceptr dp = 0;
	CUdevice dev;
	cudaError_t e;
	CUresult r;
	int i;

	if (!quota) {
		fprintf(stderr, "usage: scripts/ava-local --cuda --mem-quota Q -- memquota Q\n");
		return 2;
	}
	part = quota / 4;
	CK(cudaSetDevice(0));
	CK(cudaMemGetInfo(&free_b, &total));
	EXPECT(total == quota && free_b <= quota, "cudaMemGetInfo: free %zu total %zu", free_b, total);
	CK(cudaFree(0));	/* the primary context, current for the driver API too */
	EXPECT(cuDeviceGet(&dev, 0) == CUDA_SUCCESS && cuDeviceTotalMem(&total, dev) == CUDA_SUCCESS &&
	       total == quota, "cuDeviceTotalMem %zu", total);
	for (i = 0; i < 3; i++)
		CK(cudaMalloc(&d[i], part));
	e = cudaMalloc(&over, part + 1);
	EXPECT(e == cudaErrorMemoryAllocation, "cudaMalloc past the quota: %s", cudaGetErrorName(e));
	cudaGetLastError();
	r = cuMemAlloc(&dp, part + 1);
	EXPECT(r == CUDA_ERROR_OUT_OF_MEMORY, "cuMemAlloc past the quota: %d", (int)r);
	EXPECT(cuMemGetInfo(&free_b, &total) == CUDA_SUCCESS && total == quota && free_b == quota - 3 * part,
	       "cuMemGetInfo with 3/4 used: free %zu total %zu", free_b, total);
	CK(cudaFree(d[0]));
	r = cuMemAlloc(&dp, part);
	EXPECT(r == CUDA_SUCCESS, "cuMemAlloc after a free: %d", (int)r);
	EXPECT(cuMemFree(dp) == CUDA_SUCCESS, "cuMemFree");
	CK(cudaMalloc(&d[0], part));
	CK(cudaMalloc(&d[3], quota - 3 * part));
	e = cudaMalloc(&over, 1);
	EXPECT(e == cudaErrorMemoryAllocation, "cudaMalloc of 1 byte at the quota: %s", cudaGetErrorName(e));
	cudaGetLastError();
	for (i = 0; i < 4; i++)
		CK(cudaFree(d[i]));
	CK(cudaMemGetInfo(&free_b, &total));
	EXPECT(free_b == quota, "cudaMemGetInfo after freeing everything: free %zu", free_b);
	printf("memquota: %s\n", failures ? "FAILED" : "PASS");
	return failures ? 1 : 0;
}
