// SPDX-License-Identifier: MIT
/*
 * The worker's copies of a streamed buffer (avaw_stream_in/out), as the
 * caller's side makes them (userlib/guest_stream.c): through the default
 * ring one thread, chunk by chunk; through a larger one (the worker asked
 * for it: a large upload follows) several threads, each taking the next
 * of the ring's AVA_STREAM_SLOTS chunks, waiting until the caller's side
 * of it is ready, and copying it.  The counter the caller sees moves over
 * the chunks all done (common/stream_slots.h).  The caller's counter
 * follows the rules of worker_stream.c (avaw_stream_peer_ok,
 * avaw_stream_ready), checked against what is published when it is read.
 */
#include <pthread.h>
#include <string.h>

#include "stream_slots.h"
#include "worker_call.h"
#include "worker_prefault.h"

struct copiers {
	struct avaw_call *c;
	uint8_t *buf;
	struct ava_slots slots;
	_Atomic uint64_t next;		/* the next chunk to take */
	_Atomic uint64_t published;	/* bytes all done, as the caller sees them */
	_Atomic uint64_t waited_ns;	/* summed over the threads */
	_Atomic int failed;
};

static void publish(void *ctx, uint64_t bytes)
{
	struct copiers *o = ctx;

	atomic_store(&o->published, bytes);
	o->c->s->t->stream_progress(o->c->s, bytes);
}

/*
 * Waits until the caller's side of [pos, pos + n) is ready; -1 on a bad
 * counter or the end.  The clock is read only once a wait begins.
 */
static int wait_caller(struct copiers *o, uint64_t pos, uint64_t n)
{
	struct avaw_call *c = o->c;
	uint64_t g, t0 = 0;
	unsigned i;

	for (i = 0;; i++) {
		g = c->s->t->stream_peer(c->s);
		/* read after g: the caller cannot have seen more than this */
		if (!avaw_stream_peer_ok(c, atomic_load(&o->published), g))
			return -1;
		if (avaw_stream_ready(c, g, pos, n)) {
			if (t0)
				atomic_fetch_add(&o->waited_ns, ava_now_ns() - t0);
			return 0;
		}
		if (atomic_load(&o->failed) || atomic_load(&c->s->peer_gone))
			return -1;
		if (!t0)
			t0 = ava_now_ns();
		ava_backoff(i);
	}
}

static void *copier(void *arg)
{
	struct copiers *o = arg;
	struct avaw_stream *st = &o->c->stream;
	uint64_t k, pos, n;

	while (!atomic_load(&o->failed) && (k = atomic_fetch_add(&o->next, 1)) < o->slots.nchunks) {
		pos = k * o->slots.chunk;
		n = avaw_min(o->slots.chunk, st->len - pos);
		if (wait_caller(o, pos, n)) {
			atomic_store(&o->failed, 1);
			break;
		}
		if (st->dir == AVA_REF_IN)
			memcpy(o->buf + pos, st->ring + pos % st->ring_size, n);
		else
			memcpy(st->ring + pos % st->ring_size, o->buf + pos, n);
		ava_slots_done(&o->slots, k, publish, o);
	}
	return NULL;
}

/* One through the default ring; else as many as a large copy gets (worker_prefault.c). */
static unsigned copier_count(uint64_t ring, uint64_t nchunks)
{
	if (ring <= AVA_STREAM_RING)
		return 1;
	return (unsigned)avaw_min(avaw_copy_threads(), nchunks);
}

int avaw_stream_copiers(struct avaw_call *c, uint8_t *buf)
{
	struct avaw_stream *st = &c->stream;
	struct copiers o = { .c = c, .buf = buf };

	ava_slots_init(&o.slots, ava_stream_chunk(st->ring_size), st->len);
	ava_slots_copy(copier_count(st->ring_size, o.slots.nchunks), copier, &o);
	pthread_mutex_destroy(&o.slots.lock);
	st->waited_ns = atomic_load(&o.waited_ns);
	return atomic_load(&o.failed) ? -1 : 0;
}
