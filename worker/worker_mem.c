// SPDX-License-Identifier: MIT
/*
 * Device-memory accounting of one session (worker_mem.h): what it holds
 * (s->mem_used, and the size of each address @alloc(ptr=) returned, in
 * s->mem_ptrs), charged to and returned from its tenant's backend.  The
 * size charged is the size the call asks for, known before the vendor
 * allocates (PoCL, for one, allocates lazily); the backend refuses a
 * charge past the quota, so the tenant's usage never exceeds it.  If the
 * worker dies, its tenant's keeper (ava-hostd, or the host module) drops
 * what the session held.
 */
#include <string.h>

#include "worker_call.h"
#include "worker_mem.h"

static const struct avaw_mem_ops *mem_ops;
static void *mem_ctx;

void avaw_mem_use(const struct avaw_mem_ops *ops, void *ctx)
{
	mem_ops = ops;
	mem_ctx = ctx;
}

uint64_t avaw_mem_mul(uint64_t a, uint64_t b)
{
	return b && a > UINT64_MAX / b ? UINT64_MAX : a * b;
}

int avaw_mem_charge(struct avaw_call *c, uint64_t bytes)
{
	struct avaw_session *s = c->s;

	if (mem_ops && mem_ops->charge(mem_ctx, s->session_id, bytes))
		return 1;
	s->mem_used += bytes;
	return 0;
}

void avaw_mem_return(struct avaw_session *s, uint64_t bytes)
{
	if (bytes > s->mem_used)
		bytes = s->mem_used;
	s->mem_used -= bytes;
	if (mem_ops && bytes)
		mem_ops->uncharge(mem_ctx, s->session_id, bytes);
}

void avaw_mem_uncharge(struct avaw_call *c, uint64_t bytes)
{
	avaw_mem_return(c->s, bytes);
}

void avaw_mem_keep_handle(struct avaw_call *c, uint64_t id, uint64_t bytes)
{
	struct avaw_handle *h = ava_hmap_get(&c->s->handles, id);

	if (h)
		h->mem_bytes += bytes;
	else
		avaw_mem_return(c->s, bytes);
}

/* The size is kept in the map's value pointer: no allocation per address. */
void avaw_mem_keep_ptr(struct avaw_call *c, uint64_t addr, uint64_t bytes)
{
	struct avaw_session *s = c->s;
	uint64_t old = (uint64_t)(uintptr_t)ava_hmap_del(&s->mem_ptrs, addr);

	/* an address the vendor hands out twice was freed meanwhile, unseen */
	avaw_mem_return(s, old);
	if (!bytes || ava_hmap_put(&s->mem_ptrs, addr, (void *)(uintptr_t)bytes))
		avaw_mem_return(s, bytes);
}

void avaw_mem_free_ptr(struct avaw_call *c, uint64_t addr)
{
	avaw_mem_return(c->s, (uint64_t)(uintptr_t)ava_hmap_del(&c->s->mem_ptrs, addr));
}

static uint64_t get_w(const void *p, size_t width)
{
	uint64_t v64 = 0;
	uint32_t v32 = 0;

	if (width == 4) {
		memcpy(&v32, p, 4);
		return v32;
	}
	if (width == 8)
		memcpy(&v64, p, 8);
	return v64;
}

static void put_min(void *p, size_t width, uint64_t cap)
{
	uint32_t v32 = (uint32_t)(cap > UINT32_MAX ? UINT32_MAX : cap);

	if (!p || get_w(p, width) <= cap)
		return;
	if (width == 8)
		memcpy(p, &cap, 8);
	else if (width == 4)
		memcpy(p, &v32, 4);
}

void avaw_mem_info(struct avaw_call *c, void *total, void *free, size_t width)
{
	uint64_t quota = 0, used = 0;

	(void)c;
	if (mem_ops)
		mem_ops->query(mem_ctx, &quota, &used);
	if (!quota)
		return;
	put_min(total, width, quota);
	put_min(free, width, used < quota ? quota - used : 0);
}

static void drop_ptr(uint64_t key, void *val, void *arg)
{
	(void)key;
	avaw_mem_return(arg, (uint64_t)(uintptr_t)val);
}

void avaw_mem_end(struct avaw_session *s)
{
	ava_hmap_each(&s->mem_ptrs, drop_ptr, s);
	ava_hmap_free(&s->mem_ptrs);
	avaw_mem_return(s, s->mem_used);
}
