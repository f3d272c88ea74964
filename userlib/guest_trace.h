/* SPDX-License-Identifier: MIT */
/*
 * AVA_TRACE=1: at exit the guest library prints, per API, every function the
 * program called and every unsupported one it hit, with counts.  The tables
 * are generated (api/avagen/trace.py), one per generated file; a table
 * registers itself from a constructor.  This header includes nothing else,
 * so the stubs of the vendor library's other exports (compiled with the
 * headers in their internal mode) can include it.
 */
#ifndef AVA_GUEST_TRACE_H
#define AVA_GUEST_TRACE_H

struct ava_trace_table {
	const char *api;
	unsigned int count;
	const char *const *names;
	const unsigned char *unsupported;	/* 1: answers the API's unsupported error */
	unsigned long *hits;
	struct ava_trace_table *next;
};

/* Nonzero when AVA_TRACE is set (read by the first registration). */
extern int ava_trace_on;

void ava_trace_register(struct ava_trace_table *t);
/* Logs that fn cannot be remoted (ava_unsupported of guest_call.h). */
void ava_unsupported(const char *fn);

static inline void ava_trace_hit(struct ava_trace_table *t, unsigned int i)
{
	if (ava_trace_on)
		__atomic_fetch_add(&t->hits[i], 1, __ATOMIC_RELAXED);
}

/* Commands sent to the worker, [0] waited for (round trips) and [1] sent
 * without waiting (guest_call.c), and calls the guest library answered
 * itself from what it knew (ava_trace_answered): the report's last line. */
extern unsigned long ava_trace_sent[2], ava_trace_answered_n;

static inline void ava_trace_command(int async)
{
	if (ava_trace_on)
		__atomic_fetch_add(&ava_trace_sent[!!async], 1, __ATOMIC_RELAXED);
}

static inline void ava_trace_answered(void)
{
	if (ava_trace_on)
		__atomic_fetch_add(&ava_trace_answered_n, 1, __ATOMIC_RELAXED);
}

#endif
