// SPDX-License-Identifier: MIT
/* Unit tests of common/wire_codec.c: bounded writers and readers of inline items. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "shm_layout.h"
#include "unit_check.h"
#include "wire_codec.h"

static void roundtrip(void)
{
	uint64_t buf[16];
	struct ava_wbuf w;
	struct ava_rbuf r;
	uint8_t *d;
	const uint8_t *s;

	memset(buf, 0xee, sizeof(buf));
	ava_wbuf_init(&w, buf, sizeof(buf));
	ava_wbuf_u64(&w, 42);
	ava_wbuf_u64(&w, UINT64_MAX);
	d = ava_wbuf_reserve(&w, 5);
	CHECK(d == (uint8_t *)buf + 16);
	memcpy(d, "hello", 5);
	ava_wbuf_u64(&w, 7);
	CHECK(w.len == 32 && !w.overflow);
	CHECK(memcmp((uint8_t *)buf + 21, "\0\0\0", 3) == 0);	/* padding is zeroed */

	ava_rbuf_init(&r, buf, w.len);
	CHECK(ava_rbuf_u64(&r) == 42);
	CHECK(ava_rbuf_u64(&r) == UINT64_MAX);
	s = ava_rbuf_bytes(&r, 5);
	CHECK(s && memcmp(s, "hello", 5) == 0);
	CHECK(ava_rbuf_u64(&r) == 7);
	CHECK(!r.bad && r.pos == r.len);
	CHECK(ava_pad8(0) == 0 && ava_pad8(1) == 8 && ava_pad8(8) == 8 && ava_pad8(9) == 16);
}

static void writer_overflow(void)
{
	uint64_t buf[2];
	struct ava_wbuf w;

	ava_wbuf_init(&w, buf, sizeof(buf));
	ava_wbuf_u64(&w, 1);
	CHECK(ava_wbuf_reserve(&w, 9) == NULL);		/* 16 padded bytes do not fit */
	CHECK(w.overflow && w.len == 8);
	ava_wbuf_u64(&w, 2);				/* overflow is sticky */
	CHECK(w.len == 8);
	ava_wbuf_init(&w, buf, sizeof(buf));
	CHECK(ava_wbuf_reserve(&w, UINT64_MAX) == NULL);	/* no wrap-around in padding */
	CHECK(w.overflow);
	ava_wbuf_init(&w, buf, sizeof(buf));
	CHECK(ava_wbuf_reserve(&w, UINT64_MAX - 3) == NULL);
	ava_wbuf_init(&w, buf, sizeof(buf));
	CHECK(ava_wbuf_reserve(&w, 16) == buf && w.len == 16 && !w.overflow);
	ava_wbuf_u64(&w, 3);
	CHECK(w.overflow);
}

static void reader_bounds(void)
{
	uint8_t buf[20] = { 1 };
	struct ava_rbuf r;

	ava_rbuf_init(&r, buf, sizeof(buf));
	CHECK(ava_rbuf_u64(&r) == 1);
	CHECK(ava_rbuf_u64(&r) == 0 && !r.bad);
	CHECK(ava_rbuf_u64(&r) == 0 && r.bad);		/* 4 bytes left */
	CHECK(ava_rbuf_u64(&r) == 0 && r.bad);		/* bad is sticky */

	ava_rbuf_init(&r, buf, sizeof(buf));
	CHECK(ava_rbuf_bytes(&r, 20) == NULL && r.bad);	/* its padding runs past the end */
	ava_rbuf_init(&r, buf, sizeof(buf));
	CHECK(ava_rbuf_bytes(&r, UINT64_MAX) == NULL && r.bad);
	ava_rbuf_init(&r, buf, sizeof(buf));
	CHECK(ava_rbuf_bytes(&r, 16) == buf && !r.bad);
	CHECK(ava_rbuf_bytes(&r, 5) == NULL && r.bad);
	ava_rbuf_init(&r, buf, 0);
	CHECK(ava_rbuf_bytes(&r, 0) == buf && !r.bad);
	CHECK(ava_rbuf_u64(&r) == 0 && r.bad);
}

static void futex_and_clock(void)
{
	_Atomic uint32_t word = 5;
	uint64_t t0 = ava_now_ns(), t1;

	CHECK(ava_futex_wait(&word, 4, 100) == -EAGAIN);	/* not the expected value */
	CHECK(ava_futex_wait(&word, 5, 20) == -ETIMEDOUT);
	t1 = ava_now_ns();
	CHECK(t1 >= t0 + 15000000ull);
	ava_futex_wake(&word);				/* no waiter: harmless */
	CHECK(atomic_load(&word) == 5);
}

int main(void)
{
	RUN(roundtrip, "wire codec: words and padded bytes round-trip");
	RUN(writer_overflow, "wire codec: the writer stops at its capacity and stays stopped");
	RUN(reader_bounds, "wire codec: the reader never reads past its end");
	RUN(futex_and_clock, "wire codec: futex wait times out, the clock moves");
	return unit_done();
}
