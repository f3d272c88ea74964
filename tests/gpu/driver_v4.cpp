// The CUDA 13 driver API as a new program uses it: a context made by
// cuCtxCreate (_v4) with CUctxCreateParams, a module loaded from a PTX file,
// cuLaunchKernelEx with attributes, stream attributes, host functions and
// stream callbacks in stream order, pointer attributes, 2-D memsets and copies,
// events with flags and entry points from cuGetProcAddress.
// Usage: driver_v4 kernels.ptx (tests/gpu/run builds it from driver_kernels.cu)
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <vector>

#include "cu_check.h"

static const int N = 1 << 16;

static CUcontext make_context(CUdevice dev)
{
	CUcontext ctx;
	int sms = 0;

	CK(cuDeviceGetAttribute(&sms, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT, dev));
	// no parameters, then execution affinity (all SMs: the result is the same)
	CK(cuCtxCreate(&ctx, NULL, 0, dev));
	CK(cuCtxDestroy(ctx));
	CUexecAffinityParam aff;
	memset(&aff, 0, sizeof(aff));
	aff.type = CU_EXEC_AFFINITY_TYPE_SM_COUNT;
	aff.param.smCount.val = (unsigned)sms;
	CUctxCreateParams params = { &aff, 1, NULL };
	CUresult r = cuCtxCreate(&ctx, &params, 0, dev);
	if (r == CUDA_ERROR_UNSUPPORTED_EXEC_AFFINITY || r == CUDA_ERROR_INVALID_VALUE)
		CK(cuCtxCreate(&ctx, NULL, 0, dev));	// affinity needs MPS on some systems
	else
		CK(r);
	unsigned int version = 0;
	CK(cuCtxGetApiVersion(ctx, &version));
	printf("context: created with parameters, api version >= 13000: %d\n", version >= 13000);
	return ctx;
}

static void test_launch_ex(CUfunction saxpy, CUstream st, CUdeviceptr dx, CUdeviceptr dy)
{
	float a = 2.0f;
	int n = N;
	void *args[] = { &a, &dx, &dy, &n };
	CUlaunchAttribute attrs[2];
	memset(attrs, 0, sizeof(attrs));
	attrs[0].id = CU_LAUNCH_ATTRIBUTE_PRIORITY;
	attrs[0].value.priority = 0;
	attrs[1].id = CU_LAUNCH_ATTRIBUTE_MEM_SYNC_DOMAIN;
	attrs[1].value.memSyncDomain = CU_LAUNCH_MEM_SYNC_DOMAIN_DEFAULT;
	CUlaunchConfig cfg;
	memset(&cfg, 0, sizeof(cfg));
	cfg.gridDimX = (N + 255) / 256;
	cfg.gridDimY = cfg.gridDimZ = 1;
	cfg.blockDimX = 256;
	cfg.blockDimY = cfg.blockDimZ = 1;
	cfg.hStream = st;
	cfg.attrs = attrs;
	cfg.numAttrs = 2;
	CK(cuLaunchKernelEx(&cfg, saxpy, args, NULL));
	CK(cuStreamSynchronize(st));
	std::vector<float> y(N);
	CK(cuMemcpyDtoH(y.data(), dy, N * sizeof(float)));
	double sum = 0;
	for (float v : y)
		sum += v;
	printf("cuLaunchKernelEx: y[0] %.1f y[%d] %.1f sum %.1f\n", y[0], N - 1, y[N - 1], sum);
}

static void test_stream_attrs(CUstream st)
{
	CUstreamAttrValue v;
	memset(&v, 0, sizeof(v));
	v.syncPolicy = CU_SYNC_POLICY_BLOCKING_SYNC;
	CK(cuStreamSetAttribute(st, CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY, &v));
	memset(&v, 0, sizeof(v));
	CK(cuStreamGetAttribute(st, CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY, &v));
	printf("stream attribute: sync policy %d\n", (int)v.syncPolicy);
	CUstream other;
	CK(cuStreamCreate(&other, CU_STREAM_NON_BLOCKING));
	CK(cuStreamCopyAttributes(other, st));
	memset(&v, 0, sizeof(v));
	CK(cuStreamGetAttribute(other, CU_LAUNCH_ATTRIBUTE_SYNCHRONIZATION_POLICY, &v));
	printf("copied stream attribute: sync policy %d\n", (int)v.syncPolicy);
	CK(cuStreamDestroy(other));
}

struct Order {
	std::atomic<int> next{ 0 };
	int seen[8];
	int *host;	// pinned memory a copy filled before the callback
};

static void CUDA_CB host_fn(void *ud)
{
	Order *o = (Order *)ud;
	int k = o->next++;
	o->seen[k] = o->host[0];
	o->host[0] += 1000;	// the copy after the host function must see this
}

static void CUDA_CB stream_cb(CUstream, CUresult status, void *ud)
{
	Order *o = (Order *)ud;
	int k = o->next++;
	o->seen[k] = status == CUDA_SUCCESS ? o->host[0] : -1;
}

static void test_host_functions(CUstream st, CUdeviceptr d)
{
	Order o;
	int *host;
	CK(cuMemAllocHost((void **)&host, 2 * sizeof(int)));
	o.host = host;
	CK(cuMemsetD32Async(d, 7, 1, st));
	CK(cuMemcpyDtoHAsync(host, d, sizeof(int), st));
	CK(cuLaunchHostFunc(st, host_fn, &o));		// sees 7, writes 1007
	CK(cuMemcpyHtoDAsync(d, host, sizeof(int), st));	// copies 1007 after the host function
	CK(cuMemsetD32Async(d + 4, 1, 1, st));
	CK(cuStreamAddCallback(st, stream_cb, &o, 0));	// sees 1007
	CK(cuStreamSynchronize(st));
	int back[2];
	CK(cuMemcpyDtoH(back, d, sizeof(back)));
	printf("host functions: ran %d, saw %d then %d; device has %d %d\n", o.next.load(), o.seen[0], o.seen[1],
	       back[0], back[1]);
	CK(cuMemFreeHost(host));
}

static void test_pointer_attrs(CUdeviceptr d)
{
	unsigned int type = 0, managed = 1;
	CUdeviceptr start = 0;
	size_t size = 0;
	CK(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, d + 16));
	CK(cuPointerGetAttribute(&start, CU_POINTER_ATTRIBUTE_RANGE_START_ADDR, d + 16));
	CK(cuPointerGetAttribute(&size, CU_POINTER_ATTRIBUTE_RANGE_SIZE, d + 16));
	CUpointer_attribute which[] = { CU_POINTER_ATTRIBUTE_IS_MANAGED };
	void *data[] = { &managed };
	CK(cuPointerGetAttributes(1, which, data, d));
	printf("pointer attributes: device memory %d, range starts at the allocation %d, size %zu, managed %u\n",
	       type == CU_MEMORYTYPE_DEVICE, start == d, size, managed);
	void *pinned;
	CK(cuMemAllocHost(&pinned, 4096));
	CK(cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, (CUdeviceptr)pinned));
	printf("pointer attributes: pinned memory is host memory %d\n", type == CU_MEMORYTYPE_HOST);
	CK(cuMemFreeHost(pinned));
}

static void test_memset2d(void)
{
	CUdeviceptr d;
	size_t pitch;
	CK(cuMemAllocPitch(&d, &pitch, 64 * sizeof(unsigned), 8, 4));
	CK(cuMemsetD2D32(d, pitch, 0xdeadbeef, 64, 8));
	CK(cuMemsetD2D8(d, pitch, 0x11, 16, 4));
	std::vector<unsigned> h(pitch / 4 * 8);
	CK(cuMemcpyDtoH(h.data(), d, h.size() * 4));
	unsigned long long sum = 0;
	for (int r = 0; r < 8; r++)
		for (int c = 0; c < 64; c++)
			sum += h[r * pitch / 4 + c];
	printf("2-D memsets: sum %llu\n", sum);
	CK(cuMemFree(d));
}

static void test_copy2d(CUstream st)
{
	const size_t w = 100, h = 7, hp = 128;
	std::vector<unsigned char> src(hp * h), back(hp * h, 0);
	for (size_t i = 0; i < src.size(); i++)
		src[i] = (unsigned char)(i * 13 + 1);
	CUdeviceptr d;
	size_t pitch;
	CK(cuMemAllocPitch(&d, &pitch, w, h, 4));
	CUDA_MEMCPY2D m;
	memset(&m, 0, sizeof(m));
	m.srcMemoryType = CU_MEMORYTYPE_HOST;
	m.srcHost = src.data();
	m.srcPitch = hp;
	m.dstMemoryType = CU_MEMORYTYPE_DEVICE;
	m.dstDevice = d;
	m.dstPitch = pitch;
	m.WidthInBytes = w;
	m.Height = h;
	CK(cuMemcpy2D(&m));
	memset(&m, 0, sizeof(m));
	m.srcMemoryType = CU_MEMORYTYPE_DEVICE;
	m.srcDevice = d;
	m.srcPitch = pitch;
	m.srcXInBytes = 10;
	m.srcY = 1;
	m.dstMemoryType = CU_MEMORYTYPE_HOST;
	m.dstHost = back.data();
	m.dstPitch = hp;
	m.WidthInBytes = w - 10;
	m.Height = h - 1;
	CK(cuMemcpy2DAsync(&m, st));
	CK(cuStreamSynchronize(st));
	int same = 1;
	for (size_t r = 0; r + 1 < h; r++)
		for (size_t c = 0; c + 10 < w; c++)
			same &= back[r * hp + c] == src[(r + 1) * hp + c + 10];
	printf("2-D copies: the offset window came back %d\n", same);
	CK(cuMemFree(d));
}

static void test_events_and_entry_points(CUstream st)
{
	CUevent a, b;
	CK(cuEventCreate(&a, CU_EVENT_DISABLE_TIMING));
	CK(cuEventCreate(&b, CU_EVENT_BLOCKING_SYNC));
	CK(cuEventRecordWithFlags(a, st, CU_EVENT_RECORD_DEFAULT));
	CK(cuEventRecord(b, st));
	CK(cuEventSynchronize(b));
	float ms;
	printf("events: elapsed time of a timing-disabled event refused %d\n",
	       cuEventElapsedTime(&ms, a, b) == CUDA_ERROR_INVALID_HANDLE);
	CK(cuEventDestroy(a));
	CK(cuEventDestroy(b));

	void *fn = NULL;
	CUdriverProcAddressQueryResult q;
	CK(cuGetProcAddress("cuDeviceGetCount", &fn, 13000, CU_GET_PROC_ADDRESS_DEFAULT, &q));
	int n = 0;
	CK(((CUresult(*)(int *))fn)(&n));
	printf("cuGetProcAddress: cuDeviceGetCount found %d, answers %d device(s)\n", q == CU_GET_PROC_ADDRESS_SUCCESS,
	       n > 0);
	printf("cuGetProcAddress: an unknown name %d\n",
	       cuGetProcAddress("cuNoSuchFunction", &fn, 13000, 0, &q) == CUDA_ERROR_NOT_FOUND);
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("usage: driver_v4 kernels.ptx\n");
		return 2;
	}
	CK(cuInit(0));
	CUdevice dev;
	CK(cuDeviceGet(&dev, 0));
	CUcontext ctx = make_context(dev);
	CUmodule mod;
	CK(cuModuleLoad(&mod, argv[1]));
	CUfunction saxpy;
	CK(cuModuleGetFunction(&saxpy, mod, "saxpy"));
	int min_grid = 0, block = 0;
	CK(cuOccupancyMaxPotentialBlockSizeWithFlags(&min_grid, &block, saxpy, NULL, 0, 0, CU_OCCUPANCY_DEFAULT));
	printf("occupancy: a block size %d\n", block > 0);

	CUstream st;
	CK(cuStreamCreate(&st, CU_STREAM_NON_BLOCKING));
	CUdeviceptr dx, dy;
	CK(cuMemAlloc(&dx, N * sizeof(float)));
	CK(cuMemAlloc(&dy, N * sizeof(float)));
	std::vector<float> x(N), y(N);
	for (int i = 0; i < N; i++) {
		x[i] = (float)(i % 100);
		y[i] = 1.0f;
	}
	CK(cuMemcpyHtoD(dx, x.data(), N * sizeof(float)));
	CK(cuMemcpyHtoD(dy, y.data(), N * sizeof(float)));

	test_launch_ex(saxpy, st, dx, dy);
	test_stream_attrs(st);
	test_host_functions(st, dx);
	test_pointer_attrs(dy);
	test_memset2d();
	test_copy2d(st);
	test_events_and_entry_points(st);

	CK(cuMemFree(dx));
	CK(cuMemFree(dy));
	CK(cuStreamDestroy(st));
	CK(cuModuleUnload(mod));
	CK(cuCtxDestroy(ctx));
	printf("done\n");
	return 0;
}
