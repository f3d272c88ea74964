/* SPDX-License-Identifier: MIT */
/*
 * What the worker halves of NVIDIA's math-library shims (cuBLAS, cuBLASLt,
 * cuFFT, cuRAND, cuSOLVER, cuSPARSE) share.  Each library runs in the
 * session's worker on its CUDA context, streams and device memory; each is
 * one row of the table in mathlib_table.c (a new library: a spec, its
 * <api>_worker_rt.h with AVAW_MATHLIB_DECLS, and a row there).
 */
#ifndef AVA_MATHLIB_WORKER_H
#define AVA_MATHLIB_WORKER_H

#include <stddef.h>
#include <stdint.h>

#include "cuda_worker_rt.h"

/* A vendor library the worker opens on first use (cuda_worker_libs.c). */
struct avaw_vendor_lib {
	const char *env;		/* names the library to use instead */
	const char *soname;		/* tried as is, then in the toolkit's directories */
	const char *marker;		/* a symbol only AvA's own shim exports */
	const char *spec;
	int (*load_syms)(void *h);	/* fills the table; returns how many are missing */
	const char *const *essential;	/* entry points it cannot serve without */
	const char *absent;		/* logged when the library is not found */
	int log_absent;			/* always, or only with AVA_WORKER_VERBOSE */
	int state;			/* 0 not tried, 1 loaded, -1 unavailable */
};
/* Opens l once; 1 when it can serve calls. */
int avaw_lib_ready(struct avaw_vendor_lib *l);

/* One math library: its API's tables and its vendor library. */
struct avaw_mathlib {
	uint32_t api;			/* AVA_API_* */
	struct avaw_api tables;
	struct avaw_vendor_lib lib;
	int needs_cuda;			/* 0: serves calls without a GPU (cuRAND's host generators) */
};

/* The table (mathlib_table.c). */
extern struct avaw_mathlib avaw_mathlibs[];
extern const unsigned avaw_nmathlibs;

/* Loads the library of api on first use; 0 when it is not available. */
int avaw_mathlib_ready(struct avaw_call *c, uint32_t api);

/* What the generated dispatch of a math library needs of its own tables. */
#define AVAW_MATHLIB_DECLS(name, NAME)								\
	extern const avaw_fn avaw_##name##_fns[AVA_FN_##NAME##_COUNT];				\
	extern const struct avaw_handle_type avaw_##name##_types[AVA_HT_##NAME##_COUNT];	\
	static inline int avaw_##name##_ready(struct avaw_call *c)				\
	{											\
		return avaw_mathlib_ready(c, AVA_API_##NAME);					\
	}

/* @devptr: NULL (the library reports it) or device memory of this session. */
int avaw_mathlib_devptr_ok(struct avaw_call *c, uint64_t ptr);
/* Is [ptr, ptr + size) inside one device allocation? */
int avaw_mathlib_range_ok(uint64_t ptr, size_t size);
/* A library's stream is one of the CUDA driver API's (its handle table). */
int avaw_mathlib_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
/* A library object that must not be NULL (NVIDIA's libraries dereference
 * a NULL handle or descriptor): id 0 is refused. */
int avaw_mathlib_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
/* Looks id up in another API's table (a handle one library shares with another). */
int avaw_mathlib_foreign_handle(struct avaw_call *c, uint32_t api, uint64_t id, uint32_t type, void **obj);

/* FN, a handle type's release=: the library's DESTROY call from TABLE (its
 * dlsym table), when the library has it. */
#define AVAW_MATHLIB_RELEASE(fn, table, destroy)			\
	int fn(void *obj)						\
	{								\
		return table.destroy ? table.destroy(obj) : 0;		\
	}
/* The same for a library handle, which forgets its stream first: at the
 * session's end the CUDA API's streams can be gone already. */
#define AVAW_MATHLIB_RELEASE_HANDLE(fn, table, set_stream, destroy)	\
	int fn(void *obj)						\
	{								\
		if (!table.destroy)					\
			return 0;					\
		if (table.set_stream)					\
			table.set_stream(obj, NULL);			\
		return table.destroy(obj);				\
	}

/* Registers every math library's API (from avaw_cuda_register). */
void avaw_mathlibs_register(void);

#endif
