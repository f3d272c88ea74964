// Streams and events: pinned (cudaMallocHost, cudaHostAlloc mapped) and
// pageable asynchronous copies on several streams, cross-stream waits,
// event queries, timing and a mapped zero-copy kernel.
#include "common.h"
#include <cstring>

__global__ void inc(int *x, int n, int by)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		x[i] += by;
}

__global__ void spin(long long cycles)
{
	long long t0 = clock64();
	while (clock64() - t0 < cycles)
		;
}

int main()
{
	const int S = 4, n = 1 << 20;
	size_t bytes = n * sizeof(int);
	cudaStream_t st[S];
	cudaEvent_t done[S], t0, t1;
	int *h[S], *d[S];

	print_device();
	for (int s = 0; s < S; s++) {
		CK(cudaStreamCreateWithFlags(&st[s], s ? cudaStreamNonBlocking : cudaStreamDefault));
		CK(cudaEventCreate(&done[s]));
		CK(cudaMallocHost((void **)&h[s], bytes));
		CK(cudaMalloc((void **)&d[s], bytes));
		for (int i = 0; i < n; i++)
			h[s][i] = i + s;
	}
	CK(cudaEventCreate(&t0));
	CK(cudaEventCreate(&t1));
	CK(cudaEventRecord(t0, 0));
	for (int s = 0; s < S; s++) {
		CK(cudaMemcpyAsync(d[s], h[s], bytes, cudaMemcpyHostToDevice, st[s]));
		inc<<<n / 256, 256, 0, st[s]>>>(d[s], n, 10 * (s + 1));
		CK(cudaEventRecord(done[s], st[s]));
	}
	/* stream 0 waits for all others, then adds 1 to every buffer */
	for (int s = 1; s < S; s++)
		CK(cudaStreamWaitEvent(st[0], done[s], 0));
	for (int s = 0; s < S; s++)
		inc<<<n / 256, 256, 0, st[0]>>>(d[s], n, 1);
	for (int s = 0; s < S; s++)
		CK(cudaMemcpyAsync(h[s], d[s], bytes, cudaMemcpyDeviceToHost, st[0]));
	CK(cudaEventRecord(t1, st[0]));
	CK(cudaEventSynchronize(t1));
	float ms = -1;
	CK(cudaEventElapsedTime(&ms, t0, t1));
	printf("elapsed time positive: %d\n", ms > 0);
	int bad = 0;
	for (int s = 0; s < S; s++)
		for (int i = 0; i < n; i++)
			bad += h[s][i] != i + s + 10 * (s + 1) + 1;
	printf("pinned streams: mismatches=%d\n", bad);
	int failures = bad;

	/* a busy stream is not ready; after synchronizing it is */
	spin<<<1, 1, 0, st[1]>>>(200000000LL);
	CK(cudaEventRecord(done[1], st[1]));
	cudaError_t q = cudaStreamQuery(st[1]), eq = cudaEventQuery(done[1]);
	printf("busy stream query: %s, event query: %s\n", cudaGetErrorName(q), cudaGetErrorName(eq));
	CK(cudaStreamSynchronize(st[1]));
	printf("after sync: %s %s\n", cudaGetErrorName(cudaStreamQuery(st[1])), cudaGetErrorName(cudaEventQuery(done[1])));

	/* pageable asynchronous copies */
	int *p = (int *)malloc(bytes), *q2 = (int *)malloc(bytes);
	for (int i = 0; i < n; i++)
		p[i] = 3 * i;
	CK(cudaMemcpyAsync(d[2], p, bytes, cudaMemcpyHostToDevice, st[2]));
	memset(p, 0, bytes);	/* the copy took its data at the call */
	inc<<<n / 256, 256, 0, st[2]>>>(d[2], n, 5);
	CK(cudaMemcpyAsync(q2, d[2], bytes, cudaMemcpyDeviceToHost, st[2]));
	CK(cudaStreamSynchronize(st[2]));
	bad = 0;
	for (int i = 0; i < n; i++)
		bad += q2[i] != 3 * i + 5;
	printf("pageable async: mismatches=%d\n", bad);
	failures += bad;

	/* mapped pinned memory used directly by a kernel */
	int *mh = NULL, *md = NULL;
	CK(cudaHostAlloc((void **)&mh, 4096 * sizeof(int), cudaHostAllocMapped));
	for (int i = 0; i < 4096; i++)
		mh[i] = i;
	CK(cudaHostGetDevicePointer((void **)&md, mh, 0));
	inc<<<16, 256>>>(md, 4096, 100);
	CK(cudaDeviceSynchronize());
	bad = 0;
	for (int i = 0; i < 4096; i++)
		bad += mh[i] != i + 100;
	unsigned flags = 0;
	CK(cudaHostGetFlags(&flags, mh));
	printf("mapped zero-copy: mismatches=%d, mapped flag %d\n", bad, (flags & cudaHostAllocMapped) != 0);
	failures += bad + !(flags & cudaHostAllocMapped);
	CK(cudaFreeHost(mh));

	int lo = 0, hi = 0;
	CK(cudaDeviceGetStreamPriorityRange(&lo, &hi));
	cudaStream_t pr;
	CK(cudaStreamCreateWithPriority(&pr, cudaStreamNonBlocking, hi));
	int got = 0;
	CK(cudaStreamGetPriority(pr, &got));
	printf("priority stream: %d\n", got == hi);
	failures += got != hi || !(ms > 0);
	CK(cudaStreamDestroy(pr));
	for (int s = 0; s < S; s++) {
		CK(cudaStreamDestroy(st[s]));
		CK(cudaEventDestroy(done[s]));
		CK(cudaFreeHost(h[s]));
		CK(cudaFree(d[s]));
	}
	CK(cudaEventDestroy(t0));
	CK(cudaEventDestroy(t1));
	free(p);
	free(q2);
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
