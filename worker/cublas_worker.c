// SPDX-License-Identifier: MIT
/*
 * cuBLAS in the worker (NVIDIA's libcublas.so.13, opened in the session's
 * worker process: mathlib_table.c) and the checks the spec names beyond
 * the math libraries' shared ones: a handle's pointer mode and workspaces
 * inside one allocation.
 */
#include "cublas_worker_rt.h"

/* A forged mode would make cuBLAS read a worker address as a device one,
 * or dereference a device address on the host. */
int64_t avaw_cublas_pmode_check(struct avaw_call *c, cublasHandle_t handle, int mode)
{
	cublasPointerMode_t m;
	cublasStatus_t st;

	if (!handle)
		return CUBLAS_STATUS_NOT_INITIALIZED;
	if (!avaw_cublas_ready(c))
		return 0;	/* the call answers that the library is missing */
	st = avaw_cublas_sym.cublasGetPointerMode_v2(handle, &m);
	if (st != CUBLAS_STATUS_SUCCESS)
		return st;
	return (m == CUBLAS_POINTER_MODE_DEVICE) == (mode == 1) ? 0 : CUBLAS_STATUS_INVALID_VALUE;
}

AVAW_MATHLIB_RELEASE_HANDLE(avaw_cublas_release, avaw_cublas_sym, cublasSetStream_v2, cublasDestroy_v2)

cublasStatus_t avaw_cublas_set_workspace(struct avaw_call *c, cublasHandle_t handle, void *workspace,
					 size_t size)
{
	(void)c;
	if (!avaw_cublas_sym.cublasSetWorkspace_v2)
		return CUBLAS_STATUS_NOT_SUPPORTED;
	/* cuBLAS would use all size bytes: they must be one allocation's */
	if (workspace && !avaw_mathlib_range_ok((uint64_t)(uintptr_t)workspace, size))
		return CUBLAS_STATUS_INVALID_VALUE;
	return avaw_cublas_sym.cublasSetWorkspace_v2(handle, workspace, size);
}
