// SPDX-License-Identifier: MIT
/* hostile_worker: cases: streamed buffers and forged handles. */
#include "hostile.h"

void stream_reset(struct sess *s, uint64_t guest)
{
	atomic_store(&s->ctl->stream_guest, guest);
	atomic_store(&s->ctl->stream_worker, 0);
}

/* The caller's half of a stream (userlib/guest_call.c run_stream), with a timeout. */
static int stream_run(struct sess *s, uint64_t ring_off, uint8_t *app, uint64_t len, int in)
{
	uint8_t *ring = s->arena + ring_off;
	uint64_t done = 0, chunk, w, t0 = ava_now_ns();

	while (done < len) {
		chunk = len - done < AVA_STREAM_CHUNK ? len - done : AVA_STREAM_CHUNK;
		for (;;) {
			w = atomic_load_explicit(&s->ctl->stream_worker, memory_order_acquire);
			if (w == AVA_STREAM_ABORT)
				return -1;
			if (in ? done + chunk - w <= AVA_STREAM_RING : w >= done + chunk)
				break;
			if (peer_gone(s) || ava_now_ns() - t0 > TIMEOUT_MS * 1000000ull)
				return -1;
			sched_yield();
		}
		if (in)
			memcpy(ring + done % AVA_STREAM_RING, app + done, chunk);
		else
			memcpy(app + done, ring + done % AVA_STREAM_RING, chunk);
		done += chunk;
		atomic_store_explicit(&s->ctl->stream_guest, done, memory_order_release);
	}
	return 0;
}

/* Sends the built command, runs its stream, waits for the reply. */
static int call_stream(struct sess *s, struct rep *r, uint64_t ring_off, uint8_t *app, uint64_t len, int in)
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
	rc = stream_run(s, ring_off, app, len, in);
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

void t_stream(struct sess *s, const struct clobj *o)
{
	static uint8_t src[STREAM_LEN], back[STREAM_LEN];
	uint64_t ring = 0, i;
	struct rep r;
	uint32_t seq0, len;
	int ok, rc;

	for (i = 0; i < STREAM_LEN; i++)
		src[i] = (uint8_t)(i * 7 + (i >> 12));
	ok = mk_buffer(s, ID_SBUF, o->ctx, STREAM_LEN) == 0;
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	rc = call_stream(s, &r, ring, src, STREAM_LEN, 1);
	REQUIRE(rc == 0 && r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS,
		"streamed write: stream %d, got %d, status %u", rc, r.got, r.status);
	memset(back, 0, sizeof(back));
	mb_stream_read(o, ring, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	rc = call_stream(s, &r, ring, back, STREAM_LEN, 0);
	REQUIRE(rc == 0 && r.got == 1 && r.status == AVA_S_OK && rep_i64(&r) == CL_SUCCESS,
		"streamed read: stream %d, got %d, status %u", rc, r.got, r.status);
	REQUIRE(memcmp(src, back, STREAM_LEN) == 0, "the 4 MiB streamed back differ from what was written");
	if (!tap(ok, "well-formed 4 MiB streamed clEnqueueWriteBuffer/ReadBuffer round trip"))
		return;

	stream_reset(s, 0);
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "streamed write through an IN|OUT|STREAM ref");
	stream_reset(s, 0);
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "streamed write through an OUT|STREAM ref");
	stream_reset(s, 0);
	mb_stream_write(o, ring, STREAM_LEN - 8, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ref 8 bytes shorter than its data item");
	stream_reset(s, 0);
	mb_stream_write(o, s->arena_size - 4096, 4096, AVA_REF_IN | AVA_REF_STREAM, 4096);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "stream ring that would run past the arena's end");
	stream_reset(s, 0);
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out_ref(add_ref(ring, 64, AVA_REF_OUT | AVA_REF_STREAM), 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through a STREAM ref (no stream there)");

	/* a stream ref no call item uses is given up, not waited for */
	ok = 1;
	stream_reset(s, 0);
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM);
	call(s, &r);
	REQUIRE(r.got == 1 && r.status == AVA_S_OK, "PING with a stream ref: got %d, status %u", r.got, r.status);
	REQUIRE(atomic_load(&s->ctl->stream_worker) == AVA_STREAM_ABORT, "stream_worker %#" PRIx64 ", expected ABORT",
		(uint64_t)atomic_load(&s->ctl->stream_worker));
	ok &= ping(s);
	tap(ok, "a stream ref no item uses is aborted (stream_worker = AVA_STREAM_ABORT), the call answered");

	/* counters the caller cannot have reached */
	static const struct { uint64_t g; int in; const char *what; } bad[] = {
		{ STREAM_LEN + 8, 1, "write: caller counter beyond the stream's length" },
		{ AVA_STREAM_RING + AVA_STREAM_CHUNK, 1, "write: caller counter a whole ring ahead of the worker" },
		{ UINT64_MAX - 1, 1, "write: caller counter 2^64-2" },
		{ 8, 0, "read: caller claims to have consumed data not produced yet" },
	};
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ok = 1;
		if (bad[i].in)
			mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
		else
			mb_stream_read(o, ring, STREAM_LEN, AVA_REF_OUT | AVA_REF_STREAM, STREAM_LEN);
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

	/* a stalled stream: nothing before the caller gives up, then an answer */
	ok = 1;
	mb_stream_write(o, ring, STREAM_LEN, AVA_REF_IN | AVA_REF_STREAM, STREAM_LEN);
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
	stream_reset(s, 0);
	release(s, AVA_API_OPENCL, ID_SBUF);
}

/* Forged handles, in session s (which holds o) and from another session. */
void t_forged(struct sess *s, const struct clobj *o)
{
	struct sess b, e;
	struct clobj bo;
	uint64_t ids[2];
	int ok;

	mb_device_info(0x1234567ull, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of a random device id");
	mb_device_info(WBIT | 0x777777, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of an unknown worker-bit id");
	mb_device_info(o->dev & ~WBIT, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of the device id without its worker bit");
	mb_device_info(o->ctx, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of a context id");
	mb_device_info(o->plat, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(8);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clGetDeviceInfo of the platform id");
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
	put(o->dev);
	put(CL_DEVICE_TYPE_ALL);
	put(1);
	put_out(8);
	put_out(4);
	expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clGetDeviceIDs with a device id as platform");
	mb_begin(AVA_API_OPENCL, FN(clFinish));
	put(o->ctx);
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clFinish of a context id");
	mb_begin(AVA_API_OPENCL, FN(clFinish));
	put(o->buf);
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clFinish of a buffer id");
	mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
	put(ID_SCRATCH);
	put(o->buf);
	put(CL_MEM_READ_WRITE);
	put(64);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer in a buffer id used as context");
	mb_begin(AVA_API_OPENCL, FN(clCreateCommandQueue));
	put(ID_SCRATCH);
	put(o->ctx);
	put(o->q);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clCreateCommandQueue with a queue id as device");
	mb_write_head(o->q, o->q, 0, 8);
	put_data("12345678", 8);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clEnqueueWriteBuffer into a queue id");
	mb_write_head(o->buf, o->buf, 0, 8);
	put_data("12345678", 8);
	mb_write_tail();
	expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clEnqueueWriteBuffer on a buffer id as queue");
	ids[0] = o->buf;
	mb_write_head(o->q, o->buf, 0, 8);
	put_data("12345678", 8);
	put(1);
	put_ids(ids, 1);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_EVENT_WAIT_LIST, "clEnqueueWriteBuffer waiting on a buffer id");
	ids[0] = 0x31337;
	mb_begin(AVA_API_OPENCL, FN(clWaitForEvents));
	put(1);
	put_ids(ids, 1);
	expect_call(s, AVA_S_OK, CL_INVALID_EVENT, "clWaitForEvents on a random id");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->kern);
	put(0);
	put(8);
	put(AVA_KARG_HANDLE);
	put(0x31337);
	expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clSetKernelArg with a random handle id");
	mb_begin(AVA_API_OPENCL, FN(clSetKernelArg));
	put(o->buf);
	put(0);
	put(8);
	put(AVA_KARG_HANDLE);
	put(o->buf);
	expect_call(s, AVA_S_OK, CL_INVALID_KERNEL, "clSetKernelArg on a buffer id as kernel");
	{
		intptr_t props[3] = { CL_CONTEXT_PLATFORM, (intptr_t)(WBIT | 0x999), 0 };

		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(ID_SCRATCH);
		put_data(props, 2 * sizeof(intptr_t));
		put(1);
		put_ids(&o->dev, 1);
		put(0);
		put(0);
		expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clCreateContext with a forged CL_CONTEXT_PLATFORM");
		props[1] = (intptr_t)o->dev;
		mb_begin(AVA_API_OPENCL, FN(clCreateContext));
		put(ID_SCRATCH);
		put_data(props, 2 * sizeof(intptr_t));
		put(1);
		put_ids(&o->dev, 1);
		put(0);
		put(0);
		expect_call(s, AVA_S_OK, CL_INVALID_PLATFORM, "clCreateContext with a device id as CL_CONTEXT_PLATFORM");
	}
	ids[0] = o->ctx;
	mb_begin(AVA_API_OPENCL, FN(clCreateContext));
	put(ID_SCRATCH);
	put(0);
	put(1);
	put_ids(ids, 1);
	put(0);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_DEVICE, "clCreateContext with a context id in the device list");

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
	if (ok) {
		mb_begin(AVA_API_OPENCL, FN(clGetDeviceIDs));
		put(bo.plat);
		put(CL_DEVICE_TYPE_ALL);
		put(1);
		put_out(8);
		put_out(4);
		expect_call(&e, AVA_S_OK, CL_INVALID_PLATFORM, "fresh session: clGetDeviceIDs with B's platform id");
		mb_device_info(bo.dev, CL_DEVICE_NAME, 64);
		put_out(64);
		put_out(8);
		expect_call(&e, AVA_S_OK, CL_INVALID_DEVICE, "fresh session: clGetDeviceInfo with B's device id");
		mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
		put(ID_SCRATCH);
		put(bo.ctx);
		put(CL_MEM_READ_WRITE);
		put(64);
		put(0);
		expect_call(&e, AVA_S_OK, CL_INVALID_CONTEXT, "fresh session: clCreateBuffer in B's context");
		mb_begin(AVA_API_OPENCL, FN(clFinish));
		put(bo.q);
		expect_call(&e, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "fresh session: clFinish of B's queue");
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(bo.ctx);
		expect_call(&e, AVA_S_BAD_HANDLE, NO_CL, "fresh session: AVA_CTL_RELEASE of B's context");
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(bo.plat);
		expect_call(&e, AVA_S_BAD_HANDLE, NO_CL, "fresh session: AVA_CTL_RELEASE of B's platform id");
		mb_begin(AVA_API_OPENCL, FN(clCreateBuffer));
		put(ID_SCRATCH);
		put(0x7700);
		put(CL_MEM_READ_WRITE);
		put(64);
		put(0);
		expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer in another session's context id");
		mb_write_head(0x7701, 0x7702, 0, 8);
		put_data("12345678", 8);
		mb_write_tail();
		expect_call(s, AVA_S_OK, CL_INVALID_COMMAND_QUEUE, "clEnqueueWriteBuffer on another session's queue");
		mb_write_head(o->q, 0x7702, 0, 8);
		put_data("12345678", 8);
		mb_write_tail();
		expect_call(s, AVA_S_OK, CL_INVALID_MEM_OBJECT, "clEnqueueWriteBuffer into another session's buffer");
		mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
		put(AVA_API_OPENCL);
		put(0x7702);
		expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of another session's buffer");

		ok = 1;
		mb_write_head(0x7701, 0x7702, 0, 8);
		put_data("12345678", 8);
		mb_write_tail();
		{
			struct rep r;

			REQUIRE(cl_ok(&b, &r, "B: clEnqueueWriteBuffer", TIMEOUT_MS) == 0, "B's buffer broken");
		}
		REQUIRE(do_finish(&b, 0x7701) == 0, "B's queue broken");
		tap(ok, "the other session's objects still work after the forgeries");
	}
	sess_close(&e);
	sess_close(&b);
}

/*
 * Does the worker trust memory the client can write?  An out in the arena
 * holds whatever the client put there where the vendor wrote nothing, and
 * two refs may overlap.  Host pointers must never come from there.
 */
