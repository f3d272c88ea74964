// SPDX-License-Identifier: MIT
/* hostile_worker: what the long fuzz run (tests/fuzz/run) found, kept as cases. */
#include "hostile.h"

/*
 * clSetProgramSpecializationConstant on a program made from source and not
 * built: PoCL asserts and the worker aborted (worker_fuzz, seed 0x5EEDF00D,
 * command 3680).  Only an IL program has specialization constants.
 */
#define ID_UNBUILT 0x131

void t_spec_constant(struct sess *s, const struct clobj *o)
{
	uint32_t v = 1;
	struct rep r;
	int ok = 1;

	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_UNBUILT);
	put(o->ctx);
	put(1);
	put(1);			/* strings present */
	put_data(K_SRC, strlen(K_SRC));
	if (cl_ok(s, &r, "clCreateProgramWithSource", TIMEOUT_MS)) {
		tap(0, "clSetProgramSpecializationConstant: setup");
		return;
	}
	mb_begin(AVA_API_OPENCL, FN(clSetProgramSpecializationConstant));
	put(ID_UNBUILT);
	put(0);
	put(sizeof(v));
	put_data(&v, sizeof(v));
	REQUIRE(call(s, &r) == AVA_S_OK, "no reply or refused (%s, status %u)", got_name(r.got), r.status);
	REQUIRE(r.got != 1 || rep_i64(&r) == CL_INVALID_PROGRAM, "returned %" PRId64 ", expected %d", rep_i64(&r),
		CL_INVALID_PROGRAM);
	REQUIRE(pid_alive(s->worker) && ping(s), "the worker died");
	if (ok)
		release(s, AVA_API_OPENCL, ID_UNBUILT);
	tap(ok, "clSetProgramSpecializationConstant on a program made from source, not built: CL_INVALID_PROGRAM, "
	    "the worker lives");
}
