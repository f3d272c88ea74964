// SPDX-License-Identifier: MIT
/*
 * Non-blocking reads whose data the worker holds until they complete: after
 * each synchronous call the guest asks for those still pending and copies
 * the data of the finished ones to where the application wanted it.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "guest_call.h"
#include "guest_session.h"

struct ava_pending {
	uint64_t id;
	void *dst;
	uint64_t len;
	struct ava_pending *next;
};

static pthread_mutex_t pending_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_pending *pending;
static atomic_int npending;
static _Thread_local int in_collect;	/* the collecting calls do not collect */

void ava_pending_add(uint64_t id, void *dst, uint64_t len)
{
	struct ava_pending *p = malloc(sizeof(*p)), **pp;

	if (!p) {
		fprintf(stderr, "ava: out of memory tracking a non-blocking read\n");
		return;
	}
	p->id = id;
	p->dst = dst;
	p->len = len;
	p->next = NULL;
	pthread_mutex_lock(&pending_lock);
	for (pp = &pending; *pp; pp = &(*pp)->next)
		;
	*pp = p;
	atomic_fetch_add(&npending, 1);
	pthread_mutex_unlock(&pending_lock);
}

void ava_pending_drop(uint64_t id)
{
	struct ava_pending **pp, *p;

	pthread_mutex_lock(&pending_lock);
	for (pp = &pending; (p = *pp); pp = &p->next) {
		if (p->id == id) {
			*pp = p->next;
			free(p);
			atomic_fetch_sub(&npending, 1);
			break;
		}
	}
	pthread_mutex_unlock(&pending_lock);
}

/* 0: still pending; 1: its data arrived; 2: gone (failed or unknown). */
static uint64_t ask_worker(struct ava_pending *p)
{
	struct ava_call c;
	uint64_t state = 2;

	if (ava_call_begin(&c, AVA_API_CONTROL, AVA_CTL_PENDING, 0))
		return state;
	ava_put_u64(&c, p->id);
	ava_put_out_stream(&c, p->dst, p->len, 1);
	if (ava_call_exchange(&c) == AVA_S_OK) {
		state = ava_get_u64(&c);
		ava_get_out(&c, state == 1 ? p->dst : NULL, p->len);
	}
	ava_call_end(&c);
	return state;
}

void ava_pending_collect(void)
{
	struct ava_pending **pp, *p;

	if (in_collect || !atomic_load_explicit(&npending, memory_order_relaxed))
		return;
	in_collect = 1;
	pthread_mutex_lock(&pending_lock);
	pp = &pending;
	while ((p = *pp)) {
		if (ask_worker(p) == 0) {
			pp = &p->next;
		} else {
			*pp = p->next;
			free(p);
			atomic_fetch_sub(&npending, 1);
		}
	}
	pthread_mutex_unlock(&pending_lock);
	in_collect = 0;
}
