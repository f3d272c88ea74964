// SPDX-License-Identifier: MIT
/*
 * common/ava_sched.c against a simulated device that runs one kernel at a
 * time: entities that always have work take turns in a fixed order, each
 * going when ava_sched_wait() lets it, and the device time each got is
 * compared with its target share.
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
	RUN(cap, "a 25% cap alone and under competition");
	RUN(knobs, "knob bounds and idleness");
	return unit_done();
}
