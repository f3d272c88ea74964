// SPDX-License-Identifier: MIT
/*
 * hostile_worker: a session floods non-blocking writes queued behind a user
 * event it never sets.  The worker keeps a copy of each write's data until
 * the write runs (worker/worker_staging.h), so without a bound its memory
 * grows with every write.  With it (AVA_STAGING_MB: tests/run starts this
 * suite's worker with 256 MiB) the worker's resident memory stays under
 * the bound, the writes past it are refused with CL_OUT_OF_HOST_MEMORY,
 * and another session keeps working.
 */
#include "hostile.h"

#define WRITE_LEN (1u << 20)
#define FLOOD_WRITES 384	/* MiB: more than the bound tests/run sets */
#define BOUND_MB 256
#define SLACK_MB 48		/* the worker's own growth besides the copies */

/* Resident memory of pid in KiB (VmRSS), -1 if unknown. */
static long rss_kb(pid_t pid)
{
	char path[64], line[128];
	long kb = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* clEnqueueWriteBuffer(blocking=CL_FALSE) of 1 MiB from the arena, behind event ev. */
static void mb_gated_write(const struct clobj *o, uint64_t ev, int async)
{
	mb_begin(AVA_API_OPENCL, FN(clEnqueueWriteBuffer));
	put(o->q);
	put(o->buf);
	put(CL_FALSE);
	put(0);
	put(WRITE_LEN);
	put_data_ref(add_ref(0, WRITE_LEN, AVA_REF_IN), WRITE_LEN);
	put(1);
	put_ids(&ev, 1);
	put(0);
	if (async)
		M.flags = AVA_CMD_ASYNC;
}

/* Floods session a; every 32 writes session b must still answer.  Returns the peak RSS in KiB. */
static long flood(struct sess *a, const struct clobj *oa, struct sess *b, const struct clobj *ob, int *b_ok)
{
	long peak = 0, kb;
	struct rep r;

	for (int i = 0; i < FLOOD_WRITES; i++) {
		mb_gated_write(oa, ID_UEV, 1);
		send_msg(a, mb_finish(a), &r, TIMEOUT_MS);
		if (i % 32 == 31) {
			*b_ok &= ping(b) && do_finish(b, ob->q) == 0;
			if (!*b_ok)
				diag("flood: session b failed after %d writes", i + 1);
			kb = rss_kb(a->worker);
			peak = kb > peak ? kb : peak;
		}
	}
	/* every write has been taken (the worker needs a while: PoCL queues each) */
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	if (call_t(a, &r, 120000) != AVA_S_OK)
		diag("flood: the flooded session did not answer a PING (%s)", got_name(r.got));
	kb = rss_kb(a->worker);
	return kb > peak ? kb : peak;
}

void t_flood(void)
{
	struct sess a = { .sock = -1, .memfd = -1 }, b = { .sock = -1, .memfd = -1 };
	struct clobj oa, ob;
	struct rep r;
	long rss0, peak;
	int ok = 1, b_ok = 1;
	int64_t cl = 0;

	if (sess_open(&a, 0) || mk_setup(&a, &oa, WRITE_LEN) || mk_user_event(&a, ID_UEV, ID_CTX) ||
	    sess_open(&b, 0) || mk_setup(&b, &ob, 4096)) {
		tap(0, "flood: setup");
		sess_close(&a);
		sess_close(&b);
		return;
	}
	rss0 = rss_kb(a.worker);
	peak = flood(&a, &oa, &b, &ob, &b_ok);
	mb_gated_write(&oa, ID_UEV, 0);	/* one more, answered: over the bound */
	if (call(&a, &r) == AVA_S_OK)
		cl = rep_i64(&r);
	REQUIRE(rss0 > 0 && peak > 0, "cannot read the worker's VmRSS");
	REQUIRE(peak - rss0 <= (BOUND_MB + SLACK_MB) * 1024L, "the worker grew by %ld MiB (bound %d MiB)",
		(peak - rss0) >> 10, BOUND_MB);
	REQUIRE(cl == CL_OUT_OF_HOST_MEMORY, "a write past the bound returned %" PRId64 ", expected %d", cl,
		CL_OUT_OF_HOST_MEMORY);
	REQUIRE(b_ok, "the other session stopped answering during the flood");
	/* the event set: the queued writes run and their copies go */
	mb_begin(AVA_API_OPENCL, FN(clSetUserEventStatus));
	put(ID_UEV);
	put((uint64_t)(int64_t)CL_COMPLETE);
	REQUIRE(call(&a, &r) == AVA_S_OK && rep_i64(&r) == CL_SUCCESS, "clSetUserEventStatus: status %u (%s), CL %" PRId64,
		r.status, got_name(r.got), r.got == 1 ? rep_i64(&r) : 0);
	/* the refused async writes' error comes with the next call (clFinish) */
	mb_finish_queue(oa.q);
	cl = call_t(&a, &r, 60000) == AVA_S_OK ? rep_i64(&r) : 1;
	REQUIRE(cl == CL_SUCCESS || cl == CL_OUT_OF_HOST_MEMORY, "clFinish of the flooded queue: status %u (%s), CL %"
		PRId64, r.status, got_name(r.got), cl);
	REQUIRE(do_finish(&a, oa.q) == 0, "the flooded queue does not finish");
	note("flood: %d async 1 MiB writes behind a user event: worker VmRSS %ld MiB before, %ld MiB at the peak "
	     "(bound %d MiB); %ld MiB after the event was set", FLOOD_WRITES, rss0 >> 10, peak >> 10, BOUND_MB,
	     rss_kb(a.worker) >> 10);
	tap(ok, "a session flooding %d MiB of non-blocking writes behind a user event: its worker grows by at most "
	    "the staging bound (%d MiB), the rest is refused, another session keeps working", FLOOD_WRITES,
	    BOUND_MB);
	sess_close(&a);
	sess_close(&b);
}
