// SPDX-License-Identifier: MIT
/* The bulk arena's FIFO allocator (see guest_arena.h). */
#include "guest_arena.h"

#include <stdio.h>

void ava_arena_init(struct ava_arena *a, uint8_t *base, uint64_t size)
{
	a->base = base;
	a->size = size;
	a->head = a->free = a->call_start = 0;
}

void *ava_arena_alloc(struct ava_arena *a, uint64_t n, uint64_t *off, int (*drain)(void *ctx), void *ctx)
{
	uint64_t start, pos;
	int drained = 0;

	if (n > a->size) {
		fprintf(stderr, "ava: a transfer of %llu bytes exceeds the shared arena (%llu MiB); "
			"set AVA_ARENA_MB on the host daemon to raise it\n",
			(unsigned long long)n, (unsigned long long)(a->size >> 20));
		return NULL;
	}
	for (;;) {
		start = a->head;
		pos = start % a->size;
		if (pos + n > a->size)
			start += a->size - pos;		/* never split across the end */
		if (start + n - a->free <= a->size)
			break;
		if (drained || drain(ctx))
			return NULL;
		/* every call before this one is done: its space is free */
		a->free = a->call_start;
		drained = 1;
	}
	a->head = start + n;
	*off = start % a->size;
	return a->base + *off;
}

void ava_arena_call_end(struct ava_arena *a, int sent, int synchronous)
{
	if (!sent) {
		a->head = a->call_start;
	} else if (synchronous && a->head != a->free) {
		a->head += a->size - a->head % a->size;
		a->free = a->head;
	}
}
