// SPDX-License-Identifier: MIT
/* hostile_worker: cases: streamed buffers and forged handles. */
#include "hostile.h"

void stream_reset(struct sess *s, uint64_t guest)
{
	atomic_store(&s->ctl->stream_guest, guest);
	atomic_store(&s->ctl->stream_worker, 0);
}

/* The caller's half of a stream (userlib/guest_stream.c), with a timeout; rsize: the ring's size. */
static int stream_run(struct sess *s, uint64_t ring_off, uint64_t rsize, uint8_t *app, uint64_t len, int in)
{
	uint8_t *ring = s->arena + ring_off;
	uint64_t done = 0, chunk, w, t0 = ava_now_ns();

	while (done < len) {
		chunk = len - done < AVA_STREAM_CHUNK ? len - done : AVA_STREAM_CHUNK;
		for (;;) {
			w = atomic_load_explicit(&s->ctl->stream_worker, memory_order_acquire);
			if (w == AVA_STREAM_ABORT)
				return -1;
			if (in ? done + chunk - w <= rsize : w >= done + chunk)
				break;
			if (peer_gone(s) || ava_now_ns() - t0 > TIMEOUT_MS * 1000000ull)
				return -1;
			sched_yield();
		}
		if (in)
			memcpy(ring + done % rsize, app + done, chunk);
		else
			memcpy(app + done, ring + done % rsize, chunk);
		done += chunk;
		atomic_store_explicit(&s->ctl->stream_guest, done, memory_order_release);
	}
	return 0;
}

/* Sends the built command, runs its stream, waits for the reply. */
static int call_stream(struct sess *s, struct rep *r, uint64_t ring_off, uint64_t rsize, uint8_t *app, uint64_t len,
		       int in)
{
	uint32_t n = mb_finish(s), seq0;
	int rc;

	memset(r, 0, sizeof(*r));
	stream_reset(s, 0);
	seq0 = atomic_load(&s->ctl->reply_seq);
	if (ring_put(s, g_msg, n, 1)) {
		r->got = -1;
		return -1;
	}
	rc = stream_run(s, ring_off, rsize, app, len, in);
	r->got = wait_reply(s, seq0, TIMEOUT_MS);
	if (r->got == 1) {
		const struct ava_reply_hdr *rh = (const struct ava_reply_hdr *)g_repbuf;
		uint32_t rl = atomic_load(&s->ctl->reply_len);

		if (rl < sizeof(*rh) || rl > AVA_SHM_REPLY_SIZE) {
			r->got = -2;
			return -1;
		}
		memcpy(g_repbuf, s->reply, rl);
		r->status = rh->status;
		r->call_id = rh->call_id;
		ava_rbuf_init(&r->r, g_repbuf + sizeof(*rh), rh->inline_len <= rl - sizeof(*rh) ? rh->inline_len : 0);
	}
	return rc;
}

/* Where the stream ring starts in the arena. */
#define STREAM_RING 0

/* A streamed write of len bytes; its ring ref is {off, rlen, flags}. */
void mb_stream_write(const struct clobj *o, uint64_t off, uint64_t rlen, uint32_t flags, uint64_t len)
{
	mb_write_head(o->q, ID_SBUF, 0, len);
	put_data_ref(add_ref(off, rlen, flags), len);
	mb_write_tail();
}

static void mb_stream_read(const struct clobj *o, uint64_t off, uint64_t rlen, uint32_t flags, uint64_t len)
{
	uint32_t idx;

	mb_begin(AVA_API_OPENCL, FN(clEnqueueReadBuffer));
	idx = add_ref(off, rlen, flags);
	put(o->q);
	put(ID_SBUF);
	put(CL_TRUE);
	put(0);
	put(len);
	put(0);			/* not deferred */
	put_out_ref(idx, len);
	put(0);
	put(0);
	put(0);
}

/* The ring of the reference just added: AVA_STREAM_RING << shift (the reserved field). */
static void ring_shift(uint32_t shift)
{
	M.refs[M.nrefs - 1].reserved = shift;
}

/* A well-formed 4 MiB streamed write, read back through a ring of the shift; 1 if the bytes round-trip. */
static int stream_round_trip(struct sess *s, const struct clobj *o, uint32_t shift)
{
	static uint8_t src[STREAM_LEN], back[STREAM_LEN];
	uint64_t i, rsize = (uint64_t)AVA_STREAM_RING << shift;
	struct rep r;
	int ok = 1, rc;

	for (i = 0; i < STREAM_LEN; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 12) + shift);
	mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	ring_shift(shift);
	rc = call_stream(s, &r, STREAM_RING, rsize, src, STREAM_LEN, 1);
	REQUIRE(rc == 0 && r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS,
		"streamed write: stream %d, got %d, status %u", rc, r.got, r.status);
	memset(back, 0, sizeof(back));
	mb_stream_read(o, STREAM_RING, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	ring_shift(shift);
	rc = call_stream(s, &r, STREAM_RING, rsize, back, STREAM_LEN, 0);
	REQUIRE(rc == 0 && r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS,
		"streamed read: stream %d, got %d, status %u", rc, r.got, r.status);
	REQUIRE(memcmp(src, back, STREAM_LEN) == 0, "the 4 MiB streamed back differ from what was written");
	return tap(ok, "well-formed 4 MiB streamed clEnqueueWriteBuffer/ReadBuffer round trip, %" PRIu64
		   " KiB ring", rsize >> 10);
}

/* Stream refs of the wrong direction or size, past the arena, or with no stream behind them. */
static void stream_bad_refs(struct sess *s, const struct clobj *o)
{
	stream_reset(s, 0);
	mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "streamed write through an IN|OUT|STREAM ref");
	stream_reset(s, 0);
	mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "streamed write through an OUT|STREAM ref");
	stream_reset(s, 0);
	mb_stream_write(o, STREAM_RING, STREAM_LEN - 8, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ref 8 bytes shorter than its data item");
	stream_reset(s, 0);
	mb_stream_write(o, s->arena_size - 4096, 4096, AVA_REF_IN | AVA_REF_STREAM, 4096);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ring that would run past the arena's end");
	stream_reset(s, 0);
	mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	ring_shift(AVA_STREAM_SHIFT_MAX + 1);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ring shift beyond AVA_STREAM_SHIFT_MAX");
	stream_reset(s, 0);
	mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	ring_shift(UINT32_MAX);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ring shift 2^32-1");
	stream_reset(s, 0);
	mb_stream_write(o, s->arena_size - ((uint64_t)AVA_STREAM_RING << 1), STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM,
			STREAM_LEN);
	ring_shift(2);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "a 4 MiB stream ring that starts 2 MiB before the arena's end");
	stream_reset(s, 0);
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out_ref(add_ref(STREAM_RING, 64, AVA_REF_OUT | AVA_REF_STREAM), 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through a STREAM ref (no stream there)");
}

/* A stream ref no call item uses is given up, not waited for. */
static void stream_unused_ref(struct sess *s)
{
	struct rep r;
	int ok;

	ok = 1;
	stream_reset(s, 0);
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM);
	call(s, &r);
	REQUIRE(r.got == 1 && r.status == AVA_S_OK, "PING with a stream ref: got %d, status %u", r.got, r.status);
	REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64 ", expected ABORT",
		(uint64_t)atomic_load(&s->ctl->stream_worker));
	ok &= ping(s);
	tap(ok, "a stream ref no item uses is aborted (stream_worker = AVA_STREAM_ABORT), the call answered");
}

/* Counters the caller cannot have reached. */
static void stream_bad_counters(struct sess *s, const struct clobj *o)
{
	struct rep r;
	uint32_t len;
	uint64_t i;
	int ok;

	static const struct { uint64_t g; int in; uint32_t shift; const char *what; } bad[] = {
		{ STREAM_LEN + 8, 1, 0, "write: caller counter beyond the stream's length" },
		{ AVA_STREAM_RING + AVA_STREAM_CHUNK, 1, 0, "write: caller counter a whole ring ahead of the worker" },
		{ 2 * AVA_STREAM_RING + 8, 1, 1, "write: caller counter a whole 2 MiB ring ahead of the worker" },
		{ UINT64_MAX - 1, 1, 0, "write: caller counter 2^64-2" },
		{ 8, 0, 0, "read: caller claims to have consumed data not produced yet" },
		{ 8, 0, 2, "read through a 4 MiB ring: caller claims to have consumed data not produced yet" },
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = 1;
		if (bad[i].in)
			mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
		else
			mb_stream_read(o, STREAM_RING, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
		ring_shift(bad[i].shift);
		len = mb_finish(s);
		stream_reset(s, bad[i].g);
		send_msg(s, len, &r, TIMEOUT_MS);
		REQUIRE(r.got == 1, "no reply (%s): the worker waits on a counter it cannot trust", got_name(r.got));
		if (r.got == 1 && r.status == AVA_S_OK)
			REQUIRE(rep_i64(&r) != CL_SUCCESS, "the transfer succeeded with a bogus counter");
		REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64
			", expected ABORT", (uint64_t)atomic_load(&s->ctl->stream_worker));
		if (r.got != -1)
			ok &= ping(s);
		tap(ok, "stream %s: aborted, call answered, session still answers PING", bad[i].what);
	}
}

/* A stalled stream: nothing before the caller gives up, then an answer. */
static void stream_stalled(struct sess *s, const struct clobj *o)
{
	uint32_t seq0, len;
	int ok, rc;

	ok = 1;
	mb_stream_write(o, STREAM_RING, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	len = mb_finish(s);
	stream_reset(s, 0);
	seq0 = atomic_load(&s->ctl->reply_seq);
	ring_put(s, g_msg, len, 1);
	rc = wait_reply(s, seq0, 300);
	REQUIRE(rc == 0, "a reply came before the stream was fed (%d)", rc);
	if (rc == 0) {
		atomic_store(&s->ctl->stream_guest, UINT64_MAX - 1);
		rc = wait_reply(s, seq0, TIMEOUT_MS);
		REQUIRE(rc == 1, "no reply after the caller posted an impossible counter (%s)", got_name(rc));
	}
	REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64 ", expected ABORT",
		(uint64_t)atomic_load(&s->ctl->stream_worker));
	if (rc != -1)
		ok &= ping(s);
	tap(ok, "a stalled streamed write waits, then ends when the caller posts an impossible counter");
}

void t_stream(struct sess *s, const struct clobj *o)
{
	if (!tap(mk_buffer(s, ID_SBUF, o->ctx, STREAM_LEN) == 0, "a 4 MiB buffer for the streams") ||
	    !stream_round_trip(s, o, 0) || !stream_round_trip(s, o, 1))
		return;
	stream_bad_refs(s, o);
	stream_unused_ref(s);
	stream_bad_counters(s, o);
	stream_stalled(s, o);
	stream_reset(s, 0);
	release(s, AVA_API_OPENCL, ID_SBUF);
}

/* clEnqueueWriteBuffer of 8 bytes at offset 0; the wait list and event follow. */
static void mb_write8(uint64_t q, uint64_t buf)
{
	mb_write_head(q, buf, 0, 8);
	put_data("12345678", 8);
}

/* Forged handles in session s, which holds o. */
static void forged_own(struct sess *s, const struct clobj *o)
{
	uint64_t ids[2];
	const struct { uint64_t id; const char *what; } devs[] = {
		{ 0x1234567ull, "a random device id" },
		{ WBIT | 0x777777, "an unknown worker-bit id" },
		{ o->dev & ~WBIT, "the device id without its worker bit" },
		{ o->ctx, "a context id" },
		{ o->plat, "the platform id" },
	};

	for (unsigned i = 0; i < sizeof(devs) / sizeof(devs[0]); i++) {
		mb_device_name(devs[i].id);
		expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of %s", devs[i].what);
	}
	mb_device_ids(o->dev);
	expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clGetDeviceIDs with a device id as platform");
	mb_finish_queue(o->ctx);
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clFinish of a context id");
	mb_finish_queue(o->buf);
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clFinish of a buffer id");
	mb_create_buffer(ID_SCRATCH, o->buf, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer in a buffer id used as context");
	mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
	put(ID_SCRATCH);
	put(o->ctx);
	put(o->q);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clCreateCommandQueue with a queue id as device");
	mb_write8(o->q, o->q);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clEnqueueWriteBuffer into a queue id");
	mb_write8(o->buf, o->buf);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clEnqueueWriteBuffer on a buffer id as queue");
	ids[0] = o->buf;
	mb_write8(o->q, o->buf);
	put(1);
	put_ids(ids, 1);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_EVENT_WAIT_LIST, "clEnqueueWriteBuffer waiting on a buffer id");
	ids[0] = 0x31337;
	mb_begin(AVA_API_OPENCL, FN(clWaitForEvents));
	put(1);
	put_ids(ids, 1);
	expect_call(s, AVA_S_OK, CL_INVALID_EVENT, "clWaitForEvents on a random id");
	mb_set_kernel_arg(o->kern, 0, 8, AVA_KARG_HANDLE);
	put(0x31337);
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clSetKernelArg with a random handle id");
	mb_set_kernel_arg(o->buf, 0, 8, AVA_KARG_HANDLE);
	put(o->buf);
	expect_call(s, AVA_S_OK, CL_INVALID_KERNEL, "clSetKernelArg on a buffer id as kernel");
	{
		intptr_t props[3] = { CL_CONTEXT_PLATFORM, (intptr_t)(WBIT | 0x999), 0 };

		mb_create_context(ID_SCRATCH, props, 2, 1, &o->dev, 1);
		expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clCreateContext with a forged CL_CONTEXT_PLATFORM");
		props[1] = (intptr_t)o->dev;
		mb_create_context(ID_SCRATCH, props, 2, 1, &o->dev, 1);
		expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clCreateContext with a device id as CL_CONTEXT_PLATFORM");
	}
	ids[0] = o->ctx;
	mb_create_context(ID_SCRATCH, NULL, 0, 1, ids, 1);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clCreateContext with a context id in the device list");
}

/* B's ids used by E (a fresh session) and by s; then B's objects must still work. */
static void forged_from_other(struct sess *s, const struct clobj *o, struct sess *b, struct sess *e,
			      const struct clobj *bo)
{
	int ok;

	mb_device_ids(bo->plat);
	expect_call(e, AVA_S_OK, CL_INVALID_PLATFORM, "fresh session: clGetDeviceIDs with B's platform id");
	mb_device_name(bo->dev);
	expect_call(e, AVA_S_OK, CL_INVALID_DEVICE, "fresh session: clGetDeviceInfo with B's device id");
	mb_create_buffer(ID_SCRATCH, bo->ctx, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(e, AVA_S_OK, CL_INVALID_CONTEXT, "fresh session: clCreateBuffer in B's context");
	mb_finish_queue(bo->q);
	expect_call(e, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "fresh session: clFinish of B's queue");
	mb_release(AVA_API_OPENCL, bo->ctx);
	expect_call(e, AVA_S_BAD_HANDLE, NO_CL, "fresh session: AVA_CTL_RELEASE of B's context");
	mb_release(AVA_API_OPENCL, bo->plat);
	expect_call(e, AVA_S_BAD_HANDLE, NO_CL, "fresh session: AVA_CTL_RELEASE of B's platform id");
	mb_create_buffer(ID_SCRATCH, 0x7700, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer in another session's context id");
	mb_write8(0x7701, 0x7702);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clEnqueueWriteBuffer on another session's queue");
	mb_write8(o->q, 0x7702);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clEnqueueWriteBuffer into another session's buffer");
	mb_release(AVA_API_OPENCL, 0x7702);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of another session's buffer");

	ok = 1;
	mb_write8(0x7701, 0x7702);
	mb_write_tail();
	{
		struct rep r;

		REQUIRE(cl_ok(b, &r, "B: clEnqueueWriteBuffer", TIMEOUT_MS) == 0, "B's buffer broken");
	}
	REQUIRE(do_finish(b, 0x7701) == 0, "B's queue broken");
	tap(ok, "the other session's objects still work after the forgeries");
}

/* Forged handles, in session s (which holds o) and from another session. */
void t_forged(struct sess *s, const struct clobj *o)
{
	struct sess b, e;
	struct clobj bo;
	int ok;

	forged_own(s, o);

	/* another session's objects: B creates them, E (empty) and s use B's ids */
	ok = sess_open(&b, 0) == 0 && sess_open(&e, 0) == 0;
	ok = ok && mk_setup(&b, &bo, 4096) == 0;
	REQUIRE(ok, "setting up the second session failed");
	if (ok) {
		/* B's ids that s does not have */
		ok = mk_context(&b, 0x7700, bo.dev) == 0 && mk_queue(&b, 0x7701, 0x7700, bo.dev) == 0 &&
		     mk_buffer(&b, 0x7702, 0x7700, 4096) == 0;
		REQUIRE(ok, "creating B's extra objects failed");
	}
	tap(ok, "second session: clGetPlatformIDs/clGetDeviceIDs/clCreateContext/Queue/Buffer succeed");
	if (ok)
		forged_from_other(s, o, &b, &e, &bo);
	sess_close(&e);
	sess_close(&b);
}


/*
 * Does the worker trust memory the client can write?  An out in the arena
 * holds whatever the client put there where the vendor wrote nothing, and
 * two refs may overlap.  Host pointers must never come from there.
 */
