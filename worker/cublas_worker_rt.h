/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuBLAS worker dispatch (build/gen/cublas_worker.c)
 * needs.  The worker calls NVIDIA's libcublas.so.13 through a table filled
 * with dlsym when a session first uses cuBLAS (cublas_worker.c); cuBLAS
 * runs on the session's CUDA context, streams and device memory.
 */
#ifndef AVA_CUBLAS_WORKER_RT_H
#define AVA_CUBLAS_WORKER_RT_H

#include <cublas_v2.h>

#include "cuda_worker_rt.h"
#include "../common/cublas_types.h"
#define AVAW_CUBLAS_SYMS
#include "cublas_ids.h"

extern const avaw_fn avaw_cublas_fns[AVA_FN_CUBLAS_COUNT];
extern const struct avaw_handle_type avaw_cublas_types[AVA_HT_CUBLAS_COUNT];

/* Loads libcublas.so.13 on first use; 0 when it is not available. */
int avaw_cublas_ready(struct avaw_call *c);
/* @devptr: NULL (cuBLAS reports it) or device memory of this session. */
int avaw_cublas_devptr_ok(struct avaw_call *c, uint64_t ptr);
/* @pmode: 0 when mode (1: device) is the handle's pointer mode, else the error. */
int64_t avaw_cublas_pmode_check(struct avaw_call *c, cublasHandle_t handle, int mode);
/* Streams are the CUDA driver API's (its handle table). */
int avaw_cublas_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
int avaw_cublas_release(void *handle);

/* @wimpl */
cublasStatus_t avaw_cublas_set_workspace(struct avaw_call *c, cublasHandle_t handle, void *workspace,
					 size_t size);

#endif
