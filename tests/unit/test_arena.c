// SPDX-License-Identifier: MIT
/* Unit tests of userlib/guest_arena.c, the guest's FIFO bulk-arena allocator. */
#include <stdint.h>
#include <stdlib.h>

#include "guest_arena.h"
#include "unit_check.h"

#define SIZE 1024u

static uint8_t mem[SIZE];

struct drain_log {
	int calls;
	int fail;
};

static int drain(void *ctx)
{
	struct drain_log *d = ctx;

	d->calls++;
	return d->fail ? -1 : 0;
}

static void fifo(void)
{
	struct ava_arena a;
	struct drain_log d = { 0, 0 };
	uint64_t off = 99;

	ava_arena_init(&a, mem, SIZE);
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, 100, &off, drain, &d) == mem && off == 0);
	CHECK(ava_arena_alloc(&a, 200, &off, drain, &d) == mem + 100 && off == 100);
	CHECK(ava_arena_alloc(&a, 0, &off, drain, &d) == mem + 300 && off == 300);
	CHECK(d.calls == 0);
	CHECK(ava_arena_alloc(&a, SIZE + 1, &off, drain, &d) == NULL);	/* never fits */
	CHECK(d.calls == 0);
}

/* A call that does not fit behind the others drains the worker once and
 * reuses what earlier calls used, never what the current call holds. */
static void drains_when_full(void)
{
	struct ava_arena a;
	struct drain_log d = { 0, 0 };
	uint64_t off;

	ava_arena_init(&a, mem, SIZE);
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, 600, &off, drain, &d) != NULL);
	ava_arena_call_end(&a, 1, 0);			/* asynchronous: still in use */
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, 300, &off, drain, &d) == mem + 600 && d.calls == 0);
	/* 200 more do not fit at the end: wrap to 0 after draining */
	CHECK(ava_arena_alloc(&a, 200, &off, drain, &d) == mem && off == 0 && d.calls == 1);
	/* the current call's 300 at 600 stay taken: 400 more cannot fit */
	CHECK(ava_arena_alloc(&a, 500, &off, drain, &d) == NULL && d.calls == 2);
	CHECK(ava_arena_alloc(&a, 400, &off, drain, &d) == mem + 200 && d.calls == 2);
}

static void drain_failure(void)
{
	struct ava_arena a;
	struct drain_log d = { 0, 1 };
	uint64_t off;

	ava_arena_init(&a, mem, SIZE);
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, SIZE, &off, drain, &d) == mem);
	ava_arena_call_end(&a, 1, 0);
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, 1, &off, drain, &d) == NULL && d.calls == 1);
}

static void call_end(void)
{
	struct ava_arena a;
	struct drain_log d = { 0, 0 };
	uint64_t off;

	ava_arena_init(&a, mem, SIZE);
	ava_arena_call_begin(&a);
	ava_arena_alloc(&a, 100, &off, drain, &d);
	ava_arena_call_end(&a, 1, 0);
	ava_arena_call_begin(&a);
	ava_arena_alloc(&a, 100, &off, drain, &d);
	ava_arena_call_end(&a, 0, 1);			/* not sent: given back */
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, 50, &off, drain, &d) && off == 100);
	ava_arena_call_end(&a, 1, 1);			/* a synchronous reply: all free */
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, SIZE, &off, drain, &d) == mem && off == 0 && d.calls == 0);
	ava_arena_call_end(&a, 1, 1);
	ava_arena_call_begin(&a);
	CHECK(ava_arena_alloc(&a, SIZE, &off, drain, &d) == mem && d.calls == 0);
}

int main(void)
{
	RUN(fifo, "arena: allocations follow each other; oversized ones fail");
	RUN(drains_when_full, "arena: a full arena drains once and keeps the current call's space");
	RUN(drain_failure, "arena: a failed drain fails the allocation");
	RUN(call_end, "arena: an unsent call gives its space back, a synchronous reply frees all");
	return unit_done();
}
