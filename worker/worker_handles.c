// SPDX-License-Identifier: MIT
/*
 * The per-session handle table.  Every entry holds one reference to its
 * host object, so a handle the guest presents is either in the table and
 * alive, or refused.  Ids without AVA_HANDLE_WORKER_BIT are chosen by the
 * guest (so creating calls need no reply); the others by the worker, for
 * objects the guest learns of from queries.  An id whose creation was sent
 * without waiting and failed holds a failed marker: taken, never an object.
 */
#include <stdlib.h>
#include <string.h>

#include "worker_call.h"
#include "worker_codecs.h"
#include "worker_time.h"
#include "opencl_ctx_pool.h"

static const struct avaw_handle_type *type_of(uint32_t api, uint32_t type)
{
	const struct avaw_api *a = api < AVA_API_COUNT ? avaw_apis[api] : NULL;

	return a && type && type < a->ntypes ? &a->types[type] : NULL;
}

int avaw_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	struct avaw_handle *h;

	*obj = NULL;
	if (id == 0)
		return 1;	/* NULL: the vendor API reports it */
	h = ava_hmap_get(&c->s->handles, id);
	if (!h || h->failed || h->api != c->api || h->type != type)
		return 0;
	*obj = h->obj;
	return 1;
}

int avaw_new_id_ok(struct avaw_call *c, uint64_t id)
{
	return id != 0 && !(id & AVA_HANDLE_WORKER_BIT) && !ava_hmap_get(&c->s->handles, id);
}

int avaw_new_id_refused(struct avaw_call *c, uint64_t id)
{
	if (avaw_new_id_ok(c, id))
		return 0;
	avaw_fail(c, AVA_S_BAD_HANDLE);
	return 1;
}

static int insert(struct avaw_session *s, uint64_t id, uint32_t api, uint32_t type, void *obj, int failed)
{
	struct avaw_handle *h = malloc(sizeof(*h));

	if (!h)
		return -1;
	*h = (struct avaw_handle){ .id = id, .api = api, .type = type, .obj = obj, .failed = failed };
	if (ava_hmap_put(&s->handles, id, h)) {
		free(h);
		return -1;
	}
	if (!failed && !ava_hmap_get(&s->by_obj, (uint64_t)(uintptr_t)obj))
		ava_hmap_put(&s->by_obj, (uint64_t)(uintptr_t)obj, h);
	s->stats[AVA_STAT_HANDLES]++;
	return 0;
}

static void drop_ref(uint32_t api, uint32_t type, void *obj)
{
	const struct avaw_handle_type *t = type_of(api, type);

	if (t && t->release)
		t->release(obj);
}

void avaw_obj_release(struct avaw_call *c, uint32_t type, void *obj)
{
	drop_ref(c->api, type, obj);
}

void avaw_obj_retain(struct avaw_session *s, uint32_t api, uint32_t type, void *obj)
{
	const struct avaw_handle_type *t = type_of(api, type);

	(void)s;
	if (t && t->retain)
		t->retain(obj);
}

void avaw_obj_drop(struct avaw_session *s, uint32_t api, uint32_t type, void *obj)
{
	(void)s;
	drop_ref(api, type, obj);
}

#define MAX_BOUND_SLOTS 4096

struct avaw_bindings {
	uint32_t n;
	struct {
		uint32_t type;
		void *obj;
	} slot[];
};

static struct avaw_handle *owner_of(struct avaw_call *c, void *owner)
{
	struct avaw_handle *h = ava_hmap_get(&c->s->by_obj, (uint64_t)(uintptr_t)owner);

	return h && h->api == c->api ? h : NULL;
}

int avaw_bind_reserve(struct avaw_call *c, void *owner, uint32_t slot)
{
	struct avaw_handle *h = owner_of(c, owner);
	struct avaw_bindings *b;
	uint32_t n, old;

	if (!h || (h->bound && slot < h->bound->n))
		return 0;	/* no owner: the vendor refuses the call */
	if (slot >= MAX_BOUND_SLOTS) {
		avaw_fail(c, AVA_S_TOO_LARGE);
		return -1;
	}
	n = slot < 8 ? 8 : slot + 1;
	old = h->bound ? h->bound->n : 0;
	b = realloc(h->bound, sizeof(*b) + n * sizeof(b->slot[0]));
	if (!b) {
		avaw_fail(c, AVA_S_NO_MEMORY);
		return -1;
	}
	memset(&b->slot[old], 0, (n - old) * sizeof(b->slot[0]));
	b->n = n;
	h->bound = b;
	return 0;
}

void avaw_bind(struct avaw_call *c, void *owner, uint32_t slot, uint32_t type, void *obj)
{
	struct avaw_handle *h = owner_of(c, owner);
	struct avaw_bindings *b = h ? h->bound : NULL;

	if (!b || slot >= b->n)
		return;
	if (type)
		avaw_obj_retain(c->s, c->api, type, obj);
	if (b->slot[slot].type)
		drop_ref(c->api, b->slot[slot].type, b->slot[slot].obj);
	b->slot[slot].type = type;
	b->slot[slot].obj = obj;
}

static void unbind_all(struct avaw_handle *h)
{
	uint32_t i;

	for (i = 0; h->bound && i < h->bound->n; i++)
		if (h->bound->slot[i].type)
			drop_ref(h->api, h->bound->slot[i].type, h->bound->slot[i].obj);
	free(h->bound);
	h->bound = NULL;
}

int avaw_handle_new(struct avaw_call *c, uint64_t id, uint32_t type, void *obj)
{
	if (!avaw_new_id_ok(c, id) || insert(c->s, id, c->api, type, obj, 0)) {
		drop_ref(c->api, type, obj);
		return -1;
	}
	return 0;
}

/* An id the guest may not name, or no memory for the marker: the id stays
 * unknown, which every use also refuses. */
void avaw_handle_failed(struct avaw_call *c, uint64_t id, uint32_t type)
{
	if (avaw_new_id_ok(c, id))
		insert(c->s, id, c->api, type, NULL, 1);
}

uint64_t avaw_handle_export(struct avaw_call *c, uint32_t type, void *obj, int owned)
{
	struct avaw_session *s = c->s;
	struct avaw_handle *h;
	const struct avaw_handle_type *t;
	uint64_t id;

	if (!obj)
		return 0;
	h = ava_hmap_get(&s->by_obj, (uint64_t)(uintptr_t)obj);
	if (h && h->api == c->api && h->type == type) {
		if (owned)
			drop_ref(c->api, type, obj);	/* the table holds one already */
		return h->id;
	}
	t = type_of(c->api, type);
	if (!owned && t && t->retain)
		t->retain(obj);
	id = AVA_HANDLE_WORKER_BIT | ++s->next_worker_id;
	if (insert(s, id, c->api, type, obj, 0)) {
		drop_ref(c->api, type, obj);
		return 0;
	}
	return id;
}

void avaw_export_array(struct avaw_call *c, void *p, uint64_t n, uint32_t type, int owned)
{
	void **objs = p;
	uint64_t i, id;

	for (i = 0; i < n; i++) {
		id = avaw_handle_export(c, type, objs[i], owned);
		memcpy(&objs[i], &id, 8);
	}
}

int avaw_handle_release(struct avaw_session *s, uint32_t api, uint64_t id)
{
	struct avaw_handle *h = ava_hmap_get(&s->handles, id);

	if (!h || h->api != api)
		return -1;
	ava_hmap_del(&s->handles, id);
	if (ava_hmap_get(&s->by_obj, (uint64_t)(uintptr_t)h->obj) == h)
		ava_hmap_del(&s->by_obj, (uint64_t)(uintptr_t)h->obj);
	if (!h->failed)
		drop_ref(h->api, h->type, h->obj);
	unbind_all(h);	/* after the owner, which may point to them */
	avaw_mem_return(s, h->mem_bytes);
	s->stats[AVA_STAT_HANDLES]--;
	free(h);
	return 0;
}

struct collect {
	struct avaw_handle **v;
	size_t n;
};

static void collect_one(uint64_t key, void *val, void *arg)
{
	struct collect *cl = arg;

	(void)key;
	cl->v[cl->n++] = val;
}

/* Later types in a spec depend on earlier ones (events on queues on contexts). */
static int later_type_first(const void *a, const void *b)
{
	const struct avaw_handle *x = *(struct avaw_handle *const *)a, *y = *(struct avaw_handle *const *)b;

	if (x->type != y->type)
		return x->type < y->type ? 1 : -1;
	return x->id < y->id ? 1 : (x->id > y->id ? -1 : 0);
}

void avaw_handles_release_all(struct avaw_session *s)
{
	struct collect cl = { calloc(s->handles.live + 1, sizeof(void *)), 0 };
	size_t i;

	if (!cl.v)
		return;
	ava_hmap_each(&s->handles, collect_one, &cl);
	qsort(cl.v, cl.n, sizeof(cl.v[0]), later_type_first);
	for (i = 0; i < cl.n; i++)
		avaw_handle_release(s, cl.v[i]->api, cl.v[i]->id);
	free(cl.v);
}

static void props_to_wire(void *c, intptr_t *props, uint64_t n)
{
	avaw_props_to_wire(c, props, n);
}

static void slot_to_wire(void *c, uint32_t type, void **slot)
{
	uint64_t id = avaw_handle_export(c, type, *slot, 0);

	memcpy(slot, &id, 8);
}

void avaw_info_to_wire(struct avaw_call *c, const struct ava_info_entry *t, uint32_t key, void *p, uint64_t len)
{
	ava_info_walk(t, key, p, len, props_to_wire, slot_to_wire, c);
}

/* The session is over: release everything it held, whatever the transport. */
void avaw_session_end(struct avaw_session *s)
{
	atomic_store(&s->peer_gone, 1);
	avaw_time_end();
	avaw_pending_free_all(s);
	avaw_handles_release_all(s);
	avaw_cl_ctx_pool_drain();	/* after the contexts the table released into it */
	avaw_maps_free_all(s);
	avaw_share_free_all(s);
	avaw_mem_end(s);
	ava_hmap_free(&s->handles);
	ava_hmap_free(&s->by_obj);
}
