// SPDX-License-Identifier: MIT
/*
 * cublas_fake: how cuBLAS calls travel, checked without a GPU against a
 * stand-in library in the worker (tests/gpu/fake_cublas.c): host-mode
 * scalars inline, results in the reply, device-mode addresses as values,
 * the guest's record of the pointer mode, the compute type's scalar size.
 * Prints TAP.
 *
 *   AVA_CUDA_LIB=$PWD/build/tests/gpu/libfake_cublas.so \
 *   AVA_CUBLAS_LIB=$PWD/build/tests/gpu/libfake_cublas.so \
 *   scripts/ava-local --cuda -- build/tests/gpu/cublas_fake
 */
#include <cublas_v2.h>
#include <stdint.h>
#include <stdio.h>

static int n, failed;

static void check(int ok, const char *what, long long got)
{
	n++;
	failed += !ok;
	printf("%s %d - %s (got %lld)\n", ok ? "ok" : "not ok", n, what, got);
}

static int seen(cublasHandle_t h)
{
	int v = -1;

	cublasGetVersion(h, &v);
	return v;
}

int main(void)
{
	float *dev = (float *)(uintptr_t)0x7f0000000100ull, alpha = 2.5f, result = 0;
	double da = 3, db = 7;
	cublasPointerMode_t mode;
	cublasHandle_t h;
	cublasStatus_t s;

	s = cublasCreate(&h);
	check(s == CUBLAS_STATUS_SUCCESS, "cublasCreate", s);
	if (s)
		return 1;
	s = cublasSaxpy(h, 4, &alpha, dev, 1, dev, 1);
	check(s == 0 && seen(h) == 250, "host mode: alpha travels inline", seen(h));
	s = cublasSdot(h, 41, dev, 1, dev, 1, &result);
	check(s == 0 && result == 41.5f, "host mode: the result comes back", (long long)(result * 10));
	s = cublasSaxpy(h, 4, NULL, dev, 1, dev, 1);
	check(s == CUBLAS_STATUS_INVALID_VALUE, "host mode: a NULL alpha is refused", s);
	s = cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, 1, 1, 1, &da, dev, CUDA_R_64F, 1, dev, CUDA_R_64F, 1, &db, dev,
			 CUDA_R_64F, 1, CUBLAS_COMPUTE_64F, CUBLAS_GEMM_DEFAULT);
	check(s == 0 && seen(h) == 307, "GemmEx: double scalars of a 64F compute type", seen(h));

	s = cublasSetPointerMode(h, CUBLAS_POINTER_MODE_DEVICE);
	cublasGetPointerMode(h, &mode);
	check(s == 0 && mode == CUBLAS_POINTER_MODE_DEVICE, "cublasSetPointerMode(device)", mode);
	result = -1;
	s = cublasSdot(h, 41, dev, 1, dev, 1, dev + 4);
	check(s == 0 && seen(h) == (int)((uintptr_t)(dev + 4) & 0xffff), "device mode: result is a device address",
	      seen(h));
	s = cublasSaxpy(h, 4, dev + 8, dev, 1, dev, 1);
	check(s == 0 && seen(h) == (int)((uintptr_t)(dev + 8) & 0xffff), "device mode: alpha is a device address",
	      seen(h));
	s = cublasSetPointerMode(h, CUBLAS_POINTER_MODE_HOST);
	s = cublasSaxpy(h, 4, &alpha, dev, 1, dev, 1);
	check(s == 0 && seen(h) == 250, "back in host mode", seen(h));
	s = cublasDestroy(h);
	check(s == 0, "cublasDestroy", s);
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
