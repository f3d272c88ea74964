// SPDX-License-Identifier: MIT
/*
 * hostile_cublas: hostile input on the cuBLAS worker.  Forged handles and
 * streams, handles of the wrong kind, a pointer mode that is not the
 * handle's, scalars of the wrong length, device addresses that are not the
 * session's, a workspace larger than its buffer: each must be refused with
 * a cuBLAS error or a transport status, and the worker must keep serving.
 * Prints TAP.  Without a GPU the worker answers "not initialized" where it
 * would call cuBLAS, and the checks that need a real handle are skipped
 * (unless the worker runs the stand-in library of tests/gpu/fake_cublas.c).
 *
 * Run it through AvA: scripts/ava-local --cuda -- build/tests/gpu/hostile_cublas
 */
#include <stdio.h>

#include "cublas_guest_rt.h"
#include "cuda_guest_rt.h"

static int n, failed;

static void result(int ok, const char *what, long long got)
{
	n++;
	failed += !ok;
	printf("%s %d - %s (got %lld)\n", ok ? "ok" : "not ok", n, what, got);
	fflush(stdout);
}

/* Saxpy as a hand-made command: alpha's mode, device address and bytes as given. */
static int raw_saxpy(uint64_t handle, uint64_t mode, uint64_t alpha_dev, const void *alpha, uint64_t alpha_len,
		     uint64_t x, long long *ret)
{
	struct ava_call c;
	int st;

	*ret = -1;
	if (ava_call_begin(&c, AVA_API_CUBLAS, AVA_FN_CUBLAS_cublasSaxpy_v2, 0))
		return -1;
	ava_put_u64(&c, handle);
	ava_put_u64(&c, 4);		/* n */
	ava_put_u64(&c, mode);
	ava_put_u64(&c, alpha_dev);
	ava_put_data(&c, alpha, alpha_len);
	ava_put_u64(&c, x);
	ava_put_u64(&c, 1);
	ava_put_u64(&c, x);
	ava_put_u64(&c, 1);
	st = ava_call_exchange(&c);
	if (st == AVA_S_OK)
		*ret = (long long)(int64_t)ava_get_u64(&c);
	ava_call_end(&c);
	return st;
}

static void refused(const char *what, int st, long long ret)
{
	result(st != AVA_S_OK || ret != 0, what, st != AVA_S_OK ? -1000 - st : ret);
}

static void alive(void)
{
	int v = 0;
	cublasStatus_t s = cublasGetProperty(MAJOR_VERSION, &v);

	result(s == CUBLAS_STATUS_SUCCESS || s == CUBLAS_STATUS_NOT_INITIALIZED,
	       "the worker still answers (cublasGetProperty)", s);
}

/* Checks that need a live handle (a GPU): mode, addresses, workspace. */
static void with_handle(cublasHandle_t h, CUdeviceptr d)
{
	uint64_t id = ava_obj_id(h, AVA_HT_CUBLAS_cublas);
	float alpha = 1, small = 0;
	long long r;
	int st;

	st = raw_saxpy(id, 1, d, NULL, 0, d, &r);
	refused("device-mode alpha on a host-mode handle", st, r);
	alive();
	st = raw_saxpy(id, 0, 0, &small, 2, d, &r);
	refused("host-mode alpha of 2 bytes for a float", st, r);
	st = raw_saxpy(id, 2, 0, &alpha, 4, d, &r);
	refused("pointer mode 2", st, r);
	st = raw_saxpy(id, 0, d, &alpha, 4, d, &r);
	refused("host-mode alpha that also sends a device address", st, r);
	st = raw_saxpy(id, 0, 0, &alpha, 4, 0x1000, &r);
	refused("x at an address that is not the session's device memory", st, r);
	alive();
	r = cublasSetWorkspace(h, (void *)(uintptr_t)d, 1 << 20);
	refused("a 1 MiB workspace in a 4 KiB allocation", AVA_S_OK, r);
	r = cublasSetWorkspace(h, (void *)(uintptr_t)(d + 4000), 4096);
	refused("a workspace running past its allocation's end", AVA_S_OK, r);
	r = cublasSetPointerMode(h, CUBLAS_POINTER_MODE_DEVICE);
	if (r == CUBLAS_STATUS_SUCCESS) {
		st = raw_saxpy(id, 0, 0, &alpha, 4, d, &r);
		refused("host-mode alpha on a device-mode handle", st, r);
	}
	alive();
}

int main(void)
{
	static const char fake[64];
	const uint64_t forged[] = { 12345, AVA_HANDLE_WORKER_BIT | 7, AVA_ID_INVALID };
	float alpha = 1;
	cublasHandle_t h = NULL;
	CUcontext ctx = NULL;
	CUdeviceptr d = 0;
	long long r;
	unsigned i;
	int st;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		st = raw_saxpy(forged[i], 0, 0, &alpha, 4, 0, &r);
		refused("a forged cuBLAS handle id", st, r);
	}
	r = cublasSgemm((cublasHandle_t)(uintptr_t)fake, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &alpha, NULL, 1, NULL, 1, &alpha, NULL, 1);
	refused("an address that is no handle", AVA_S_OK, r);
	r = cublasSetStream((cublasHandle_t)(uintptr_t)fake, NULL);
	refused("cublasSetStream on no handle", AVA_S_OK, r);
	alive();

	if (cuInit(0) == CUDA_SUCCESS && cuDevicePrimaryCtxRetain(&ctx, 0) == CUDA_SUCCESS &&
	    cuCtxSetCurrent(ctx) == CUDA_SUCCESS) {
		/* a CUDA context is a handle of another kind */
		r = cublasSetMathMode((cublasHandle_t)ctx, CUBLAS_DEFAULT_MATH);
		refused("a CUDA context as a cuBLAS handle", AVA_S_OK, r);
	}
	if (ctx && cuMemAlloc(&d, 4096) == CUDA_SUCCESS && cublasCreate(&h) == CUBLAS_STATUS_SUCCESS) {
		r = cublasSetStream(h, (cudaStream_t)(uintptr_t)fake);
		refused("a forged stream", AVA_S_OK, r);
		r = cublasSetStream(h, (cudaStream_t)h);
		refused("a cuBLAS handle as a stream", AVA_S_OK, r);
		with_handle(h, d);
		r = cublasDestroy(h);
		result(r == CUBLAS_STATUS_SUCCESS, "cublasDestroy", r);
		r = cublasDestroy(h);
		refused("cublasDestroy twice", AVA_S_OK, r);
	} else {
		printf("# SKIP checks on a live handle: no GPU (cuBLAS not initialized)\n");
	}
	alive();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
