/* SPDX-License-Identifier: MIT */
/*
 * Worker halves of the argument codecs (spec annotations @strings, @blobs,
 * @zlist, @props, @kernel_arg, @unmap).  Each has _get (decode), _check
 * (validate; 0, AVAW_BAD or an API error to return) and _free.
 */
#ifndef AVA_WORKER_CODECS_H
#define AVA_WORKER_CODECS_H

#include "worker_call.h"

struct avaw_strings {
	char **val;
	size_t *lengths;
	int present;
	int has_null;		/* an element is NULL */
};
void avaw_strings_get(struct avaw_call *c, struct avaw_strings *v, uint64_t count);
/* The vendor never sees a NULL array or element: invalid_err instead. */
int64_t avaw_strings_check(struct avaw_call *c, struct avaw_strings *v, uint64_t count, int64_t invalid_err);
void avaw_strings_free(struct avaw_call *c, struct avaw_strings *v, int ok);

struct avaw_blobs {
	const unsigned char **val;
	uint64_t *lens;
	uint64_t n;
};
void avaw_blobs_get(struct avaw_call *c, struct avaw_blobs *v, uint64_t count);
int64_t avaw_blobs_check(struct avaw_call *c, struct avaw_blobs *v, uint64_t count, const size_t *lengths);
void avaw_blobs_free(struct avaw_call *c, struct avaw_blobs *v, int ok);

/*
 * @zlist (a zero-terminated list of values) and @props (a key/value list
 * whose values of some keys are handles): each one data argument, checked
 * into a private array of intptr_t (val).
 */
#define AVAW_LIST_CODEC(name)							\
	struct avaw_##name {							\
		struct avaw_data d;						\
		intptr_t *val;							\
	};									\
	void avaw_##name##_get(struct avaw_call *c, struct avaw_##name *v);	\
	int64_t avaw_##name##_check(struct avaw_call *c, struct avaw_##name *v); \
	void avaw_##name##_free(struct avaw_call *c, struct avaw_##name *v, int ok)
AVAW_LIST_CODEC(zlist);
AVAW_LIST_CODEC(props);
/* Property keys whose values are handles, registered per API. */
void avaw_props_set_handle_key(uint32_t api, intptr_t key, uint32_t type, int64_t invalid_err);
void avaw_props_to_wire(struct avaw_call *c, intptr_t *props, uint64_t n);

/*
 * Kernel arguments.  The API tells what each slot of a kernel takes
 * (avaw_kernel_arg_set_slot_fn), so that a handle reaches the vendor only
 * in a slot of its type and raw bytes never where the vendor expects an
 * object; objects bound to a slot stay referenced until the slot is set
 * again or the kernel's handle is released (avaw_handle_bind).
 */
enum avaw_kslot_kind {
	AVAW_KSLOT_BYTES,	/* a scalar, vector or struct: plain bytes */
	AVAW_KSLOT_LOCAL,	/* local memory: a size, no value */
	AVAW_KSLOT_HANDLE,	/* an object of type (or a NULL one) */
	AVAW_KSLOT_UNKNOWN,	/* the vendor cannot tell: bytes of pointer size refused */
};
struct avaw_kslot {
	enum avaw_kslot_kind kind;
	uint32_t type;		/* AVAW_KSLOT_HANDLE: the handle type */
	int64_t err;		/* the API error for a wrong value in this slot */
	int64_t size_err;	/* AVAW_KSLOT_HANDLE: for a size other than a handle's */
	/* optional: does an object of type fit (a buffer where images go...)? */
	int (*obj_fits)(void *obj, int variant);
	int variant;
};
/* 0 with *slot filled, or the API error (an index out of range, ...) */
typedef int64_t (*avaw_kslot_fn)(void *kernel, uint32_t index, struct avaw_kslot *slot);
void avaw_kernel_arg_set_slot_fn(uint32_t api, avaw_kslot_fn fn, const uint32_t *unknown_types);

struct avaw_kernel_arg {
	uint64_t kind;
	uint64_t id;
	struct avaw_data d;
	void *kernel;
	uint32_t index;
	uint32_t bound_type;	/* the object bound on success (0: none) */
	void *slot;
	const void *val;
};
void avaw_kernel_arg_get(struct avaw_call *c, struct avaw_kernel_arg *v);
int64_t avaw_kernel_arg_check(struct avaw_call *c, struct avaw_kernel_arg *v, void *kernel, uint64_t index,
			      uint64_t size, int64_t invalid_err);
void avaw_kernel_arg_free(struct avaw_call *c, struct avaw_kernel_arg *v, int ok);

/* Mappings: the host pointer behind a guest mapping, found by map id. */
struct avaw_map {
	uint64_t id;
	uint32_t api, type;	/* of mem, which the record holds a reference to */
	void *mem;
	void *ptr;
	uint64_t size;
};
uint64_t avaw_map_add(struct avaw_session *s, void *mem, void *ptr, uint64_t size);
void avaw_maps_free_all(struct avaw_session *s);

struct avaw_map_arg {
	uint64_t id;
	struct avaw_data d;
	struct avaw_map *m;
	void *val;
};
void avaw_map_arg_get(struct avaw_call *c, struct avaw_map_arg *v);
int64_t avaw_map_arg_check(struct avaw_call *c, struct avaw_map_arg *v, void *mem, int64_t invalid_err);
void avaw_map_arg_free(struct avaw_call *c, struct avaw_map_arg *v, int ok);

#endif
