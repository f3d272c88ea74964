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
#include <stdint.h>

#define AVA_ID_INVALID UINT64_MAX	/* never in a worker's table */

struct ava_release_cb;

struct ava_obj {
	const void *dispatch;		/* first: the OpenCL ICD loader reads it */
	uint64_t id;
	uint32_t api;
	uint32_t type;
	atomic_int refs;
	int pinned;			/* not created by the application */
	int published;
	/* memory objects */
	uint64_t mem_flags;
	void *host_ptr;
	uint64_t size;
	uint32_t elem_size;		/* images: bytes per pixel */
	uint64_t img_row;		/* images: tightly packed pitches */
	uint64_t img_slice;
	int is_image;
	struct ava_release_cb *on_release;
};

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

/* Mappings of memory objects (clEnqueueMap*): guest memory mirroring the host's. */
struct ava_map;
struct ava_map *ava_map_find(const void *memobj, const void *ptr);
void *ava_map_open(const void *memobj, uint64_t map_id, uint64_t offset, uint64_t size, int writes);
struct ava_call;
void ava_map_put(struct ava_call *c, struct ava_map *m);
void ava_map_close(struct ava_map *m);

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
