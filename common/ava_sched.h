/* SPDX-License-Identifier: MIT */
/*
 * Device-time fair share, the arithmetic (ava_sched.c; docs/device-time.md
 * describes the algorithm).  Plain C with no library
 * calls, so that the host module (kernel) and ava-hostd (user space) share
 * it; the caller keeps the entities, locks them and reads the clock.
 *
 * An entity is what competes at one level: a VM (mdev instance) among the
 * VMs of the device, a session among the sessions of its VM or of an
 * ava-hostd.  Each has a weight and an optional cap (percent of the
 * device).  Device time reported for it advances its virtual time by
 * ns / weight; before its next submission, ava_sched_wait() says how long
 * to hold it: while its virtual time, with its work in flight counted at
 * its average, leads by more than a slack the least of the competitors
 * that want the device (asked or reported within AVA_SCHED_WANT_NS, or
 * have work in flight), or while its cap's budget is spent.  One that
 * does not want the device holds no one (work-conserving: a light entity
 * behind the others for ever does not stall them between its kernels).
 * Credit is bounded: an entity that has not asked for AVA_SCHED_IDLE_NS
 * is idle, and when it comes back its virtual time catches up with the
 * others' (no credit); one back from a shorter pause keeps at most
 * AVA_SCHED_LAG_NS of credit; one that wants the device and is held loses
 * nothing.
 *
 * Device token: while entities compete, one of them at a time (the
 * holder) may have work on the device, so that device time is exclusive
 * (time-sliced kernels of two processes would each count the span they
 * shared).  The holder keeps it until it leads by the slack and its work
 * in flight has drained and been reported; then it goes to the entity
 * furthest behind among those asking.  A holder that has not asked for
 * AVA_SCHED_HANDOFF_NS with nothing in flight keeps no one waiting.  Only callers that
 * report their work in flight (ava_sched_inflight) are drained; for the
 * others the token passes as soon as the holder leads.
 *
 * Work in flight is activity, for a bounded time: an entity whose kernels
 * run long is not idle while they run (it keeps its place and holds the
 * token), for AVA_SCHED_INFLIGHT_NS after its last
 * submission went or after the last of its kernels completed (a queue of
 * long kernels that keeps completing drains whole, so that two entities'
 * kernels never share the device), and never past AVA_SCHED_DRAIN_MAX_NS
 * after its last submission went: an endless kernel, or a count its
 * reporter never lowers, holds the others AVA_SCHED_INFLIGHT_NS at most,
 * a queue that completes too slowly AVA_SCHED_DRAIN_MAX_NS.
 */
#ifndef AVA_SCHED_H
#define AVA_SCHED_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdint.h>
#endif

#define AVA_SCHED_WEIGHT_MAX	10000u
#define AVA_SCHED_VSCALE	64u		/* virtual ns per device ns at weight 1 */
#define AVA_SCHED_IDLE_NS	250000000ull	/* 250 ms without asking: idle */
#define AVA_SCHED_WANT_NS	5000000ull	/* asked within 5 ms: a competitor that holds others (default) */
#define AVA_SCHED_WANT_MAX_NS	250000000ull	/* the most ava_sched_set_want() takes */
#define AVA_SCHED_LAG_NS	250000000ull	/* credit an active entity keeps, device ns at weight 1 */
#define AVA_SCHED_SLACK_NS	10000000ull	/* lead allowed, device ns at weight 1 */
#define AVA_SCHED_CAP_BURST_NS	250000000ull	/* a cap's budget fills up to cap% of this */
#define AVA_SCHED_POLL_NS	200000ull	/* longest wait returned for a fair-share hold */
#define AVA_SCHED_TOKEN_POLL_NS	50000ull	/* wait returned while the token is elsewhere */
#define AVA_SCHED_HANDOFF_NS	1000000ull	/* a holder this quiet, drained, lets others go */
#define AVA_SCHED_INFLIGHT_NS	250000000ull	/* work in flight counts this long after a go or a completion */
#define AVA_SCHED_DRAIN_MAX_NS	(8 * AVA_SCHED_INFLIGHT_NS)	/* ... and never longer after a go */
#define AVA_SCHED_DRAIN_POLL_NS	500000ull	/* longest wait while the holder drains (< HANDOFF: waiters stay fresh) */

#define AVA_SCHED_F_TOKEN	1u	/* holds the device token */
#define AVA_SCHED_F_WAITING	2u	/* held at its last ask (a candidate for the token) */
#define AVA_SCHED_F_REPORTS	4u	/* its caller reports work in flight */

struct ava_sched_ent {
	uint32_t weight;	/* 1..AVA_SCHED_WEIGHT_MAX */
	uint32_t cap_pct;	/* 0: none, else 1..100 */
	uint32_t in_use;	/* a slot of the caller's array that holds an entity */
	uint32_t flags;		/* AVA_SCHED_F_* */
	uint32_t inflight;	/* submissions gone and not yet reported */
	uint32_t returns;	/* times it came back (idle, or past its credit) and was raised */
	uint64_t vtime;		/* device ns * AVA_SCHED_VSCALE / weight, all told */
	uint64_t device_ns;	/* device time reported, all told */
	uint64_t throttled_ns;	/* time held (the caller adds what it waited) */
	int64_t budget_ns;	/* the cap's device time left (negative: owed) */
	uint64_t refill_at;	/* when the budget was last filled */
	uint64_t seen_at;	/* when it last asked or reported (0: never) */
	uint64_t went_at;	/* when a submission of it last went (0: never) */
	uint64_t done_at;	/* when a completion last kept its work in flight live */
	uint64_t kernel_ns;	/* device ns of one of its submissions, running average */
	uint64_t charged_ns;	/* charged since its count of work in flight last fell */
	uint64_t want_ns;	/* how long after it asked it still wants the device */
	uint64_t leveled;	/* virtual time those returns added, all told */
};

/* Sets e up (in use, weight 0 taken as 1, cap > 100 as none) at time now. */
void ava_sched_init(struct ava_sched_ent *e, uint32_t weight, uint32_t cap_pct, uint64_t now);
/* Changes the knobs of a live entity. */
void ava_sched_set(struct ava_sched_ent *e, uint32_t weight, uint32_t cap_pct);
/*
 * How long after its last request or report e still counts as wanting
 * the device (holds the others that lead it): AVA_SCHED_WANT_NS by
 * default, for a caller whose next submission follows the last at once;
 * longer for one whose round trips between kernels are slow (a nested
 * guest), at the price that the device may idle that long for it.
 * Bounded to 1 ms..AVA_SCHED_WANT_MAX_NS.
 */
void ava_sched_set_want(struct ava_sched_ent *e, uint64_t ns);
/* Device time ns of e's work, measured and reported at time now. */
void ava_sched_charge(struct ava_sched_ent *e, uint64_t ns, uint64_t now);
/*
 * n of e's submissions are on the device, unreported.  From the first
 * call on, each submission that goes (ava_sched_wait, ava_sched_take)
 * counts one more until the next call.
 */
void ava_sched_inflight(struct ava_sched_ent *e, uint32_t n);
/*
 * Before e's next submission, at time now, e one of the n entities of
 * set (slots not in use are skipped): 0 to go on, else how long (ns) to
 * hold it before asking again.  Under competition it goes only holding
 * the device token (it takes it when it may).  ava_sched_ask() +
 * ava_sched_take() when it goes.
 */
uint64_t ava_sched_wait(struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t now);
/*
 * The decision of ava_sched_wait() without the going: 0 says e may go,
 * and nothing is taken until ava_sched_take(); a caller that asks at two
 * levels (a VM and its session) takes at both only when both said 0.
 */
uint64_t ava_sched_ask(struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t now);
/* e goes at now, after ava_sched_ask() said 0: it holds the token, one more in flight. */
void ava_sched_take(struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t now);
/*
 * Is e active: asked or reported within AVA_SCHED_IDLE_NS of now, or has
 * work in flight that still counts (above)?
 */
int ava_sched_active(const struct ava_sched_ent *e, uint64_t now);

#endif
