// The driver API: context, modules loaded from PTX text (cuModuleLoadData
// and cuModuleLoad), a cubin and a fat binary, kernel parameters as a
// pointer array and as one packed buffer (CU_LAUNCH_PARAM_BUFFER_POINTER),
// module globals, streams, events, pinned memory and error names.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <cuda.h>
#include <vector>

#include "cu_check.h"

struct Pair {
	double d;
	char c;
	int i;
};

static std::vector<char> slurp(const char *path, bool nul)
{
	std::vector<char> v;
	FILE *f = fopen(path, "rb");
	if (!f) {
		printf("cannot read %s\n", path);
		exit(1);
	}
	char buf[65536];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		v.insert(v.end(), buf, buf + n);
	fclose(f);
	if (nul)
		v.push_back(0);
	return v;
}

static int test_module(CUmodule mod, const char *what, CUstream st)
{
	const int n = 100000;
	CUfunction saxpy, mixed;
	CUdeviceptr dx, dy, dout, dcounter;
	size_t csize = 0;
	std::vector<float> x(n), y(n);
	unsigned long long out[2] = { 0, 0 }, count = 0;

	CK(cuModuleGetFunction(&saxpy, mod, "saxpy"));
	CK(cuModuleGetFunction(&mixed, mod, "mixed"));
	CK(cuModuleGetGlobal(&dcounter, &csize, mod, "counter"));
	for (int i = 0; i < n; i++) {
		x[i] = (float)i;
		y[i] = (float)(n - i);
	}
	CK(cuMemAlloc(&dx, n * sizeof(float)));
	CK(cuMemAlloc(&dy, n * sizeof(float)));
	CK(cuMemAlloc(&dout, sizeof(out)));
	CK(cuMemcpyHtoD(dx, x.data(), n * sizeof(float)));
	CK(cuMemcpyHtoDAsync(dy, y.data(), n * sizeof(float), st));
	float a = 2.0f;
	int nn = n;
	void *args[] = { &a, &dx, &dy, &nn };
	CK(cuLaunchKernel(saxpy, (n + 127) / 128, 1, 1, 128, 1, 1, 0, st, args, NULL));
	CK(cuMemsetD32(dout, 0, 4));
	/* the same kernel parameters as one packed buffer */
	struct {
		Pair p;
		char c;
		short s;
		double d;
		unsigned long long *o;
	} packed;
	memset(&packed, 0, sizeof(packed));
	packed.p.d = 1.5;
	packed.p.c = 7;
	packed.p.i = 40;
	packed.c = 3;
	packed.s = 300;
	packed.d = 2.5;
	packed.o = (unsigned long long *)dout;
	size_t psize = sizeof(packed);
	void *extra[] = { CU_LAUNCH_PARAM_BUFFER_POINTER, &packed, CU_LAUNCH_PARAM_BUFFER_SIZE, &psize,
			  CU_LAUNCH_PARAM_END };
	CK(cuStreamSynchronize(st));
	CK(cuLaunchKernel(mixed, 1, 1, 1, 1, 1, 1, 0, NULL, NULL, extra));
	void *margs[] = { &packed.p, &packed.c, &packed.s, &packed.d, &packed.o };
	CK(cuLaunchKernel(mixed, 1, 1, 1, 1, 1, 1, 0, NULL, margs, NULL));
	CK(cuCtxSynchronize());
	CK(cuMemcpyDtoH(y.data(), dy, n * sizeof(float)));
	CK(cuMemcpyDtoH(out, dout, sizeof(out)));
	CK(cuMemcpyDtoH(&count, dcounter, sizeof(count)));
	int bad = 0;
	for (int i = 0; i < n; i++)
		bad += y[i] != 2.0f * i + (float)(n - i);
	printf("%s: saxpy mismatches %d, mixed %llu %llu, counter %llu (global of %zu bytes)\n", what, bad,
	       out[0], out[1], count, csize);
	CK(cuMemFree(dx));
	CK(cuMemFree(dy));
	CK(cuMemFree(dout));
	return bad;
}

/* Device 0 and what the driver says of it. */
static CUdevice describe_device(void)
{
	CUdevice dev;
	char name[256];
	int count = 0, major = 0, minor = 0, ver = 0;
	size_t total = 0;
	CUuuid uuid;

	CK(cuInit(0));
	CK(cuDriverGetVersion(&ver));
	CK(cuDeviceGetCount(&count));
	CK(cuDeviceGet(&dev, 0));
	CK(cuDeviceGetName(name, sizeof(name), dev));
	CK(cuDeviceGetAttribute(&major, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR, dev));
	CK(cuDeviceGetAttribute(&minor, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR, dev));
	CK(cuDeviceTotalMem(&total, dev));
	CK(cuDeviceGetUuid(&uuid, dev));
	printf("driver >= 13000: %d; %d device(s); %s, sm_%d%d, %zu MiB\n", ver >= 13000, count, name, major,
	       minor, total >> 20);
	return dev;
}

/* Pinned memory and asynchronous copies; returns the mismatches. */
static int pinned_round_trip(CUstream st)
{
	float *h = NULL;
	CUdeviceptr d;
	const int n = 1 << 22;
	CK(cuMemAllocHost((void **)&h, n * sizeof(float)));
	for (int i = 0; i < n; i++)
		h[i] = (float)(i & 1023);
	CK(cuMemAlloc(&d, n * sizeof(float)));
	CK(cuMemcpyHtoDAsync(d, h, n * sizeof(float), st));
	CK(cuStreamSynchronize(st));	/* pinned: the copy reads h until it is done */
	memset(h, 0, n * sizeof(float));
	CK(cuMemcpyDtoHAsync(h, d, n * sizeof(float), st));
	CK(cuStreamSynchronize(st));
	int pb = 0;
	for (int i = 0; i < n; i++)
		pb += h[i] != (float)(i & 1023);
	printf("pinned round trip mismatches %d\n", pb);
	CK(cuMemFreeHost(h));
	CK(cuMemFree(d));
	return pb;
}

/* Errors and their names. */
static void error_names(CUmodule m)
{
	char buf[16];
	CUfunction nf;
	CUresult r = cuModuleGetFunction(&nf, m, "no_such_kernel");
	const char *en = NULL, *es = NULL;
	cuGetErrorName(r, &en);
	cuGetErrorString(CUDA_ERROR_INVALID_VALUE, &es);
	printf("missing kernel: %s; INVALID_VALUE is \"%s\"\n", en, es);
	CUmodule bad_mod;
	r = cuModuleLoadData(&bad_mod, "this is not PTX");
	cuGetErrorName(r, &en);
	printf("garbage module: %s\n", en);
	r = cuMemcpyDtoH(buf, (CUdeviceptr)0xdead0000ull, 16);
	cuGetErrorName(r, &en);
	printf("copy from a forged device pointer: %s\n", en);
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		printf("usage: driver_api PTX CUBIN FATBIN\n");
		return 2;
	}
	CUcontext ctx, cur;
	CUmodule m1, m2, m3, m4;
	CUstream st;
	CUevent e0, e1;

	CUdevice dev = describe_device();
	CK(cuCtxCreate(&ctx, NULL, 0, dev));
	CK(cuCtxGetCurrent(&cur));
	printf("current context is the new one: %d\n", cur == ctx);
	CK(cuStreamCreate(&st, CU_STREAM_NON_BLOCKING));
	CK(cuEventCreate(&e0, CU_EVENT_DEFAULT));
	CK(cuEventCreate(&e1, CU_EVENT_DEFAULT));

	std::vector<char> ptx = slurp(argv[1], true), cubin = slurp(argv[2], false), fat = slurp(argv[3], false);
	int bad = 0;
	CK(cuEventRecord(e0, st));
	CK(cuModuleLoadData(&m1, ptx.data()));
	bad += test_module(m1, "PTX (cuModuleLoadData)", st);
	CK(cuModuleLoad(&m2, argv[1]));
	bad += test_module(m2, "PTX (cuModuleLoad)", st);
	CK(cuModuleLoadData(&m3, cubin.data()));
	bad += test_module(m3, "cubin", st);
	CK(cuModuleLoadFatBinary(&m4, fat.data()));
	bad += test_module(m4, "fatbin", st);
	CK(cuEventRecord(e1, st));
	CK(cuEventSynchronize(e1));
	float ms = 0;
	CK(cuEventElapsedTime(&ms, e0, e1));
	printf("elapsed >= 0: %d\n", ms >= 0);

	bad += pinned_round_trip(st);
	error_names(m1);

	CK(cuModuleUnload(m1));
	CK(cuModuleUnload(m2));
	CK(cuModuleUnload(m3));
	CK(cuModuleUnload(m4));
	CK(cuEventDestroy(e0));
	CK(cuEventDestroy(e1));
	CK(cuStreamDestroy(st));
	CK(cuCtxDestroy(ctx));
	printf("%s\n", bad ? "FAILED" : "PASSED");
	return bad != 0;
}
