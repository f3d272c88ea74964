// SPDX-License-Identifier: MIT
/*
 * hostile_worker: creates sent without waiting (@async_create): the guest
 * names the new object's id.  An id the guest may not name (taken, 0, the
 * worker's range) is refused with AVA_S_BAD_HANDLE; a create that fails in
 * the worker binds its id to a failed marker that every use refuses as an
 * invalid object and that only a release frees; ids are per session.
 */
#include "hostile.h"

#define ID_FAILED (ID_SCRATCH + 1)
#define ID_OTHER (ID_SCRATCH + 2)
#define ID_POOLED (ID_SCRATCH + 3)
#define ID_REUSE (ID_SCRATCH + 4)

/* clCreateContext(id) of one device, sent without waiting: no reply comes. */
static void send_context_async(struct sess *s, uint64_t id, uint64_t dev)
{
	struct rep r;

	mb_create_context(id, NULL, 0, 1, &dev, 1);
	M.flags = AVA_CMD_ASYNC;
	send_msg(s, mb_finish(s), &r, TIMEOUT_MS);
}

/* Taken ids, in both forms: refused, the object holding the id unharmed. */
static void taken_ids(struct sess *s, const struct clobj *o)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT];
	int ok;

	mb_create_context(o->q, NULL, 0, 1, &o->dev, 1);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clCreateContext new id already used by the queue");
	mb_create_context(WBIT | 77, NULL, 0, 1, &o->dev, 1);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clCreateContext new id in the worker's range");
	ok = stats(s, st0) == 0;
	send_context_async(s, o->q, o->dev);
	ok = ok && stats(s, st1) == 0;
	REQUIRE(ok && st1[AVA_STAT_ERRORS] == st0[AVA_STAT_ERRORS] + 1, "the refusal was not counted");
	REQUIRE(ok && st1[AVA_STAT_HANDLES] == st0[AVA_STAT_HANDLES], "live handles %" PRIu64 " -> %" PRIu64,
		st0[AVA_STAT_HANDLES], st1[AVA_STAT_HANDLES]);
	ok = ok && do_finish(s, o->q) == 0;
	tap(ok, "clCreateContext sent without waiting under the queue's id: refused, the queue still works");
}

/* A create that fails in the worker: the id holds a failed marker. */
static void failed_marker(struct sess *s, const struct clobj *o)
{
	struct rep r;
	int ok;

	ok = do_finish(s, o->q) == 0;	/* no earlier deferred error */
	send_context_async(s, ID_FAILED, o->q);	/* a queue where a device goes */
	mb_create_buffer(ID_OTHER, ID_FAILED, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer on the failed context");
	mb_create_context(ID_FAILED, NULL, 0, 1, &o->dev, 1);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clCreateContext under the failed context's id");
	mb_finish_queue(o->q);
	ok &= call(s, &r) == AVA_S_OK && rep_i64(&r) == CL_INVALID_DEVICE;
	ok &= do_finish(s, o->q) == 0;
	tap(ok, "the failed create's CL_INVALID_DEVICE comes back once, at the next clFinish");
}

/* Another session knows none of these ids and names its own. */
static void other_session(void)
{
	struct clobj p;
	struct sess y;
	int ok;

	ok = sess_open(&y, 0) == 0 && mk_setup(&y, &p, 0) == 0;
	mb_create_buffer(ID_OTHER, ID_FAILED, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(&y, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer on the other session's failed id");
	send_context_async(&y, ID_FAILED, p.dev);
	ok = ok && mk_buffer(&y, ID_OTHER, ID_FAILED, 64) == 0;
	tap(ok, "another session creates its own context under that id, without waiting, and uses it");
	sess_close(&y);
}

/* A released context the worker pooled (worker/opencl_ctx_pool.c) is in
 * no handle table: its old id is refused; a create with the same
 * arguments under a new id gets a working context. */
static void pooled_context(struct sess *s, const struct clobj *o)
{
	int ok;

	ok = mk_context(s, ID_POOLED, o->dev) == 0;
	ok &= release(s, AVA_API_OPENCL, ID_POOLED) == AVA_S_OK;
	ok &= release(s, AVA_API_OPENCL, ID_POOLED) == AVA_S_BAD_HANDLE;
	mb_create_buffer(ID_OTHER, ID_POOLED, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_OK, CL_INVALID_CONTEXT, "clCreateBuffer on the pooled context's old id");
	ok &= mk_context(s, ID_REUSE, o->dev) == 0 && mk_buffer(s, ID_OTHER, ID_REUSE, 64) == 0;
	ok &= release(s, AVA_API_OPENCL, ID_OTHER) == AVA_S_OK && release(s, AVA_API_OPENCL, ID_REUSE) == AVA_S_OK;
	ok &= release(s, AVA_API_OPENCL, ID_POOLED) == AVA_S_BAD_HANDLE;
	tap(ok, "a released (pooled) context's id is refused; the next create with its arguments works");
}

void t_async_create(void)
{
	struct clobj o;
	struct sess x;
	int ok;

	if (sess_open(&x, 0) || mk_setup(&x, &o, 0)) {
		tap(0, "creates without waiting: setup");
		sess_close(&x);
		return;
	}
	taken_ids(&x, &o);
	failed_marker(&x, &o);
	pooled_context(&x, &o);
	other_session();
	ok = release(&x, AVA_API_OPENCL, ID_FAILED) == AVA_S_OK;
	ok &= release(&x, AVA_API_OPENCL, ID_FAILED) == AVA_S_BAD_HANDLE;
	ok &= mk_context(&x, ID_FAILED, o.dev) == 0 && do_finish(&x, o.q) == 0;
	tap(ok, "releasing the failed id frees it once; the id can then name a new context");
	sess_close(&x);
}
