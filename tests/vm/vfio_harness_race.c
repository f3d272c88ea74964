// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_harness pin_race: finding 8 of issue 10.  map_req took a request
 * off inst->pinned after dropping pin_lock while the VMM's dma_unmap
 * walked that list.  Here those paths run at once, many times: a worker
 * (W_ECHO) takes commands whose input lies in DATA2, so the module pins
 * and maps it (map_req); a thread unmaps DATA2 and maps it again
 * (VFIO_IOMMU_UNMAP_DMA: the module unpins what it finds there); the
 * worker's answers unpin too; now and then the device is reset with
 * commands in flight.  Checked: every chain comes back exactly once, as
 * answered, refused for its reference or refused whole; the worker never
 * fails to take a command; no page stays pinned.  With the kernel's
 * CONFIG_DEBUG_LIST a corrupted list oopses, which tests/vm/run finds in
 * the kernel log.  It exercises the race window; it cannot prove the race
 * absent (the rig's kernel has no lockdep).
 */
#include <pthread.h>

#include "vfio_harness.h"

#define RACE_BATCHES	300
#define RACE_BATCH	16	/* chains in flight at once */
#define RACE_LEN	8192	/* each one's input: two pages of DATA2 */

struct unmapper {
	struct dev *d;
	int stop;
	long cycles, errors;
};

static void *unmap_loop(void *arg)
{
	struct unmapper *u = arg;

	while (!__atomic_load_n(&u->stop, __ATOMIC_ACQUIRE)) {
		u->errors += dma_unmap(u->d, DATA2_IOVA, DATA2_SIZE) != 0;
		usleep(u->cycles * 37 % 300);
		u->errors += dma_map(u->d, u->d->data2, DATA2_IOVA,
				     DATA2_SIZE) != 0;
		u->cycles++;
		usleep(u->cycles * 53 % 700);
	}
	return NULL;
}

/* outcomes of the chains: answered, refused (bad reference, whole chain) */
struct race_count {
	long ok, bad_ref, refused, wrong;
};

static void race_submit(struct dev *d, struct xcall *x)
{
	int i;

	for (i = 0; i < RACE_BATCH; i++) {
		xor_setup(d, &x[i], RACE_LEN, 0, 4096);
		x[i].in = d->data2 + i * RACE_LEN;
		x[i].in_iova = DATA2_IOVA + i * RACE_LEN;
		xor_submit_at(d, &x[i], i, 0);
	}
}

/* Every chain of the batch back exactly once; counts how. */
static bool race_collect(struct dev *d, struct xcall *x, struct race_count *n)
{
	struct vq *q = &d->q[0];
	int seen[RACE_BATCH] = { 0 };
	uint16_t k, want = q->last_used + RACE_BATCH;

	if (wait_used(d, 0, want, 10000)) {
		diag("pin_race: used %u, want %u", used_idx(d, 0), want);
		return false;
	}
	usleep(1000);	/* a chain completed twice would show by now */
	if (used_idx(d, 0) != want) {
		diag("pin_race: used %u past %u", used_idx(d, 0), want);
		return false;
	}
	for (k = q->last_used; k != want; k++) {
		struct vring_used_elem *e = &q->u->ring[k & (q->size - 1)];

		if (e->id >= RACE_BATCH || seen[e->id]++) {
			diag("pin_race: head %u back twice or unknown", e->id);
			return false;
		}
		if (!e->len)
			n->refused++;
		else if (x[e->id].r->h.status == AVA_S_OK)
			n->ok++;
		else if (x[e->id].r->h.status == AVA_S_BAD_REF)
			n->bad_ref++;
		else
			n->wrong++;
	}
	q->last_used = want;
	return !n->wrong;
}

void t_pin_race(void)
{
	struct unmapper u = { 0 };
	struct race_count n = { 0 };
	struct worker w = { 0 };
	struct xcall x[RACE_BATCH];
	struct dev d;
	pthread_t th;
	uint64_t pinned = 1;
	long resets = 0, b;
	bool ok = true, alive;
	uint32_t st = 99;
	double t0;
	int i;

	if (open_init(&d, 1, 64))
		goto out;
	if (worker_start(&w, W_ECHO, INT_MAX)) {
		tap(false, "pin_race: the worker attaches");
		goto out;
	}
	u.d = &d;
	if (pthread_create(&th, NULL, unmap_loop, &u)) {
		tap(false, "pin_race: the unmapping thread starts");
		worker_stop(&w);
		goto out;
	}
	t0 = now_s();
	for (b = 0; b < RACE_BATCHES && ok; b++) {
		race_submit(&d, x);
		if (b % 10 == 9) {
			/* reset with the batch in flight, at a varying moment */
			usleep(b * 131 % 3000);
			status_wr(&d, 0);
			ok = !vinit(&d, 1, 64, FEAT_ALL);
			resets++;
			continue;
		}
		ok = race_collect(&d, x, &n);
	}
	__atomic_store_n(&u.stop, 1, __ATOMIC_RELEASE);
	pthread_join(th, NULL);
	alive = waitpid(w.pid, NULL, WNOHANG) == 0;
	diag("pin_race: %ld batches of %d in %.1f s: %ld answered, %ld bad reference, %ld refused; %ld resets, %ld unmap/map cycles (%ld failed)",
	     b, RACE_BATCH, now_s() - t0, n.ok, n.bad_ref, n.refused, resets,
	     u.cycles, u.errors);
	tap(ok && b == RACE_BATCHES,
	    "pin_race: %ld map requests while DATA2 was unmapped and mapped %ld times and the device reset %ld times: every chain back exactly once (%ld answered, %ld bad reference, %ld refused)",
	    b * RACE_BATCH, u.cycles, resets, n.ok, n.bad_ref, n.refused);
	tap(alive && !u.errors && u.cycles > 0,
	    "pin_race: the worker took every command; every unmap and map succeeded");
	for (i = 0; i < 100 && pinned; i++) {
		pinned = stat_get("pinned_pages");
		if (pinned)
			usleep(20000);
	}
	tap(!pinned, "pin_race: no page left pinned (pinned_pages %" PRIu64 ")",
	    pinned);
	tap(!ping(&d, 5, &st) && st == AVA_S_OK,
	    "pin_race: the device still answers");
	worker_stop(&w);
out:
	dev_close(&d);
}
