/* SPDX-License-Identifier: MIT */
/*
 * The bulk arena of a session: buffers too large to travel inline are
 * allocated here FIFO, as a ring.  Positions grow monotonically; the
 * offset is position % size.  Space before `free` may be reused: the
 * worker is done with every call that used it.
 */
#ifndef AVA_GUEST_ARENA_H
#define AVA_GUEST_ARENA_H

#include <stdint.h>

struct ava_arena {
	uint8_t *base;
	uint64_t size;
	uint64_t head;		/* next allocation position */
	uint64_t free;		/* everything before this is free */
	uint64_t call_start;	/* head when the current call began */
};

void ava_arena_init(struct ava_arena *a, uint8_t *base, uint64_t size);

static inline void ava_arena_call_begin(struct ava_arena *a)
{
	a->call_start = a->head;
}

/*
 * Allocates n contiguous bytes and sets *off to their offset.  When the
 * arena is full, drain(ctx) waits until the worker has finished every
 * earlier call (0 on success); then their space is reused.  NULL when n
 * does not fit even so.
 */
void *ava_arena_alloc(struct ava_arena *a, uint64_t n, uint64_t *off, int (*drain)(void *ctx), void *ctx);

/*
 * The current call is over: sent == 0 gives back what it allocated;
 * after a synchronous reply every call is done, and allocation starts over
 * at offset 0, whose pages are mapped and likely cached.
 */
void ava_arena_call_end(struct ava_arena *a, int sent, int synchronous);

#endif
