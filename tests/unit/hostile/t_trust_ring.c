// SPDX-License-Identifier: MIT
/* hostile_worker: cases: the worker's trust in caller memory, kernel controls, ring index abuse. */
#include "hostile.h"

void t_trust(struct sess *s, const struct clobj *o)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT], slot[4], num = 0, off = 0x10000;
	struct rep r;
	uint32_t idx;
	int ok = 1, i;

	REQUIRE(stats(s, st0) == 0, "STATS failed");
	memset(s->arena + off, 0x41, 32);
	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(4);
	idx = add_ref(off, 32, AVA_REF_OUT);
	put_out_ref(idx, 32);
	put_out(4);
	REQUIRE(cl_ok(s, &r, "clGetPlatformIDs(4, arena out)", TIMEOUT_MS) == 0, "call failed");
	rep_out(&r, NULL, 0);
	rep_out(&r, &num, 4);
	memcpy(slot, s->arena + off, 32);
	REQUIRE(stats(s, st1) == 0, "STATS failed");
	REQUIRE(num >= 1 && num <= 4, "num_platforms %" PRIu64, num);
	REQUIRE(slot[0] == o->plat, "slot 0 %#" PRIx64 ", expected the platform %#" PRIx64, slot[0], o->plat);
	for (i = (int)num; i < 4; i++)
		REQUIRE(!(slot[i] & WBIT), "slot %d: the client's bytes 0x4141... were exported as handle %#" PRIx64
			" (the worker will call the vendor on pointer 0x4141414141414141)", i, slot[i]);
	REQUIRE(st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES],
		"live handles %" PRIu64 " -> %" PRIu64 " for a query of an existing platform",
		st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
	ok &= ping(s);
	tap(ok, "clGetPlatformIDs into an arena out: slots the vendor did not write are not exported as handles");

	ok = 1;
	REQUIRE(stats(s, st0) == 0, "STATS failed");
	memset(s->arena + off, 0, 16);
	mb_device_info(o->dev, CL_DEVICE_PLATFORM, 8);
	idx = add_ref(off, 8, AVA_REF_OUT);
	put_out_ref(idx, 8);
	idx = add_ref(off, 8, AVA_REF_OUT);	/* size_ret on top of the value */
	put_out_ref(idx, 8);
	call(s, &r);
	REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
	memcpy(slot, s->arena + off, 8);
	if (r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS)
		REQUIRE(!(slot[0] & WBIT) || slot[0] == o->plat,
			"the worker exported the size_ret value (a pointer of %#x) as platform handle %#" PRIx64,
			(unsigned)sizeof(size_t), slot[0]);
	if (r.got != -1) {
		REQUIRE(stats(s, st1) == 0, "STATS failed");
		REQUIRE(st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES], "live handles %" PRIu64 " -> %" PRIu64,
			st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
		ok &= ping(s);
	}
	tap(ok, "clGetDeviceInfo(CL_DEVICE_PLATFORM) with value and size_ret refs overlapping: no forged handle");
}

/*
 * A non-blocking clEnqueueReadBuffer without deferral: the vendor writes
 * after the call returned.  The destination must not be worker memory that
 * is freed once the reply is sent.  (Own session: the worker may die.)
 */
void t_nonblocking_read(void)
{
	struct sess x;
	struct clobj o;
	struct rep r;
	uint64_t ev = ID_UEV;
	int ok = 1, st;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 65536) || mk_user_event(&x, ev, ID_CTX)) {
		tap(0, "non-blocking read: setup");
		sess_close(&x);
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clEnqueueReadBuffer));
	put(o.q);
	put(o.buf);
	put(CL_FALSE);		/* blocking_read */
	put(0);
	put(65536);
	put(0);			/* not deferred */
	put_out(65536);
	put(1);
	put_ids(&ev, 1);
	put(0);
	st = call(&x, &r);
	if (st == AVA_S_OK && rep_i64(&r) == CL_SUCCESS) {
		/* the read is queued behind the user event: release it now */
		mb_begin(AVA_API_OPENCL, FN(clSetUserEventStatus));
		put(ev);
		put((uint64_t)(int64_t)CL_COMPLETE);
		call(&x, &r);
		REQUIRE(r.got == 1, "clSetUserEventStatus: no reply (%s)", got_name(r.got));
		REQUIRE(do_finish(&x, o.q) == 0, "clFinish after the read failed");
		for (int i = 0; i < 50 && ok; i++)
			ok &= ping(&x);
		REQUIRE(pid_alive(x.worker) && !peer_gone(&x), "the worker died");
	} else {
		REQUIRE(r.got == 1, "no reply (%s)", got_name(r.got));
		ok &= ping(&x);
	}
	tap(ok, "clEnqueueReadBuffer(blocking=CL_FALSE, not deferred, inline out) behind a user event: worker survives");
	sess_close(&x);
}


/*
 * A creating call that fails must not leave a handle behind: PoCL returns a
 * half-built context with CL_DEVICE_NOT_FOUND from clCreateContextFromType
 * for a device type it does not have, and releasing that object aborts.
 */
void t_failed_create(void)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT];
	struct sess x;
	struct clobj o;
	struct rep r;
	int64_t ret = 0;
	int ok = 1, st;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 0) || stats(&x, st0)) {
		tap(0, "failed clCreateContextFromType: setup");
		sess_close(&x);
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clCreateContextFromType));
	put(ID_SCRATCH);
	put(0);			/* properties */
	put(CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR);
	put(0);
	put(0);
	st = call(&x, &r);
	REQUIRE(st == AVA_S_OK, "status %d", st);
	if (st == AVA_S_OK)
		ret = rep_i64(&r);
	REQUIRE(stats(&x, st1) == 0, "STATS failed");
	if (ret != CL_SUCCESS) {
		REQUIRE(st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES],
			"CL error %" PRId64 " but live handles %" PRIu64 " -> %" PRIu64 ": the vendor's half-built "
			"object was registered", ret, st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
		st = release(&x, AVA_API_OPENCL, ID_SCRATCH);
		REQUIRE(st == AVA_S_BAD_HANDLE, "AVA_CTL_RELEASE of the failed id: %d (%s)", st,
			st < 0 ? "worker gone: releasing it killed the worker" : sname((uint32_t)st));
	} else {
		REQUIRE(release(&x, AVA_API_OPENCL, ID_SCRATCH) == AVA_S_OK, "releasing the context failed");
	}
	if (!peer_gone(&x))
		ok &= ping(&x);
	tap(ok, "clCreateContextFromType(GPU|ACCELERATOR) -> CL %" PRId64 ": no handle left behind, release refused, "
	    "session alive", ret);
	sess_close(&x);
}


/*
 * Pointers the vendor will dereference must not reach it as NULL when the
 * call's counts say they hold data: PoCL does not check them all.
 */
void t_null_arrays(void)
{
	struct sess x;
	struct clobj o;
	struct rep r;
	int ok = 1, st;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 0)) {
		tap(0, "NULL strings array: setup");
		sess_close(&x);
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o.ctx);
	put(1);			/* count */
	put(0);			/* strings: NULL */
	st = call(&x, &r);
	REQUIRE(r.got == 1, "no reply (%s): the vendor was called with strings == NULL", got_name(r.got));
	if (r.got == 1)
		REQUIRE(st != AVA_S_OK || rep_i64(&r) != CL_SUCCESS, "accepted");
	if (r.got != -1)
		ok &= ping(&x);
	tap(ok, "clCreateProgramWithSource(count 1, strings NULL) is refused before the vendor sees it");
	sess_close(&x);
}

/* The client shrinks the session memfd under the worker. */
void t_memfd_shrink(void)
{
	struct sess x;
	uint32_t len, seq0;
	int ok = 1, rc;

	if (sess_open(&x, 1)) {
		tap(0, "memfd shrink: setup");
		return;
	}
	len = build_ping(&x, 0);
	ring_put(&x, g_msg, len, 0);	/* written, not yet published */
	seq0 = atomic_load(&x.ctl->reply_seq);
	rc = ftruncate(x.memfd, AVA_SHM_CTL_SIZE);
	if (rc == 0) {
		/* only the ctl page is still backed, on both sides */
		uint64_t t0 = ava_now_ns();

		publish(&x, x.head);
		while (atomic_load(&x.ctl->reply_seq) == seq0 && !peer_gone(&x) &&
		       ava_now_ns() - t0 < TIMEOUT_MS * 1000000ull)
			sleep_ms(5);
		REQUIRE(atomic_load(&x.ctl->reply_seq) != seq0,
			"ftruncate(session memfd, 4096) succeeded and the worker died on the next command "
			"(SIGBUS reading the ring): the memfd is not sealed against shrinking");
	}
	if (g_verbose)
		note("ftruncate of the session memfd: %s", rc ? strerror(errno) : "allowed");
	tap(ok, "shrinking the session memfd is refused or harmless to the worker");
	/* our own mapping beyond the ctl page is gone too: do not touch it */
	sess_close(&x);
}

/* After a session ended, the daemon must still serve new ones. */
int daemon_serves(void)
{
	struct sess n;
	int ok = 1;

	REQUIRE(sess_open(&n, 0) == 0, "the daemon refused a new session");
	if (n.sock >= 0) {
		ok &= ping(&n);
		sess_close(&n);
	}
	return ok;
}


/* Control functions of the kernel transport, sent over the local one. */
void t_kernel_controls(void)
{
#if defined(AVA_CTL_NOTE_WAIT) || defined(AVA_CTL_CLOSE)
	static const struct { uint32_t func; const char *what; } f[] = {
#ifdef AVA_CTL_NOTE_WAIT
		{ AVA_CTL_NOTE_WAIT, "AVA_CTL_NOTE_WAIT" },
#endif
#ifdef AVA_CTL_CLOSE
		{ AVA_CTL_CLOSE, "AVA_CTL_CLOSE" },
#endif
	};
	struct sess x;
	struct clobj o;
	struct rep r;
	unsigned i;
	int ok;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ok = 1;
		if (sess_open(&x, 0) || mk_setup(&x, &o, 4096)) {
			tap(0, "%s on the local transport: setup", f[i].what);
			sess_close(&x);
			continue;
		}
		mb_begin(AVA_API_CONTROL, f[i].func);
		call(&x, &r);
		if (r.got == 1) {
			/* answered: the session must still work (or have ended cleanly) */
			if (!peer_gone(&x))
				ok &= ping(&x);
		} else if (r.got == 0) {
			REQUIRE(0, "no reply within 5 s: the session is wedged");
		}
		if (r.got == -1 || peer_gone(&x))
			REQUIRE(wait_worker_exit(&x, 5000) == 0, "the worker neither answers nor exits");
		sess_close(&x);
		REQUIRE(wait_pid_gone(x.worker, 10000) == 0, "worker %d did not exit after its session closed",
			(int)x.worker);
		if (pid_alive(x.worker))
			kill(x.worker, SIGKILL);	/* ours, and stuck */
		ok &= daemon_serves();
		tap(ok, "%s on the local transport: answered or the session ends; never wedged", f[i].what);
	}
#endif
}

static void ring_case(const char *what, void (*abuse)(struct sess *), int may_survive)
{
	struct sess x;
	int ok = 1, gone;

	if (sess_open(&x, 0)) {
		tap(0, "%s: setup", what);
		return;
	}
	ok &= ping(&x);
	abuse(&x);
	gone = wait_worker_exit(&x, 5000) == 0;
	if (!gone && may_survive) {
		/* it may also have resynchronized: then it must still answer */
		ok &= ping(&x);
	} else {
		REQUIRE(gone, "the worker did not end the session within 5 s");
	}
	sess_close(&x);
	ok &= daemon_serves();
	tap(ok, "%s: only that session ends, the daemon serves a new session", what);
}

static void abuse_head_odd(struct sess *x)
{
	publish(x, x->head + 4);
}

static void abuse_head_beyond(struct sess *x)
{
	publish(x, x->head + RING + 8);
}

static void abuse_head_back(struct sess *x)
{
	publish(x, x->head - 8);
}

static void abuse_head_huge(struct sess *x)
{
	publish(x, x->head + (1ull << 63));
}

/* A pad entry where there is no wrap. */
static void abuse_pad(struct sess *x)
{
	uint32_t len = build_ping(x, 0);

	H()->magic = AVA_RING_PAD_MAGIC;
	ring_put(x, g_msg, len, 1);
}

/* Moves the ring position to `target` (mod RING) with big PINGs. */
static int fill_ring_to(struct sess *x, uint64_t target)
{
	struct rep r;
	uint64_t left = (target - x->head % RING + RING) % RING;

	if (left && left < HDR_LEN)
		left += RING;
	while (left) {
		uint32_t chunk = left > (1u << 20) ? (1u << 20) : (uint32_t)left;

		if (left - chunk != 0 && left - chunk < HDR_LEN)
			chunk -= 64;
		if (send_msg(x, build_ping(x, chunk - HDR_LEN), &r, TIMEOUT_MS) || r.status != AVA_S_OK)
			return -1;
		left -= chunk;
	}
	return 0;
}

/* A command straddling the ring's end without a pad entry. */
static void abuse_straddle(struct sess *x)
{
	uint32_t len;
	uint64_t pos;

	if (fill_ring_to(x, RING - 16))
		return;
	len = build_ping(x, 0);
	pos = x->head % RING;
	memcpy(x->req + pos, g_msg, 16);
	memcpy(x->req, g_msg + 16, len - 16);
	x->head += len;
	publish(x, x->head);
}

void t_ring(void)
{
	struct sess x;
	int ok = 1;

	ring_case("req_head advanced by 4 (not a multiple of 8)", abuse_head_odd, 0);
	ring_case("req_head beyond the ring (tail + size + 8)", abuse_head_beyond, 0);
	ring_case("req_head moved backwards (tail - 8)", abuse_head_back, 0);
	ring_case("req_head advanced by 2^63", abuse_head_huge, 0);
	ring_case("a pad entry in the middle of the ring", abuse_pad, 1);
	ring_case("a command straddling the ring's end without a pad entry", abuse_straddle, 0);

	/* positive control: a wrap with a pad entry */
	if (sess_open(&x, 0) == 0) {
		REQUIRE(fill_ring_to(&x, RING - 16) == 0, "filling the ring failed");
		ok &= ping(&x);
		ok &= ping(&x);
		REQUIRE(x.head >= RING, "the ring did not wrap");
		sess_close(&x);
	} else {
		ok = 0;
	}
	tap(ok, "a command after a pad entry at the ring's end (wrap) is served");
}

