// SPDX-License-Identifier: MIT
/*
 * Deferred outputs.  A non-blocking read must not block the worker (the
 * read may wait for a user event the guest sets later), so its data lands
 * in a staging buffer; the guest asks for it (AVA_CTL_PENDING) after its
 * next synchronous call, and gets it once the tracking event completed.
 */
#include <string.h>

#include "worker_call.h"
#include "worker_staging.h"

struct pending {
	uint64_t id;
	uint32_t api;
	uint32_t type;
	void *event;
	void *data;		/* owned staging, or NULL */
	const void *src;	/* else copied from here once the event completed */
	uint64_t len;
};

int avaw_out_defer(struct avaw_call *c, struct avaw_out *o)
{
	void *staging;

	if (!o->present)
		return 0;
	if (c->deferred) {	/* one deferred output per call */
		avaw_fail(c, AVA_S_MALFORMED);
		return -1;
	}
	staging = avaw_staging_copy(NULL, o->cap);
	if (!staging) {
		avaw_fail(c, AVA_S_NO_MEMORY);
		return -1;
	}
	c->deferred = staging;
	if (o->stream) {
		avaw_stream_abort(c);	/* the data streams when it is collected */
		o->stream = 0;
	} else if (o->p && o->cap) {
		memcpy(staging, o->p, o->cap);	/* keeps what a partial read does not write */
	} else if (o->cap) {
		memset(staging, 0, o->cap);	/* a reused block holds an earlier transfer */
	}
	o->p = staging;
	o->is_ref = 0;
	return 0;
}

/* Records a transfer that completes with event; the record holds a reference to it. */
static struct pending *pending_insert(struct avaw_call *c, uint64_t id, uint32_t type, void *event,
				      void *data, const void *src, uint64_t len)
{
	const struct avaw_handle_type *t = &c->a->types[type];
	struct pending *p = malloc(sizeof(*p));

	if (!p)
		return NULL;
	p->id = id;
	p->api = c->api;
	p->type = type;
	p->event = event;
	p->data = data;
	p->src = src;
	p->len = len;
	if (ava_hmap_put(&c->s->pending, p->id, p)) {
		free(p);
		return NULL;
	}
	if (t->retain)
		t->retain(event);
	return p;
}

uint64_t avaw_pending_add(struct avaw_call *c, struct avaw_out *o, uint32_t type, void *event)
{
	struct pending *p;

	if (!event || !o->p || o->p != c->deferred)
		return 0;
	p = pending_insert(c, c->s->next_pending_id + 1, type, event, o->p, NULL, o->cap);
	if (!p)
		return 0;
	c->s->next_pending_id = p->id;
	c->deferred = NULL;	/* the staging buffer now belongs to the pending record */
	return p->id;
}

uint64_t avaw_pending_add_src(struct avaw_call *c, uint64_t id, uint32_t type, void *event, const void *src,
			      uint64_t len)
{
	if (!event || !src || ava_hmap_get(&c->s->pending, id))
		return 0;
	return pending_insert(c, id, type, event, NULL, src, len) ? id : 0;
}

/* Releases a record's event and frees it with its staging. */
static void pending_drop(struct pending *p)
{
	const struct avaw_api *a = avaw_apis[p->api];

	if (a && a->types[p->type].release)
		a->types[p->type].release(p->event);
	avaw_staging_free(p->data);
	free(p);
}

static void pending_free(struct avaw_session *s, struct pending *p)
{
	ava_hmap_del(&s->pending, p->id);
	pending_drop(p);
}

void avaw_pending_collect(struct avaw_call *c)
{
	uint64_t id = avaw_get_u64(c);
	struct pending *p = ava_hmap_get(&c->s->pending, id);
	struct avaw_out o;
	const void *from;
	int state;

	avaw_get_out_stream(c, &o);
	if (avaw_bad(c) || !p || avaw_out(c, &o, p->len, 1)) {
		avaw_fail(c, p ? AVA_S_MALFORMED : AVA_S_BAD_HANDLE);
		return;
	}
	state = avaw_apis[p->api]->event_state(p->event);
	avaw_put_u64(c, state > 0 ? 1 : state < 0 ? 2 : 0);
	from = p->src ? p->src : p->data;
	if (state > 0 && o.stream)
		avaw_stream_out(c, from, p->len);	/* a failure aborts it: the guest sees that */
	else if (state > 0 && o.p)
		memcpy(o.p, from, p->len);
	avaw_put_out(c, &o, state > 0 ? p->len : 0);
	if (state != 0)
		pending_free(c->s, p);
}

static void free_one(uint64_t key, void *val, void *arg)
{
	(void)key;
	(void)arg;
	pending_drop(val);
}

void avaw_pending_free_all(struct avaw_session *s)
{
	ava_hmap_each(&s->pending, free_one, NULL);
	ava_hmap_free(&s->pending);
}
