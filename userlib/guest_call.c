// SPDX-License-Identifier: MIT
/* Encoding, sending and decoding of one call (see guest_call.h). */
#include "guest_call.h"

#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "guest_objects.h"
#include "guest_session.h"

struct ava_session ava_sess = { .lock = PTHREAD_MUTEX_INITIALIZER };

void ava_log(const char *fmt, ...)
{
	static int on = -1;
	va_list ap;

	if (on < 0)
		on = getenv("AVA_DEBUG") != NULL;
	if (!on)
		return;
	va_start(ap, fmt);
	fputs("ava: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int force_sync(void)
{
	static int v = -1;

	if (v < 0) {
		const char *e = getenv("AVA_SYNC");

		v = e && *e && strcmp(e, "0") != 0;
	}
	return v;
}

int ava_call_begin(struct ava_call *c, uint32_t api, uint32_t func, int async)
{
	struct ava_session *s = &ava_sess;

	pthread_mutex_lock(&s->lock);
	if (ava_session_connect()) {
		pthread_mutex_unlock(&s->lock);
		return -1;
	}
	memset(c, 0, offsetof(struct ava_call, r));
	c->api = api;
	c->func = func;
	c->async = async && !force_sync();
	c->reply_budget = AVA_MAX_REPLY_INLINE - 64;
	ava_wbuf_init(&c->w, s->scratch + sizeof(struct ava_cmd_hdr), AVA_MAX_INLINE);
	s->call_start = s->arena_head;
	return 0;
}

static void call_fail(struct ava_call *c, uint32_t st)
{
	if (!c->failed) {
		c->failed = 1;
		c->fail_status = st;
	}
}

/* Sends a PING and waits: afterwards the worker has finished every earlier call. */
static int drain_locked(struct ava_session *s)
{
	uint64_t msg[sizeof(struct ava_cmd_hdr) / 8];
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)msg;
	uint32_t seq = ava_transport_reply_seq(s);
	const uint8_t *rep;
	uint32_t len;

	memset(msg, 0, sizeof(msg));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = AVA_API_CONTROL;
	h->func_id = AVA_CTL_PING;
	h->call_id = ++s->call_seq;
	h->total_len = sizeof(*h);
	if (ava_transport_send(s, msg, sizeof(*h)))
		return -1;
	return ava_transport_wait(s, seq, &rep, &len);
}

static void *arena_alloc(uint64_t n, uint64_t *off)
{
	struct ava_session *s = &ava_sess;
	uint64_t start, pos;
	int drained = 0;

	if (n > s->m.arena_size) {
		fprintf(stderr, "ava: a transfer of %llu bytes exceeds the shared arena (%llu MiB); "
			"set AVA_ARENA_MB on the host daemon to raise it\n",
			(unsigned long long)n, (unsigned long long)(s->m.arena_size >> 20));
		return NULL;
	}
	for (;;) {
		start = s->arena_head;
		pos = start % s->m.arena_size;
		if (pos + n > s->m.arena_size)
			start += s->m.arena_size - pos;
		if (start + n - s->arena_free <= s->m.arena_size)
			break;
		if (drained || drain_locked(s))
			return NULL;
		/* every call before this one is done: its space is free */
		s->arena_free = s->call_start;
		drained = 1;
	}
	s->arena_head = start + n;
	*off = start % s->m.arena_size;
	return s->m.arena + *off;
}

static int add_ref(struct ava_call *c, uint64_t off, uint64_t n, uint32_t flags)
{
	struct ava_buf_ref *r;

	if (c->nrefs >= AVA_MAX_REFS) {
		call_fail(c, AVA_S_TOO_LARGE);
		return -1;
	}
	r = &c->refs[c->nrefs];
	r->offset = off;
	r->len = n;
	r->flags = flags;
	r->reserved = 0;
	return (int)c->nrefs++;
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
		call_fail(c, AVA_S_TOO_LARGE);
		return NULL;
	}
	if (n < AVA_INLINE_DATA_MAX && c->w.cap - c->w.len > ava_pad8(n) + 4096) {
		ava_wbuf_u64(&c->w, (n << 2) | AVA_DATA_INLINE);
		return ava_wbuf_reserve(&c->w, n);
	}
	dst = arena_alloc(n, &off);
	if (!dst || (idx = add_ref(c, off, n, AVA_REF_IN)) < 0) {
		call_fail(c, AVA_S_TOO_LARGE);
		return NULL;
	}
	ava_wbuf_u64(&c->w, (n << 2) | AVA_DATA_REF);
	ava_wbuf_u64(&c->w, (uint64_t)idx);
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
		call_fail(c, AVA_S_TOO_LARGE);
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

static void put_out(struct ava_call *c, const void *p, uint64_t cap, int preload)
{
	struct ava_out_slot *o;
	uint64_t off;
	void *dst;
	int idx;

	if (c->nouts >= AVA_MAX_OUTS) {
		call_fail(c, AVA_S_TOO_LARGE);
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
		call_fail(c, AVA_S_TOO_LARGE);
		return;
	}
	if (cap < AVA_INLINE_DATA_MAX && cap + 16 <= c->reply_budget &&
	    (!preload || c->w.cap - c->w.len > ava_pad8(cap) + 4096)) {
		c->reply_budget -= ava_pad8(cap) + 8;
		ava_wbuf_u64(&c->w, (cap << 2) | (preload ? AVA_DATA_INLINE_PRELOAD : AVA_DATA_INLINE));
		if (preload && (dst = ava_wbuf_reserve(&c->w, cap)) && cap)
			memcpy(dst, p, cap);
		return;
	}
	o->arena = arena_alloc(cap, &off);
	if (!o->arena || (idx = add_ref(c, off, cap, preload ? AVA_REF_IN | AVA_REF_OUT : AVA_REF_OUT)) < 0) {
		call_fail(c, AVA_S_TOO_LARGE);
		return;
	}
	if (preload && cap)
		memcpy(o->arena, p, cap);
	ava_wbuf_u64(&c->w, (cap << 2) | AVA_DATA_REF);
	ava_wbuf_u64(&c->w, (uint64_t)idx);
}

/* Sets up the call's one streamed buffer; -1 when it should not stream. */
static int start_stream(struct ava_call *c, uint32_t dir, const void *app, uint64_t n)
{
	uint64_t off;
	uint8_t *ring;
	int idx;

	if (c->stream.dir || n < AVA_STREAM_MIN || n > AVA_DATA_MAXLEN || c->nrefs >= AVA_MAX_REFS)
		return -1;
	if (ava_sess.kernel) {
		/* kernel transport: the driver pins the application's buffer,
		 * nothing is copied (transport_kernel.c); no ring to run */
		if ((idx = add_ref(c, (uint64_t)(uintptr_t)app, n, dir | AVA_REF_STREAM)) < 0)
			return -1;
		ava_wbuf_u64(&c->w, (n << 2) | AVA_DATA_REF);
		ava_wbuf_u64(&c->w, (uint64_t)idx);
		return 0;
	}
	ring = arena_alloc(AVA_STREAM_RING, &off);
	if (!ring || (idx = add_ref(c, off, n, dir | AVA_REF_STREAM)) < 0)
		return -1;
	c->stream.dir = (int)dir;
	c->stream.app = (uint8_t *)app;
	c->stream.len = n;
	c->stream.ring = ring;
	ava_wbuf_u64(&c->w, (n << 2) | AVA_DATA_REF);
	ava_wbuf_u64(&c->w, (uint64_t)idx);
	return 0;
}

void ava_put_data_stream(struct ava_call *c, const void *p, uint64_t n, int allow)
{
	if (!p || !allow || start_stream(c, AVA_REF_IN, p, n))
		ava_put_data(c, p, n);
}

void ava_put_out_stream(struct ava_call *c, void *p, uint64_t cap, int allow)
{
	if (!p || !allow || c->nouts >= AVA_MAX_OUTS || start_stream(c, AVA_REF_OUT, p, cap)) {
		ava_put_out(c, p, cap);
		return;
	}
	c->outs[c->nouts].arena = NULL;
	c->outs[c->nouts].cap = cap;
	c->outs[c->nouts].streamed = 1;
	c->nouts++;
}

/* Moves the streamed buffer through the ring, chunk by chunk. */
static int run_stream(struct ava_session *s, struct ava_call *c)
{
	struct ava_shm_ctl *ctl = s->m.ctl;
	struct ava_stream *st = &c->stream;
	uint64_t done = 0, chunk, w;
	unsigned i;

	while (done < st->len) {
		chunk = st->len - done < AVA_STREAM_CHUNK ? st->len - done : AVA_STREAM_CHUNK;
		for (i = 0;; i++) {
			w = atomic_load_explicit(&ctl->stream_worker, memory_order_acquire);
			if (w == AVA_STREAM_ABORT)
				return -1;
			if (st->dir == AVA_REF_IN ? done + chunk - w <= AVA_STREAM_RING : w >= done + chunk)
				break;
			if ((i & 4095) == 4095 && !ava_transport_peer_alive(s))
				return -1;
			ava_backoff(i);
		}
		if (st->dir == AVA_REF_IN)
			memcpy(st->ring + done % AVA_STREAM_RING, st->app + done, chunk);
		else
			memcpy(st->app + done, st->ring + done % AVA_STREAM_RING, chunk);
		done += chunk;
		atomic_store_explicit(&ctl->stream_guest, done, memory_order_release);
	}
	/* the worker must be finished with the ring before the next stream */
	for (i = 0; st->dir == AVA_REF_IN; i++) {
		w = atomic_load_explicit(&ctl->stream_worker, memory_order_acquire);
		if (w == st->len || w == AVA_STREAM_ABORT)
			break;
		if ((i & 4095) == 4095 && !ava_transport_peer_alive(s))
			return -1;
		ava_backoff(i);
	}
	return 0;
}

void ava_put_out(struct ava_call *c, const void *p, uint64_t cap)
{
	put_out(c, p, cap, 0);
}

void ava_put_inout(struct ava_call *c, const void *p, uint64_t cap)
{
	put_out(c, p, cap, 1);
}

int ava_call_exchange(struct ava_call *c)
{
	struct ava_session *s = &ava_sess;
	struct ava_cmd_hdr *h = (struct ava_cmd_hdr *)s->scratch;
	const struct ava_reply_hdr *rh;
	const uint8_t *rep;
	uint32_t len, seq;
	uint64_t total;

	if (c->w.overflow)
		call_fail(c, AVA_S_TOO_LARGE);
	if (c->failed)
		return (int)c->fail_status;
	total = sizeof(*h) + c->w.len + c->nrefs * sizeof(struct ava_buf_ref);
	memcpy(s->scratch + sizeof(*h) + c->w.len, c->refs, c->nrefs * sizeof(struct ava_buf_ref));
	h->magic = AVA_WIRE_MAGIC;
	h->version = AVA_WIRE_VERSION;
	h->api_id = (uint16_t)c->api;
	h->func_id = c->func;
	h->flags = c->async ? AVA_CMD_ASYNC : 0;
	h->call_id = ++s->call_seq;
	h->inline_len = (uint32_t)c->w.len;
	h->nrefs = c->nrefs;
	h->total_len = (uint32_t)total;
	h->session = 0;
	seq = ava_transport_reply_seq(s);
	/* what the reply can hold: the inline outputs and a few words */
	s->reply_hint = (uint32_t)(sizeof(*rh) + (AVA_MAX_REPLY_INLINE - c->reply_budget) +
				   8 * AVA_MAX_OUTS + 4096);
	if (c->stream.dir) {
		atomic_store(&s->m.ctl->stream_guest, 0);
		atomic_store(&s->m.ctl->stream_worker, 0);
	}
	if (ava_transport_send(s, s->scratch, (uint32_t)total))
		return AVA_S_MALFORMED;
	if (c->stream.dir)
		run_stream(s, c);	/* a failure shows in the reply */
	if (c->async)
		return AVA_S_OK;
	if (ava_transport_wait(s, seq, &rep, &len))
		return AVA_S_MALFORMED;
	rh = (const struct ava_reply_hdr *)rep;
	if (len < sizeof(*rh) || rh->magic != AVA_WIRE_MAGIC || rh->call_id != h->call_id ||
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

/* Non-blocking reads whose data the worker holds until they complete. */
struct ava_pending {
	uint64_t id;
	void *dst;
	uint64_t len;
	struct ava_pending *next;
};

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_pending *pending;
static atomic_int npending;
static _Thread_local int in_collect;

void ava_pending_add(uint64_t id, void *dst, uint64_t len)
{
	struct ava_pending *p = malloc(sizeof(*p)), **pp;

	if (!p) {
		fprintf(stderr, "ava: out of memory tracking a non-blocking read\n");
		return;
	}
	p->id = id;
	p->dst = dst;
	p->len = len;
	p->next = NULL;
	pthread_mutex_lock(&pending_lock);
	for (pp = &pending; *pp; pp = &(*pp)->next)
		;
	*pp = p;
	atomic_fetch_add(&npending, 1);
	pthread_mutex_unlock(&pending_lock);
}

/* Asks the worker for each pending read; copies those that completed. */
static void collect_pending(void)
{
	struct ava_pending **pp, *p;
	struct ava_call c;
	uint64_t state;
	int st;

	in_collect = 1;
	pthread_mutex_lock(&pending_lock);
	pp = &pending;
	while ((p = *pp)) {
		state = 2;
		if (ava_call_begin(&c, AVA_API_CONTROL, AVA_CTL_PENDING, 0) == 0) {
			ava_put_u64(&c, p->id);
			ava_put_out(&c, p->dst, p->len);
			st = ava_call_exchange(&c);
			if (st == AVA_S_OK) {
				state = ava_get_u64(&c);
				ava_get_out(&c, state == 1 ? p->dst : NULL, p->len);
			}
			ava_call_end(&c);
		}
		if (state == 0) {
			pp = &p->next;
		} else {
			*pp = p->next;
			free(p);
			atomic_fetch_sub(&npending, 1);
		}
	}
	pthread_mutex_unlock(&pending_lock);
	in_collect = 0;
}

void ava_call_end(struct ava_call *c)
{
	struct ava_session *s = &ava_sess;
	int collect = !c->async && !c->failed && !in_collect;

	/* after a synchronous reply every earlier call is done too: start the
	 * arena over at offset 0, whose pages are mapped and likely cached */
	if (c->failed) {
		s->arena_head = s->call_start;	/* nothing was sent */
	} else if (!c->async && s->arena_head != s->arena_free) {
		s->arena_head += s->m.arena_size - s->arena_head % s->m.arena_size;
		s->arena_free = s->arena_head;
	}
	pthread_mutex_unlock(&s->lock);
	if (collect && atomic_load_explicit(&npending, memory_order_relaxed))
		collect_pending();
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

static int control_call(uint32_t func, const uint64_t *args, unsigned nargs, int async,
			uint64_t *out, unsigned nout)
{
	struct ava_call c;
	unsigned i;
	int st;

	if (ava_call_begin(&c, AVA_API_CONTROL, func, async))
		return -1;
	for (i = 0; i < nargs; i++)
		ava_put_u64(&c, args[i]);
	st = ava_call_exchange(&c);
	for (i = 0; st == AVA_S_OK && !c.async && i < nout; i++)
		out[i] = ava_get_u64(&c);
	ava_call_end(&c);
	return st == AVA_S_OK ? 0 : -1;
}

int ava_session_ping(void)
{
	return control_call(AVA_CTL_PING, NULL, 0, 0, NULL, 0);
}

int ava_session_release(uint32_t api, uint64_t id)
{
	uint64_t args[2] = { api, id };

	return control_call(AVA_CTL_RELEASE, args, 2, 1, NULL, 0);
}

int ava_session_stats(uint64_t *out, unsigned n)
{
	return control_call(AVA_CTL_STATS, NULL, 0, 0, out, n);
}

/* AVA_STATS=1: the session's counters, as the worker keeps them, at exit. */
void ava_print_stats(void)
{
	uint64_t v[AVA_STAT_COUNT] = { 0 };

	if (ava_session_stats(v, AVA_STAT_COUNT))
		return;
	fprintf(stderr, "ava: session counters: %llu calls, %llu refused, %llu live handles, "
		"%llu live maps, %llu bytes inline, %llu bytes through the arena\n",
		(unsigned long long)v[AVA_STAT_CALLS], (unsigned long long)v[AVA_STAT_ERRORS],
		(unsigned long long)v[AVA_STAT_HANDLES], (unsigned long long)v[AVA_STAT_MAPS],
		(unsigned long long)v[AVA_STAT_INLINE_BYTES], (unsigned long long)v[AVA_STAT_ARENA_BYTES]);
}
