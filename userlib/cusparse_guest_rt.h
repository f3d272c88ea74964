/* SPDX-License-Identifier: MIT */
/*
 * What the generated cuSPARSE guest stubs (build/gen/cusparse_guest.c)
 * need.  The libcusparse.so.12 shim links against AvA's libcuda.so.1 and
 * shares its session (docs/cuda.md).
 */
#ifndef AVA_CUSPARSE_GUEST_RT_H
#define AVA_CUSPARSE_GUEST_RT_H

#include <cusparse.h>

#include "cusparse_ids.h"
#include "mathlib_guest.h"
#include "mathlib_types.h"

/* @pmode: the handle's pointer mode as the guest set it (host by default). */
int ava_cusparse_pmode(cusparseHandle_t handle);
/* @after hook of cusparseSetPointerMode */
void ava_cusparse_set_pmode(cusparseHandle_t handle, cusparsePointerMode_t mode);
/* Ids of the read-only descriptor types: their writable types' objects. */
uint64_t ava_cusparse_spmat_id(const void *descr, uint32_t type);
uint64_t ava_cusparse_dnmat_id(const void *descr, uint32_t type);
uint64_t ava_cusparse_dnvec_id(const void *descr, uint32_t type);

#endif
