// SPDX-License-Identifier: MIT
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

struct ava_map {
	struct ava_obj *mem;
	uint64_t id;
	void *ptr;
	uint64_t size;
	int writes;
	int owned_buf;		/* ptr was allocated here (not the host_ptr) */
	struct ava_map *next;
};

static pthread_mutex_t obj_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_hmap by_ptr;		/* live object address -> object */
static struct ava_hmap by_id[AVA_API_COUNT];
static struct ava_map *maps;
static atomic_uint_fast64_t next_id = 1;
static const void *dispatch[AVA_API_COUNT];

void ava_obj_set_dispatch(uint32_t api, const void *table)
{
	if (api < AVA_API_COUNT)
		dispatch[api] = table;
}

struct ava_obj *ava_obj_new(uint32_t api, uint32_t type)
{
	struct ava_obj *o = calloc(1, sizeof(*o));

	if (!o)
		return NULL;
	o->dispatch = dispatch[api];
	o->api = api;
	o->type = type;
	o->id = atomic_fetch_add(&next_id, 1);
	atomic_init(&o->refs, 1);
	return o;
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
		free(o);
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
	if (!o && !ava_hmap_get(&by_id[api], id) && (o = calloc(1, sizeof(*o)))) {
		o->dispatch = dispatch[api];
		o->api = api;
		o->type = type;
		o->id = id;
		o->pinned = !owned;
		atomic_init(&o->refs, 1);
		if (ava_hmap_put(&by_ptr, (uint64_t)(uintptr_t)o, o) ||
		    ava_hmap_put(&by_id[api], id, o)) {
			ava_hmap_del(&by_ptr, (uint64_t)(uintptr_t)o);
			free(o);
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

static void close_maps_of(struct ava_obj *o)
{
	struct ava_map **pp = &maps, *m;

	while ((m = *pp)) {
		if (m->mem == o) {
			*pp = m->next;
			if (m->owned_buf)
				free(m->ptr);
			free(m);
		} else {
			pp = &m->next;
		}
	}
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
	close_maps_of(o);
	pthread_mutex_unlock(&obj_lock);
	ava_session_release(o->api, o->id);
	/* destructor callbacks run in reverse order of registration */
	while ((cb = o->on_release)) {
		o->on_release = cb->next;
		((void (*)(void *, void *))cb->fn)(o, cb->user_data);
		free(cb);
	}
	free(o);
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

/* ------------------------------------------------------------------ maps */

struct ava_map *ava_map_find(const void *memobj, const void *ptr)
{
	struct ava_obj *o = ava_obj_check(memobj, 0);
	struct ava_map *m;

	if (!o)
		return NULL;
	pthread_mutex_lock(&obj_lock);
	for (m = maps; m; m = m->next)
		if (m->mem == o && m->ptr == ptr)
			break;
	pthread_mutex_unlock(&obj_lock);
	return m;
}

void *ava_map_open(const void *memobj, uint64_t map_id, uint64_t offset, uint64_t size, int writes)
{
	struct ava_obj *o = ava_obj_check(memobj, 0);
	struct ava_map *m = calloc(1, sizeof(*m));

	if (!o || !m) {
		free(m);
		return NULL;
	}
	m->mem = o;
	m->id = map_id;
	m->size = size;
	m->writes = writes;
	if (o->host_ptr && !o->is_image) {
		/* CL_MEM_USE_HOST_PTR: the mapping must be the application's memory */
		m->ptr = (char *)o->host_ptr + offset;
	} else {
		m->ptr = aligned_alloc(4096, size ? (size + 4095) & ~(uint64_t)4095 : 4096);
		m->owned_buf = 1;
	}
	if (!m->ptr) {
		free(m);
		return NULL;
	}
	pthread_mutex_lock(&obj_lock);
	m->next = maps;
	maps = m;
	pthread_mutex_unlock(&obj_lock);
	return m->ptr;
}

void ava_map_put(struct ava_call *c, struct ava_map *m)
{
	ava_put_u64(c, m->id);
	ava_put_data(c, m->writes ? m->ptr : NULL, m->size);
}

void ava_map_close(struct ava_map *m)
{
	struct ava_map **pp;

	pthread_mutex_lock(&obj_lock);
	for (pp = &maps; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	pthread_mutex_unlock(&obj_lock);
	if (m->owned_buf)
		free(m->ptr);
	free(m);
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
		ava_transport_notes_begin(&ava_sess);
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
