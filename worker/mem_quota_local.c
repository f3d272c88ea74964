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

struct memq_slot {
	pid_t pid;		/* 0: free; -1: reserved for a fork */
	uint64_t used;
};

struct avaw_memq {
	pthread_mutex_t lock;
	uint64_t quota, peak;
	unsigned nslots;
	struct memq_slot slot[];
};

static struct memq_slot *my_slot;	/* in a worker: its session's */

static void lock(struct avaw_memq *q)
{
	avaw_shared_lock(&q->lock);
}

static uint64_t used_locked(const struct avaw_memq *q)
{
	uint64_t sum = 0;
	unsigned i;

	for (i = 0; i < q->nslots; i++)
		sum += q->slot[i].used;
	return sum;
}

struct avaw_memq *avaw_memq_create(uint64_t quota, unsigned slots)
{
	size_t len = sizeof(struct avaw_memq) + slots * sizeof(struct memq_slot);
	struct avaw_memq *q = avaw_shared_alloc(len);

	if (!q)
		return NULL;
	q->quota = quota;
	q->nslots = slots;
	return q;
}

int avaw_memq_slot(struct avaw_memq *q)
{
	unsigned i;
	int got = -1;

	lock(q);
	for (i = 0; i < q->nslots && got < 0; i++)
		if (!q->slot[i].pid) {
			q->slot[i].pid = -1;
			q->slot[i].used = 0;
			got = (int)i;
		}
	pthread_mutex_unlock(&q->lock);
	return got;
}

void avaw_memq_own(struct avaw_memq *q, int slot, pid_t pid)
{
	lock(q);
	q->slot[slot].pid = pid;
	pthread_mutex_unlock(&q->lock);
}

void avaw_memq_free_slot(struct avaw_memq *q, int slot)
{
	lock(q);
	q->slot[slot].used = 0;
	q->slot[slot].pid = 0;
	pthread_mutex_unlock(&q->lock);
}

void avaw_memq_reap(struct avaw_memq *q, pid_t pid)
{
	unsigned i;

	for (i = 0; i < q->nslots; i++)
		if (q->slot[i].pid == pid && pid > 0)
			avaw_memq_free_slot(q, (int)i);
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
		my_slot->used += bytes;
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
	my_slot->used -= bytes < my_slot->used ? bytes : my_slot->used;
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
	my_slot = &q->slot[slot];
	avaw_mem_use(&memq_ops, q);
}
