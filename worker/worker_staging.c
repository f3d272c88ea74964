// SPDX-License-Identifier: MIT
/* The bound on the worker's staged bytes (worker_staging.h says why). */
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "block_cache.h"
#include "worker_staging.h"

/*
 * 1 GiB: CTS events callbacks_simultaneous keeps about 340 MiB of gated
 * non-blocking transfers in flight at once, which PoCL serves natively.
 */
#define DEFAULT_MB 1024

static _Atomic uint64_t staged;	/* freed from the vendor library's callback threads too */

static uint64_t staging_max(void)
{
	static uint64_t max;
	const char *env;

	if (!max) {
		env = getenv("AVA_STAGING_MB");
		max = (env && *env ? strtoull(env, NULL, 10) : DEFAULT_MB) << 20;
		if (!max)
			max = (uint64_t)DEFAULT_MB << 20;
	}
	return max;
}

uint64_t avaw_staging_bytes(void)
{
	return atomic_load(&staged);
}

/* A copy carries its size in front of it, for the callback that frees it. */
struct copy_hdr {
	uint64_t n;	/* counted bytes */
	uint64_t cap;	/* bytes allocated, the header included */
	max_align_t align;
};

/*
 * Freed large copies are kept for the next transfer (block_cache.h): at
 * most half the staging bound, not counted as staged (what they still hold
 * is this worker's own session's data, never another guest's).
 */
static struct ava_block_cache cache = AVA_BLOCK_CACHE_INIT;

/* p NULL: n bytes left for the caller to fill */
void *avaw_staging_copy(const void *p, uint64_t n)
{
	struct copy_hdr *h;
	uint64_t cap, was = atomic_fetch_add(&staged, n);

	if (n > staging_max() || was > staging_max() - n || n > SIZE_MAX - sizeof(*h)) {
		atomic_fetch_sub(&staged, n);
		return NULL;
	}
	h = ava_block_take(&cache, sizeof(*h) + n, &cap);
	if (h)
		h->cap = cap;
	else if ((h = malloc(sizeof(*h) + n)))
		h->cap = sizeof(*h) + n;
	if (!h) {
		atomic_fetch_sub(&staged, n);
		return NULL;
	}
	h->n = n;
	if (p && n)
		memcpy(h + 1, p, n);
	return h + 1;
}

void avaw_staging_free(void *copy)
{
	struct copy_hdr *h;

	if (!copy)
		return;
	h = (struct copy_hdr *)copy - 1;
	atomic_fetch_sub(&staged, h->n);
	if (!ava_block_put(&cache, h, h->cap, staging_max() / 2))
		free(h);
}
