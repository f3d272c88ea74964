/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuBLAS worker dispatch (build/gen/cublas_worker.c)
 * needs.  The worker calls NVIDIA's libcublas.so.13 through a table filled
 * with dlsym when a session first uses cuBLAS (mathlib_table.c).
 */
#ifndef AVA_CUBLAS_WORKER_RT_H
#define AVA_CUBLAS_WORKER_RT_H

#include <cublas_v2.h>

#include "../common/cublas_types.h"
#include "mathlib_worker.h"
#define AVAW_CUBLAS_SYMS
#include "cublas_ids.h"

AVAW_MATHLIB_DECLS(cublas, CUBLAS)

/* @pmode: 0 when mode (1: device) is the handle's pointer mode, else the error. */
int64_t avaw_cublas_pmode_check(struct avaw_call *c, cublasHandle_t handle, int mode);

/* @wimpl */
cublasStatus_t avaw_cublas_set_workspace(struct avaw_call *c, cublasHandle_t handle, void *workspace,
					 size_t size);

#endif
