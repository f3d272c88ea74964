/* SPDX-License-Identifier: MIT */
/* What the cuda_worker_*.c files share among themselves (cuda_worker_rt.h: what the generated dispatch calls). */
#ifndef AVA_CUDA_WORKER_INTERNAL_H
#define AVA_CUDA_WORKER_INTERNAL_H

#include "cuda_worker_rt.h"
#include "mathlib_worker.h"	/* the vendor libraries the worker opens */

/* NVIDIA's entry points, loaded by cuda_worker_libs.c */
#define CU avaw_cuda_sym
#define RT avaw_cudart_sym

struct avaw_finfo;	/* a kernel's parameter layout (cuda_worker_params.c) */

/* A registered kernel; the address of key is what the worker's libcudart knows it by. */
struct avaw_kfunc {
	char key;
	char *name;
	cudaKernel_t kernel;
	struct avaw_finfo *fi;
};

/* The driver's handle of a registered kernel (cuda_worker_fatbin.c). */
cudaError_t avaw_rt_kernel(struct avaw_kfunc *k);

/* [offset, offset + count) of pinned memory hm, or NULL (cuda_worker_hostmem.c). */
void *avaw_cu_hostmem_at(ava_hostmem_t hm, size_t offset, size_t count);

/* A host function waits on a slot of hm (+1, -1 when done); released
 * while busy, hm stays mapped and closing answers 1 (cuda_worker_hostmem.c). */
void avaw_cu_hostmem_busy(ava_hostmem_t hm, int delta);
int avaw_cu_hostmem_closing(ava_hostmem_t hm);

#endif
