// SPDX-License-Identifier: MIT
/* Guest objects, their ids and reference counts, and callbacks (guest_objects.h). */
#include "guest_objects.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../uapi/ava_wire.h"
#include "guest_call.h"
#include "guest_session.h"
#include "hmap.h"

struct ava_release_cb {
	void (*fn)(void);
	void *user_data;
	struct ava_release_cb *next;
};

static pthread_mutex_t obj_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_hmap by_ptr;		/* live object address -> object */
static struct ava_hmap by_id[AVA_API_COUNT];
static atomic_uint_fast64_t next_id = 1;
static const void *dispatch[AVA_API_COUNT];

void ava_obj_set_dispatch(uint32_t api, const void *table)
{
	if (api < AVA_API_COUNT)
		dispatch[api] = table;
}

static struct ava_obj *obj_alloc(uint32_t api, uint32_t type, uint64_t id)
{
	struct ava_obj *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->dispatch = dispatch[api];
	o->api = api;
	o->type = type;
	o->id = id;
	atomic_init(&o->refs, 1);
	return o;
}

static void obj_free(struct ava_obj *o)
{
	struct ava_obj_part *part = ava_obj_part(o);

	if (part)
		part->free(part);
	free(o);
}

struct ava_obj *ava_obj_new(uint32_t api, uint32_t type)
{
	return obj_alloc(api, type, atomic_fetch_add(&next_id, 1));
}

void ava_obj_part_free(struct ava_obj_part *part)
{
	free(part);
}

int ava_obj_attach(struct ava_obj *o, struct ava_obj_part *part)
{
	struct ava_obj_part *none = NULL;

	return atomic_compare_exchange_strong(&o->part, &none, part) ? 0 : -1;
}

struct ava_obj_part *ava_obj_part_get(struct ava_obj *o, size_t size, void (*free_part)(struct ava_obj_part *))
{
	struct ava_obj_part *part = ava_obj_part(o);

	if (part)
		return part;
	part = calloc(1, size);
	if (!part)
		return NULL;
	part->free = free_part;
	if (ava_obj_attach(o, part)) {	/* another thread attached one first */
		free(part);
		part = ava_obj_part(o);
	}
	return part;
}

struct ava_obj_part *ava_obj_state(struct ava_obj *o, size_t size, int create)
{
	if (!o)
		return NULL;
	return create ? ava_obj_part_get(o, size, ava_obj_part_free) : ava_obj_part(o);
}

void ava_obj_publish(struct ava_obj *o)
{
	pthread_mutex_lock(&obj_lock);
	if (ava_hmap_put(&by_ptr, (uint64_t)(uintptr_t)o, o) == 0 &&
	    ava_hmap_put(&by_id[o->api], o->id, o) == 0)
		o->published = 1;
	pthread_mutex_unlock(&obj_lock);
}

void ava_obj_discard(struct ava_obj *o)
{
	if (o && !o->published)
		obj_free(o);
}

struct ava_obj *ava_obj_from_id(uint32_t api, uint32_t type, uint64_t id, int owned)
{
	struct ava_obj *o;

	if (api >= AVA_API_COUNT || id == 0 || id == AVA_ID_INVALID)
		return NULL;
	pthread_mutex_lock(&obj_lock);
	o = ava_hmap_get(&by_id[api], id);
	if (o && o->type != type)
		o = NULL;
	if (!o && !ava_hmap_get(&by_id[api], id) && (o = obj_alloc(api, type, id))) {
		o->pinned = !owned;
		if (ava_hmap_put(&by_ptr, (uint64_t)(uintptr_t)o, o) ||
		    ava_hmap_put(&by_id[api], id, o)) {
			ava_hmap_del(&by_ptr, (uint64_t)(uintptr_t)o);
			obj_free(o);
			o = NULL;
		} else {
			o->published = 1;
		}
	}
	pthread_mutex_unlock(&obj_lock);
	return o;
}

struct ava_obj *ava_obj_check(const void *p, uint32_t type)
{
	struct ava_obj *o;

	if (!p)
		return NULL;
	pthread_mutex_lock(&obj_lock);
	o = ava_hmap_get(&by_ptr, (uint64_t)(uintptr_t)p);
	if (o && type && o->type != type)
		o = NULL;
	pthread_mutex_unlock(&obj_lock);
	return o;
}

uint64_t ava_obj_id(const void *p, uint32_t type)
{
	struct ava_obj *o;

	if (!p)
		return 0;
	o = ava_obj_check(p, type);
	return o ? o->id : AVA_ID_INVALID;
}

int ava_obj_retain(const void *obj, uint32_t type)
{
	struct ava_obj *o = ava_obj_check(obj, type);

	if (!o)
		return -1;
	if (!o->pinned)
		atomic_fetch_add(&o->refs, 1);
	return 0;
}

int ava_obj_release(const void *obj, uint32_t type)
{
	struct ava_obj *o = ava_obj_check(obj, type);
	struct ava_release_cb *cb;

	if (!o)
		return -1;
	if (o->pinned || atomic_fetch_sub(&o->refs, 1) != 1)
		return 0;
	pthread_mutex_lock(&obj_lock);
	ava_hmap_del(&by_ptr, (uint64_t)(uintptr_t)o);
	ava_hmap_del(&by_id[o->api], o->id);
	pthread_mutex_unlock(&obj_lock);
	ava_session_release(o->api, o->id);
	/* destructor callbacks run in reverse order of registration */
	while ((cb = o->on_release)) {
		o->on_release = cb->next;
		((void (*)(void *, void *))cb->fn)(o, cb->user_data);
		free(cb);
	}
	obj_free(o);
	return 0;
}

int ava_obj_on_release(const void *obj, uint32_t type, void (*fn)(void), void *user_data,
		       int invalid_err, int invalid_value_err)
{
	struct ava_obj *o = ava_obj_check(obj, type);
	struct ava_release_cb *cb;

	if (!o)
		return invalid_err;
	if (!fn)
		return invalid_value_err;
	cb = malloc(sizeof(*cb));
	if (!cb)
		return invalid_value_err;
	cb->fn = fn;
	cb->user_data = user_data;
	pthread_mutex_lock(&obj_lock);
	cb->next = o->on_release;
	o->on_release = cb;
	pthread_mutex_unlock(&obj_lock);
	return 0;
}

/* ------------------------------------------------------------- callbacks */

static struct ava_hmap cbs;
static uint64_t next_cookie = 1;
static pthread_t note_thread;
static int note_started;

static void *note_main(void *arg)
{
	struct ava_session *s = &ava_sess;

	(void)arg;
	for (;;) {
		struct ava_shm_ctl *ctl = s->m.ctl;
		uint64_t tail = atomic_load(&ctl->note_tail);
		uint32_t seq = atomic_load(&ctl->note_seq);
		uint64_t head = atomic_load_explicit(&ctl->note_head, memory_order_acquire);

		if (head == tail) {
			ava_futex_wait(&ctl->note_seq, seq, 1000);
			continue;
		}
		struct ava_note n = s->m.notes[tail % s->m.note_count];
		struct ava_cb *cb;

		atomic_store_explicit(&ctl->note_tail, tail + 1, memory_order_release);
		pthread_mutex_lock(&obj_lock);
		cb = ava_hmap_del(&cbs, n.cookie);
		pthread_mutex_unlock(&obj_lock);
		if (!cb)
			continue;
		cb->invoke(cb, n.status);
		ava_obj_release(cb->obj, cb->obj->type);
		free(cb);
	}
	return NULL;
}

uint64_t ava_cb_register(void (*invoke)(struct ava_cb *, int64_t), void (*fn)(void),
			 void *user_data, const void *obj)
{
	struct ava_obj *o = ava_obj_check(obj, 0);
	struct ava_cb *cb;
	uint64_t cookie;

	if (!o || !(cb = malloc(sizeof(*cb))))
		return 0;
	cb->invoke = invoke;
	cb->fn = fn;
	cb->user_data = user_data;
	cb->obj = o;
	ava_obj_retain(o, o->type);	/* kept until the callback has run */
	pthread_mutex_lock(&obj_lock);
	cookie = next_cookie++;
	if (ava_hmap_put(&cbs, cookie, cb)) {
		pthread_mutex_unlock(&obj_lock);
		ava_obj_release(o, o->type);
		free(cb);
		return 0;
	}
	if (!note_started) {
		pthread_attr_t at;

		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		note_started = pthread_create(&note_thread, &at, note_main, NULL) == 0;
		pthread_attr_destroy(&at);
		/* the session is up: the object came from it */
		ava_sess.ops->notes_begin(&ava_sess);
	}
	pthread_mutex_unlock(&obj_lock);
	return cookie;
}

void ava_cb_cancel(uint64_t cookie)
{
	struct ava_cb *cb;

	pthread_mutex_lock(&obj_lock);
	cb = ava_hmap_del(&cbs, cookie);
	pthread_mutex_unlock(&obj_lock);
	if (cb) {
		ava_obj_release(cb->obj, cb->obj->type);
		free(cb);
	}
}
