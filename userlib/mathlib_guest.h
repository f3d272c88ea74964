/* SPDX-License-Identifier: MIT */
/*
 * What the shims of NVIDIA's math libraries (cuBLAS, cuBLASLt, cuFFT,
 * cuRAND, cuSOLVER, cuSPARSE) share in the guest.  Each links against
 * AvA's libcuda.so.1 and shares its session; a library's stream is one of
 * the CUDA API's.
 */
#ifndef AVA_MATHLIB_GUEST_H
#define AVA_MATHLIB_GUEST_H

#include <stdatomic.h>
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

/* What a shim keeps with a library handle (mathlib_guest.c). */
struct ava_mathlib_state {
	struct ava_obj_part part;	/* first: the object's part */
	atomic_int pmode;		/* nonzero: scalars are device pointers */
	_Atomic(void *) stream;		/* as the program set it */
};
/* The state of a live handle of api and type; made on first use if create. */
struct ava_mathlib_state *ava_mathlib_state(const void *handle, uint32_t api, uint32_t type, int create);
/* The handle's pointer mode as the guest set it (host, 0, by default). */
int ava_mathlib_pmode(const void *handle, uint32_t api, uint32_t type);
void ava_mathlib_set_pmode(const void *handle, uint32_t api, uint32_t type, int device);

/* Marks a shim, so the worker never loads it as NVIDIA's library. */
#define AVA_MATHLIB_SHIM(name, text) AVA_EXPORT const char ava_##name##_shim[] = text

#endif
