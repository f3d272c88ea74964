// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcusolver.so.12 shim: its mark.  Every
 * remoted call is generated (api/cusolver.spec).
 */
#include "cusolver_guest_rt.h"

AVA_MATHLIB_SHIM(cusolver, "AvA cuSOLVER shim");
