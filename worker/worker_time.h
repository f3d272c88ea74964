/* SPDX-License-Identifier: MIT */
/*
 * Device time of the work a session submits (worker_time.c,
 * docs/device-time.md).  The generated dispatch calls
 * avaw_time_hold() before each call a spec marks @submit, and the API's
 * runtime records how to measure what it submitted (OpenCL: the command's
 * profiling event, time_opencl.c; CUDA: a pair of events around the launch,
 * time_cuda.c).  Completed records are polled without waiting, before the
 * next submission, and their device time and the number still in flight
 * go to the session's tenant policy, which says how long to hold the
 * submission.  With no policy
 * installed nothing is measured or held.
 */
#ifndef AVA_WORKER_TIME_H
#define AVA_WORKER_TIME_H

#include <stdint.h>

struct avaw_call;

/* The policy of the session's tenant, installed before the session starts. */
struct avaw_time_ops {
	/* 0 to submit now, else how long (ns) to hold before asking again */
	uint64_t (*wait)(void *ctx, uint64_t now);
	/* device time (ns) of the session's work that completed, and how many
	 * of its submissions are still in flight, at now */
	void (*report)(void *ctx, uint64_t ns, unsigned int inflight, uint64_t now);
	/* the session was held for ns */
	void (*held)(void *ctx, uint64_t ns);
};

/* How to measure one kind of record. */
struct avaw_time_src {
	/* 1: done, its device time in *ns; 0: not yet; -1: cannot be measured */
	int (*poll)(void *rec, uint64_t *ns);
	void (*drop)(void *rec);
};

void avaw_time_use(const struct avaw_time_ops *ops, void *ctx);
/* Is a policy installed (measurement wanted)? */
int avaw_time_on(void);
/* CLOCK_MONOTONIC in ns: the policy's clock. */
uint64_t avaw_time_now(void);

/* For the generated code: before a @submit call (holds it as the policy says). */
void avaw_time_hold(struct avaw_call *c);
/*
 * For the dispatch loop, after each call: reports what completed, so that
 * a session that synchronized and went on with other work does not seem
 * to keep work in flight (rate-limited; nothing without a policy).
 */
void avaw_time_poll(void);
/*
 * For a transport about to wait for the next command: the longest it may
 * sleep (ms) before calling avaw_time_poll() again, -1 for as long as it
 * likes.  Work in flight completes while the guest's next command is not
 * there yet (held by the policy, or the guest busy): its completion must
 * reach the policy then, not when the next command comes.
 */
int avaw_time_idle_ms(void);
/* For the API runtimes: a submission to measure (dropped at once when full). */
void avaw_time_track(const struct avaw_time_src *src, void *rec);
/* The session ends: what completed is charged, the rest dropped. */
void avaw_time_end(void);

#endif
