/* SPDX-License-Identifier: MIT */
/*
 * What the worker halves of the math-library shims other than cuBLAS
 * (cuFFT, cuRAND) share: their libraries run on the session's CUDA
 * context, streams and device memory (mathlib_worker.c).
 */
#ifndef AVA_MATHLIB_WORKER_H
#define AVA_MATHLIB_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "cuda_worker_rt.h"

/* @devptr: NULL (the library reports it) or device memory of this session. */
int avaw_mathlib_devptr_ok(struct avaw_call *c, uint64_t ptr);
/* Is [ptr, ptr + size) inside one device allocation? */
int avaw_mathlib_range_ok(uint64_t ptr, size_t size);
/* A library's stream is one of the CUDA driver API's (its handle table). */
int avaw_mathlib_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);

/* Registers the cuFFT and cuRAND APIs (from avaw_cuda_register). */
void avaw_mathlibs_register(void);

#endif
