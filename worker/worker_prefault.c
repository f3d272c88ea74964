// SPDX-License-Identifier: MIT
/*
 * A large upload's new buffer (200 MB of a fat binary) is zeroed and
 * mapped page by page as it is first written: on one thread that costs
 * more than the copy itself (on the 2-core CI machine 50 ms against 21 ms
 * for 200 MB; docs/performance.md).  So threads of their own fault it in
 * (MADV_POPULATE_WRITE, which leaves what the copy already wrote as it
 * is), in steps taken in order, ahead of the copy; several, since the
 * kernel zeroes in parallel.  Huge pages where the kernel offers them
 * ("madvise" mode) save most of the per-page cost.
 */
#include <sys/mman.h>

#include "cpus_allowed.h"
#include "stream_slots.h"
#include "worker_prefault.h"

#define PREFAULT_MIN (16u << 20)
#define PREFAULT_STEP (4u << 20)

unsigned avaw_copy_threads(void)
{
	return ava_stream_threads(ava_cpus_allowed() / 2, AVAW_PREFAULT_MAX_THREADS);
}

/* Only the whole huge pages inside [p, p + n). */
static void advise_huge(void *p, size_t n)
{
	const uintptr_t huge = 2u << 20;
	uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1), e = ((uintptr_t)p + n) & ~(huge - 1);

	if (e > a)
		madvise((void *)a, e - a, MADV_HUGEPAGE);
}

static void *prefault_main(void *arg)
{
	struct avaw_prefault *pf = arg;
	size_t off, k;

	while (!atomic_load_explicit(&pf->stop, memory_order_relaxed)) {
		off = atomic_fetch_add_explicit(&pf->next, PREFAULT_STEP, memory_order_relaxed);
		if (off >= pf->n)
			break;
		k = pf->n - off < PREFAULT_STEP ? pf->n - off : PREFAULT_STEP;
		if (madvise(pf->p + off, k, MADV_POPULATE_WRITE))
			break;
	}
	return NULL;
}

void avaw_prefault_start(struct avaw_prefault *pf, void *p, size_t n, unsigned threads)
{
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)4095;

	pf->p = (uint8_t *)a;
	pf->n = n + ((uintptr_t)p - a);
	atomic_init(&pf->next, 0);
	atomic_init(&pf->stop, 0);
	pf->running = 0;
	if (n < PREFAULT_MIN)
		return;
	advise_huge(p, n);
	if (threads > AVAW_PREFAULT_MAX_THREADS)
		threads = AVAW_PREFAULT_MAX_THREADS;
	while (pf->running < threads && !pthread_create(&pf->t[pf->running], NULL, prefault_main, pf))
		pf->running++;
}

size_t avaw_prefault_end(struct avaw_prefault *pf)
{
	size_t taken = pf->running ? atomic_load(&pf->next) : 0;

	atomic_store(&pf->stop, 1);
	while (pf->running)
		pthread_join(pf->t[--pf->running], NULL);
	return taken < pf->n ? taken : pf->n;
}
