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
	_Atomic uint64_t stream_tag;	/* the library has it (ava_mathlib_stream_tag); 0 not known */
};
/* The library object of a live handle of api and type, or NULL. */
struct ava_obj *ava_mathlib_obj(const void *handle, uint32_t api, uint32_t type);
/* The state of a live handle of api and type; made on first use if create. */
struct ava_mathlib_state *ava_mathlib_state(const void *handle, uint32_t api, uint32_t type, int create);
/* The handle's pointer mode as the guest set it (host, 0, by default). */
int ava_mathlib_pmode(const void *handle, uint32_t api, uint32_t type);
void ava_mathlib_set_pmode(const void *handle, uint32_t api, uint32_t type, int device);

/* ------------------------------------------------------------ set-stream calls
 * A library's set-stream call that repeats the stream the handle already
 * has is answered in the guest (PyTorch sets it before every operation).
 * What the guest knows lives with the handle's object, so a destroyed
 * handle takes it along, and names the stream by its id, which a stream
 * created later never has.  A call that changes more than the stream
 * (cublasSetStream resets the workspace) forgets it first.
 */
/* The stream the program last set on o (NULL: none yet). */
void *ava_mathlib_stream(struct ava_obj *o);
/* 1 when o's library has stream already (the call is answered in the
 * guest); else 0, and the caller sends the call with ava_mathlib_stream_send. */
int ava_mathlib_stream_same(struct ava_obj *o, const void *stream);
/* Runs send (the generated stub) and remembers what the library has now;
 * set-stream calls of every library are sent one at a time, so what is
 * remembered is what the library received last.  Returns send's status. */
int ava_mathlib_stream_send(struct ava_obj *o, void *stream, int ok, int (*send)(void *ctx), void *ctx);
/* Forgets o's stream: the next set-stream call is sent. */
void ava_mathlib_stream_forget(struct ava_obj *o);

/* Defines FN, a library's exported set-stream call (declared with a
 * cudaStream_t as its second parameter), over its generated stub; OBJ is
 * the object of `handle`, OK the library's success. */
#define AVA_MATHLIB_SET_STREAM(status_t, fn, handle_t, obj, ok)					status_t avagen_##fn(handle_t handle, cudaStream_t stream);					struct fn##_args {											handle_t handle;										cudaStream_t stream;									};												static int fn##_send(void *ctx)									{													struct fn##_args *a = ctx;									return (int)avagen_##fn(a->handle, a->stream);						}												AVA_EXPORT status_t fn(handle_t handle, cudaStream_t stream)					{													struct fn##_args a = { handle, stream };							if (ava_mathlib_stream_same(obj, stream))								return ok;										return (status_t)ava_mathlib_stream_send(obj, stream, ok, fn##_send, &a);		}

/* Marks a shim, so the worker never loads it as NVIDIA's library. */
#define AVA_MATHLIB_SHIM(name, text) AVA_EXPORT const char ava_##name##_shim[] = text

#endif
