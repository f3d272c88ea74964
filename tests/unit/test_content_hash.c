// SPDX-License-Identifier: MIT
/*
 * Unit tests of common/content_hash.c: the digest is the tree its header
 * defines (also for empty content and content of one piece, which never
 * hash as plain SHA-256 does); the one-shot hash on any number of threads
 * and the incremental one fed in odd parts agree on every length around
 * the pieces' edges.
 */
#include <stdlib.h>
#include <string.h>

#include "content_hash.h"
#include "unit_check.h"

#define P AVA_CONTENT_PIECE

static const size_t sizes[] = { 0, 1, P - 1, P, P + 1, 3 * (size_t)P + 12345 };

static uint8_t *content(size_t n)
{
	uint8_t *p = malloc(n ? n : 1);
	size_t i;

	if (!p)
		exit(1);
	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 131 + (i >> 13));
	return p;
}

/* The header's definition, spelled out with plain SHA-256. */
static void by_definition(const uint8_t *p, size_t n, uint8_t out[32])
{
	struct ava_sha256 s;
	uint8_t d[32], le[8];
	size_t off, k;
	int i;

	ava_sha256_init(&s);
	for (off = 0; off < n; off += k) {
		k = n - off < P ? n - off : P;
		ava_sha256(p + off, k, d);
		ava_sha256_update(&s, d, sizeof(d));
	}
	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)((uint64_t)n >> (8 * i));
	ava_sha256_update(&s, le, sizeof(le));
	ava_sha256_final(&s, out);
}

/* Fed in parts of odd sizes, some across the pieces' edges. */
static void incremental(const uint8_t *p, size_t n, uint8_t out[32])
{
	static const size_t parts[] = { 1, 7, 4093, 65537, 1000003, 3 };
	struct ava_content_hash h;
	size_t off = 0, k, i = 0;

	ava_content_hash_init(&h);
	ava_content_hash_update(&h, p, 0);
	for (; off < n; off += k, i++) {
		k = parts[i % 6] < n - off ? parts[i % 6] : n - off;
		ava_content_hash_update(&h, p + off, k);
	}
	ava_content_hash_final(&h, out);
}

static void definition(void)
{
	uint8_t *p = content(P + 1);
	uint8_t a[32], b[32];
	size_t i;

	for (i = 0; i < 5; i++) {
		by_definition(p, sizes[i], a);
		ava_content_hash(p, sizes[i], b);
		CHECK(!memcmp(a, b, 32));
	}
	free(p);
}

static void one_shot_is_incremental(void)
{
	uint8_t *p = content(sizes[5]);
	uint8_t a[32], b[32];
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ava_content_hash(p, sizes[i], a);
		incremental(p, sizes[i], b);
		CHECK(!memcmp(a, b, 32));
	}
	free(p);
}

/* A small content's key is never its plain SHA-256 (nor the empty one's). */
static void not_plain_sha256(void)
{
	uint8_t *p = content(P);
	uint8_t a[32], b[32];
	size_t i;

	for (i = 0; i < 4; i++) {
		ava_content_hash(p, sizes[i], a);
		ava_sha256(p, sizes[i], b);
		CHECK(memcmp(a, b, 32));
	}
	free(p);
}

static void threads_agree(void)
{
	static const unsigned counts[] = { 1, 2, 3, 16, 0 };
	size_t n = sizes[5] + P;	/* five pieces */
	uint8_t *p = content(n);
	uint8_t want[32], got[32];
	unsigned i, before;

	before = ava_content_hash_threads(1);
	ava_content_hash(p, n, want);
	for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		ava_content_hash_threads(counts[i]);
		ava_content_hash(p, n, got);
		CHECK(!memcmp(want, got, 32));
	}
	by_definition(p, n, got);
	CHECK(!memcmp(want, got, 32));
	ava_content_hash_threads(before);
	free(p);
}

int main(void)
{
	RUN(definition, "content hash: SHA-256 over the pieces' SHA-256 and the length");
	RUN(one_shot_is_incremental, "content hash: one-shot and incremental in odd parts agree");
	RUN(not_plain_sha256, "content hash: one piece or none never hashes as plain SHA-256");
	RUN(threads_agree, "content hash: 1, 2, 3, 16 threads and the default agree");
	return unit_done();
}
