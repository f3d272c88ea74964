// Stream attributes, cudaLaunchKernelExC with attributes, kernel
// attributes and occupancy, pointer attributes, 2-D memsets, events with
// flags, 2-D copies and driver entry points from the runtime.
#include "common.h"

#include <cstring>
#include <cuda.h>
#include <vector>

__global__ void scale(float *p, float a, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		p[i] *= a;
}

static void stream_attributes(cudaStream_t st)
{
	cudaStreamAttrValue v;
	memset(&v, 0, sizeof(v));
	v.syncPolicy = cudaSyncPolicyYield;
	CK(cudaStreamSetAttribute(st, cudaStreamAttributeSynchronizationPolicy, &v));
	memset(&v, 0, sizeof(v));
	CK(cudaStreamGetAttribute(st, cudaStreamAttributeSynchronizationPolicy, &v));
	printf("stream attribute: sync policy %d\n", (int)v.syncPolicy);
	memset(&v, 0, sizeof(v));
	CK(cudaStreamGetAttribute(st, cudaStreamAttributePriority, &v));
	printf("stream attribute: priority %d\n", v.priority);
}

static void launch_ex(cudaStream_t st, float *d, int n)
{
	cudaLaunchAttribute attrs[1];
	memset(attrs, 0, sizeof(attrs));
	attrs[0].id = cudaLaunchAttributePriority;
	attrs[0].val.priority = 0;
	cudaLaunchConfig_t cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.gridDim = dim3((n + 127) / 128);
	cfg.blockDim = dim3(128);
	cfg.stream = st;
	cfg.attrs = attrs;
	cfg.numAttrs = 1;
	CK(cudaLaunchKernelEx(&cfg, scale, d, 3.0f, n));
	CK(cudaStreamSynchronize(st));
	std::vector<float> h(n);
	CK(cudaMemcpy(h.data(), d, n * sizeof(float), cudaMemcpyDeviceToHost));
	double sum = 0;
	for (float x : h)
		sum += x;
	printf("cudaLaunchKernelEx: sum %.1f\n", sum);
}

static void kernel_attributes(void)
{
	cudaFuncAttributes fa;
	CK(cudaFuncSetAttribute(scale, cudaFuncAttributeMaxDynamicSharedMemorySize, 2048));
	CK(cudaFuncGetAttributes(&fa, scale));
	printf("kernel attributes: max dynamic shared memory %d, max threads %d\n", fa.maxDynamicSharedSizeBytes,
	       fa.maxThreadsPerBlock);
	int blocks = 0, min_grid = 0, block = 0;
	CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, scale, 128, 0));
	CK(cudaOccupancyMaxPotentialBlockSize(&min_grid, &block, scale, 0, 0));
	printf("occupancy: blocks per SM > 0 %d, a block size %d\n", blocks > 0, block > 0);
}

static void pointer_attributes(float *d)
{
	cudaPointerAttributes a;
	CK(cudaPointerGetAttributes(&a, d + 4));
	printf("pointer attributes: device %d, type device %d, device pointer kept %d\n", a.device,
	       a.type == cudaMemoryTypeDevice, a.devicePointer == (void *)(d + 4));
	float *pinned;
	CK(cudaMallocHost(&pinned, 4096));
	CK(cudaPointerGetAttributes(&a, pinned));
	printf("pointer attributes: pinned is host memory %d, host pointer kept %d, device pointer %d\n",
	       a.type == cudaMemoryTypeHost, a.hostPointer == pinned, a.devicePointer != NULL);
	CK(cudaFreeHost(pinned));
}

static void memset_2d(void)
{
	unsigned char *d;
	size_t pitch;
	CK(cudaMallocPitch(&d, &pitch, 100, 10));
	CK(cudaMemset2D(d, pitch, 3, 100, 10));
	CK(cudaMemset2DAsync(d, pitch, 5, 50, 5, 0));
	std::vector<unsigned char> h(pitch * 10);
	CK(cudaMemcpy(h.data(), d, h.size(), cudaMemcpyDeviceToHost));
	long sum = 0;
	for (int r = 0; r < 10; r++)
		for (int c = 0; c < 100; c++)
			sum += h[r * pitch + c];
	printf("2-D memsets: sum %ld\n", sum);
	CK(cudaFree(d));
}

static void copies_2d(cudaStream_t st)
{
	const int w = 37, h = 11, hp = 48;	// bytes per row, rows, host pitch
	std::vector<unsigned char> src(hp * h), back(hp * h, 0xee), back2(hp * h, 0xdd);
	for (int i = 0; i < hp * h; i++)
		src[i] = (unsigned char)(i * 7 + 3);
	unsigned char *a, *b;
	size_t pa, pb;
	CK(cudaMallocPitch(&a, &pa, w, h));
	CK(cudaMallocPitch(&b, &pb, w + 5, h));
	CK(cudaMemcpy2D(a, pa, src.data(), hp, w, h, cudaMemcpyHostToDevice));
	CK(cudaMemcpy2DAsync(b, pb, a, pa, w, h, cudaMemcpyDeviceToDevice, st));
	CK(cudaMemcpy2DAsync(back.data(), hp, b, pb, w, h, cudaMemcpyDeviceToHost, st));
	CK(cudaStreamSynchronize(st));
	CK(cudaMemcpy2D(back2.data(), hp, a, pa, w, h, cudaMemcpyDefault));
	long sum = 0, pad = 0;
	int same = 1;
	for (int r = 0; r < h; r++)
		for (int c = 0; c < hp; c++) {
			if (c < w) {
				sum += back[r * hp + c];
				same &= back[r * hp + c] == src[r * hp + c] && back2[r * hp + c] == src[r * hp + c];
			} else {
				pad += back[r * hp + c] == 0xee;
			}
		}
	printf("2-D copies: rows equal %d, sum %ld, host padding untouched %ld\n", same, sum, pad);
	CK(cudaFree(a));
	CK(cudaFree(b));
}

static void events_and_entry_points(cudaStream_t st)
{
	cudaEvent_t a, b;
	CK(cudaEventCreateWithFlags(&a, cudaEventBlockingSync));
	CK(cudaEventCreateWithFlags(&b, cudaEventDisableTiming));
	CK(cudaEventRecordWithFlags(a, st, cudaEventRecordDefault));
	CK(cudaEventRecord(b, st));
	CK(cudaEventSynchronize(b));
	CK(cudaEventQuery(a));
	float ms;
	printf("events: elapsed time with a timing-disabled event refused %d\n",
	       cudaEventElapsedTime(&ms, a, b) == cudaErrorInvalidResourceHandle);
	cudaGetLastError();
	CK(cudaEventDestroy(a));
	CK(cudaEventDestroy(b));

	void *fn = NULL;
	cudaDriverEntryPointQueryResult q;
	CK(cudaGetDriverEntryPointByVersion("cuDeviceGetCount", &fn, 13000, cudaEnableDefault, &q));
	int n = 0;
	printf("driver entry point: found %d, answers %d\n", q == cudaDriverEntryPointSuccess,
	       fn && ((CUresult(*)(int *))fn)(&n) == CUDA_SUCCESS && n > 0);
}

int main()
{
	const int n = 10000;
	print_device();
	cudaStream_t st;
	CK(cudaStreamCreate(&st));
	float *d;
	CK(cudaMalloc(&d, n * sizeof(float)));
	std::vector<float> h(n);
	for (int i = 0; i < n; i++)
		h[i] = (float)(i % 10);
	CK(cudaMemcpy(d, h.data(), n * sizeof(float), cudaMemcpyHostToDevice));
	stream_attributes(st);
	launch_ex(st, d, n);
	kernel_attributes();
	pointer_attributes(d);
	memset_2d();
	copies_2d(st);
	events_and_entry_points(st);
	CK(cudaFree(d));
	CK(cudaStreamDestroy(st));
	printf("done\n");
	return 0;
}
