// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcusolver.so.12 shim: its mark and the
 * set-stream call (answered in the guest when it repeats the handle's
 * stream, mathlib_guest.h).  Every other remoted call is generated
 * (api/cusolver.spec).
 */
#include "cusolver_guest_rt.h"

AVA_MATHLIB_SHIM(cusolver, "AvA cuSOLVER shim");

AVA_MATHLIB_SET_STREAM(cusolverStatus_t, cusolverDnSetStream, cusolverDnHandle_t,
		       ava_mathlib_obj(handle, AVA_API_CUSOLVER, AVA_HT_CUSOLVER_dn), CUSOLVER_STATUS_SUCCESS)
