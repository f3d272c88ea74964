// SPDX-License-Identifier: MIT
/*
 * worker/worker_prefault.c: the threads that fault a large upload's new
 * buffer in run while the copy fills it, and leave every byte the copy
 * wrote as it is; a small buffer gets no thread; the thread count stays
 * within 1..4 whatever AVA_STREAM_THREADS says.
 */
#include <stdlib.h>
#include <string.h>

#include "unit_check.h"
#include "worker_prefault.h"

#define LEN ((40u << 20) + 4567u)	/* not a multiple of a page or a step */

static void copy_beside_prefault(void)
{
	unsigned threads;

	for (threads = 1; threads <= 4; threads++) {
		uint8_t *src = malloc(LEN), *dst = malloc(LEN);
		struct avaw_prefault pf;
		size_t i, off;

		CHECK(src && dst);
		if (!src || !dst)
			return;
		for (i = 0; i < LEN; i++)
			src[i] = (uint8_t)(i * 7 + i / 4096);
		avaw_prefault_start(&pf, dst, LEN, threads);
		CHECK(pf.running == threads);
		/* the copy runs while the threads fault in: 1 MiB at a time */
		for (off = 0; off < LEN; off += 1u << 20)
			memcpy(dst + off, src + off, LEN - off < (1u << 20) ? LEN - off : 1u << 20);
		CHECK(avaw_prefault_end(&pf) <= pf.n);	/* how far the threads came */
		CHECK(pf.running == 0);
		CHECK(memcmp(src, dst, LEN) == 0);
		free(src);
		free(dst);
	}
}

static void small_buffer_no_thread(void)
{
	struct avaw_prefault pf;
	uint8_t *p = malloc(1u << 20);

	CHECK(p != NULL);
	avaw_prefault_start(&pf, p, 1u << 20, 4);
	CHECK(pf.running == 0);
	CHECK(avaw_prefault_end(&pf) == 0);
	free(p);
}

static void thread_count_bounded(void)
{
	unsigned n;

	setenv("AVA_STREAM_THREADS", "0", 1);
	CHECK(avaw_copy_threads() == 1);
	setenv("AVA_STREAM_THREADS", "99", 1);
	CHECK(avaw_copy_threads() == AVAW_PREFAULT_MAX_THREADS);
	setenv("AVA_STREAM_THREADS", "3", 1);
	CHECK(avaw_copy_threads() == 3);
	unsetenv("AVA_STREAM_THREADS");
	n = avaw_copy_threads();
	CHECK(n >= 1 && n <= AVAW_PREFAULT_MAX_THREADS);
}

int main(void)
{
	RUN(copy_beside_prefault, "a copy beside 1-4 prefault threads keeps every byte");
	RUN(small_buffer_no_thread, "a buffer under 16 MiB gets no prefault thread");
	RUN(thread_count_bounded, "AVA_STREAM_THREADS is bounded to 1..4");
	return unit_done();
}
