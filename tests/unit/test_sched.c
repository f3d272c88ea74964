// SPDX-License-Identifier: MIT
/*
 * common/ava_sched.c against two simulated devices.  The first runs one
 * kernel at a time: entities that always have work take turns in a fixed
 * order, each going when ava_sched_wait() lets it, and the device time
 * each got is compared with its target share.  The second time-slices, as
 * a GPU does between processes: each entity keeps up to DEPTH kernels in
 * flight, overlapping kernels share the device and each one's measured
 * span stretches, and an entity reports its completed work and what it
 * has in flight only when it asks again (as the worker does); or, as a
 * guest waiting for each kernel on the VM path, it keeps one kernel in
 * flight, reports when it ends and asks again a round trip later.
 */
#include <stdint.h>

#include "ava_sched.h"
#include "unit_check.h"

#define MS 1000000ull
#define SEC (1000 * MS)

struct sim {
	struct ava_sched_ent e[4];
	unsigned int n;
	uint64_t now;
	unsigned int next;
	unsigned int busy_mask;		/* which entities have work */
};

/* One step: the first entity (round robin) allowed to go runs a kernel of k ns. */
static void step(struct sim *s, uint64_t k)
{
	uint64_t least = UINT64_MAX;
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		unsigned int j = (s->next + i) % s->n;
		uint64_t w;

		if (!(s->busy_mask & (1u << j)))
			continue;
		w = ava_sched_wait(s->e, s->n, &s->e[j], s->now);
		if (!w) {
			s->now += k;
			ava_sched_charge(&s->e[j], k, s->now);
			s->next = j + 1;
			return;
		}
		if (w < least)
			least = w;
	}
	s->now += least == UINT64_MAX ? k : least;
}

static void run_for(struct sim *s, uint64_t ns, uint64_t k)
{
	uint64_t end = s->now + ns;

	while (s->now < end)
		step(s, k);
}

static void setup(struct sim *s, unsigned int n, const uint32_t *w, const uint32_t *cap)
{
	unsigned int i;

	*s = (struct sim){ .n = n, .now = 1 * SEC, .busy_mask = (1u << n) - 1 };
	for (i = 0; i < n; i++)
		ava_sched_init(&s->e[i], w[i], cap ? cap[i] : 0, s->now);
}

/* Is the share of entity i since before[] within tol of want (fractions)? */
static int share_ok(const struct sim *s, const uint64_t *before, unsigned int i, double want, double tol)
{
	uint64_t sum = 0;
	unsigned int j;
	double got;

	for (j = 0; j < s->n; j++)
		sum += s->e[j].device_ns - before[j];
	got = (double)(s->e[i].device_ns - before[i]) / (double)sum;
	if (got < want - tol || got > want + tol)
		printf("#   entity %u: share %.3f, want %.3f\n", i, got, want);
	return got >= want - tol && got <= want + tol;
}

static void weights(void)
{
	static const uint32_t w11[] = { 1, 1 }, w31[] = { 3, 1 }, w1111[] = { 1, 1, 1, 1 }, w4[] = { 5, 3, 1, 1 };
	const uint64_t zero[4] = { 0 };
	struct sim s;
	unsigned int i;

	setup(&s, 2, w11, NULL);
	run_for(&s, 10 * SEC, MS);
	CHECK(share_ok(&s, zero, 0, 0.5, 0.01));
	setup(&s, 2, w31, NULL);
	run_for(&s, 10 * SEC, MS);
	CHECK(share_ok(&s, zero, 0, 0.75, 0.01));
	CHECK(share_ok(&s, zero, 1, 0.25, 0.01));
	setup(&s, 4, w1111, NULL);
	run_for(&s, 10 * SEC, 3 * MS);
	for (i = 0; i < 4; i++)
		CHECK(share_ok(&s, zero, i, 0.25, 0.01));
	setup(&s, 4, w4, NULL);
	run_for(&s, 10 * SEC, MS);
	CHECK(share_ok(&s, zero, 0, 0.5, 0.01));
	CHECK(share_ok(&s, zero, 1, 0.3, 0.01));
	CHECK(share_ok(&s, zero, 3, 0.1, 0.01));
}

/* A lone entity, and one whose competitor is idle, gets the whole device. */
static void work_conserving(void)
{
	static const uint32_t w31[] = { 1, 3 };
	struct sim s;
	uint64_t t0;

	setup(&s, 2, w31, NULL);
	s.busy_mask = 1;
	t0 = s.now;
	run_for(&s, 5 * SEC, MS);
	CHECK(s.e[0].device_ns >= s.now - t0 - MS);
	CHECK(s.e[1].device_ns == 0);
}

/* An entity back from idle banks no credit: it gets its share, not all. */
static void idle_no_credit(void)
{
	static const uint32_t w11[] = { 1, 1 };
	uint64_t before[2];
	struct sim s;

	setup(&s, 2, w11, NULL);
	run_for(&s, 2 * SEC, MS);
	s.busy_mask = 1;
	run_for(&s, 5 * SEC, MS);
	s.busy_mask = 3;
	before[0] = s.e[0].device_ns;
	before[1] = s.e[1].device_ns;
	run_for(&s, 1 * SEC, MS);
	CHECK(share_ok(&s, before, 1, 0.5, 0.02));
}

/*
 * One that comes while the other is between submissions (idle for a
 * moment) levels with it all the same: no credit for the time it ran.
 */
static void late_no_credit(void)
{
	static const uint32_t w11[] = { 1, 1 };
	uint64_t before[2];
	struct sim s;

	setup(&s, 2, w11, NULL);
	s.busy_mask = 1;
	run_for(&s, 5 * SEC, MS);
	s.busy_mask = 0;
	run_for(&s, AVA_SCHED_IDLE_NS + 10 * MS, MS);
	s.busy_mask = 2;	/* it asks first, the other a moment later */
	run_for(&s, 5 * MS, MS);
	s.busy_mask = 3;
	before[0] = s.e[0].device_ns;
	before[1] = s.e[1].device_ns;
	run_for(&s, 1 * SEC, MS);
	CHECK(share_ok(&s, before, 1, 0.5, 0.02));
}

/*
 * Work that outlasts the bound on work in flight (a first kernel that
 * waited for its compilation, measured short) while the other ran alone:
 * its report does not make it active, and its next ask levels it.
 */
static void lapsed_report(void)
{
	struct ava_sched_ent e[2];
	uint64_t t0 = 1 * SEC, t;

	ava_sched_init(&e[0], 1, 0, t0);
	ava_sched_init(&e[1], 1, 0, t0);
	ava_sched_inflight(&e[1], 0);
	CHECK(ava_sched_wait(e, 2, &e[1], t0) == 0 && e[1].inflight == 1);
	CHECK(ava_sched_wait(e, 2, &e[0], t0 + MS) > 0);
	for (t = t0 + AVA_SCHED_INFLIGHT_NS; t < t0 + 1300 * MS; t += 10 * MS) {
		CHECK(ava_sched_wait(e, 2, &e[0], t) == 0);
		ava_sched_charge(&e[0], 10 * MS, t + 10 * MS);
	}
	ava_sched_charge(&e[1], 45 * MS, t);
	ava_sched_inflight(&e[1], 0);
	CHECK(!ava_sched_active(&e[1], t));
	ava_sched_wait(e, 2, &e[1], t + MS);
	CHECK(e[1].vtime + AVA_SCHED_SLACK_NS * AVA_SCHED_VSCALE >= e[0].vtime);
}

/*
 * A light entity (a 0.1 ms kernel every 30 ms: a frame loop) is behind
 * the busy one for ever, yet between its kernels it does not want the
 * device: the busy one must not be held for it (it was, until 2026-12-02:
 * 27 ms of 5 s), and the light one still goes at once, credit bounded.
 */
static void light_no_starve(void)
{
	struct ava_sched_ent e[2];
	uint64_t now = 1 * SEC, end = now + 5 * SEC, next = now, asked = 0, waited = 0;

	ava_sched_init(&e[0], 1, 0, now);
	ava_sched_init(&e[1], 1, 0, now);
	while (now < end) {
		if (now >= next && !ava_sched_wait(e, 2, &e[0], now)) {
			waited += now - next;
			asked++;
			now += MS / 10;
			ava_sched_charge(&e[0], MS / 10, now);
			next += 30 * MS;
			continue;
		}
		if (!ava_sched_wait(e, 2, &e[1], now)) {
			now += MS;
			ava_sched_charge(&e[1], MS, now);
			continue;
		}
		now += MS / 20;
	}
	printf("#   light 0.1 ms / 30 ms: %llu kernels, waited %.2f ms each; busy one %.0f %% of the device\n",
	       (unsigned long long)asked, (double)waited / (double)asked / 1e6, 100.0 * (double)e[1].device_ns / (5.0 * SEC));
	CHECK(e[1].device_ns >= 5 * SEC * 3 / 4);
	CHECK(asked >= 5 * SEC / (30 * MS) - 1);
	CHECK(waited / asked <= 2 * MS);
}

/* A 25 % cap holds alone (the device idles) and among others. */
static void cap(void)
{
	static const uint32_t w1[] = { 1, 1 }, c25[] = { 25, 0 };
	struct sim s;
	uint64_t t0, d0;
	double got;

	setup(&s, 2, w1, c25);
	s.busy_mask = 1;
	run_for(&s, 1 * SEC, MS);
	t0 = s.now;
	d0 = s.e[0].device_ns;
	run_for(&s, 10 * SEC, MS);
	got = (double)(s.e[0].device_ns - d0) / (double)(s.now - t0);
	CHECK(got > 0.24 && got < 0.26);
	s.busy_mask = 3;
	t0 = s.now;
	d0 = s.e[0].device_ns;
	run_for(&s, 10 * SEC, MS);
	got = (double)(s.e[0].device_ns - d0) / (double)(s.now - t0);
	CHECK(got > 0.24 && got < 0.26);
	CHECK(s.e[1].device_ns > 7 * SEC);	/* the rest went to the other */
}

#define DEPTH 4
#define DT 10000ull		/* the sliced device's tick */
#define FULL_POLL 20000ull	/* an entity with DEPTH in flight asks again after this */

struct sentity {
	uint64_t left[DEPTH];	/* exclusive device ns left of each kernel in flight */
	unsigned int q;		/* kernels in flight, left[0] runs */
	uint64_t head_start;	/* when left[0] started (the span a CUDA event pair measures) */
	uint64_t done_ns;	/* completed, not yet reported */
	uint64_t ask_at, kernels;
	int asks;		/* 0: quiet (its kernels still run) */
	unsigned int depth;	/* kernels it keeps in flight (0: DEPTH) */
	uint64_t gap;		/* not 0: waits for its oldest kernel, reports, asks gap later */
	int timely;		/* reports each completion as it happens (the VM path's worker) */
	int uncounted;		/* reports no work in flight (a worker before the count) */
};

struct ssim {
	struct ava_sched_ent e[4];
	struct sentity t[4];
	unsigned int n, first;
	uint64_t now, k;
	int policy;
};

/* The device's tick: every kernel at the head of its stream gets 1/m of it. */
static void slice_tick(struct ssim *s)
{
	unsigned int i, m = 0;

	for (i = 0; i < s->n; i++)
		m += s->t[i].q != 0;
	s->now += DT;
	for (i = 0; m && i < s->n; i++) {
		struct sentity *t = &s->t[i];

		if (!t->q)
			continue;
		if (t->left[0] > DT / m) {
			t->left[0] -= DT / m;
			continue;
		}
		t->done_ns += s->now - t->head_start;
		t->kernels++;
		t->head_start = s->now;
		t->q--;
		for (unsigned int j = 0; j < t->q; j++)
			t->left[j] = t->left[j + 1];
	}
}

static void slice_report(struct ssim *s, unsigned int i)
{
	struct sentity *t = &s->t[i];

	if (t->done_ns)
		ava_sched_charge(&s->e[i], t->done_ns, s->now);
	t->done_ns = 0;
	if (!t->uncounted)
		ava_sched_inflight(&s->e[i], t->q);
}

/* Entity i asks: reports, then submits while the policy lets it. */
static void slice_ask(struct ssim *s, unsigned int i)
{
	struct sentity *t = &s->t[i];
	uint64_t w;

	slice_report(s, i);
	for (;;) {
		if (t->q == (t->depth ? t->depth : DEPTH)) {
			t->ask_at = t->gap ? UINT64_MAX : s->now + FULL_POLL;
			return;
		}
		w = s->policy ? ava_sched_wait(s->e, s->n, &s->e[i], s->now) : 0;
		if (w) {
			t->ask_at = s->now + w;
			return;
		}
		if (!t->q)
			t->head_start = s->now;
		t->left[t->q++] = s->k;
		if (!t->uncounted)
			ava_sched_inflight(&s->e[i], t->q);
	}
}

static void slice_run(struct ssim *s, uint64_t ns)
{
	uint64_t end = s->now + ns;
	unsigned int i;

	while (s->now < end) {
		slice_tick(s);
		for (i = 0; i < s->n; i++) {
			unsigned int j = (s->first + i) % s->n;
			struct sentity *t = &s->t[j];

			if (t->timely && t->done_ns)
				slice_report(s, j);
			if (t->gap && t->q < (t->depth ? t->depth : DEPTH) && t->ask_at == UINT64_MAX) {
				slice_report(s, j);	/* its wait returned */
				t->ask_at = s->now + t->gap;
			}
			if (t->asks && s->now >= t->ask_at)
				slice_ask(s, j);
		}
		s->first++;
	}
}

static void slice_setup(struct ssim *s, unsigned int n, const uint32_t *w, int policy)
{
	unsigned int i;

	*s = (struct ssim){ .n = n, .now = 1 * SEC, .k = MS, .policy = policy };
	for (i = 0; i < n; i++) {
		ava_sched_init(&s->e[i], w[i], 0, s->now);
		s->t[i].asks = 1;
	}
}

/* Shares of device time and of kernels within tol of w's, and the device busy. */
static void slice_check(const uint32_t *w, unsigned int n, uint64_t secs)
{
	uint64_t dev = 0, kern = 0, wsum = 0;
	struct ssim s;
	unsigned int i;

	slice_setup(&s, n, w, 1);
	slice_run(&s, secs * SEC);
	for (i = 0; i < n; i++) {
		dev += s.e[i].device_ns;
		kern += s.t[i].kernels;
		wsum += w[i];
	}
	for (i = 0; i < n; i++) {
		double want = (double)w[i] / (double)wsum, got_d = (double)s.e[i].device_ns / (double)dev,
		       got_k = (double)s.t[i].kernels / (double)kern;

		if (got_d < want - 0.01 || got_d > want + 0.01 || got_k < want - 0.01 || got_k > want + 0.01)
			printf("#   entity %u: device %.3f, kernels %.3f, want %.3f\n", i, got_d, got_k, want);
		CHECK(got_d > want - 0.01 && got_d < want + 0.01);
		CHECK(got_k > want - 0.01 && got_k < want + 0.01);
	}
	/* exclusive: no span counted twice; and the drains cost under 5 % */
	printf("#   %u entities: device time / wall %.3f, kernels x k / wall %.3f\n", n,
	       (double)dev / (double)(secs * SEC), (double)(kern * MS) / (double)(secs * SEC));
	CHECK(dev <= secs * SEC + 10 * MS);
	CHECK(kern * MS >= secs * SEC * 95 / 100);
}

/* A time-sliced device: shares of work follow the weights, not just of time. */
static void sliced(void)
{
	static const uint32_t w31[] = { 3, 1 }, w11[] = { 1, 1 }, w1111[] = { 1, 1, 1, 1 }, w4[] = { 5, 3, 1, 1 };
	struct ssim s;

	slice_setup(&s, 2, w11, 0);	/* without a policy, overlapping spans count twice */
	slice_run(&s, 2 * SEC);
	CHECK(s.e[0].device_ns + s.e[1].device_ns > 3 * SEC);
	CHECK(s.t[0].kernels + s.t[1].kernels <= 2 * SEC / MS + 2);
	slice_check(w11, 2, 10);
	slice_check(w31, 2, 10);
	slice_check(w1111, 4, 10);
	slice_check(w4, 4, 10);
}

/* A lone entity keeps the device, no drain: DEPTH kernels in flight throughout. */
static void sliced_alone(void)
{
	static const uint32_t w[] = { 1, 1 };
	struct ssim s;
	uint64_t t0, k0;

	slice_setup(&s, 2, w, 1);
	s.t[1].asks = 0;
	slice_run(&s, 100 * MS);
	t0 = s.now;
	k0 = s.t[0].kernels;
	slice_run(&s, 2 * SEC);
	CHECK(s.t[0].kernels - k0 >= (s.now - t0) / MS - 1);
}

/*
 * Two entities at 3:1 as guests on the VM path: kernels of k, depth in
 * flight each, the next asked for gap after the oldest ends; timely: each
 * completion reported as it happens; uncounted: no count of work in flight.
 */
static void rig_setup(struct ssim *s, uint64_t k, unsigned int depth, uint64_t gap, int timely, int uncounted)
{
	static const uint32_t w31[] = { 3, 1 };

	slice_setup(s, 2, w31, 1);
	s->k = k;
	for (unsigned int i = 0; i < 2; i++) {
		s->t[i].depth = depth;
		s->t[i].gap = gap;
		s->t[i].timely = timely;
		s->t[i].uncounted = uncounted;
	}
}

/*
 * The VM path's case: one kernel in flight each, 75 ms (longer than the
 * activity window), waited for, reported as it ends and the next asked for
 * a round trip (2 ms) later.  Counted in flight, 3:1 holds and the device
 * is exclusive; uncounted (a worker that does not report the count), each
 * looks idle while its kernel runs and the share is pulled toward 1:1.
 */
static void long_kernels(void)
{
	const uint64_t secs = 60;
	struct ssim s;
	double got;
	int uncounted;

	for (uncounted = 0; uncounted < 2; uncounted++) {
		rig_setup(&s, 75 * MS, 1, 2 * MS, 0, uncounted);
		slice_run(&s, secs * SEC);
		got = (double)s.e[0].device_ns / (double)(s.e[0].device_ns + s.e[1].device_ns);
		printf("#   75 ms kernels 3:1, %s: share %.3f, device time / wall %.3f\n",
		       uncounted ? "in flight uncounted" : "in flight counted", got,
		       (double)(s.e[0].device_ns + s.e[1].device_ns) / (double)(secs * SEC));
		if (!uncounted) {
			CHECK(got > 0.74 && got < 0.76);
			CHECK(s.e[0].device_ns + s.e[1].device_ns <= secs * SEC + 75 * MS);
			CHECK(s.e[0].device_ns + s.e[1].device_ns >= secs * SEC * 9 / 10);
		} else {
			CHECK(got < 0.7);
		}
	}
}

/*
 * The VM rig's case: 200 ms kernels, four in flight, the guest waiting for
 * the oldest and asking for the next a round trip (20 ms) later, the
 * worker reporting each completion.  A holder that leads drains four
 * kernels, longer than AVA_SCHED_INFLIGHT_NS after its last submission:
 * its completions keep it the holder, so the device stays exclusive and
 * 3:1 holds.
 */
static void long_queues(void)
{
	const uint64_t secs = 60;
	struct ssim s;
	double got;
	uint64_t dev;

	rig_setup(&s, 200 * MS, 4, 20 * MS, 1, 0);
	slice_run(&s, secs * SEC);
	dev = s.e[0].device_ns + s.e[1].device_ns;
	got = (double)s.e[0].device_ns / (double)dev;
	printf("#   200 ms kernels 4 deep 3:1: share %.3f, device time / wall %.3f\n", got,
	       (double)dev / (double)(secs * SEC));
	CHECK(got > 0.73 && got < 0.77);
	CHECK(dev <= secs * SEC + 200 * MS);
	CHECK(dev >= secs * SEC * 9 / 10);
}

/*
 * Two levels (a VM and its session): the decision is taken at both before
 * either takes; a level that says go takes nothing while the other holds.
 */
static void two_levels(void)
{
	struct ava_sched_ent vm[2], ss[2];
	uint64_t now = 1 * SEC;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		ava_sched_init(&vm[i], 1, 0, now);
		ava_sched_init(&ss[i], 1, 0, now);
		ava_sched_inflight(&vm[i], 0);
		ava_sched_inflight(&ss[i], 0);
	}
	/* session 1 of the VM holds its level's token with a kernel in flight */
	CHECK(ava_sched_wait(ss, 2, &ss[1], now) == 0 && ss[1].inflight == 1);
	CHECK(ava_sched_ask(ss, 2, &ss[0], now + MS) > 0);
	/* VM 0 alone would go, but takes nothing: no token, nothing counted */
	CHECK(ava_sched_ask(vm, 2, &vm[0], now + MS) == 0);
	CHECK(!(vm[0].flags & AVA_SCHED_F_TOKEN) && vm[0].inflight == 0 && !vm[0].went_at);
	/* session 1's kernel ends: both levels say go, then both take */
	ava_sched_charge(&ss[1], MS, now + 2 * MS);
	ava_sched_inflight(&ss[1], 0);
	now += 2 * MS + AVA_SCHED_HANDOFF_NS;
	CHECK(ava_sched_ask(vm, 2, &vm[0], now) == 0 && ava_sched_ask(ss, 2, &ss[0], now) == 0);
	ava_sched_take(vm, 2, &vm[0], now);
	ava_sched_take(ss, 2, &ss[0], now);
	CHECK((vm[0].flags & AVA_SCHED_F_TOKEN) && vm[0].inflight == 1 && vm[0].went_at == now);
	CHECK((ss[0].flags & AVA_SCHED_F_TOKEN) && !(ss[1].flags & AVA_SCHED_F_TOKEN));
	/* VM 1 waits while VM 0's kernel runs, past the activity window ... */
	CHECK(ava_sched_wait(vm, 2, &vm[1], now + AVA_SCHED_WANT_NS + MS) > 0);
	/* ... but not past the bound on work in flight */
	CHECK(ava_sched_wait(vm, 2, &vm[1], now + AVA_SCHED_INFLIGHT_NS) == 0);
}

/* A holder gone quiet with work unreported keeps the others waiting AVA_SCHED_INFLIGHT_NS at most. */
static void sliced_quiet_holder(void)
{
	static const uint32_t w[] = { 1, 1 };
	struct ssim s;
	uint64_t k1;

	slice_setup(&s, 2, w, 1);
	slice_run(&s, 1 * SEC);
	while (!(s.e[0].flags & AVA_SCHED_F_TOKEN) || s.t[0].q < 2)
		slice_run(&s, DT);
	s.t[0].asks = 0;
	k1 = s.t[1].kernels;
	slice_run(&s, AVA_SCHED_INFLIGHT_NS - 10 * MS);
	CHECK(s.t[1].kernels == k1);	/* the token still held: its work is unreported */
	slice_run(&s, 12 * MS);
	CHECK(s.t[1].kernels > k1);

	/* one that reported its work done (synchronized, then host work): 1 ms */
	slice_setup(&s, 2, w, 1);
	slice_run(&s, 1 * SEC);
	while (!(s.e[0].flags & AVA_SCHED_F_TOKEN) || s.t[0].q < 2)
		slice_run(&s, DT);
	s.t[0].asks = 0;
	while (s.t[0].q)
		slice_run(&s, DT);
	ava_sched_charge(&s.e[0], s.t[0].done_ns, s.now);	/* the poll after its call */
	ava_sched_inflight(&s.e[0], 0);
	k1 = s.t[1].kernels;
	slice_run(&s, AVA_SCHED_HANDOFF_NS + 2 * MS);
	CHECK(s.t[1].kernels > k1);
}

static void knobs(void)
{
	struct ava_sched_ent e;

	ava_sched_init(&e, 0, 100, 5);
	CHECK(e.weight == 1 && e.cap_pct == 0 && e.in_use);
	ava_sched_set(&e, 99999, 150);
	CHECK(e.weight == AVA_SCHED_WEIGHT_MAX && e.cap_pct == 0);
	ava_sched_set(&e, 2, 10);
	CHECK(e.budget_ns <= (int64_t)(AVA_SCHED_CAP_BURST_NS / 10));
	CHECK(!ava_sched_active(&e, 5));
	CHECK(ava_sched_wait(&e, 1, &e, 10) == 0);
	CHECK(ava_sched_active(&e, 10) && !ava_sched_active(&e, 10 + AVA_SCHED_IDLE_NS));
	ava_sched_charge(&e, 20 * SEC, 11);	/* absurd reports are bounded */
	CHECK(e.device_ns == 10 * SEC);
	CHECK(ava_sched_wait(&e, 1, &e, 12) > 0);
}

int main(void)
{
	RUN(weights, "weights 1:1, 3:1, 1:1:1:1, 5:3:1:1");
	RUN(work_conserving, "an idle competitor gives its share away");
	RUN(idle_no_credit, "back from idle: no credit");
	RUN(late_no_credit, "back while the others are between submissions: no credit");
	RUN(lapsed_report, "a report after its work outlasted the bound does not keep credit");
	RUN(cap, "a 25% cap alone and under competition");
	RUN(light_no_starve, "a light entity between its kernels holds no one; it still goes at once");
	RUN(knobs, "knob bounds and idleness");
	RUN(sliced, "time-slicing device: work and time shares 1:1, 3:1, 1:1:1:1, 5:3:1:1, exclusive, >= 95 % busy");
	RUN(sliced_alone, "time-slicing device: a lone entity keeps it without draining");
	RUN(sliced_quiet_holder, "a quiet holder blocks 250 ms at most with work unreported, 1 ms drained");
	RUN(long_kernels, "75 ms kernels waited for one at a time: 3:1 with work in flight counted, not without");
	RUN(long_queues, "200 ms kernels four deep, each completion reported: 3:1, the device exclusive");
	RUN(two_levels, "two levels decide before either takes; work in flight holds past the activity window, bounded");
	return unit_done();
}
