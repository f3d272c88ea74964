// SPDX-License-Identifier: MIT
/* The daemon's zeroed buffer for a session's first large upload (upload_pool.h). */
#include "upload_pool.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "worker_prefault.h"	/* MADV_POPULATE_WRITE where the headers lack it */

#define HUGE_PAGE (2u << 20)

static struct {
	pthread_mutex_t lock;	/* the fields below, against a fork and the refill thread */
	uint8_t *p;		/* the pool, ready or being made */
	size_t n;		/* its size (0: no pool) */
	unsigned delay_ms;
	int ready;		/* p is populated and waits for a fork */
	int refilling;		/* a refill thread runs */
	int handing;		/* this fork hands p out */
} pool = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* A new mapping no fork inherits (until one hands it out); NULL on failure. */
static uint8_t *map_pool(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	if (madvise(p, n, MADV_DONTFORK)) {
		munmap(p, n);
		return NULL;
	}
	madvise(p, n, MADV_HUGEPAGE);
	return p;
}

/* Zeroed pages in place, which the kernel may take back under memory
 * pressure until they are written (a later write then faults in new ones). */
static void populate(uint8_t *p, size_t n)
{
	volatile uint8_t *v = p;
	size_t off;

	if (madvise(p, n, MADV_POPULATE_WRITE))
		for (off = 0; off < n; off += 4096)	/* before Linux 5.14 */
			v[off] = 0;
	madvise(p, n, MADV_FREE);
}

static void *refill_main(void *arg)
{
	struct timespec t = { .tv_sec = pool.delay_ms / 1000, .tv_nsec = (long)(pool.delay_ms % 1000) * 1000000 };
	uint8_t *p;

	(void)arg;
	setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	nanosleep(&t, NULL);
	pthread_mutex_lock(&pool.lock);
	p = pool.p = map_pool(pool.n);
	pthread_mutex_unlock(&pool.lock);
	if (p)
		populate(p, pool.n);
	pthread_mutex_lock(&pool.lock);
	pool.ready = p != NULL;
	pool.refilling = 0;
	pthread_mutex_unlock(&pool.lock);
	return NULL;
}

void avaw_upool_setup(size_t bytes, unsigned delay_ms)
{
	pool.n = (bytes + HUGE_PAGE - 1) & ~(size_t)(HUGE_PAGE - 1);
	pool.delay_ms = delay_ms;
	if (!pool.n)
		return;
	pool.p = map_pool(pool.n);
	if (!pool.p) {
		perror("ava-hostd: the upload pool");
		pool.n = 0;
		return;
	}
	populate(pool.p, pool.n);
	pool.ready = 1;
}

void avaw_upool_fork_begin(void)
{
	pthread_mutex_lock(&pool.lock);
	pool.handing = pool.ready && !madvise(pool.p, pool.n, MADV_DOFORK);
}

/* The parent's side of a fork that handed the pool out (pid > 0) or failed to. */
static void forked_parent(pid_t pid)
{
	pthread_t t;

	if (pid < 0) {
		madvise(pool.p, pool.n, MADV_DONTFORK);
		return;
	}
	/* the child's copy is now its own: its writes reuse the pages */
	munmap(pool.p, pool.n);
	pool.p = NULL;
	pool.ready = 0;
	if (pool.refilling || pthread_create(&t, NULL, refill_main, NULL))
		return;
	pthread_detach(t);
	pool.refilling = 1;
}

void avaw_upool_fork_end(pid_t pid)
{
	if (pid == 0) {
		/* the child: the pool if this fork handed it out (kept from its
		 * own forks: PoCL's of the linker), no refill thread */
		pthread_mutex_init(&pool.lock, NULL);
		if (!pool.handing)
			pool.p = NULL;
		else
			madvise(pool.p, pool.n, MADV_DONTFORK);
		pool.ready = pool.handing;
		pool.refilling = 0;
		return;
	}
	if (pool.handing)
		forked_parent(pid);
	pool.handing = 0;
	pthread_mutex_unlock(&pool.lock);
}

int avaw_upool_ready(void)
{
	int r;

	pthread_mutex_lock(&pool.lock);
	r = pool.ready;
	pthread_mutex_unlock(&pool.lock);
	return r;
}

void *avaw_upool_take(size_t size)
{
	size_t keep = (size + 4095) & ~(size_t)4095;
	uint8_t *p;

	pthread_mutex_lock(&pool.lock);
	p = pool.ready && size && keep <= pool.n ? pool.p : NULL;
	if (p) {
		if (keep < pool.n)
			munmap(p + keep, pool.n - keep);
		pool.p = NULL;
		pool.ready = 0;
	}
	pthread_mutex_unlock(&pool.lock);
	return p;
}
