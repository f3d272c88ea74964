// SPDX-License-Identifier: MIT
/*
 * cuSOLVER in the worker (NVIDIA's libcusolver.so.12, opened in the
 * session's worker process: mathlib_table.c): how its objects go.  The
 * checks of device addresses and workspaces are the math libraries'
 * (mathlib_worker.c).
 */
#include "cusolver_worker_rt.h"

#define SOLVER avaw_cusolver_sym

AVAW_MATHLIB_RELEASE_HANDLE(avaw_cusolver_release, SOLVER, cusolverDnSetStream, cusolverDnDestroy)
AVAW_MATHLIB_RELEASE(avaw_cusolver_params_release, SOLVER, cusolverDnDestroyParams)
AVAW_MATHLIB_RELEASE(avaw_cusolver_gesvdj_release, SOLVER, cusolverDnDestroyGesvdjInfo)
AVAW_MATHLIB_RELEASE(avaw_cusolver_syevj_release, SOLVER, cusolverDnDestroySyevjInfo)
