// SPDX-License-Identifier: MIT
/* Unit tests of userlib/guest_stream.c against a worker thread that plays
 * the other end of the ring the way worker/worker_stream.c does. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../uapi/ava_wire.h"
#include "guest_stream.h"
#include "unit_check.h"

#define LEN ((5u << 20) + 12345u)	/* not a multiple of the chunk */

struct worker {
	struct ava_shm_ctl *ctl;
	struct ava_stream st;
	uint8_t *buf;		/* the worker's copy */
	uint64_t stop_at;	/* abort once this much moved */
	uint64_t chunk;		/* the worker's, not necessarily the guest's */
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	uint64_t done = 0, chunk, g, ring = ava_stream_ring_bytes(w->st.shift);
	unsigned i;

	while (done < w->st.len) {
		if (done >= w->stop_at) {
			atomic_store(&w->ctl->stream_worker, AVA_STREAM_ABORT);
			return NULL;
		}
		chunk = w->st.len - done < w->chunk ? w->st.len - done : w->chunk;
		for (i = 0;; i++) {
			g = atomic_load_explicit(&w->ctl->stream_guest, memory_order_acquire);
			if (w->st.dir == AVA_REF_IN ? g >= done + chunk : done + chunk - g <= ring)
				break;
			ava_backoff(i);
		}
		if (w->st.dir == AVA_REF_IN)
			memcpy(w->buf + done, w->st.ring + done % ring, chunk);
		else
			memcpy(w->st.ring + done % ring, w->buf + done, chunk);
		done += chunk;
		atomic_store_explicit(&w->ctl->stream_worker, done, memory_order_release);
	}
	return NULL;
}

static int alive(void *ctx)
{
	return *(int *)ctx;
}

/*
 * Streams LEN bytes in direction dir through a ring of the given shift, the
 * worker moving chunks of ring >> wdiv; returns what ava_stream_run said.
 */
static int stream_ring(uint32_t dir, uint8_t *app, uint8_t *wbuf, uint64_t stop_at, int peer, uint32_t shift,
		       unsigned wdiv)
{
	static struct ava_shm_ctl ctl;
	uint64_t ring = ava_stream_ring_bytes(shift);
	struct worker w = { &ctl, { (int)dir, app, LEN, malloc(ring), shift }, wbuf, stop_at, ring >> wdiv };
	pthread_t th;
	int rc;

	ava_stream_reset(&ctl);
	pthread_create(&th, NULL, worker_main, &w);
	rc = ava_stream_run(&ctl, &w.st, alive, &peer);
	pthread_join(th, NULL);
	free(w.st.ring);
	return rc;
}

/* The 1 MiB ring in 256 KiB chunks on both sides. */
static int stream(uint32_t dir, uint8_t *app, uint8_t *wbuf, uint64_t stop_at, int peer)
{
	return stream_ring(dir, app, wbuf, stop_at, peer, 0, 2);
}

static void fill(uint8_t *p, uint64_t n, unsigned seed)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed + (i >> 12));
}

static void stream_in(void)
{
	uint8_t *app = malloc(LEN), *wbuf = calloc(1, LEN);

	fill(app, LEN, 7);
	CHECK(stream(AVA_REF_IN, app, wbuf, UINT64_MAX, 1) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	free(app);
	free(wbuf);
}

static void stream_out(void)
{
	uint8_t *app = calloc(1, LEN), *wbuf = malloc(LEN);

	fill(wbuf, LEN, 3);
	CHECK(stream(AVA_REF_OUT, app, wbuf, UINT64_MAX, 1) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	free(app);
	free(wbuf);
}

/*
 * Larger rings: the guest copies an eighth of the ring at a time with
 * three threads (AVA_STREAM_THREADS), the worker in other chunks.  5 MiB
 * wrap a 2 MiB ring twice; an 8 MiB ring holds them whole.
 */
static void larger_rings(void)
{
	uint8_t *app = malloc(LEN), *wbuf = calloc(1, LEN), *back = calloc(1, LEN);

	setenv("AVA_STREAM_THREADS", "3", 1);
	fill(app, LEN, 5);
	CHECK(stream_ring(AVA_REF_IN, app, wbuf, UINT64_MAX, 1, 1, 2) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	CHECK(stream_ring(AVA_REF_OUT, back, wbuf, UINT64_MAX, 1, 1, 2) == 0);
	CHECK(memcmp(app, back, LEN) == 0);
	fill(app, LEN, 6);
	CHECK(stream_ring(AVA_REF_IN, app, wbuf, UINT64_MAX, 1, 3, 3) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	memset(back, 0, LEN);
	CHECK(stream_ring(AVA_REF_OUT, back, wbuf, UINT64_MAX, 1, 3, 3) == 0);
	CHECK(memcmp(app, back, LEN) == 0);
	/* an abort reaches every thread */
	CHECK(stream_ring(AVA_REF_OUT, back, wbuf, 3 * AVA_STREAM_CHUNK, 1, 1, 2) == -1);
	CHECK(stream_ring(AVA_REF_IN, app, wbuf, 3 * AVA_STREAM_CHUNK, 1, 1, 2) == -1);
	unsetenv("AVA_STREAM_THREADS");
	free(app);
	free(wbuf);
	free(back);
}

static void aborted(void)
{
	uint8_t *app = calloc(1, LEN), *wbuf = calloc(1, LEN);

	CHECK(stream(AVA_REF_OUT, app, wbuf, 2 * AVA_STREAM_CHUNK, 1) == -1);
	CHECK(stream(AVA_REF_IN, app, wbuf, 2 * AVA_STREAM_CHUNK, 1) == -1);
	free(app);
	free(wbuf);
}

/* A worker that never moves and a peer that is gone: the guest gives up. */
static void peer_gone(void)
{
	static struct ava_shm_ctl ctl;
	uint8_t *app = calloc(1, LEN), *ring = malloc(AVA_STREAM_RING);
	struct ava_stream st = { AVA_REF_OUT, app, LEN, ring, 0 };
	int peer = 0;

	ava_stream_reset(&ctl);
	CHECK(ava_stream_run(&ctl, &st, alive, &peer) == -1);
	CHECK(atomic_load(&ctl.stream_guest) == 0);
	free(app);
	free(ring);
}

int main(void)
{
	RUN(stream_in, "stream: 5 MiB in through the 1 MiB ring arrive intact");
	RUN(stream_out, "stream: 5 MiB out through the ring arrive intact");
	RUN(larger_rings, "stream: 5 MiB in and out through 2 and 8 MiB rings, three guest threads, other worker chunks");
	RUN(aborted, "stream: a worker's abort ends the stream with an error");
	RUN(peer_gone, "stream: a dead peer ends a stalled stream");
	return unit_done();
}
