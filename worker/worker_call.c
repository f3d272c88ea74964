// SPDX-License-Identifier: MIT
/* Decoding and checking of one command's arguments, and its reply. */
#include "worker_call.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static const uint8_t empty_data[8];

void avaw_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fprintf(stderr, "ava-worker[%d]: ", (int)getpid());
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

void avaw_fail(struct avaw_call *c, uint32_t status)
{
	if (!c->bad) {
		c->bad = 1;
		c->status = status;
	}
}

void avaw_set_bad(struct avaw_call *c)
{
	avaw_fail(c, AVA_S_MALFORMED);
}

int avaw_bad(struct avaw_call *c)
{
	if (c->r.bad)
		avaw_fail(c, AVA_S_MALFORMED);
	return c->bad;
}

uint64_t avaw_get_u64(struct avaw_call *c)
{
	return ava_rbuf_u64(&c->r);
}

/*
 * The arena bytes of the buffer reference the next word names: one with flag
 * set, not streamed, at least len bytes long; NULL (and the call failed)
 * otherwise.
 */
static void *get_ref(struct avaw_call *c, uint32_t flag, uint64_t len)
{
	uint64_t idx = avaw_get_u64(c);
	const struct ava_buf_ref *r;

	if (idx >= c->nrefs) {
		avaw_fail(c, AVA_S_BAD_REF);
		return NULL;
	}
	r = &c->refs[idx];
	if (!(r->flags & flag) || (r->flags & AVA_REF_STREAM) || r->len < len) {
		avaw_fail(c, AVA_S_BAD_REF);
		return NULL;
	}
	return c->s->arena + r->offset;
}

#define DATA_ABSENT	0u
#define DATA_MALFORMED	4u

/*
 * Reads an argument's data word, 0 when the argument is absent, else its
 * length << 2 | how it comes (AVA_DATA_*): returns how (DATA_ABSENT, or
 * DATA_MALFORMED for a length without a how) and stores the length.
 */
static unsigned int get_data_word(struct avaw_call *c, uint64_t *len)
{
	uint64_t w = avaw_get_u64(c);

	*len = w >> 2;
	return w && !(w & 3) ? DATA_MALFORMED : (unsigned int)(w & 3);
}

void avaw_get_data(struct avaw_call *c, struct avaw_data *d)
{
	unsigned int how;

	memset(d, 0, sizeof(*d));
	how = get_data_word(c, &d->len);
	d->present = how != DATA_ABSENT;
	if (how == AVA_DATA_INLINE) {
		d->p = ava_rbuf_bytes(&c->r, d->len);
	} else if (how == AVA_DATA_REF) {
		d->p = get_ref(c, AVA_REF_IN, d->len);
		d->shared = d->p != NULL;
		c->s->stats[AVA_STAT_ARENA_BYTES] += d->p ? d->len : 0;
	} else if (how != DATA_ABSENT) {
		avaw_set_bad(c);
	}
	if (d->present && d->len == 0)
		d->p = empty_data;
}

void avaw_get_out(struct avaw_call *c, struct avaw_out *o)
{
	unsigned int how;

	memset(o, 0, sizeof(*o));
	how = get_data_word(c, &o->cap);
	o->present = how != DATA_ABSENT;
	switch (how) {
	case DATA_ABSENT:
		break;
	case AVA_DATA_INLINE_PRELOAD:
		o->preload = ava_rbuf_bytes(&c->r, o->cap);
		/* fall through */
	case AVA_DATA_INLINE:	/* the reply carries it */
		if (o->cap > AVA_MAX_REPLY_INLINE)
			avaw_fail(c, AVA_S_TOO_LARGE);
		break;
	case AVA_DATA_REF:
		o->p = get_ref(c, AVA_REF_OUT, o->cap);
		o->is_ref = o->p != NULL;
		break;
	default:
		avaw_set_bad(c);
	}
}

void *avaw_alloc(struct avaw_call *c, uint64_t n)
{
	void *p;

	if (c->nallocs >= AVAW_MAX_ALLOCS || n > (1ull << 32)) {
		avaw_fail(c, AVA_S_TOO_LARGE);
		return NULL;
	}
	p = calloc(1, n ? n : 1);
	if (!p) {
		avaw_fail(c, AVA_S_NO_MEMORY);
		return NULL;
	}
	c->allocs[c->nallocs++] = p;
	return p;
}

static int64_t malformed(struct avaw_call *c)
{
	avaw_set_bad(c);
	return AVAW_BAD;
}

/* 0 when len bytes are count elements of esize; else the call fails (AVAW_BAD). */
static int64_t expect_len(struct avaw_call *c, uint64_t len, uint64_t count, uint64_t esize)
{
	uint64_t n;

	if (count == UINT64_MAX || __builtin_mul_overflow(count, esize, &n)) {
		avaw_fail(c, AVA_S_TOO_LARGE);
		return AVAW_BAD;
	}
	return len == n ? 0 : malformed(c);
}

/* Byte inputs up to this size are structures (buffer regions, fill patterns). */
#define SMALL_BYTES 256

/* Moves d to private memory (the command itself is a private copy already). */
int64_t avaw_privatize(struct avaw_call *c, struct avaw_data *d)
{
	void *p;

	if (!d->shared || !d->len)
		return 0;
	p = avaw_alloc(c, d->len);
	if (!p)
		return AVAW_BAD;
	memcpy(p, d->p, d->len);
	d->p = p;
	d->shared = 0;
	return 0;
}

int64_t avaw_in(struct avaw_call *c, struct avaw_data *d, uint64_t count, uint64_t esize)
{
	if (!d->present)
		return 0;
	if (expect_len(c, d->len, count, esize))
		return AVAW_BAD;
	if (!d->p)
		return malformed(c);
	return esize > 1 || d->len <= SMALL_BYTES ? avaw_privatize(c, d) : 0;
}

int64_t avaw_string(struct avaw_call *c, struct avaw_data *d)
{
	if (!d->present)
		return 0;
	if (!d->p || d->len == 0 || avaw_privatize(c, d))
		return malformed(c);
	if (((const char *)d->p)[d->len - 1] != '\0')
		return malformed(c);
	return 0;
}

int64_t avaw_out(struct avaw_call *c, struct avaw_out *o, uint64_t count, uint64_t esize)
{
	if (o->present && expect_len(c, o->cap, count, esize))
		return AVAW_BAD;
	/* an output the reply carries is written in worker memory first */
	if (o->present && !o->is_ref) {
		o->p = avaw_alloc(c, o->cap);
		if (!o->p)
			return AVAW_BAD;
		if (o->preload && o->cap)
			memcpy(o->p, o->preload, o->cap);
	}
	return 0;
}

int64_t avaw_out_private(struct avaw_call *c, struct avaw_out *o, uint64_t count, uint64_t esize)
{
	if (avaw_out(c, o, count, esize))
		return AVAW_BAD;
	if (o->present && o->is_ref && !o->stream) {
		o->ref_dst = o->p;	/* the caller can write there at any time */
		o->p = avaw_alloc(c, o->cap);
		if (!o->p)
			return AVAW_BAD;
	}
	return 0;
}

int64_t avaw_handles(struct avaw_call *c, struct avaw_data *d, uint64_t count, uint32_t type,
		     int64_t invalid_err, void ***out)
{
	uint64_t i, id;
	void **a;

	*out = NULL;
	if (!d->present)
		return 0;
	if (avaw_in(c, d, count, 8))
		return AVAW_BAD;
	a = calloc(count ? count : 1, sizeof(void *));
	if (!a) {
		avaw_fail(c, AVA_S_NO_MEMORY);
		return AVAW_BAD;
	}
	*out = a;
	for (i = 0; i < count; i++) {
		memcpy(&id, (const uint8_t *)d->p + i * 8, 8);
		if (!id || !avaw_handle(c, id, type, &a[i]))
			return invalid_err;
	}
	return 0;
}

void avaw_put_u64(struct avaw_call *c, uint64_t v)
{
	ava_wbuf_u64(&c->w, v);
}

void avaw_put_out(struct avaw_call *c, struct avaw_out *o, uint64_t len)
{
	void *dst;

	if (!o->present || !o->p) {
		ava_wbuf_u64(&c->w, 0);
		return;
	}
	if (len > o->cap)
		len = o->cap;
	if (o->is_ref) {
		if (o->ref_dst && len)
			memcpy(o->ref_dst, o->p, len);
		ava_wbuf_u64(&c->w, (len << 2) | AVA_DATA_REF);
		return;
	}
	ava_wbuf_u64(&c->w, (len << 2) | AVA_DATA_INLINE);
	dst = ava_wbuf_reserve(&c->w, len);
	if (dst && len)
		memcpy(dst, o->p, len);
}

void avaw_call_timer_start(struct avaw_call *c)
{
	c->t0 = ava_now_ns();
}

void avaw_call_timer_stop(struct avaw_call *c)
{
	c->exec_ns += ava_now_ns() - c->t0;
}

void avaw_defer(struct avaw_call *c, int64_t err)
{
	if (!c->s->has_deferred[c->api]) {
		c->s->has_deferred[c->api] = 1;
		c->s->deferred[c->api] = err;
	}
}

int64_t avaw_take_deferred(struct avaw_call *c, int64_t ret)
{
	if (!c->s->has_deferred[c->api])
		return ret;
	c->s->has_deferred[c->api] = 0;
	return c->s->deferred[c->api];
}

struct cb_record {
	struct avaw_session *s;
	uint64_t cookie;
};

void *avaw_cb_record(struct avaw_call *c, uint64_t cookie)
{
	struct cb_record *r = malloc(sizeof(*r));

	if (!r) {
		avaw_fail(c, AVA_S_NO_MEMORY);
		return NULL;
	}
	r->s = c->s;
	r->cookie = cookie;
	return r;
}

/* Runs on the vendor library's threads: queue the callback for the guest. */
void avaw_notify(void *record, int64_t status)
{
	struct cb_record *r = record;

	r->s->t->notify(r->s, r->cookie, status);
	free(r);
}
