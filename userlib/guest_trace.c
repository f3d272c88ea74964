// SPDX-License-Identifier: MIT
/*
 * AVA_TRACE: the registry of generated call-count tables and the report
 * printed at exit (guest_trace.h).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest_trace.h"

int ava_trace_on;
unsigned long ava_trace_sent[2], ava_trace_answered_n;

static struct ava_trace_table *tables;
static pthread_mutex_t tables_lock = PTHREAD_MUTEX_INITIALIZER;

/* One table's rows: called functions, then the unsupported ones hit. */
static void report_table(FILE *out, const struct ava_trace_table *t, int unsupported, unsigned long *n)
{
	for (unsigned int i = 0; i < t->count; i++) {
		unsigned long hits = __atomic_load_n(&t->hits[i], __ATOMIC_RELAXED);

		if (!hits || !t->unsupported[i] != !unsupported)
			continue;
		fprintf(out, "ava trace: %-7s %-48s %10lu%s\n", t->api, t->names[i], hits,
			unsupported ? "  UNSUPPORTED" : "");
		*n += 1;
	}
}

static void report(void)
{
	unsigned long called = 0, unsupported = 0;

	pthread_mutex_lock(&tables_lock);
	fprintf(stderr, "ava trace: API functions called (api, function, calls)\n");
	for (const struct ava_trace_table *t = tables; t; t = t->next)
		report_table(stderr, t, 0, &called);
	for (const struct ava_trace_table *t = tables; t; t = t->next)
		report_table(stderr, t, 1, &unsupported);
	fprintf(stderr, "ava trace: %lu functions called, %lu unsupported ones hit\n",
		called + unsupported, unsupported);
	fprintf(stderr, "ava trace: %lu round trips (commands waited for), %lu commands sent without waiting, "
		"%lu calls answered in the guest\n", __atomic_load_n(&ava_trace_sent[0], __ATOMIC_RELAXED),
		__atomic_load_n(&ava_trace_sent[1], __ATOMIC_RELAXED),
		__atomic_load_n(&ava_trace_answered_n, __ATOMIC_RELAXED));
	pthread_mutex_unlock(&tables_lock);
}

void ava_trace_register(struct ava_trace_table *t)
{
	static int checked;

	pthread_mutex_lock(&tables_lock);
	if (!checked) {
		const char *env = getenv("AVA_TRACE");

		checked = 1;
		ava_trace_on = env && *env && *env != '0';
		if (ava_trace_on)
			atexit(report);
	}
	struct ava_trace_table **end = &tables;

	while (*end)
		end = &(*end)->next;
	t->next = NULL;
	*end = t;
	pthread_mutex_unlock(&tables_lock);
}
