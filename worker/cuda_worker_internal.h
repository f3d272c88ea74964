/* SPDX-License-Identifier: MIT */
/* What the cuda_worker_*.c files share among themselves (cuda_worker_rt.h: what the generated dispatch calls). */
#ifndef AVA_CUDA_WORKER_INTERNAL_H
#define AVA_CUDA_WORKER_INTERNAL_H

#include "cuda_worker_rt.h"

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

/* A vendor library the worker opens on first use (cuda_worker_libs.c). */
struct avaw_vendor_lib {
	const char *env;		/* names the library to use instead */
	const char *const *names;	/* tried in order */
	const char *marker;		/* a symbol only AvA's own shim exports */
	const char *spec;
	int (*load_syms)(void *h);	/* fills the table; returns how many are missing */
	int (*usable)(void);		/* the essential entry points are there */
	const char *absent;		/* logged when the library is not found */
	int log_absent;			/* always, or only with AVA_WORKER_VERBOSE */
	int state;			/* 0 not tried, 1 loaded, -1 unavailable */
};
/* Opens l once; 1 when it can serve calls. */
int avaw_lib_ready(struct avaw_vendor_lib *l);

/* The cuBLAS API's tables (cublas_worker.c), registered with CUDA's. */
void avaw_cublas_register(void);
/* cuFFT's and cuRAND's (mathlib_worker.c). */
void avaw_mathlibs_register(void);
/* cuDNN's (cudnn_worker.c). */
void avaw_cudnn_register(void);

#endif
