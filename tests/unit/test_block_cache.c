// SPDX-License-Identifier: MIT
/* Unit tests of common/block_cache.c, the freed-block cache both sides use. */
#include <stdint.h>
#include <stdlib.h>

#include "block_cache.h"
#include "unit_check.h"

#define MiB (1ull << 20)

static void small_blocks_are_not_kept(void)
{
	struct ava_block_cache bc = AVA_BLOCK_CACHE_INIT;
	uint64_t cap = 0;
	void *p = malloc(4096);

	CHECK(ava_block_put(&bc, p, 4096, 64 * MiB) == 0);
	CHECK(ava_block_take(&bc, 4096, &cap) == NULL);
	CHECK(ava_block_put(&bc, NULL, 2 * MiB, 64 * MiB) == 0);
	free(p);
}

static void takes_smallest_fit_within_twice(void)
{
	struct ava_block_cache bc = AVA_BLOCK_CACHE_INIT;
	void *a = malloc(4 * MiB), *b = malloc(2 * MiB), *c = malloc(16 * MiB);
	uint64_t cap = 0;

	CHECK(ava_block_put(&bc, a, 4 * MiB, 64 * MiB) == 1);
	CHECK(ava_block_put(&bc, b, 2 * MiB, 64 * MiB) == 1);
	CHECK(ava_block_put(&bc, c, 16 * MiB, 64 * MiB) == 1);
	CHECK(bc.bytes == 22 * MiB);
	CHECK(ava_block_take(&bc, 2 * MiB, &cap) == b && cap == 2 * MiB);
	CHECK(ava_block_take(&bc, 2 * MiB, &cap) == a && cap == 4 * MiB);
	/* 16 MiB is more than twice 7 MiB: not handed out */
	CHECK(ava_block_take(&bc, 7 * MiB, &cap) == NULL);
	CHECK(ava_block_take(&bc, 17 * MiB, &cap) == NULL);
	CHECK(ava_block_take(&bc, 9 * MiB, &cap) == c && cap == 16 * MiB);
	CHECK(bc.bytes == 0);
	free(a);
	free(b);
	free(c);
}

static void bounded_in_bytes_and_slots(void)
{
	struct ava_block_cache bc = AVA_BLOCK_CACHE_INIT;
	void *p[AVA_BLOCK_SLOTS + 1];
	unsigned i, kept = 0;

	for (i = 0; i <= AVA_BLOCK_SLOTS; i++) {
		p[i] = malloc(MiB);
		if (ava_block_put(&bc, p[i], MiB, 64 * MiB))
			kept++;
		else
			free(p[i]);
	}
	CHECK(kept == AVA_BLOCK_SLOTS && bc.bytes == AVA_BLOCK_SLOTS * MiB);
	for (i = 0; i < AVA_BLOCK_SLOTS; i++) {
		uint64_t cap = 0;
		void *q = ava_block_take(&bc, MiB, &cap);

		CHECK(q && cap == MiB);
		free(q);
	}
	CHECK(bc.bytes == 0);
	p[0] = malloc(2 * MiB);
	CHECK(ava_block_put(&bc, p[0], 2 * MiB, 3 * MiB) == 1);
	p[1] = malloc(2 * MiB);
	CHECK(ava_block_put(&bc, p[1], 2 * MiB, 3 * MiB) == 0);	/* over max */
	free(p[1]);
	free(ava_block_take(&bc, 2 * MiB, &(uint64_t){ 0 }));
}

int main(void)
{
	RUN(small_blocks_are_not_kept, "block cache: blocks under 1 MiB are not kept");
	RUN(takes_smallest_fit_within_twice, "block cache: hands out the smallest block of n..2n bytes");
	RUN(bounded_in_bytes_and_slots, "block cache: keeps at most its slots and max bytes");
	return unit_done();
}
