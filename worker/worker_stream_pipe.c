// SPDX-License-Identifier: MIT
/*
 * A streamed buffer moved by the backend's own asynchronous transfers
 * (worker_call.h, avaw_stream_pipe).  The ring holds PIPE_DEPTH chunks.
 * In: a chunk's transfer is queued once the caller has filled it, and its
 * space is given back (the worker's counter) once the transfer completed.
 * Out: a chunk's transfer is queued once the caller has emptied its place,
 * and given to the caller once it completed.  So the caller's copy of one
 * chunk overlaps the backend's transfers of the others, and no byte is
 * copied by the worker.  The caller's counter is checked by the rules of
 * worker_stream.c (avaw_stream_peer, avaw_stream_ready); when the stream ends early, every transfer still queued
 * is waited for first, since it reads or writes the ring.
 */
#include "worker_call.h"

#define PIPE_DEPTH 8

struct pipe {
	struct avaw_call *c;
	const struct avaw_pipe_ops *ops;
	void *ctx;
	uint64_t ring, chunk;
	uint64_t queued;		/* stream bytes whose transfer was queued */
	uint64_t retired;		/* ... and has completed, in order */
	void *token[PIPE_DEPTH];	/* of the chunks in between */
};

static void **token_of(struct pipe *p, uint64_t pos)
{
	return &p->token[(pos / p->chunk) % PIPE_DEPTH];
}

/* Queues the next chunk if the caller's side of it is ready: 1 if it did. */
static int queue_next(struct pipe *p, uint64_t g, int *err)
{
	struct avaw_stream *st = &p->c->stream;
	uint64_t n = avaw_min(p->chunk, st->len - p->queued);

	if (p->queued == st->len || p->queued - p->retired >= p->ring || !avaw_stream_ready(p->c, g, p->queued, n))
		return 0;
	if (p->ops->start(p->ctx, p->queued, st->ring + p->queued % p->ring, n, token_of(p, p->queued))) {
		*err = 1;
		return 0;
	}
	p->queued += n;
	return 1;
}

/* Retires the oldest chunk if its transfer has ended (wait: waits for it). */
static int retire_oldest(struct pipe *p, int wait, int *err)
{
	int r;

	if (p->queued == p->retired)
		return 0;
	r = p->ops->poll(p->ctx, *token_of(p, p->retired), wait);
	if (r == 0)
		return 0;
	p->retired = avaw_min(p->retired + p->chunk, p->queued);
	if (r < 0)
		*err = 1;
	else
		p->c->s->t->stream_progress(p->c->s, p->retired);
	return 1;
}

int avaw_stream_pipe(struct avaw_call *c, const struct avaw_pipe_ops *ops, void *ctx)
{
	struct avaw_stream *st = &c->stream;
	struct pipe p = { c, ops, ctx, st->ring_size, st->ring_size / PIPE_DEPTH, 0, 0, { 0 } };
	uint64_t g;
	unsigned spin = 0;
	int err = !avaw_stream_active(c);

	while (!err && p.retired < st->len) {
		if (avaw_stream_peer(c, p.retired, &g))
			break;
		if (queue_next(&p, g, &err)) {
			spin = 0;
			continue;
		}
		/* all queued, or the ring is: only the oldest transfer can move things */
		if (retire_oldest(&p, p.queued == st->len || p.queued - p.retired >= p.ring, &err)) {
			spin = 0;
			continue;
		}
		if (atomic_load(&c->s->peer_gone))
			break;
		ava_backoff(spin++);
	}
	if (p.retired == st->len && !err) {
		avaw_stream_moved(c);
		return 0;
	}
	while (p.queued > p.retired)
		retire_oldest(&p, 1, &err);
	avaw_stream_abort(c);
	return -1;
}
