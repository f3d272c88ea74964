// SPDX-License-Identifier: MIT
/*
 * Device-time measurement and holding of one session (worker_time.h).  A
 * worker process serves one session, so the records live here.  Records
 * are polled all (queues and streams complete out of order), never waited
 * for, except that under a policy a session keeps at most MAX_INFLIGHT
 * unmeasured submissions: the policy decides on reported time, and what
 * is in flight is not reported yet.  Each poll also reports how many are
 * in flight: under competition the policy hands the device to another
 * session only once they have drained.
 */
#include <time.h>

#include "worker_time.h"

#define MAX_RECORDS 64
#define MAX_INFLIGHT 8
#define INFLIGHT_POLL_NS 20000	/* while waiting for the oldest to finish */
#define AFTER_CALL_POLL_NS 50000	/* avaw_time_poll(): at most this often */
#define IDLE_POLL_MS 1		/* between commands, while some are in flight */

struct time_rec {
	const struct avaw_time_src *src;
	void *rec;
};

static const struct avaw_time_ops *t_ops;
static void *t_ctx;
static struct time_rec recs[MAX_RECORDS];
static unsigned int nrecs;
static uint64_t polled_at;

void avaw_time_use(const struct avaw_time_ops *ops, void *ctx)
{
	t_ops = ops;
	t_ctx = ctx;
}

int avaw_time_on(void)
{
	return t_ops != NULL;
}

uint64_t avaw_time_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * Charges what completed and drops it; reports what is left in flight
 * (the policy lets another session's work on the device only when this
 * one's has drained) and returns it.
 */
static unsigned int harvest(void)
{
	uint64_t sum = 0, ns;
	unsigned int i, kept = 0;

	for (i = 0; i < nrecs; i++) {
		int r = recs[i].src->poll(recs[i].rec, &ns);

		if (r == 0) {
			recs[kept++] = recs[i];
			continue;
		}
		if (r > 0)
			sum += ns;
		recs[i].src->drop(recs[i].rec);
	}
	nrecs = kept;
	if (t_ops)
		t_ops->report(t_ctx, sum, kept, avaw_time_now());
	return kept;
}

static void sleep_ns(uint64_t ns)
{
	struct timespec ts = { (time_t)(ns / 1000000000ull), (long)(ns % 1000000000ull) };

	nanosleep(&ts, NULL);
}

void avaw_time_hold(struct avaw_call *c)
{
	uint64_t t0, w;

	(void)c;
	if (!t_ops)
		return;
	while (harvest() >= MAX_INFLIGHT)
		sleep_ns(INFLIGHT_POLL_NS);
	t0 = avaw_time_now();
	w = t_ops->wait(t_ctx, t0);
	if (!w)
		return;
	do {
		sleep_ns(w);
		harvest();
	} while ((w = t_ops->wait(t_ctx, avaw_time_now())) != 0);
	t_ops->held(t_ctx, avaw_time_now() - t0);
}

void avaw_time_poll(void)
{
	uint64_t now;

	if (!t_ops || !nrecs)
		return;
	now = avaw_time_now();
	if (now - polled_at < AFTER_CALL_POLL_NS)
		return;
	polled_at = now;
	harvest();
}

int avaw_time_idle_ms(void)
{
	return t_ops && nrecs ? IDLE_POLL_MS : -1;
}

void avaw_time_track(const struct avaw_time_src *src, void *rec)
{
	if (nrecs == MAX_RECORDS && harvest() == MAX_RECORDS) {
		src->drop(rec);
		return;
	}
	recs[nrecs].src = src;
	recs[nrecs].rec = rec;
	nrecs++;
}

void avaw_time_end(void)
{
	unsigned int i;

	harvest();
	for (i = 0; i < nrecs; i++)
		recs[i].src->drop(recs[i].rec);
	nrecs = 0;
}
