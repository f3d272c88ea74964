// SPDX-License-Identifier: MIT
/*
 * guest_answers: calls the guest answers from what it already knows, checked
 * without a GPU against the stand-in library in the worker
 * (tests/gpu/fake_cublas.c), whose answers count the calls it served.
 *  - cuDevicePrimaryCtxGetState: asked once while the context stays active;
 *    asked again after a call that can change it;
 *  - a library's set-stream call (cuBLAS's here; every library's goes
 *    through the same code, userlib/mathlib_guest.c): sent when the stream
 *    changes, answered in the guest when it repeats the handle's stream,
 *    sent again after cublasSetWorkspace and for a new handle.
 * Prints TAP.
 *
 *   AVA_CUDA_LIB=$PWD/build/tests/gpu/libfake_cublas.so \
 *   AVA_CUBLAS_LIB=$PWD/build/tests/gpu/libfake_cublas.so \
 *   scripts/ava-local --cuda -- build/tests/gpu/guest_answers
 */
#include <cublas_v2.h>
#include <cuda.h>
#include <stdio.h>

static int n, failed;

static void check(int ok, const char *what, long long got)
{
	n++;
	failed += !ok;
	printf("%s %d - %s (got %lld)\n", ok ? "ok" : "not ok", n, what, got);
}

/* The stand-in answers flags = how many GetState calls it served. */
static long long asked(void)
{
	unsigned int flags = 0;
	int active = 0;
	CUresult r = cuDevicePrimaryCtxGetState(0, &flags, &active);

	return r == CUDA_SUCCESS && active ? (long long)flags : -(long long)r;
}

static void primary_state(void)
{
	unsigned int flags;
	long long v;
	int active;

	v = asked();
	check(v == 1, "cuDevicePrimaryCtxGetState: the first call asks the worker", v);
	v = asked();
	check(v == 1, "a second call is answered in the guest", v);
	check(cuDevicePrimaryCtxGetState(0, NULL, &active) == CUDA_ERROR_INVALID_VALUE,
	      "a NULL flags pointer still reaches the worker's check", 0);
	check(cuDevicePrimaryCtxGetState(1, &flags, &active) == CUDA_ERROR_INVALID_DEVICE,
	      "another device is asked (and refused)", 0);
	check(cuDevicePrimaryCtxSetFlags(0, CU_CTX_SCHED_BLOCKING_SYNC) == CUDA_SUCCESS,
	      "cuDevicePrimaryCtxSetFlags", 0);
	v = asked();
	check(v == 2, "after SetFlags the worker is asked again", v);
	v = asked();
	check(v == 2, "and then answered in the guest again", v);
	cuDevicePrimaryCtxRelease(0);
	v = asked();
	check(v == 3, "after Release the worker is asked again", v);
	cuDevicePrimaryCtxReset(0);
	v = asked();
	check(v == 4, "after Reset the worker is asked again", v);
}

/* Sets the stream; the count of set-stream calls the stand-in served, or
 * -1 when the call failed. */
static long long set(cublasHandle_t h, cudaStream_t stream)
{
	int v = -1;

	if (cublasSetStream(h, stream) != CUBLAS_STATUS_SUCCESS)
		return -1;
	cublasGetVersion(h, &v);
	return v;
}

static void set_stream(void)
{
	cudaStream_t legacy = (cudaStream_t)0x1, per_thread = (cudaStream_t)0x2, got = NULL;
	cublasHandle_t h, h2;
	int before = 0;
	long long v;

	if (cublasCreate(&h) != CUBLAS_STATUS_SUCCESS) {
		check(0, "cublasCreate", -1);
		return;
	}
	v = set(h, legacy);
	check(v == 1, "cublasSetStream: the first call is sent", v);
	v = set(h, legacy);
	check(v == 1, "the same stream again is answered in the guest", v);
	check(cublasGetStream(h, &got) == 0 && got == legacy, "cublasGetStream answers the stream set", 0);
	v = set(h, per_thread);
	check(v == 2, "another stream is sent", v);
	v = set(h, NULL);
	check(v == 3, "the default stream is sent", v);
	v = set(h, NULL);
	check(v == 3, "and answered in the guest when repeated", v);
	check(cublasSetWorkspace(h, NULL, 0) == 0, "cublasSetWorkspace", 0);
	v = set(h, NULL);
	check(v == 4, "after cublasSetWorkspace the same stream is sent (it resets the workspace)", v);
	v = set(h, (cudaStream_t)&got);
	check(v == -1, "a pointer that is no stream is refused", v);
	v = set(h, NULL);
	check(v == 5, "after a refused call the stream is sent again", v);
	cublasDestroy(h);
	if (cublasCreate(&h2) != CUBLAS_STATUS_SUCCESS) {
		check(0, "cublasCreate (a second handle)", -1);
		return;
	}
	cublasGetVersion(h2, &before);	/* the worker's destroy set NULL too */
	v = set(h2, NULL);
	check(v == before + 1, "a new handle's first set-stream call is sent", v - before);
	cublasDestroy(h2);
}

int main(void)
{
	primary_state();
	set_stream();
	printf("1..%d\n", n);
	return failed != 0;
}
