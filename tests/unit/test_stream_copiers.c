// SPDX-License-Identifier: MIT
/*
 * Streams as they move on the `local` transport: the guest's copiers
 * (userlib/guest_stream.c) fill a ring while the worker's
 * (worker/worker_stream_copiers.c, reached through avaw_stream_in and
 * avaw_stream_out) empty it, several threads a side through a large one.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "../uapi/ava_wire.h"
#include "guest_stream.h"
#include "unit_check.h"
#include "worker_call.h"

#define LEN ((37u << 20) + 12345u)	/* wraps a 16 MiB ring twice, not a multiple of a slot */

static struct ava_shm_ctl ctl;

static uint64_t peer(struct avaw_session *s)
{
	(void)s;
	return atomic_load_explicit(&ctl.stream_guest, memory_order_acquire);
}

static void progress(struct avaw_session *s, uint64_t done)
{
	(void)s;
	atomic_store_explicit(&ctl.stream_worker, done, memory_order_release);
}

static const struct avaw_transport transport = { .stream_peer = peer, .stream_progress = progress };

/* What worker_stream.c names of worker_call.c: unused here. */
void avaw_fail(struct avaw_call *c, uint32_t status)
{
	c->bad = 1;
	c->status = status;
}

void avaw_get_data(struct avaw_call *c, struct avaw_data *d)
{
	(void)c;
	(void)d;
}

void avaw_get_out(struct avaw_call *c, struct avaw_out *o)
{
	(void)c;
	(void)o;
}

struct guest {
	struct ava_stream st;
	int alive;
	int rc;
};

static int alive(void *ctx)
{
	return *(int *)ctx;
}

static void *guest_main(void *arg)
{
	struct guest *g = arg;

	g->rc = ava_stream_run(&ctl, &g->st, alive, &g->alive);
	return NULL;
}

static void fill(uint8_t *p, uint64_t n, unsigned seed)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + seed + (i >> 12));
}

/* Streams LEN bytes in direction dir through a ring of the shift; 0 if both sides finished. */
static int run(uint32_t dir, uint8_t *app, uint8_t *wbuf, uint32_t shift, int guest_alive)
{
	struct avaw_session s = { .t = &transport };
	uint8_t *ring = malloc(ava_stream_ring_bytes(shift));
	struct avaw_call c = { .s = &s };
	struct guest g = { { (int)dir, app, LEN, ring, shift }, guest_alive, 0 };
	pthread_t th;
	int wrc;

	ava_stream_reset(&ctl);
	c.stream = (struct avaw_stream){ .dir = dir, .ring = ring, .ring_size = ava_stream_ring_bytes(shift), .len = LEN };
	if (!guest_alive)
		atomic_store(&s.peer_gone, 1);
	else
		pthread_create(&th, NULL, guest_main, &g);
	wrc = dir == AVA_REF_IN ? avaw_stream_in(&c, wbuf, LEN) : avaw_stream_out(&c, wbuf, LEN);
	if (guest_alive)
		pthread_join(th, NULL);
	free(ring);
	return wrc || g.rc ? -1 : 0;
}

static void both_ways(void)
{
	uint8_t *app = malloc(LEN), *wbuf = calloc(1, LEN), *back = calloc(1, LEN);

	setenv("AVA_STREAM_THREADS", "3", 1);
	fill(app, LEN, 9);
	CHECK(run(AVA_REF_IN, app, wbuf, AVA_STREAM_SHIFT_MAX, 1) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	CHECK(run(AVA_REF_OUT, back, wbuf, AVA_STREAM_SHIFT_MAX, 1) == 0);
	CHECK(memcmp(app, back, LEN) == 0);
	/* a 2 MiB ring: a slot of 256 KiB, as many threads */
	fill(app, LEN, 4);
	CHECK(run(AVA_REF_IN, app, wbuf, 1, 1) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	/* the default 1 MiB ring: 256 KiB chunks, one thread here */
	fill(app, LEN, 2);
	CHECK(run(AVA_REF_IN, app, wbuf, 0, 1) == 0);
	CHECK(memcmp(app, wbuf, LEN) == 0);
	memset(back, 0, LEN);
	CHECK(run(AVA_REF_OUT, back, wbuf, 0, 1) == 0);
	CHECK(memcmp(app, back, LEN) == 0);
	unsetenv("AVA_STREAM_THREADS");
	free(app);
	free(wbuf);
	free(back);
}

/* A caller gone before it filled anything: every worker thread gives up, the stream is aborted. */
static void caller_gone(void)
{
	uint8_t *app = calloc(1, LEN), *wbuf = calloc(1, LEN);

	setenv("AVA_STREAM_THREADS", "3", 1);
	CHECK(run(AVA_REF_IN, app, wbuf, AVA_STREAM_SHIFT_MAX, 0) == -1);
	CHECK(atomic_load(&ctl.stream_worker) == AVA_STREAM_ABORT);
	unsetenv("AVA_STREAM_THREADS");
	free(app);
	free(wbuf);
}

int main(void)
{
	RUN(both_ways, "stream copiers: 37 MiB in and out through 16, 2 and 1 MiB rings, three threads a side (one here through 1 MiB), intact");
	RUN(caller_gone, "stream copiers: a caller gone: the worker's threads give up and abort the stream");
	return unit_done();
}
