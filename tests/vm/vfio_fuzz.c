// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_fuzz UUID COUNT [SEED]: posts COUNT mostly malformed requests to the
 * host module's instance UUID through VFIO (as a guest driver would), in
 * batches of up to 32 chains (vfio_fuzz_chain.c), with a misbehaving worker
 * attached (vfio_fuzz_worker.c).  Now and then it corrupts the avail ring,
 * resets the device mid-flight or unmaps guest memory with commands
 * outstanding.  Every batch must come back (used, or NEEDS_RESET for a
 * broken ring, then a reset); at the end the device still answers a PING
 * and no guest page stays pinned.  Prints "@@TAP # fuzz progress" lines and
 * TAP results.  Built by tests/vm/run with the harness, whose main is made
 * weak so that this one is used.
 */
#include "vfio_fuzz.h"

#define N_ST (AVA_S_WORKER_LOST + 2)	/* last slot: other statuses */

struct tally {
	long sent, batches, bad_chain, replies, resets, needs_reset, stalls;
	long unmaps, st[N_ST];
	struct fz_worker *w;
};

/* Counts what came back in the used ring since the last batch. */
static void count_used(struct dev *d, struct rep **reply_of, struct tally *t)
{
	struct vq *q = &d->q[0];
	uint16_t u = used_idx(d, 0);

	for (; q->last_used != u; q->last_used++) {
		struct vring_used_elem *e = &q->u->ring[q->last_used & (q->size - 1)];
		struct rep *r = e->id < q->size ? reply_of[e->id] : NULL;

		if (!e->len) {
			t->bad_chain++;
		} else if (r && r->h.magic == AVA_WIRE_MAGIC) {
			t->replies++;
			t->st[r->h.status < N_ST - 1 ? r->h.status : N_ST - 1]++;
		}
	}
}

static int reinit(struct dev *d, struct tally *t)
{
	t->resets++;
	fzw_withdrawing(t->w);
	return vinit(d, 1, QMAX, FEAT_ALL);
}

/* Fills the ring with chains and publishes them; returns how many. */
static int post_batch(struct dev *d, struct rep **reply_of)
{
	struct vq *q = &d->q[0];
	uint16_t slot = 0, used;
	int n = 0;

	memset(reply_of, 0, QMAX * sizeof(*reply_of));
	while (slot < q->size - 4 && n < 32) {
		uint16_t head = slot;
		struct rep *r;

		used = fz_chain(d, q, slot, q->size - slot, &r);
		if (fz_n(64) == 0)
			head = (uint16_t)fz_n(q->size);	/* any head, maybe a middle */
		reply_of[head] = reply_of[head] ? NULL : r;
		push_avail(d, 0, head);
		slot += used ? used : 1;
		n++;
	}
	if (fz_n(128) == 0)	/* a head past the ring */
		q->a->ring[(q->avail_idx - 1) & (q->size - 1)] = q->size + (uint16_t)fz_n(0x8000);
	if (fz_n(256) == 0) {	/* the index jumps: within the ring the device takes stale heads */
		q->avail_idx += (uint16_t)fz_n(0x8000);
		__atomic_store_n(&q->a->idx, q->avail_idx, __ATOMIC_RELEASE);
	}
	notify(d, 0);
	return n;
}

/* Waits until the used index reaches the avail index: 0, or -1 when the
 * device asks for a reset or 10 s passed. */
static int wait_back(struct dev *d, struct tally *t)
{
	struct pollfd p = { .fd = d->efd[1], .events = POLLIN };
	double end = now_s() + 10;

	while (used_idx(d, 0) != d->q[0].avail_idx) {
		if (now_s() > end || status_rd(d) & VIRTIO_CONFIG_S_NEEDS_RESET)
			return -1;
		poll(&p, 1, 2);
		efd_drain(p.fd);
		fzw_check(t->w);	/* a dead worker serves nothing */
	}
	return 0;
}

/* Waits until the batch came back; resets a device that asks for it. */
static int settle(struct dev *d, struct rep **reply_of, struct tally *t)
{
	struct vq *q = &d->q[0];

	if (fz_n(100) == 0) {	/* reset with the batch in flight */
		usleep(fz_n(2000));
		return reinit(d, t);
	}
	if (fz_n(200) == 0 && d->data2_mapped) {
		fzw_withdrawing(t->w);
		if (!dma_unmap(d, DATA2_IOVA, DATA2_SIZE)) {
			t->unmaps++;	/* guest memory goes away mid-flight */
			d->data2_mapped = false;
		}
	}
	if (!wait_back(d, t)) {
		count_used(d, reply_of, t);
		return 0;
	}
	count_used(d, reply_of, t);
	if (status_rd(d) & VIRTIO_CONFIG_S_NEEDS_RESET) {
		t->needs_reset++;
	} else {
		t->stalls++;
		diag("batch %ld: stuck at used %u of %u, queue_pending %" PRIu64 ", queue_inflight %" PRIu64,
		     t->batches, used_idx(d, 0), q->avail_idx, stat_get("queue_pending"),
		     stat_get("queue_inflight"));
	}
	return reinit(d, t);
}

static void print_tally(const char *tag, const struct tally *t, double secs)
{
	printf("@@TAP # %s: %ld requests in %.0f s (%.0f/s), %ld batches: bad chains %ld, replies %ld "
	       "(OK %ld, BAD_MAGIC %ld, BAD_API %ld, BAD_FUNC %ld, MALFORMED %ld, BAD_HANDLE %ld, TOO_LARGE %ld, "
	       "NO_MEMORY %ld, UNSUPPORTED %ld, BAD_REF %ld, WORKER_LOST %ld, other %ld), resets %ld "
	       "(NEEDS_RESET %ld), stalls %ld, unmaps %ld\n", tag, t->sent, secs,
	       secs > 0 ? t->sent / secs : 0.0, t->batches, t->bad_chain, t->replies, t->st[0], t->st[1],
	       t->st[2], t->st[3], t->st[4], t->st[5], t->st[6], t->st[7], t->st[8], t->st[9], t->st[10],
	       t->st[11], t->resets, t->needs_reset, t->stalls, t->unmaps);
}

/* The batches; 0 when the device came back from every one. */
static int fuzz(struct dev *d, long count, struct tally *t)
{
	static struct rep *reply_of[QMAX];
	double t0 = now_s(), last = t0;
	int ok = 1;

	while (t->sent < count && ok) {
		if (t->batches++ % 64 == 0)
			fuzz_data(d);
		d->bump = 0;
		t->sent += post_batch(d, reply_of);
		ok = !settle(d, reply_of, t);
		if (!d->data2_mapped && !dma_map(d, d->data2, DATA2_IOVA, DATA2_SIZE))
			d->data2_mapped = true;
		fzw_check(t->w);
		if (now_s() - last >= 30) {
			last = now_s();
			print_tally("fuzz progress", t, last - t0);
		}
	}
	print_tally("fuzz", t, now_s() - t0);
	return ok ? 0 : -1;
}

int main(int argc, char **argv)
{
	struct fz_worker w = { .pid = 0 };
	struct tally t = { .w = &w };
	uint64_t seed, pinned;
	uint32_t st = 99;
	long count;
	struct dev d;
	int ok;

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	if (argc < 3) {
		fprintf(stderr, "usage: %s UUID COUNT [SEED]\n", argv[0]);
		return 2;
	}
	uuid = argv[1];
	count = atol(argv[2]);
	seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 0xF0221EED;
	fz_seed(seed);
	w.seed = seed;
	if (open_init(&d, 1, QMAX))
		return 1;
	ok = !fzw_start(&w);
	tap(ok, "a misbehaving worker attaches to /dev/vhost-ava");
	ok = ok && !fuzz(&d, count, &t);
	tap(ok && t.stalls == 0, "%ld malformed requests (seed %#" PRIx64 "): every batch came back or "
	    "asked for a reset; %ld stalls", t.sent, seed, t.stalls);
	tap(w.crashes == 0, "the fuzz worker was never killed by a signal but SIGBUS on withdrawn pages "
	    "(%lu starts, %lu exits, %lu SIGBUS after a reset or unmap, %lu crashes)", w.starts, w.exits,
	    w.withdrawn, w.crashes);
	fzw_stop(&w);
	ok = !vinit(&d, 1, 64, FEAT_ALL) && !ping(&d, 1, &st) && st == AVA_S_OK;
	tap(ok, "the device answers a PING after the fuzzing (status %u)", st);
	status_wr(&d, 0);
	dev_close(&d);
	pinned = stat_get("pinned_pages");
	tap(pinned == 0, "no guest page pinned after the fuzzing (pinned_pages %" PRIu64 ")", pinned);
	return failures ? 1 : 0;
}
