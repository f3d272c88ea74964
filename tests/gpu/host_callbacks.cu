// Host functions and stream callbacks (cudaLaunchHostFunc,
// cudaStreamAddCallback) run in stream order: each sees what the work
// before it did, and the work after it sees what it did; on several
// streams at once, and many in a row.
#include "common.h"

#include <atomic>

__global__ void add(int *p, int v)
{
	p[threadIdx.x] += v;
}

struct Log {
	std::atomic<int> n{ 0 };
	int seen[64];
	int *pinned;	// filled by a copy before each host function
};

static void CUDART_CB record(void *ud)
{
	Log *l = (Log *)ud;
	int k = l->n++;
	l->seen[k] = l->pinned[0];
	l->pinned[0] *= 2;	// the copy back after it must carry this
}

static void CUDART_CB callback(cudaStream_t, cudaError_t status, void *ud)
{
	Log *l = (Log *)ud;
	int k = l->n++;
	l->seen[k] = status == cudaSuccess ? l->pinned[0] : -1;
}

static void ordered_on_one_stream(void)
{
	cudaStream_t st;
	int *d, *pinned;
	Log log;
	CK(cudaStreamCreate(&st));
	CK(cudaMalloc(&d, 32 * sizeof(int)));
	CK(cudaMallocHost(&pinned, 32 * sizeof(int)));
	log.pinned = pinned;
	CK(cudaMemsetAsync(d, 0, 32 * sizeof(int), st));
	for (int i = 1; i <= 5; i++) {
		add<<<1, 32, 0, st>>>(d, i);
		CK(cudaMemcpyAsync(pinned, d, sizeof(int), cudaMemcpyDeviceToHost, st));
		CK(cudaLaunchHostFunc(st, record, &log));
		CK(cudaMemcpyAsync(d, pinned, sizeof(int), cudaMemcpyHostToDevice, st));
	}
	CK(cudaStreamAddCallback(st, callback, &log, 0));
	CK(cudaStreamSynchronize(st));
	printf("one stream: %d host functions saw", log.n.load());
	for (int i = 0; i < log.n.load(); i++)
		printf(" %d", log.seen[i]);
	int back;
	CK(cudaMemcpy(&back, d, sizeof(int), cudaMemcpyDeviceToHost));
	printf("; device ends at %d\n", back);
	CK(cudaFreeHost(pinned));
	CK(cudaFree(d));
	CK(cudaStreamDestroy(st));
}

static std::atomic<int> counter;

static void CUDART_CB count(void *)
{
	counter++;
}

static void many_on_several_streams(void)
{
	const int S = 4, K = 500;
	cudaStream_t st[S];
	for (int s = 0; s < S; s++)
		CK(cudaStreamCreateWithFlags(&st[s], cudaStreamNonBlocking));
	for (int k = 0; k < K; k++)
		for (int s = 0; s < S; s++)
			CK(cudaLaunchHostFunc(st[s], count, NULL));
	CK(cudaDeviceSynchronize());
	printf("several streams: %d host functions ran\n", counter.load());
	for (int s = 0; s < S; s++)
		CK(cudaStreamDestroy(st[s]));
}

static void waits_for_event_across_streams(void)
{
	cudaStream_t a, b;
	cudaEvent_t ev;
	int *pinned;
	Log log;
	CK(cudaStreamCreate(&a));
	CK(cudaStreamCreate(&b));
	CK(cudaEventCreateWithFlags(&ev, cudaEventDisableTiming));
	CK(cudaMallocHost(&pinned, sizeof(int)));
	pinned[0] = 21;
	log.pinned = pinned;
	CK(cudaLaunchHostFunc(a, record, &log));	// 21 -> 42
	CK(cudaEventRecord(ev, a));
	CK(cudaStreamWaitEvent(b, ev, 0));
	CK(cudaStreamAddCallback(b, callback, &log, 0));	// after a's host function: 42
	CK(cudaStreamSynchronize(b));
	printf("across streams: saw %d then %d\n", log.seen[0], log.seen[1]);
	CK(cudaFreeHost(pinned));
	CK(cudaEventDestroy(ev));
	CK(cudaStreamDestroy(a));
	CK(cudaStreamDestroy(b));
}

int main()
{
	print_device();
	ordered_on_one_stream();
	many_on_several_streams();
	waits_for_event_across_streams();
	printf("done\n");
	return 0;
}
