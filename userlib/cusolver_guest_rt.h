/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuSOLVER guest stubs (build/gen/cusolver_guest.c)
 * need.  The libcusolver.so.12 shim links against AvA's libcuda.so.1 and
 * shares its session (docs/cuda.md).
 */
#ifndef AVA_CUSOLVER_GUEST_RT_H
#define AVA_CUSOLVER_GUEST_RT_H

#include <cusolverDn.h>

#include "cusolver_ids.h"
#include "mathlib_guest.h"
#include "mathlib_types.h"

#endif
