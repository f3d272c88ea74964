/* SPDX-License-Identifier: MIT */
/* What cuda_runtime.c lends the other hand-written parts of the libcudart.so.13 shim. */
#ifndef AVA_CUDA_RUNTIME_MORE_H
#define AVA_CUDA_RUNTIME_MORE_H

#include "cuda_guest_rt.h"

/* Records e as the calling thread's last error (when not cudaSuccess); returns e. */
cudaError_t ava_rt_err(cudaError_t e);
/* The registered kernel of a host function, or NULL. */
cudaKernel_t ava_rt_kernel_of(const void *hostFun);
/* Fetches the kernel's parameter layout from the worker once. */
cudaError_t ava_rt_kernel_ready(cudaKernel_t k);

#endif
