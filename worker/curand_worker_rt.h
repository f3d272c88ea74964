/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuRAND worker dispatch (build/gen/curand_worker.c)
 * needs.  The worker calls NVIDIA's libcurand.so.10 through a table filled
 * with dlsym when a session first uses cuRAND (mathlib_table.c).
 */
#ifndef AVA_CURAND_WORKER_RT_H
#define AVA_CURAND_WORKER_RT_H

#include <curand.h>

#include "../common/curand_types.h"
#include "mathlib_worker.h"
#define AVAW_CURAND_SYMS
#include "curand_ids.h"

AVAW_MATHLIB_DECLS(curand, CURAND)

/* @pmode: 0 when mode (1: device memory) is the generator's, else the error. */
int64_t avaw_curand_pmode_check(struct avaw_call *c, curandGenerator_t generator, int mode);

/* @wimpl: creates a host generator and records that it is one. */
curandStatus_t avaw_curand_create_host(struct avaw_call *c, curandGenerator_t *generator,
				       curandRngType_t rng_type);

#endif
