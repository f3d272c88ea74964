/* SPDX-License-Identifier: MIT */
/*
 * What the shims of NVIDIA's math libraries (cuBLAS, cuBLASLt, cuFFT,
 * cuRAND, cuSOLVER, cuSPARSE) share in the guest.  Each links against
 * AvA's libcuda.so.1 and shares its session; a library's stream is one of
 * the CUDA API's.
 */
#ifndef AVA_MATHLIB_GUEST_H
#define AVA_MATHLIB_GUEST_H

#include <stdint.h>

#include "cuda_guest_rt.h"
#include "cuda_ids.h"

/* A stream's id: one of the CUDA API's streams (or a special value); type
 * is the library spec's own stream type, which has no objects. */
static inline uint64_t ava_mathlib_stream_id(const void *stream, uint32_t type)
{
	(void)type;
	return ava_cu_stream_id(stream, AVA_HT_CUDA_stream);
}

/* Marks a shim, so the worker never loads it as NVIDIA's library. */
#define AVA_MATHLIB_SHIM(name, text) AVA_EXPORT const char ava_##name##_shim[] = text

#endif
