// SPDX-License-Identifier: MIT
/*
 * One call's life (see guest_call.h): begin takes the session, exchange
 * sends the encoded command (guest_encode.c) and waits for the reply,
 * ava_get_* decode the reply, end gives the session back.
 */
#include "guest_call.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_objects.h"
#include "guest_trace.h"
#include "guest_session.h"

static int force_sync(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("AVA_SYNC");

		v = e && *e && strcmp(e, "0") != 0;
	}
	return v;
}

/*
 * The thread holding the session and the call it is encoding (begun, not
 * ended).  A call begun while its thread encodes another (an argument's
 * encoding that calls the worker itself) would wait for the session lock
 * its own thread holds: it is refused with a message instead of hanging
 * the program.  An uncontended lock is taken without asking who holds it
 * (no thread-local lookup per call): the holder is read only when the lock
 * is busy, and it is this thread only if this thread set it.
 */
static _Atomic pthread_t holder;
static const struct ava_call *encoding;

static int take_session(struct ava_session *s, uint32_t api, uint32_t func)
{
	if (pthread_mutex_trylock(&s->lock)) {
		if (pthread_equal(atomic_load_explicit(&holder, memory_order_relaxed), pthread_self())) {
			fprintf(stderr, "ava: internal error: call %u/%u begun while this thread encodes call "
				"%u/%u; refused\n", api, func, encoding->api, encoding->func);
			return -1;
		}
		pthread_mutex_lock(&s->lock);
	}
	atomic_store_explicit(&holder, pthread_self(), memory_order_relaxed);
	return 0;
}

static void give_session(struct ava_session *s)
{
	atomic_store_explicit(&holder, 0, memory_order_relaxed);
	pthread_mutex_unlock(&s->lock);
}

int ava_call_begin(struct ava_call *c, uint32_t api, uint32_t func, int async)
{
	struct ava_session *s = &ava_sess;
	int r;

	if (take_session(s, api, func))
		return -1;
	r = ava_session_connect();
	if (r) {	/* failed, or opened: its hook runs without the session */
		give_session(s);
		if (r < 0)
			return -1;
		ava_session_opened();
		if (take_session(s, api, func))
			return -1;
	}
	memset(c, 0, offsetof(struct ava_call, r));
	c->api = api;
	c->func = func;
	c->async = async && !force_sync();
	c->reply_budget = AVA_MAX_REPLY_INLINE - 64;
	ava_wbuf_init(&c->w, s->scratch + sizeof(struct ava_cmd_hdr), AVA_MAX_INLINE);
	ava_arena_call_begin(&s->arena);
	encoding = c;
	return 0;
}

/* Completes the command in the scratch buffer: header, then the refs. */
static uint32_t finish_command(struct ava_session *s, struct ava_call *c)
{
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)s->scratch;
	uint64_t total = sizeof(*h) + c->w.len + c->nrefs * sizeof(struct ava_buf_ref);

	memcpy(s->scratch + sizeof(*h) + c->w.len, c->refs, c->nrefs * sizeof(struct ava_buf_ref));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = (uint16_t)c->api;
	h->func_id = c->func;
	h->flags = (c->async ? AVA_CMD_ASYNC : 0) | c->flags;
	h->call_id = ++s->call_seq;
	h->inline_len = (uint32_t)c->w.len;
	h->nrefs = c->nrefs;
	h->total_len = (uint32_t)total;
	h->session = 0;
	return (uint32_t)total;
}

int ava_call_exchange(struct ava_call *c)
{
	struct ava_session *s = &ava_sess;
	const struct ava_reply_hdr *rh;
	const uint8_t *rep;
	uint32_t len, seq, total, reply_max;
	uint64_t call_id;

	if (c->w.overflow)
		ava_call_fail(c, AVA_S_TOO_LARGE);
	if (c->failed)
		return (int)c->fail_status;
	total = finish_command(s, c);
	call_id = s->call_seq;
	seq = s->ops->reply_seq(s);
	/* what the reply can hold: the inline outputs and a few words */
	reply_max = (uint32_t)(sizeof(*rh) + (AVA_MAX_REPLY_INLINE - c->reply_budget) + 8 * AVA_MAX_OUTS + 4096);
	if (s->ops->send(s, s->scratch, total, reply_max))
		return AVA_S_MALFORMED;
	ava_trace_command(c->async);
	if (c->stream.dir)
		s->ops->stream_run(s, &c->stream);	/* a failure shows in the reply */
	if (c->async)
		return AVA_S_OK;
	if (s->ops->wait(s, seq, &rep, &len))
		return AVA_S_MALFORMED;
	rh = (const struct ava_reply_hdr *)rep;
	if (len < sizeof(*rh) || rh->magic != AVA_WIRE_MAGIC || rh->call_id != call_id ||
	    rh->inline_len > len - sizeof(*rh))
		return AVA_S_MALFORMED;
	c->exec_ns = rh->exec_ns_lo;
	ava_rbuf_init(&c->r, rep + sizeof(*rh), rh->inline_len);
	return (int)rh->status;
}

uint64_t ava_get_u64(struct ava_call *c)
{
	return ava_rbuf_u64(&c->r);
}

uint64_t ava_get_out(struct ava_call *c, void *dst, uint64_t cap)
{
	struct ava_out_slot *o = c->outpos < c->nouts ? &c->outs[c->outpos++] : NULL;
	uint64_t w = ava_rbuf_u64(&c->r), len = w >> 2;
	const void *src;

	if (!w || !o)
		return 0;
	if (len > o->cap) {
		c->r.bad = 1;
		return 0;
	}
	if (o->streamed)
		return len;
	if ((w & 3) == AVA_DATA_INLINE)
		src = ava_rbuf_bytes(&c->r, len);
	else if ((w & 3) == AVA_DATA_REF && o->arena)
		src = o->arena;
	else
		src = NULL;
	if (!src)
		return 0;
	if (len > cap)
		len = cap;
	if (dst && len)
		memcpy(dst, src, len);
	return len;
}

void ava_get_handles(struct ava_call *c, void **dst, uint64_t n, uint32_t api, uint32_t type, int owned)
{
	uint64_t got = ava_get_out(c, dst, n * sizeof(void *)) / sizeof(void *), i;

	for (i = 0; dst && i < got; i++) {
		uint64_t id;

		memcpy(&id, &dst[i], 8);
		dst[i] = id ? ava_obj_from_id(api, type, id, owned) : NULL;
	}
}

void ava_call_end(struct ava_call *c)
{
	struct ava_session *s = &ava_sess;
	int synchronous = !c->async && !c->failed;

	ava_arena_call_end(&s->arena, !c->failed, !c->async);
	encoding = NULL;
	give_session(s);
	if (synchronous)
		ava_pending_collect();
}

int ava_status_error(int st, int transport_err, int nomem_err, int unsupported_err)
{
	if (st == AVA_S_NO_MEMORY)
		return nomem_err;
	if (st == AVA_S_UNSUPPORTED || st == AVA_S_BAD_FUNC)
		return unsupported_err;
	if (st == AVA_S_TOO_LARGE)
		return nomem_err;
	return transport_err;
}

void ava_unsupported(const char *fn)
{
	ava_log("%s cannot be remoted; returning the API's defined error", fn);
}
