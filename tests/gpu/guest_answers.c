// SPDX-License-Identifier: MIT
/*
 * guest_answers: calls the guest answers from what it already knows, checked
 * without a GPU against the stand-in library in the worker
 * (tests/gpu/fake_cublas.c), whose answers count the calls it served.
 *  - cuDevicePrimaryCtxGetState: asked once while the context stays active;
 *    asked again after a call that can change it.
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

int main(void)
{
	primary_state();
	printf("1..%d\n", n);
	return failed != 0;
}
