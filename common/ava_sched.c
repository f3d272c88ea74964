// SPDX-License-Identifier: MIT
/*
 * Device-time fair share, the arithmetic (ava_sched.h).  Weighted fair
 * share by virtual time: the entity furthest behind always goes, so two
 * held entities never wait for each other; a cap is a token bucket of
 * device time that fills at cap% of real time; under competition one
 * entity at a time holds the device token.
 */
#include "ava_sched.h"

#define NO_VTIME ((uint64_t)-1)
#define REFILL_MAX_NS 10000000000ull	/* a long pause refills as 10 s would */

static int64_t burst(uint32_t cap_pct)
{
	return (int64_t)(AVA_SCHED_CAP_BURST_NS * cap_pct / 100);
}

void ava_sched_set(struct ava_sched_ent *e, uint32_t weight, uint32_t cap_pct)
{
	if (!weight)
		weight = 1;
	if (weight > AVA_SCHED_WEIGHT_MAX)
		weight = AVA_SCHED_WEIGHT_MAX;
	if (cap_pct >= 100)
		cap_pct = 0;
	e->weight = weight;
	e->cap_pct = cap_pct;
	if (e->budget_ns > burst(cap_pct))
		e->budget_ns = burst(cap_pct);
}

void ava_sched_init(struct ava_sched_ent *e, uint32_t weight, uint32_t cap_pct, uint64_t now)
{
	*e = (struct ava_sched_ent){ .in_use = 1, .budget_ns = burst(100), .refill_at = now,
				     .want_ns = AVA_SCHED_WANT_NS };
	ava_sched_set(e, weight, cap_pct);
}

void ava_sched_set_want(struct ava_sched_ent *e, uint64_t ns)
{
	if (ns < 1000000ull)
		ns = 1000000ull;
	e->want_ns = ns > AVA_SCHED_WANT_MAX_NS ? AVA_SCHED_WANT_MAX_NS : ns;
}

/*
 * Does e's work in flight count: some, its last submission went or its
 * last kernel completed recently, and it went not too long ago?
 */
static int inflight_live(const struct ava_sched_ent *e, uint64_t now)
{
	uint64_t last = e->done_at > e->went_at ? e->done_at : e->went_at;

	return e->inflight && last + AVA_SCHED_INFLIGHT_NS > now &&
	       e->went_at + AVA_SCHED_DRAIN_MAX_NS > now;
}

/*
 * A report keeps an active entity active, but does not wake an idle one:
 * work that outlasted AVA_SCHED_INFLIGHT_NS (a first kernel that waited
 * for its compilation) while the others ran is followed by an ask that
 * levels it with them.
 */
void ava_sched_charge(struct ava_sched_ent *e, uint64_t ns, uint64_t now)
{
	if (ns > REFILL_MAX_NS)		/* a report no device time can be */
		ns = REFILL_MAX_NS;
	if (ava_sched_active(e, now) && now > e->seen_at)
		e->seen_at = now;
	if (ns && inflight_live(e, now))
		e->done_at = now;	/* a drain that progresses, not one that lapsed */
	e->device_ns += ns;
	e->charged_ns += ns;
	e->vtime += ns * AVA_SCHED_VSCALE / e->weight;
	if (e->cap_pct)
		e->budget_ns -= (int64_t)ns;
}

/*
 * Not activity: a holder that only reports (no asks, no charges) is quiet.
 * What was charged since the count last fell, over the submissions that
 * completed, is one submission's device time (a running average).
 */
void ava_sched_inflight(struct ava_sched_ent *e, uint32_t n)
{
	uint64_t per;

	if (e->inflight > n && e->charged_ns) {
		per = e->charged_ns / (e->inflight - n);
		if (per > AVA_SCHED_INFLIGHT_NS)
			per = AVA_SCHED_INFLIGHT_NS;
		e->kernel_ns = e->kernel_ns ? (3 * e->kernel_ns + per) / 4 : per;
		e->charged_ns = 0;
	}
	e->flags |= AVA_SCHED_F_REPORTS;
	e->inflight = n;
}

/*
 * e's virtual time with its work in flight that counts (inflight_live)
 * at the average: a holder with a deep queue of long kernels stops
 * submitting when what it has queued makes it lead, not a queue later.
 * Every comparison between entities uses it, on both sides: the one
 * furthest behind by it never leads, so two never hold each other.
 */
static uint64_t vtime_ahead(const struct ava_sched_ent *e, uint64_t now)
{
	if (!inflight_live(e, now))
		return e->vtime;
	return e->vtime + (uint64_t)e->inflight * e->kernel_ns * AVA_SCHED_VSCALE / e->weight;
}

int ava_sched_active(const struct ava_sched_ent *e, uint64_t now)
{
	return e->in_use && e->seen_at && (e->seen_at + AVA_SCHED_IDLE_NS > now || inflight_live(e, now));
}

/* e's budget as it stands at now, refilled but not stored. */
static int64_t budget_at(const struct ava_sched_ent *e, uint64_t now)
{
	uint64_t dt = now > e->refill_at ? now - e->refill_at : 0;
	int64_t b;

	if (dt > REFILL_MAX_NS)
		dt = REFILL_MAX_NS;
	b = e->budget_ns + (int64_t)(dt * e->cap_pct / 100);
	return b > burst(e->cap_pct) ? burst(e->cap_pct) : b;
}

/*
 * Does e want the device now: asked or reported within its want_ns
 * (between two submissions of a busy caller), or has work in flight that
 * counts?  Only such competitors hold the others: one that is merely
 * active (seen within AVA_SCHED_IDLE_NS) keeps its place, not the device.
 */
static int wants(const struct ava_sched_ent *e, uint64_t now)
{
	return e->in_use && e->seen_at && (e->seen_at + e->want_ns > now || inflight_live(e, now));
}

/*
 * The least virtual time of e's competitors that want the device (want)
 * or are active, not held by a cap; NO_VTIME when none.
 */
static uint64_t min_other(const struct ava_sched_ent *set, unsigned int n, const struct ava_sched_ent *e,
			  uint64_t now, int want)
{
	uint64_t min = NO_VTIME, v;
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct ava_sched_ent *o = &set[i];

		if (o == e || !(want ? wants(o, now) : ava_sched_active(o, now)))
			continue;
		if (o->cap_pct && budget_at(o, now) < 0)
			continue;
		v = vtime_ahead(o, now);
		if (v < min)
			min = v;
	}
	return min;
}

/*
 * The virtual time of e's competitor seen last (NO_VTIME: none): the
 * level of one that comes back while none is active (between two
 * submissions), so that it banks no credit for the time the others ran.
 */
static uint64_t last_other(const struct ava_sched_ent *set, unsigned int n, const struct ava_sched_ent *e)
{
	uint64_t v = NO_VTIME, seen = 0;
	unsigned int i;

	for (i = 0; i < n; i++)
		if (&set[i] != e && set[i].in_use && set[i].seen_at > seen) {
			seen = set[i].seen_at;
			v = set[i].vtime;
		}
	return v;
}

/*
 * Back from idle, e is raised to the level of the active others (min, or
 * when none is active the one seen last): no credit kept.  Back from a
 * pause (it did not want the device, but was active), it keeps at most
 * AVA_SCHED_LAG_NS of credit (device ns at weight 1) for what the others
 * ran meanwhile: no unbounded bank.  While it wants the device and is
 * held, it loses nothing.
 */
static void level(const struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t min,
		  uint64_t now)
{
	const uint64_t lag = AVA_SCHED_LAG_NS * AVA_SCHED_VSCALE;
	uint64_t w;

	if (!ava_sched_active(e, now))
		w = min != NO_VTIME ? min : last_other(set, n, e);
	else if (!wants(e, now))
		w = min != NO_VTIME && min > lag ? min - lag : NO_VTIME;
	else
		return;
	if (w == NO_VTIME || e->vtime >= w)
		return;
	e->returns++;
	e->leveled += w - e->vtime;
	e->vtime = w;
}

static int cap_held(const struct ava_sched_ent *e, uint64_t now)
{
	return e->cap_pct && budget_at(e, now) < 0;
}

/* Does e lead its competitors by more than the slack? */
static int leads(const struct ava_sched_ent *set, unsigned int n, const struct ava_sched_ent *e,
		 uint64_t now)
{
	uint64_t min = min_other(set, n, e, now, 1);

	return min != NO_VTIME && vtime_ahead(e, now) > min + AVA_SCHED_SLACK_NS * AVA_SCHED_VSCALE;
}

/*
 * How long does the token's holder h keep the others waiting before they
 * ask again (0: it does not)?  Not when it is quiet (idle, or drained and
 * silent for AVA_SCHED_HANDOFF_NS), nor when it has drained and leads or
 * is held by its cap.  While its work in flight runs they ask again after
 * a 16th of the time since its last submission went (a long kernel is not
 * polled every AVA_SCHED_TOKEN_POLL_NS; a short one's end is seen soon).
 */
static uint64_t holder_blocks(const struct ava_sched_ent *set, unsigned int n,
			      const struct ava_sched_ent *h, uint64_t now)
{
	uint64_t w;

	if (!ava_sched_active(h, now))
		return 0;
	if (inflight_live(h, now)) {
		w = now > h->went_at ? (now - h->went_at) / 16 : 0;
		if (w > AVA_SCHED_DRAIN_POLL_NS)
			return AVA_SCHED_DRAIN_POLL_NS;
		return w < AVA_SCHED_TOKEN_POLL_NS ? AVA_SCHED_TOKEN_POLL_NS : w;
	}
	if (h->seen_at + AVA_SCHED_HANDOFF_NS <= now)
		return 0;
	return !cap_held(h, now) && !leads(set, n, h, now) ? AVA_SCHED_TOKEN_POLL_NS : 0;
}

/* Is another entity asking for the token, fresh, and further behind than e? */
static int behind_asking(const struct ava_sched_ent *set, unsigned int n,
			 const struct ava_sched_ent *e, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		const struct ava_sched_ent *o = &set[i];

		if (o != e && o->in_use && (o->flags & AVA_SCHED_F_WAITING) &&
		    vtime_ahead(o, now) < vtime_ahead(e, now) && o->seen_at + AVA_SCHED_HANDOFF_NS > now &&
		    !cap_held(o, now))
			return 1;
	}
	return 0;
}

void ava_sched_take(struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t now)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		set[i].flags &= ~AVA_SCHED_F_TOKEN;
	e->flags = (e->flags & ~AVA_SCHED_F_WAITING) | AVA_SCHED_F_TOKEN;
	if (e->flags & AVA_SCHED_F_REPORTS)
		e->inflight++;
	e->went_at = now;
}

static uint64_t hold(struct ava_sched_ent *e, uint64_t ns)
{
	e->flags |= AVA_SCHED_F_WAITING;
	return ns;
}

/* The index of the token's holder in set, n when none. */
static unsigned int holder(const struct ava_sched_ent *set, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (set[i].in_use && (set[i].flags & AVA_SCHED_F_TOKEN))
			break;
	return i;
}

uint64_t ava_sched_ask(struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t now)
{
	const uint64_t slack = AVA_SCHED_SLACK_NS * AVA_SCHED_VSCALE;
	uint64_t min = min_other(set, n, e, now, 0), lead, w;
	unsigned int h = holder(set, n);

	level(set, n, e, min, now);
	min = min_other(set, n, e, now, 1);
	if (now > e->seen_at)
		e->seen_at = now;
	w = h < n && &set[h] != e ? holder_blocks(set, n, &set[h], now) : 0;
	if (w)
		return hold(e, w);
	if (e->cap_pct) {
		e->budget_ns = budget_at(e, now);
		e->refill_at = now;
		if (e->budget_ns < 0) {
			e->flags &= ~AVA_SCHED_F_WAITING;
			return (uint64_t)-e->budget_ns * 100 / e->cap_pct + 1;
		}
	}
	if (min == NO_VTIME)
		return 0;	/* alone: the device is e's */
	if (vtime_ahead(e, now) > min + slack) {
		lead = (vtime_ahead(e, now) - min - slack) / AVA_SCHED_VSCALE;
		if (lead > AVA_SCHED_POLL_NS)
			lead = AVA_SCHED_POLL_NS;
		return hold(e, lead < AVA_SCHED_TOKEN_POLL_NS ? AVA_SCHED_TOKEN_POLL_NS : lead);
	}
	if ((h == n || &set[h] != e) && behind_asking(set, n, e, now))
		return hold(e, AVA_SCHED_TOKEN_POLL_NS);
	return 0;
}

uint64_t ava_sched_wait(struct ava_sched_ent *set, unsigned int n, struct ava_sched_ent *e, uint64_t now)
{
	uint64_t w = ava_sched_ask(set, n, e, now);

	if (!w)
		ava_sched_take(set, n, e, now);
	return w;
}
