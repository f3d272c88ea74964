// SPDX-License-Identifier: MIT
/*
 * The content hash (content_hash.h): SHA-256 over the SHA-256 of each
 * piece and the length.  One-shot, the pieces are hashed on several
 * threads (SHA-256 of one stream runs at about 1 GB/s, a 200 MB fat binary
 * is hashed before its first kernel runs).
 */
#include "content_hash.h"
#include "cpus_allowed.h"

#include <pthread.h>
#include <stdlib.h>

/* more rarely pays: the pieces of a 200 MB fat binary are 48 */
#define MAX_THREADS 16

static unsigned forced_threads;	/* the unit test's; 0: as the processors allow */

static void close_piece(struct ava_content_hash *h)
{
	uint8_t d[AVA_SHA256_LEN];

	ava_sha256_final(&h->piece, d);
	ava_sha256_update(&h->outer, d, sizeof(d));
	ava_sha256_init(&h->piece);
}

/* The outer hash's end: the length, then its digest. */
static void finish(struct ava_sha256 *outer, uint64_t len, uint8_t out[AVA_CONTENT_HASH_LEN])
{
	uint8_t le[8];
	int i;

	for (i = 0; i < 8; i++)
		le[i] = (uint8_t)(len >> (8 * i));
	ava_sha256_update(outer, le, sizeof(le));
	ava_sha256_final(outer, out);
}

void ava_content_hash_init(struct ava_content_hash *h)
{
	ava_sha256_init(&h->outer);
	ava_sha256_init(&h->piece);
	h->len = 0;
}

void ava_content_hash_update(struct ava_content_hash *h, const void *p, size_t n)
{
	const uint8_t *b = p;
	size_t room, k;

	while (n) {
		room = AVA_CONTENT_PIECE - (size_t)(h->len % AVA_CONTENT_PIECE);
		k = n < room ? n : room;
		ava_sha256_update(&h->piece, b, k);
		h->len += k;
		b += k;
		n -= k;
		if (h->len % AVA_CONTENT_PIECE == 0)
			close_piece(h);
	}
}

void ava_content_hash_final(struct ava_content_hash *h, uint8_t out[AVA_CONTENT_HASH_LEN])
{
	if (h->len % AVA_CONTENT_PIECE)
		close_piece(h);
	finish(&h->outer, h->len, out);
}

/* The pieces of one content, taken by the threads one at a time. */
struct pieces {
	const uint8_t *p;
	size_t n, count;
	size_t next;			/* the next piece to take (atomic) */
	uint8_t (*digest)[AVA_SHA256_LEN];
};

static void *hash_pieces(void *arg)
{
	struct pieces *w = arg;
	size_t i, off;

	while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < w->count) {
		off = i * AVA_CONTENT_PIECE;
		ava_sha256(w->p + off, w->n - off < AVA_CONTENT_PIECE ? w->n - off : AVA_CONTENT_PIECE, w->digest[i]);
	}
	return NULL;
}

/* How many threads hash count pieces: the processors this process may run
 * on (a container's or taskset's share, not the machine's), capped. */
static unsigned threads_for(size_t count)
{
	unsigned t = __atomic_load_n(&forced_threads, __ATOMIC_RELAXED);

	if (count < 2)
		return 1;
	if (!t)
		t = ava_cpus_allowed();
	if (t > MAX_THREADS)
		t = MAX_THREADS;
	if (t > count)
		t = (unsigned)count;
	return t ? t : 1;
}

void ava_content_hash(const void *p, size_t n, uint8_t out[AVA_CONTENT_HASH_LEN])
{
	struct pieces w = { p, n, n / AVA_CONTENT_PIECE + (n % AVA_CONTENT_PIECE != 0), 0, NULL };
	pthread_t tid[MAX_THREADS - 1];
	unsigned t = threads_for(w.count), started = 0;
	struct ava_content_hash h;
	struct ava_sha256 outer;

	if (t < 2 || !(w.digest = malloc(w.count * AVA_SHA256_LEN))) {
		ava_content_hash_init(&h);
		ava_content_hash_update(&h, p, n);
		ava_content_hash_final(&h, out);
		return;
	}
	/* threads that cannot be made leave their pieces to the others (to this one at worst) */
	while (started < t - 1 && !pthread_create(&tid[started], NULL, hash_pieces, &w))
		started++;
	hash_pieces(&w);
	while (started)
		pthread_join(tid[--started], NULL);
	ava_sha256_init(&outer);
	ava_sha256_update(&outer, w.digest, w.count * AVA_SHA256_LEN);
	finish(&outer, n, out);
	free(w.digest);
}

unsigned ava_content_hash_threads(unsigned n)
{
	return __atomic_exchange_n(&forced_threads, n, __ATOMIC_RELAXED);
}
