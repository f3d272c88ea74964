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

enum { S = 4, N = 1 << 20 };
static const size_t bytes = N * sizeof(int);

/* Pinned copies and kernels on S streams; stream 0 waits for the others
 * and adds 1 to every buffer.  Returns the mismatches; *ms the time taken. */
static int pinned_streams(cudaStream_t *st, cudaEvent_t *done, int **h, int **d, float *ms)
{
	cudaEvent_t t0, t1;

	CK(cudaEventCreate(&t0));
	CK(cudaEventCreate(&t1));
	CK(cudaEventRecord(t0, 0));
	for (int s = 0; s < S; s++) {
		CK(cudaMemcpyAsync(d[s], h[s], bytes, cudaMemcpyHostToDevice, st[s]));
		inc<<<N / 256, 256, 0, st[s]>>>(d[s], N, 10 * (s + 1));
		CK(cudaEventRecord(done[s], st[s]));
	}
	for (int s = 1; s < S; s++)
		CK(cudaStreamWaitEvent(st[0], done[s], 0));
	for (int s = 0; s < S; s++)
		inc<<<N / 256, 256, 0, st[0]>>>(d[s], N, 1);
	for (int s = 0; s < S; s++)
		CK(cudaMemcpyAsync(h[s], d[s], bytes, cudaMemcpyDeviceToHost, st[0]));
	CK(cudaEventRecord(t1, st[0]));
	CK(cudaEventSynchronize(t1));
	*ms = -1;
	CK(cudaEventElapsedTime(ms, t0, t1));
	printf("elapsed time positive: %d\n", *ms > 0);
	int bad = 0;
	for (int s = 0; s < S; s++)
		for (int i = 0; i < N; i++)
			bad += h[s][i] != i + s + 10 * (s + 1) + 1;
	printf("pinned streams: mismatches=%d\n", bad);
	CK(cudaEventDestroy(t0));
	CK(cudaEventDestroy(t1));
	return bad;
}

/* A busy stream is not ready; after synchronizing it is. */
static void busy_stream_query(cudaStream_t st, cudaEvent_t done)
{
	spin<<<1, 1, 0, st>>>(200000000LL);
	CK(cudaEventRecord(done, st));
	cudaError_t q = cudaStreamQuery(st), eq = cudaEventQuery(done);
	printf("busy stream query: %s, event query: %s\n", cudaGetErrorName(q), cudaGetErrorName(eq));
	CK(cudaStreamSynchronize(st));
	printf("after sync: %s %s\n", cudaGetErrorName(cudaStreamQuery(st)), cudaGetErrorName(cudaEventQuery(done)));
}

/* Pageable asynchronous copies through device buffer d; returns the mismatches. */
static int pageable_async(cudaStream_t st, int *d)
{
	int *p = (int *)malloc(bytes), *q2 = (int *)malloc(bytes);
	for (int i = 0; i < N; i++)
		p[i] = 3 * i;
	CK(cudaMemcpyAsync(d, p, bytes, cudaMemcpyHostToDevice, st));
	memset(p, 0, bytes);	/* the copy took its data at the call */
	inc<<<N / 256, 256, 0, st>>>(d, N, 5);
	CK(cudaMemcpyAsync(q2, d, bytes, cudaMemcpyDeviceToHost, st));
	CK(cudaStreamSynchronize(st));
	int bad = 0;
	for (int i = 0; i < N; i++)
		bad += q2[i] != 3 * i + 5;
	printf("pageable async: mismatches=%d\n", bad);
	free(p);
	free(q2);
	return bad;
}

/* Mapped pinned memory used directly by a kernel; returns the failures. */
static int mapped_zero_copy(void)
{
	int *mh = NULL, *md = NULL;
	CK(cudaHostAlloc((void **)&mh, 4096 * sizeof(int), cudaHostAllocMapped));
	for (int i = 0; i < 4096; i++)
		mh[i] = i;
	CK(cudaHostGetDevicePointer((void **)&md, mh, 0));
	inc<<<16, 256>>>(md, 4096, 100);
	CK(cudaDeviceSynchronize());
	int bad = 0;
	for (int i = 0; i < 4096; i++)
		bad += mh[i] != i + 100;
	unsigned flags = 0;
	CK(cudaHostGetFlags(&flags, mh));
	printf("mapped zero-copy: mismatches=%d, mapped flag %d\n", bad, (flags & cudaHostAllocMapped) != 0);
	CK(cudaFreeHost(mh));
	return bad + !(flags & cudaHostAllocMapped);
}

/* A stream of the highest priority reports it; 1 if it does not. */
static int priority_stream(void)
{
	int lo = 0, hi = 0;
	CK(cudaDeviceGetStreamPriorityRange(&lo, &hi));
	cudaStream_t pr;
	CK(cudaStreamCreateWithPriority(&pr, cudaStreamNonBlocking, hi));
	int got = 0;
	CK(cudaStreamGetPriority(pr, &got));
	printf("priority stream: %d\n", got == hi);
	CK(cudaStreamDestroy(pr));
	return got != hi;
}

int main()
{
	cudaStream_t st[S];
	cudaEvent_t done[S];
	int *h[S], *d[S];
	float ms;

	print_device();
	for (int s = 0; s < S; s++) {
		CK(cudaStreamCreateWithFlags(&st[s], s ? cudaStreamNonBlocking : cudaStreamDefault));
		CK(cudaEventCreate(&done[s]));
		CK(cudaMallocHost((void **)&h[s], bytes));
		CK(cudaMalloc((void **)&d[s], bytes));
		for (int i = 0; i < N; i++)
			h[s][i] = i + s;
	}
	int failures = pinned_streams(st, done, h, d, &ms);
	busy_stream_query(st[1], done[1]);
	failures += pageable_async(st[2], d[2]);
	failures += mapped_zero_copy();
	failures += priority_stream() || !(ms > 0);
	for (int s = 0; s < S; s++) {
		CK(cudaStreamDestroy(st[s]));
		CK(cudaEventDestroy(done[s]));
		CK(cudaFreeHost(h[s]));
		CK(cudaFree(d[s]));
	}
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures ? 1 : 0;
}
