/* SPDX-License-Identifier: MIT */
/*
 * A streamed buffer copied by several threads on one side, each taking the
 * next chunk: the counter the other side sees moves only over the chunks
 * that are all done (userlib/guest_stream.c fills a ring this way,
 * worker/worker_stream.c empties one).  The chunks done but not yet
 * published are fewer than a ring's slots (a chunk is only copied once the
 * other side's counter, itself at most a ring beyond the published one,
 * lets it), so their slots differ.
 */
#ifndef AVA_STREAM_SLOTS_H
#define AVA_STREAM_SLOTS_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "shm_layout.h"

#define AVA_STREAM_SLOTS 8	/* chunks of a ring above AVA_STREAM_RING */

struct ava_slots {
	pthread_mutex_t lock;		/* over published and done */
	uint64_t chunk, nchunks, len;
	uint64_t published;		/* chunks all done */
	uint64_t done[AVA_STREAM_SLOTS];	/* chunk k done: done[k % AVA_STREAM_SLOTS] == k + 1 */
};

/* The chunk of a ring: an eighth of a large one, else AVA_STREAM_CHUNK (both sides). */
static inline uint64_t ava_stream_chunk(uint64_t ring)
{
	return ring > AVA_STREAM_RING ? ring / AVA_STREAM_SLOTS : AVA_STREAM_CHUNK;
}

/*
 * Threads for a stream through a large ring, either side: AVA_STREAM_THREADS
 * where set, else the side's own choice; 1..max.
 */
static inline unsigned ava_stream_threads(unsigned long fallback, unsigned max)
{
	const char *env = getenv("AVA_STREAM_THREADS");
	unsigned long n = env && *env ? strtoul(env, NULL, 10) : fallback;

	return n < 1 ? 1 : n > max ? max : (unsigned)n;
}

static inline void ava_slots_init(struct ava_slots *s, uint64_t chunk, uint64_t len)
{
	s->chunk = chunk;
	s->nchunks = (len + chunk - 1) / chunk;
	s->len = len;
	pthread_mutex_init(&s->lock, NULL);
}

/* Runs fn(arg) on n threads, this one among them (fewer where no thread can be made). */
static inline void ava_slots_copy(unsigned n, void *(*fn)(void *), void *arg)
{
	pthread_t th[AVA_STREAM_SLOTS];
	unsigned i, started = 0;

	if (n > AVA_STREAM_SLOTS)
		n = AVA_STREAM_SLOTS;
	while (started + 1 < n && pthread_create(&th[started], NULL, fn, arg) == 0)
		started++;
	fn(arg);
	for (i = 0; i < started; i++)
		pthread_join(th[i], NULL);
}

/*
 * Chunk k is done; publish (under the lock, so the counter only grows) is
 * given the bytes now all done.
 */
static inline void ava_slots_done(struct ava_slots *s, uint64_t k, void (*publish)(void *ctx, uint64_t bytes),
				  void *ctx)
{
	uint64_t n;

	pthread_mutex_lock(&s->lock);
	s->done[k % AVA_STREAM_SLOTS] = k + 1;
	while (s->published < s->nchunks && s->done[s->published % AVA_STREAM_SLOTS] == s->published + 1)
		s->published++;
	n = s->published * s->chunk;
	publish(ctx, n < s->len ? n : s->len);
	pthread_mutex_unlock(&s->lock);
}

#endif
