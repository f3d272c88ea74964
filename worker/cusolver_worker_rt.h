/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuSOLVER worker dispatch (build/gen/cusolver_worker.c)
 * needs.  The worker calls NVIDIA's libcusolver.so.12 through a table
 * filled with dlsym when a session first uses cuSOLVER (mathlib_table.c).
 */
#ifndef AVA_CUSOLVER_WORKER_RT_H
#define AVA_CUSOLVER_WORKER_RT_H

#include <cusolverDn.h>

#include "../common/mathlib_types.h"
#include "mathlib_worker.h"
#define AVAW_CUSOLVER_SYMS
#include "cusolver_ids.h"

AVAW_MATHLIB_DECLS(cusolver, CUSOLVER)

#endif
