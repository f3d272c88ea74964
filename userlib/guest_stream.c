// SPDX-License-Identifier: MIT
/*
 * Moving a streamed buffer through the ring (see guest_stream.h).
 *
 * Through the default 1 MiB ring the caller copies 256 KiB chunks in
 * order, one thread.  A larger ring means the worker has the backend move
 * the chunks itself (worker/opencl_stream.c: by DMA on NVIDIA's OpenCL),
 * and the caller's one memcpy would then set the pace (5-8 GB/s on the
 * H200 host, where NVIDIA's own pageable reads reach 11-14 GB/s).  So
 * there the chunks are an eighth of the ring and several threads copy
 * them (copier_count), each taking the next chunk; the counter the worker
 * sees still only moves over the chunks that are all done.
 */
#include "guest_stream.h"

#include <pthread.h>
#include <string.h>

#include "../uapi/ava_wire.h"
#include "cpus_allowed.h"
#include "stream_slots.h"

#define MAX_COPIERS 8

static _Atomic uint64_t waited_ns;

static uint64_t min64(uint64_t a, uint64_t b)
{
	return a < b ? a : b;
}

void ava_stream_reset(struct ava_shm_ctl *ctl)
{
	atomic_store(&ctl->stream_guest, 0);
	atomic_store(&ctl->stream_worker, 0);
}

uint64_t ava_stream_waited_ns(void)
{
	return atomic_load(&waited_ns);
}

/* The worker's counter lets the next chunk go (or reached the end when chunk == 0): 1, or -1 on abort. */
static int worker_let(struct ava_shm_ctl *ctl, const struct ava_stream *st, uint64_t done, uint64_t chunk)
{
	uint64_t w = atomic_load_explicit(&ctl->stream_worker, memory_order_acquire);

	if (w == AVA_STREAM_ABORT)
		return chunk ? -1 : 1;
	if (!chunk)
		return w == st->len;
	return st->dir == AVA_REF_IN ? done + chunk - w <= ava_stream_ring_bytes(st->shift) : w >= done + chunk;
}

/* Waits until the worker's counter lets the next chunk go (or reaches the
 * end when chunk == 0); -1 on abort or a dead peer.  The clock is read
 * only once a wait begins. */
static int wait_worker(struct ava_shm_ctl *ctl, const struct ava_stream *st, uint64_t done, uint64_t chunk,
		       int (*peer_alive)(void *ctx), void *ctx)
{
	uint64_t t0 = 0;
	unsigned i;
	int let;

	for (i = 0; !(let = worker_let(ctl, st, done, chunk)); i++) {
		if ((i & 4095) == 4095 && !peer_alive(ctx))
			return -1;
		if (!t0)
			t0 = ava_now_ns();
		ava_backoff(i);
	}
	if (t0)
		atomic_fetch_add(&waited_ns, ava_now_ns() - t0);
	return let < 0 ? -1 : 0;
}

struct run {
	struct ava_shm_ctl *ctl;
	const struct ava_stream *st;
	int (*peer_alive)(void *ctx);
	void *ctx;
	uint64_t ring;
	_Atomic uint64_t next;		/* the next chunk to take */
	_Atomic int failed;
	struct ava_slots slots;
};

static void publish(void *ctx, uint64_t bytes)
{
	struct run *r = ctx;

	atomic_store_explicit(&r->ctl->stream_guest, bytes, memory_order_release);
}

static void *copier(void *arg)
{
	struct run *r = arg;
	const struct ava_stream *st = r->st;
	uint64_t k, pos, n;

	while (!atomic_load(&r->failed) && (k = atomic_fetch_add(&r->next, 1)) < r->slots.nchunks) {
		pos = k * r->slots.chunk;
		n = min64(r->slots.chunk, st->len - pos);
		if (wait_worker(r->ctl, st, pos, n, r->peer_alive, r->ctx)) {
			atomic_store(&r->failed, 1);
			break;
		}
		if (st->dir == AVA_REF_IN)
			memcpy(st->ring + pos % r->ring, st->app + pos, n);
		else
			memcpy(st->app + pos, st->ring + pos % r->ring, n);
		ava_slots_done(&r->slots, k, publish, r);
	}
	return NULL;
}

/*
 * Threads for a stream through a larger ring: AVA_STREAM_THREADS, else a
 * quarter of the CPUs this process may run on, at least 2 and at most 4
 * (more gained nothing on the H200 host); one below 4 CPUs.  The CPUs
 * allowed, not those online: a program pinned to 4 of 16 (bench/run's)
 * shares them with its worker's 2 copiers, and one guest copier there set
 * the pace of a 200 MB upload into ready pages (36-42 ms against 21-25
 * with two; docs/performance.md).
 */
static unsigned copier_count(const struct run *r)
{
	unsigned cpus, n;

	if (r->ring <= AVA_STREAM_RING)
		return 1;
	cpus = ava_cpus_allowed();
	n = ava_stream_threads(cpus < 4 ? 1 : cpus < 8 ? 2 : cpus < 16 ? cpus / 4 : 4, MAX_COPIERS);
	return (unsigned)min64(n, r->slots.nchunks / 2 ? r->slots.nchunks / 2 : 1);
}

int ava_stream_run(struct ava_shm_ctl *ctl, const struct ava_stream *st, int (*peer_alive)(void *ctx), void *ctx)
{
	struct run r = { .ctl = ctl, .st = st, .peer_alive = peer_alive, .ctx = ctx };

	r.ring = ava_stream_ring_bytes(st->shift);
	ava_slots_init(&r.slots, ava_stream_chunk(r.ring), st->len);
	ava_slots_copy(copier_count(&r), copier, &r);
	pthread_mutex_destroy(&r.slots.lock);
	if (atomic_load(&r.failed))
		return -1;
	/* the worker must be finished with the ring before the next stream */
	if (st->dir == AVA_REF_IN)
		return wait_worker(ctl, st, st->len, 0, peer_alive, ctx);
	return 0;
}
