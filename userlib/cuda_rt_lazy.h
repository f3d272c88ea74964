/* SPDX-License-Identifier: MIT */
/*
 * Lazy registration of the fat binaries, kernels and device variables
 * nvcc's host code registers at load (cuda_rt_lazy.c says how).  The
 * registration calls only record; a lookup sends the fat binary it needs to
 * this session's worker the first time.
 */
#ifndef AVA_CUDA_RT_LAZY_H
#define AVA_CUDA_RT_LAZY_H

#include <stddef.h>
#include <stdint.h>

#include "cuda_guest_rt.h"

/* __cudaRegisterFatBinary of size bytes at data: the handle to give nvcc's code */
void **ava_rt_lazy_fatbin(const void *data, uint64_t size);
void ava_rt_lazy_end(void **fb);
void ava_rt_lazy_unregister(void **fb);
void ava_rt_lazy_func(void **fb, const void *host, const char *name, int thread_limit);
void ava_rt_lazy_var(void **fb, const void *host, const char *name, size_t size, int ext, int constant,
		     int global);
/* __cudaInitModule: sends the fat binary; 1 when the worker's libcudart loaded it */
int ava_rt_lazy_init_module(void **fb);

/* This session's kernel (variable) of a host address, its fat binary sent
 * first when it has not been; NULL when none is registered there. */
cudaKernel_t ava_rt_lazy_kernel(const void *host);
ava_var_t ava_rt_lazy_variable(const void *host);

#endif
