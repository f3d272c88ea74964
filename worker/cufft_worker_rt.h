/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuFFT worker dispatch (build/gen/cufft_worker.c)
 * needs.  The worker calls NVIDIA's libcufft.so.12 through a table filled
 * with dlsym when a session first uses cuFFT (mathlib_table.c).
 */
#ifndef AVA_CUFFT_WORKER_RT_H
#define AVA_CUFFT_WORKER_RT_H

#include "../common/cufft_types.h"
#include "mathlib_worker.h"
#define AVAW_CUFFT_SYMS
#include "cufft_ids.h"

AVAW_MATHLIB_DECLS(cufft, CUFFT)

/* @wimpl */
cufftResult avaw_cufft_set_work_area(struct avaw_call *c, cufftHandle plan, void *workArea);

#endif
