// SPDX-License-Identifier: MIT
/* Moving a streamed buffer through the ring (see guest_stream.h). */
#include "guest_stream.h"

#include <string.h>

#include "../uapi/ava_wire.h"

void ava_stream_reset(struct ava_shm_ctl *ctl)
{
	atomic_store(&ctl->stream_guest, 0);
	atomic_store(&ctl->stream_worker, 0);
}

/* Waits until the worker's counter lets the next chunk go (or reaches the
 * end when chunk == 0); -1 on abort or a dead peer. */
static int wait_worker(struct ava_shm_ctl *ctl, const struct ava_stream *st, uint64_t done, uint64_t chunk,
		       int (*peer_alive)(void *ctx), void *ctx)
{
	uint64_t w, ring = ava_stream_ring_bytes(st->shift);
	unsigned i;

	for (i = 0;; i++) {
		w = atomic_load_explicit(&ctl->stream_worker, memory_order_acquire);
		if (w == AVA_STREAM_ABORT)
			return chunk ? -1 : 0;
		if (!chunk && w == st->len)
			return 0;
		if (chunk && (st->dir == AVA_REF_IN ? done + chunk - w <= ring : w >= done + chunk))
			return 0;
		if ((i & 4095) == 4095 && !peer_alive(ctx))
			return -1;
		ava_backoff(i);
	}
}

int ava_stream_run(struct ava_shm_ctl *ctl, const struct ava_stream *st, int (*peer_alive)(void *ctx), void *ctx)
{
	uint64_t done = 0, chunk, ring = ava_stream_ring_bytes(st->shift);

	while (done < st->len) {
		chunk = st->len - done < AVA_STREAM_CHUNK ? st->len - done : AVA_STREAM_CHUNK;
		if (wait_worker(ctl, st, done, chunk, peer_alive, ctx))
			return -1;
		if (st->dir == AVA_REF_IN)
			memcpy(st->ring + done % ring, st->app + done, chunk);
		else
			memcpy(st->app + done, st->ring + done % ring, chunk);
		done += chunk;
		atomic_store_explicit(&ctl->stream_guest, done, memory_order_release);
	}
	/* the worker must be finished with the ring before the next stream */
	if (st->dir == AVA_REF_IN)
		return wait_worker(ctl, st, done, 0, peer_alive, ctx);
	return 0;
}
