/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuFFT guest stubs (build/gen/cufft_guest.c) need.  The
 * libcufft.so.12 shim links against AvA's libcuda.so.1 and shares its
 * session (docs/cuda.md).
 */
#ifndef AVA_CUFFT_GUEST_RT_H
#define AVA_CUFFT_GUEST_RT_H

#include "cufft_types.h"
#include "cufft_ids.h"
#include "mathlib_guest.h"

/*
 * A plan is an int (cufftHandle): the program holds numbers the shim hands
 * out, the wire carries the plan object's id.  guest_value: the number of
 * a new plan; guest_id: the id of a number (AVA_ID_INVALID if unknown).
 */
cufftHandle ava_cufft_plan_value(struct ava_obj *plan);
uint64_t ava_cufft_plan_id(cufftHandle plan, uint32_t type);

#endif
