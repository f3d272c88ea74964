/* SPDX-License-Identifier: MIT */
/*
 * The guest's side of a streamed buffer on the local transport: a large
 * buffer moves through a small ring in the arena chunk by chunk while the
 * worker copies the previous chunk (common/shm_layout.h, docs/protocol.md).
 */
#ifndef AVA_GUEST_STREAM_H
#define AVA_GUEST_STREAM_H

#include <stdint.h>

#include "shm_layout.h"

struct ava_stream {
	int dir;		/* 0 none, AVA_REF_IN or AVA_REF_OUT */
	uint8_t *app;		/* the application's buffer */
	uint64_t len;
	uint8_t *ring;		/* in the arena: ava_stream_ring_bytes(shift) bytes */
	uint32_t shift;		/* sent in the reference's reserved field */
};

/* Both progress counters start at 0: called before the command goes out. */
void ava_stream_reset(struct ava_shm_ctl *ctl);

/*
 * Copies the buffer in (AVA_REF_IN) or out through the ring, waiting on
 * the worker's counter; peer_alive(ctx) is asked now and then while
 * waiting.  Returns 0, or -1 when the worker aborted or is gone.
 */
int ava_stream_run(struct ava_shm_ctl *ctl, const struct ava_stream *st, int (*peer_alive)(void *ctx), void *ctx);

/* The copiers' time waiting for the worker's counter so far, summed over
 * threads and streams (AVA_STATS: where a large upload's time went). */
uint64_t ava_stream_waited_ns(void);

#endif
