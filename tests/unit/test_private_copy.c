// SPDX-License-Identifier: MIT
/*
 * What the worker checks it uses from private memory (worker/worker_call.c):
 * a string or a structure passed by reference to memory the guest shares
 * is copied before the check, so rewriting the shared bytes afterwards
 * changes nothing the worker or the vendor reads; bulk bytes stay in place.
 */
#include <string.h>

#include "unit_check.h"
#include "worker_call.h"

/* worker_call.c's one outside reference (handle arrays), unused here */
int avaw_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	(void)c;
	(void)id;
	(void)type;
	*obj = NULL;
	return 0;
}

static uint8_t arena[1 << 21];
static uint8_t cmd[64];

/* A call whose inline stream is one data item: len bytes at arena offset 0. */
static void call_with_ref(struct avaw_call *c, struct avaw_session *s, uint64_t len)
{
	struct ava_wbuf w;

	memset(s, 0, sizeof(*s));
	memset(c, 0, sizeof(*c));
	s->arena = arena;
	s->arena_size = sizeof(arena);
	c->s = s;
	ava_wbuf_init(&w, cmd, sizeof(cmd));
	ava_wbuf_u64(&w, (len << 2) | AVA_DATA_REF);
	ava_wbuf_u64(&w, 0);
	ava_rbuf_init(&c->r, cmd, (uint32_t)w.len);
	c->refs[0] = (struct ava_buf_ref){ .offset = 0, .len = len, .flags = AVA_REF_IN };
	c->nrefs = 1;
}

static void free_call(struct avaw_call *c)
{
	while (c->nallocs)
		free(c->allocs[--c->nallocs]);
}

static void string_rewritten_after_check(void)
{
	struct avaw_session s;
	struct avaw_call c;
	struct avaw_data d;

	memset(arena, 'x', 4096);
	arena[4095] = '\0';
	call_with_ref(&c, &s, 4096);
	avaw_get_data(&c, &d);
	CHECK(avaw_string(&c, &d) == 0);
	memset(arena, 'A', 4096);	/* the guest overwrites the NUL */
	CHECK(d.p != arena);
	CHECK(memchr(d.p, '\0', d.len) == (const char *)d.p + 4095);
	free_call(&c);
}

static void structure_rewritten_after_check(void)
{
	struct avaw_session s;
	struct avaw_call c;
	struct avaw_data d;
	uint32_t fmt[2] = { 0x10B0, 0x10D2 };	/* a cl_image_format */

	memcpy(arena, fmt, sizeof(fmt));
	call_with_ref(&c, &s, sizeof(fmt));
	avaw_get_data(&c, &d);
	CHECK(avaw_in(&c, &d, 1, sizeof(fmt)) == 0);
	memset(arena, 0xff, sizeof(fmt));
	CHECK(memcmp(d.p, fmt, sizeof(fmt)) == 0);
	free_call(&c);
}

static void bulk_stays_in_place(void)
{
	struct avaw_session s;
	struct avaw_call c;
	struct avaw_data d;

	call_with_ref(&c, &s, 1 << 20);
	avaw_get_data(&c, &d);
	CHECK(avaw_in(&c, &d, 1 << 20, 1) == 0);
	CHECK(d.p == arena);
	free_call(&c);
}

int main(void)
{
	RUN(string_rewritten_after_check, "a string is checked and used from a private copy");
	RUN(structure_rewritten_after_check, "a structure is checked and used from a private copy");
	RUN(bulk_stays_in_place, "bulk bytes stay zero-copy");
	return unit_done();
}
