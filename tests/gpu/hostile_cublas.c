// SPDX-License-Identifier: MIT
/*
 * hostile_cublas: hostile input on the cuBLAS worker.  Forged handles and
 * streams, handles of the wrong kind, a pointer mode that is not the
 * handle's, scalars of the wrong length, device addresses that are not the
 * session's, a workspace larger than its buffer: each must be refused with
 * a cuBLAS error or a transport status, and the worker must keep serving.
 * A compute call sent without waiting answers success, and the worker's
 * refusal comes back at the next waited call; one that fails the guest's
 * checks (cuBLAS's argument checks) waits and is refused at once.
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
static int saxpy_call(uint64_t handle, uint64_t mode, uint64_t alpha_dev, const void *alpha, uint64_t alpha_len,
		      uint64_t x, long long *ret, int async)
{
	struct ava_call c;
	int st;

	*ret = -1;
	if (ava_call_begin(&c, AVA_API_CUBLAS, AVA_FN_CUBLAS_cublasSaxpy_v2, async))
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
	if (st == AVA_S_OK && !async)
		*ret = (long long)(int64_t)ava_get_u64(&c);
	ava_call_end(&c);
	return st;
}

static int raw_saxpy(uint64_t handle, uint64_t mode, uint64_t alpha_dev, const void *alpha, uint64_t alpha_len,
		     uint64_t x, long long *ret)
{
	return saxpy_call(handle, mode, alpha_dev, alpha, alpha_len, x, ret, 0);
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

/* The next waited cuBLAS call (cublasGetPointerMode) reports the error of
 * an earlier call sent without waiting, once. */
static void reported_later(cublasHandle_t h, const char *what, long long want)
{
	cublasPointerMode_t mode;
	char text[160];
	long long r = cublasGetPointerMode(h, &mode);

	snprintf(text, sizeof(text), "%s: refused at the next waited call", what);
	result(r == want, text, r);
	r = cublasGetPointerMode(h, &mode);
	result(r == CUBLAS_STATUS_SUCCESS, "and only there", r);
}

/* Compute calls sent without waiting (docs/cuda.md, what waits and what
 * does not): the worker's refusal comes back later; what the guest checks
 * itself (cuBLAS's argument checks) still comes back at once. */
static void without_waiting(cublasHandle_t h, CUdeviceptr d)
{
	float alpha = 1, *dev = (float *)(uintptr_t)d, *foreign = (float *)(uintptr_t)0x1000;
	long long r;
	int st;

	r = cublasSetPointerMode(h, CUBLAS_POINTER_MODE_HOST);
	result(r == CUBLAS_STATUS_SUCCESS, "cublasSetPointerMode(host)", r);
	r = cublasSaxpy(h, 4, &alpha, foreign, 1, dev, 1);
	result(r == CUBLAS_STATUS_SUCCESS, "x outside the session's device memory, sent without waiting", r);
	reported_later(h, "x outside the session's device memory", CUBLAS_STATUS_INVALID_VALUE);
	r = cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &alpha, dev, 4, dev, 4, &alpha, foreign, 4);
	result(r == CUBLAS_STATUS_SUCCESS, "sgemm's C outside the session's memory, sent without waiting", r);
	r = cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &alpha, foreign, 4, dev, 4, &alpha, dev, 4);
	reported_later(h, "two refused calls sent without waiting: the first error", CUBLAS_STATUS_INVALID_VALUE);
	st = saxpy_call(4242, 0, 0, &alpha, 4, d, &r, 1);
	result(st == AVA_S_OK, "a forged handle id sent without waiting", st);
	reported_later(h, "a forged handle id", CUBLAS_STATUS_NOT_INITIALIZED);
	/* cuBLAS's own argument checks, made in the guest: these wait */
	r = cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &alpha, dev, 1, dev, 4, &alpha, dev, 4);
	result(r != CUBLAS_STATUS_SUCCESS, "sgemm with lda < m waits and is refused at once", r);
	r = cublasSgemv(h, CUBLAS_OP_N, 4, 4, &alpha, dev, 4, dev, 0, &alpha, dev, 1);
	result(r != CUBLAS_STATUS_SUCCESS, "sgemv with incx 0 waits and is refused at once", r);
	r = cublasSgemm(h, (cublasOperation_t)7, CUBLAS_OP_N, 4, 4, 4, &alpha, dev, 4, dev, 4, &alpha, dev, 4);
	result(r != CUBLAS_STATUS_SUCCESS, "sgemm with an operation that is none waits and is refused at once", r);
	r = cublasSaxpy(h, 4, NULL, dev, 1, dev, 1);
	result(r == CUBLAS_STATUS_INVALID_VALUE, "saxpy with a NULL alpha waits and is refused at once", r);
	r = cublasGetPointerMode(h, &(cublasPointerMode_t){ 0 });
	result(r == CUBLAS_STATUS_SUCCESS, "none of them left an error for later", r);
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
		without_waiting(h, d);
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
