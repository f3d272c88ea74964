// SPDX-License-Identifier: MIT
#include "wire_codec.h"

#include <errno.h>
#include <sched.h>
#include <linux/futex.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "shm_layout.h"

void ava_wbuf_init(struct ava_wbuf *w, void *p, size_t cap)
{
	w->p = p;
	w->len = 0;
	w->cap = cap;
	w->overflow = 0;
}

void ava_wbuf_u64(struct ava_wbuf *w, uint64_t v)
{
	if (w->overflow || w->cap - w->len < 8) {
		w->overflow = 1;
		return;
	}
	memcpy(w->p + w->len, &v, 8);	/* x86-64 and arm64 hosts are little-endian */
	w->len += 8;
}

void *ava_wbuf_reserve(struct ava_wbuf *w, uint64_t n)
{
	uint64_t padded = ava_pad8(n);
	void *dst;

	if (w->overflow || n > w->cap || padded > w->cap - w->len) {
		w->overflow = 1;
		return NULL;
	}
	dst = w->p + w->len;
	if (padded != n)
		memset(w->p + w->len + n, 0, padded - n);
	w->len += padded;
	return dst;
}

void ava_rbuf_init(struct ava_rbuf *r, const void *p, size_t len)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->bad = 0;
}

uint64_t ava_rbuf_u64(struct ava_rbuf *r)
{
	uint64_t v;

	if (r->bad || r->len - r->pos < 8) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p + r->pos, 8);
	r->pos += 8;
	return v;
}

const void *ava_rbuf_bytes(struct ava_rbuf *r, uint64_t n)
{
	const void *p;
	uint64_t padded;

	if (r->bad || n > r->len - r->pos) {
		r->bad = 1;
		return NULL;
	}
	padded = ava_pad8(n);
	if (padded > r->len - r->pos) {
		r->bad = 1;
		return NULL;
	}
	p = r->p + r->pos;
	r->pos += padded;
	return p;
}

int ava_futex_wait(_Atomic uint32_t *word, uint32_t expect, int timeout_ms)
{
	struct timespec ts = { timeout_ms / 1000, (timeout_ms % 1000) * 1000000L };

	if (syscall(SYS_futex, word, FUTEX_WAIT, expect, timeout_ms >= 0 ? &ts : NULL, NULL, 0) < 0)
		return -errno;
	return 0;
}

void ava_futex_wake(_Atomic uint32_t *word)
{
	syscall(SYS_futex, word, FUTEX_WAKE, 0x7fffffff, NULL, NULL, 0);
}

uint64_t ava_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void ava_backoff(unsigned int round)
{
	struct timespec ts = { 0, 20000 };

	if (round < 256)
		ava_cpu_relax();
	else if (round < 2048)
		sched_yield();
	else
		nanosleep(&ts, NULL);
}
