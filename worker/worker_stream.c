// SPDX-License-Identifier: MIT
/*
 * Streamed buffers (transports with stream_peer, i.e. `local`): a large
 * buffer of a call that allows it moves through a ring in the arena (1 MiB
 * unless the worker asked for more) in 256 KiB chunks (an eighth of a larger
 * ring, several threads a side: worker_stream_copiers.c) while the other
 * side copies the previous chunk, so both copies work in cache.  The caller's
 * progress counter is untrusted: it is bounded by the stream's length and
 * by the ring, and a stream the call does not finish is aborted so the
 * caller never waits for it forever.  worker_stream_pipe.c moves a stream
 * with the backend's own transfers instead of these copies.
 */
#include <string.h>

#include "worker_call.h"

/* The stream's reference, if the next item is one; else a plain item. */
static const struct ava_buf_ref *stream_ref(struct avaw_call *c, uint32_t dir)
{
	size_t pos = c->r.pos;
	uint64_t w = ava_rbuf_u64(&c->r), idx;

	if ((w & 3) != AVA_DATA_REF) {
		c->r.pos = pos;
		return NULL;
	}
	idx = ava_rbuf_u64(&c->r);
	if (idx < c->nrefs && (c->refs[idx].flags & AVA_REF_STREAM)) {
		const struct ava_buf_ref *r = &c->refs[idx];
		uint64_t ring = ava_stream_ring_bytes(r->reserved);

		if (r->flags != (dir | AVA_REF_STREAM) || r->len != w >> 2 || c->stream.dir || !ring ||
		    ring > c->s->arena_size || r->offset > c->s->arena_size - ring) {
			avaw_fail(c, AVA_S_BAD_REF);
			return NULL;
		}
		return r;
	}
	c->r.pos = pos;		/* not a stream: decode it the ordinary way */
	return NULL;
}

/* Starts the call's stream if the next item is one; returns 0 if it is not. */
static int start(struct avaw_call *c, uint32_t dir)
{
	const struct ava_buf_ref *r = stream_ref(c, dir);

	if (!r)
		return 0;
	c->stream.dir = dir;
	c->stream.ring = c->s->arena + r->offset;
	c->stream.ring_size = ava_stream_ring_bytes(r->reserved);
	c->stream.len = r->len;
	c->stream.finished = 0;
	return 1;
}

void avaw_get_data_stream(struct avaw_call *c, struct avaw_data *d)
{
	if (!start(c, AVA_REF_IN)) {
		if (!c->bad)
			avaw_get_data(c, d);
		return;
	}
	d->present = 1;
	d->len = c->stream.len;
	d->p = c->stream.ring;	/* only the call's implementation may use it */
}

void avaw_get_out_stream(struct avaw_call *c, struct avaw_out *o)
{
	if (!start(c, AVA_REF_OUT)) {
		if (!c->bad)
			avaw_get_out(c, o);
		return;
	}
	memset(o, 0, sizeof(*o));
	o->present = 1;
	o->cap = c->stream.len;
	o->p = c->stream.ring;
	o->is_ref = 1;
	o->stream = 1;
}

int avaw_stream_active(struct avaw_call *c)
{
	return c->stream.dir && !c->stream.finished;
}

int avaw_stream_peer_ok(const struct avaw_call *c, uint64_t done, uint64_t g)
{
	return g <= c->stream.len && g <= done + (c->stream.dir == AVA_REF_IN ? c->stream.ring_size : 0);
}

int avaw_stream_peer(struct avaw_call *c, uint64_t done, uint64_t *g)
{
	*g = c->s->t->stream_peer(c->s);
	return avaw_stream_peer_ok(c, done, *g) ? 0 : -1;	/* else a counter the caller cannot have reached */
}

int avaw_stream_ready(const struct avaw_call *c, uint64_t g, uint64_t pos, uint64_t n)
{
	return c->stream.dir == AVA_REF_IN ? g >= pos + n : pos + n - g <= c->stream.ring_size;
}

void avaw_stream_moved(struct avaw_call *c)
{
	c->stream.finished = 1;
	c->s->stats[AVA_STAT_ARENA_BYTES] += c->stream.len;
}

static int move(struct avaw_call *c, uint8_t *buf, uint64_t len)
{
	if (!avaw_stream_active(c) || len != c->stream.len || avaw_stream_copiers(c, buf)) {
		avaw_stream_abort(c);
		return -1;
	}
	avaw_stream_moved(c);
	return 0;
}

int avaw_stream_in(struct avaw_call *c, void *dst, uint64_t len)
{
	return c->stream.dir == AVA_REF_IN ? move(c, dst, len) : -1;
}

int avaw_stream_out(struct avaw_call *c, const void *src, uint64_t len)
{
	return c->stream.dir == AVA_REF_OUT ? move(c, (uint8_t *)src, len) : -1;
}

void avaw_stream_abort(struct avaw_call *c)
{
	if (c->stream.dir && !c->stream.finished && c->s->t->stream_progress)
		c->s->t->stream_progress(c->s, AVA_STREAM_ABORT);
	c->stream.finished = 1;
}

void avaw_stream_want_ring(struct avaw_call *c, uint32_t shift)
{
	c->s->stream_shift = shift;
	if (c->s->t->stream_ring)
		c->s->t->stream_ring(c->s, shift);
}

void avaw_stream_want_big_ring(struct avaw_call *c)
{
	if (c->s->t->stream_ring)
		c->s->t->stream_ring(c->s, AVA_STREAM_SHIFT_MAX);
}

void avaw_stream_want_ring_back(struct avaw_call *c)
{
	if (c->s->t->stream_ring)
		c->s->t->stream_ring(c->s, c->s->stream_shift);
}
