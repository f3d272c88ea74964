/* SPDX-License-Identifier: MIT */
/*
 * Guest-side objects.  The application holds pointers to struct ava_obj;
 * the wire carries only their ids.  Reference counts live here: retains are
 * local and the last release tells the worker to drop its handle.  Objects
 * the application did not create (platforms, devices, objects returned by
 * info queries) are pinned for the life of the session.
 */
#ifndef AVA_GUEST_OBJECTS_H
#define AVA_GUEST_OBJECTS_H

#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define AVA_ID_INVALID UINT64_MAX	/* never in a worker's table */

struct ava_release_cb;

/*
 * What one API's own code keeps about an object (OpenCL memory objects in
 * opencl_objects.c, CUDA functions and variables): embedded first in the
 * API's record, attached once, freed with the object.
 */
struct ava_obj_part {
	void (*free)(struct ava_obj_part *part);
};

/* The part every object has, whatever its API. */
struct ava_obj {
	const void *dispatch;		/* first: the OpenCL ICD loader reads it */
	uint64_t id;
	uint32_t api;
	uint32_t type;
	atomic_int refs;
	int pinned;			/* not created by the application */
	int published;
	struct ava_release_cb *on_release;
	struct ava_obj_part *_Atomic part;
};

/* The free of a part that is one allocation. */
void ava_obj_part_free(struct ava_obj_part *part);

/* Attaches part to o; -1 (and nothing changes) when o has one already. */
int ava_obj_attach(struct ava_obj *o, struct ava_obj_part *part);

static inline struct ava_obj_part *ava_obj_part(struct ava_obj *o)
{
	return atomic_load_explicit(&o->part, memory_order_acquire);
}

/* o's part; made (size bytes, zeroed, freed with free_part) when o has none
 * yet.  NULL when out of memory. */
struct ava_obj_part *ava_obj_part_get(struct ava_obj *o, size_t size, void (*free_part)(struct ava_obj_part *));
/* An API's state kept with o (a part of size bytes, one allocation): NULL
 * when o is NULL, or when it has none and not create (or out of memory). */
struct ava_obj_part *ava_obj_state(struct ava_obj *o, size_t size, int create);

/* The table the ICD loader dispatches through, per API (may be NULL). */
void ava_obj_set_dispatch(uint32_t api, const void *table);

struct ava_obj *ava_obj_new(uint32_t api, uint32_t type);
void ava_obj_publish(struct ava_obj *o);
void ava_obj_discard(struct ava_obj *o);
/* The object for a worker-reported id, created (pinned unless owned) if new. */
struct ava_obj *ava_obj_from_id(uint32_t api, uint32_t type, uint64_t id, int owned);
/* Is p a live object of this type (any type if type == 0)? */
struct ava_obj *ava_obj_check(const void *p, uint32_t type);
uint64_t ava_obj_id(const void *p, uint32_t type);
/* Return 0, or -1 when obj is not a live object of that type. */
int ava_obj_retain(const void *obj, uint32_t type);
int ava_obj_release(const void *obj, uint32_t type);
int ava_obj_on_release(const void *obj, uint32_t type, void (*fn)(void), void *user_data,
		       int invalid_err, int invalid_value_err);

/* Asynchronous callbacks, delivered through the notification queue. */
struct ava_cb {
	void (*invoke)(struct ava_cb *cb, int64_t status);
	void (*fn)(void);
	void *user_data;
	struct ava_obj *obj;
};
uint64_t ava_cb_register(void (*invoke)(struct ava_cb *, int64_t), void (*fn)(void),
			 void *user_data, const void *obj);
void ava_cb_cancel(uint64_t cookie);

#endif
