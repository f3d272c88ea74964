// SPDX-License-Identifier: MIT
/*
 * cuSOLVER in the worker (NVIDIA's libcusolver.so.12, opened in the
 * session's worker process: mathlib_table.c): how its objects go.  The
 * checks of device addresses and workspaces are the math libraries'
 * (mathlib_worker.c).
 */
#include "cusolver_worker_rt.h"

#define SOLVER avaw_cusolver_sym

/* The handle forgets its stream first: at the session's end the CUDA
 * API's streams can be gone already. */
int avaw_cusolver_release(void *handle)
{
	if (!SOLVER.cusolverDnDestroy)
		return 0;
	if (SOLVER.cusolverDnSetStream)
		SOLVER.cusolverDnSetStream(handle, NULL);
	return SOLVER.cusolverDnDestroy(handle);
}

int avaw_cusolver_params_release(void *params)
{
	return SOLVER.cusolverDnDestroyParams ? SOLVER.cusolverDnDestroyParams(params) : 0;
}

int avaw_cusolver_gesvdj_release(void *info)
{
	return SOLVER.cusolverDnDestroyGesvdjInfo ? SOLVER.cusolverDnDestroyGesvdjInfo(info) : 0;
}

int avaw_cusolver_syevj_release(void *info)
{
	return SOLVER.cusolverDnDestroySyevjInfo ? SOLVER.cusolverDnDestroySyevjInfo(info) : 0;
}
