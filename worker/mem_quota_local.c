// SPDX-License-Identifier: MIT
/*
 * The `local` tenant's device-memory counters (mem_quota_local.h), in a
 * MAP_SHARED page created before the daemon forks any worker.  The usage
 * is the sum of the slots, one per live worker, under a robust
 * process-shared mutex: a worker killed while it holds the lock leaves
 * every slot whole (each is one store), and the next locker carries on.
 */
#include <pthread.h>
#include <string.h>

#include "hostd_shared.h"
#include "mem_quota_local.h"
#include "worker_mem.h"

struct avaw_memq {
	pthread_mutex_t lock;
	uint64_t quota, peak;
	unsigned nslots;
	uint64_t used[];	/* per slot */
};

static uint64_t *my_used;	/* in a worker: its session's */

static void lock(struct avaw_memq *q)
{
	avaw_shared_lock(&q->lock);
}

static uint64_t used_locked(const struct avaw_memq *q)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < q->nslots; i++)
		sum += q->used[i];
	return sum;
}

struct avaw_memq *avaw_memq_create(uint64_t quota, unsigned slots)
{
	size_t len = sizeof(struct avaw_memq) + slots * sizeof(uint64_t);
	struct avaw_memq *q = avaw_shared_alloc(len);

	if (!q)
		return NULL;
	q->quota = quota;
	q->nslots = slots;
	return q;
}

void avaw_memq_free_slot(struct avaw_memq *q, int slot)
{
	lock(q);
	q->used[slot] = 0;
	pthread_mutex_unlock(&q->lock);
}

void avaw_memq_status(struct avaw_memq *q, FILE *f)
{
	uint64_t used, peak;

	lock(q);
	used = used_locked(q);
	peak = q->peak;
	pthread_mutex_unlock(&q->lock);
	fprintf(f, "mem_quota_bytes %llu\nmem_used_bytes %llu\nmem_peak_bytes %llu\n",
		(unsigned long long)q->quota, (unsigned long long)used, (unsigned long long)peak);
}

static int charge(void *ctx, uint32_t session, uint64_t bytes)
{
	struct avaw_memq *q = ctx;
	uint64_t used;
	int rc = -1;

	(void)session;
	lock(q);
	used = used_locked(q);
	if (bytes <= UINT64_MAX - used && (!q->quota || used + bytes <= q->quota)) {
		*my_used += bytes;
		if (used + bytes > q->peak)
			q->peak = used + bytes;
		rc = 0;
	}
	pthread_mutex_unlock(&q->lock);
	return rc;
}

static void uncharge(void *ctx, uint32_t session, uint64_t bytes)
{
	struct avaw_memq *q = ctx;

	(void)session;
	lock(q);
	*my_used -= bytes < *my_used ? bytes : *my_used;
	pthread_mutex_unlock(&q->lock);
}

static void query(void *ctx, uint64_t *quota, uint64_t *used)
{
	struct avaw_memq *q = ctx;

	lock(q);
	*quota = q->quota;
	*used = used_locked(q);
	pthread_mutex_unlock(&q->lock);
}

static const struct avaw_mem_ops memq_ops = { charge, uncharge, query };

void avaw_memq_enter(struct avaw_memq *q, int slot)
{
	my_used = &q->used[slot];
	avaw_mem_use(&memq_ops, q);
}
