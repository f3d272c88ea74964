// SPDX-License-Identifier: MIT
/*
 * Encoding the arguments of one call (ava_put_*, see guest_call.h): small
 * data inline, large data in the arena with a buffer reference, the
 * largest as the call's one streamed buffer where the transport can.
 */
#include "guest_call.h"

#include <string.h>

#include "guest_objects.h"
#include "guest_session.h"

void ava_call_fail(struct ava_call *c, uint32_t st)
{
	if (!c->failed) {
		c->failed = 1;
		c->fail_status = st;
	}
}

static int add_ref(struct ava_call *c, uint64_t off, uint64_t n, uint32_t flags)
{
	struct ava_buf_ref *r;

	if (c->nrefs >= AVA_MAX_REFS) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return -1;
	}
	r = &c->refs[c->nrefs];
	r->offset = off;
	r->len = n;
	r->flags = flags;
	r->reserved = 0;
	return (int)c->nrefs++;
}

/* The two words of a data item that a buffer reference carries. */
static void put_ref_item(struct ava_call *c, uint64_t n, int idx)
{
	ava_wbuf_u64(&c->w, (n << 2) | AVA_DATA_REF);
	ava_wbuf_u64(&c->w, (uint64_t)idx);
}

void ava_put_u64(struct ava_call *c, uint64_t v)
{
	ava_wbuf_u64(&c->w, v);
}

void *ava_put_reserve(struct ava_call *c, uint64_t n)
{
	uint64_t off;
	void *dst;
	int idx;

	if (n > AVA_DATA_MAXLEN) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return NULL;
	}
	if (n < AVA_INLINE_DATA_MAX && c->w.cap - c->w.len > ava_pad8(n) + 4096) {
		ava_wbuf_u64(&c->w, (n << 2) | AVA_DATA_INLINE);
		return ava_wbuf_reserve(&c->w, n);
	}
	dst = ava_session_arena_alloc(&ava_sess, n, &off);
	if (!dst || (idx = add_ref(c, off, n, AVA_REF_IN)) < 0) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return NULL;
	}
	put_ref_item(c, n, idx);
	return dst;
}

void ava_put_data(struct ava_call *c, const void *p, uint64_t n)
{
	void *dst;

	if (!p) {
		ava_wbuf_u64(&c->w, 0);
		return;
	}
	dst = ava_put_reserve(c, n);
	if (dst && n)
		memcpy(dst, p, n);
}

void ava_put_string(struct ava_call *c, const char *s)
{
	ava_put_data(c, s, s ? strlen(s) + 1 : 0);
}

void ava_put_handles(struct ava_call *c, const void *const *objs, uint64_t n, uint32_t type)
{
	uint64_t *ids, i;

	if (!objs) {
		ava_wbuf_u64(&c->w, 0);
		return;
	}
	if (n > AVA_DATA_MAXLEN / 8) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return;
	}
	ids = ava_put_reserve(c, n * 8);
	if (!ids)
		return;
	for (i = 0; i < n; i++) {
		uint64_t id = ava_obj_id(objs[i], type);

		memcpy(&ids[i], &id, 8);
	}
}

/* An output small enough for the reply: true when it went inline. */
static int put_out_inline(struct ava_call *c, const void *p, uint64_t cap, int preload)
{
	void *dst;

	if (cap >= AVA_INLINE_DATA_MAX || cap + 16 > c->reply_budget ||
	    (preload && c->w.cap - c->w.len <= ava_pad8(cap) + 4096))
		return 0;
	c->reply_budget -= ava_pad8(cap) + 8;
	ava_wbuf_u64(&c->w, (cap << 2) | (preload ? AVA_DATA_INLINE_PRELOAD : AVA_DATA_INLINE));
	if (preload && (dst = ava_wbuf_reserve(&c->w, cap)) && cap)
		memcpy(dst, p, cap);
	return 1;
}

static void put_out(struct ava_call *c, const void *p, uint64_t cap, int preload)
{
	struct ava_out_slot *o;
	uint64_t off;
	int idx;

	if (c->nouts >= AVA_MAX_OUTS) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return;
	}
	o = &c->outs[c->nouts++];
	o->arena = NULL;
	o->cap = cap;
	o->streamed = 0;
	if (!p) {
		ava_wbuf_u64(&c->w, 0);
		return;
	}
	if (cap > AVA_DATA_MAXLEN) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return;
	}
	if (put_out_inline(c, p, cap, preload))
		return;
	o->arena = ava_session_arena_alloc(&ava_sess, cap, &off);
	if (!o->arena || (idx = add_ref(c, off, cap, preload ? AVA_REF_IN | AVA_REF_OUT : AVA_REF_OUT)) < 0) {
		ava_call_fail(c, AVA_S_TOO_LARGE);
		return;
	}
	if (preload && cap)
		memcpy(o->arena, p, cap);
	put_ref_item(c, cap, idx);
}

void ava_put_out(struct ava_call *c, const void *p, uint64_t cap)
{
	put_out(c, p, cap, 0);
}

void ava_put_inout(struct ava_call *c, const void *p, uint64_t cap)
{
	put_out(c, p, cap, 1);
}

/* Sets up a streamed buffer as the transport wants it; -1 when it should
 * not stream.  A call runs at most one stream through the ring. */
static int start_stream(struct ava_call *c, uint32_t dir, const void *app, uint64_t n)
{
	struct ava_session *s = &ava_sess;
	struct ava_stream st = { (int)dir, (uint8_t *)app, n, NULL, 0 };
	uint64_t off;
	int ring, idx;

	if (c->stream.dir || n < AVA_STREAM_MIN || n > AVA_DATA_MAXLEN || c->nrefs >= AVA_MAX_REFS)
		return -1;
	ring = s->ops->stream_open(s, &st, &off);
	if (ring < 0 || (idx = add_ref(c, off, n, dir | AVA_REF_STREAM)) < 0)
		return -1;
	if (ring) {
		c->stream = st;
		c->refs[idx].reserved = st.shift;	/* the ring's size */
	}
	put_ref_item(c, n, idx);
	return 0;
}

void ava_put_data_stream(struct ava_call *c, const void *p, uint64_t n, int allow)
{
	if (!p || !allow || start_stream(c, AVA_REF_IN, p, n))
		ava_put_data(c, p, n);
}

/* preload: as ava_put_inout when it does not stream (a stream writes its whole span) */
static void put_out_stream(struct ava_call *c, void *p, uint64_t cap, int allow, int preload)
{
	if (!p || !allow || c->nouts >= AVA_MAX_OUTS || start_stream(c, AVA_REF_OUT, p, cap)) {
		put_out(c, p, cap, preload);
		return;
	}
	c->outs[c->nouts].arena = NULL;
	c->outs[c->nouts].cap = cap;
	c->outs[c->nouts].streamed = 1;
	c->nouts++;
}

void ava_put_out_stream(struct ava_call *c, void *p, uint64_t cap, int allow)
{
	put_out_stream(c, p, cap, allow, 0);
}

void ava_put_inout_stream(struct ava_call *c, void *p, uint64_t cap, int allow)
{
	put_out_stream(c, p, cap, allow, 1);
}
