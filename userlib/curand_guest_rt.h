/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuRAND guest stubs (build/gen/curand_guest.c) need.
 * The libcurand.so.10 shim links against AvA's libcuda.so.1 and shares its
 * session (docs/cuda.md).
 */
#ifndef AVA_CURAND_GUEST_RT_H
#define AVA_CURAND_GUEST_RT_H

#include <curand.h>

#include "curand_ids.h"
#include "curand_types.h"
#include "mathlib_guest.h"

/* @pmode: nonzero when the generator fills device memory (not a host one). */
int ava_curand_pmode(curandGenerator_t generator);

/* the generated stub the exported curandCreateGeneratorHost wraps (@wrap) */
curandStatus_t avagen_curandCreateGeneratorHost(curandGenerator_t *generator, curandRngType_t rng_type);

#endif
