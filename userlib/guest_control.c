// SPDX-License-Identifier: MIT
/* Session-level control calls (AVA_API_CONTROL, uapi/ava_wire.h). */
#include <stdio.h>

#include "guest_call.h"

static int control_call(uint32_t func, const uint64_t *args, unsigned nargs, int async,
			uint64_t *out, unsigned nout)
{
	struct ava_call c;
	unsigned i;
	int st;

	if (ava_call_begin(&c, AVA_API_CONTROL, func, async))
		return -1;
	for (i = 0; i < nargs; i++)
		ava_put_u64(&c, args[i]);
	st = ava_call_exchange(&c);
	for (i = 0; st == AVA_S_OK && !c.async && i < nout; i++)
		out[i] = ava_get_u64(&c);
	ava_call_end(&c);
	return st == AVA_S_OK ? 0 : -1;
}

int ava_session_ping(void)
{
	return control_call(AVA_CTL_PING, NULL, 0, 0, NULL, 0);
}

int ava_session_release(uint32_t api, uint64_t id)
{
	uint64_t args[2] = { api, id };

	return control_call(AVA_CTL_RELEASE, args, 2, 1, NULL, 0);
}

int ava_session_stats(uint64_t *out, unsigned n)
{
	return control_call(AVA_CTL_STATS, NULL, 0, 0, out, n);
}

/* AVA_STATS=1: the session's counters, as the worker keeps them, at exit. */
void ava_print_stats(void)
{
	uint64_t v[AVA_STAT_COUNT] = { 0 };

	if (ava_session_stats(v, AVA_STAT_COUNT))
		return;
	fprintf(stderr, "ava: session counters: %llu calls, %llu refused, %llu live handles, "
		"%llu live maps, %llu bytes inline, %llu bytes through the arena; worker time: "
		"%.1f ms in the vendor's calls, %.1f ms handling commands around them, %.1f ms waiting for "
		"commands\n",
		(unsigned long long)v[AVA_STAT_CALLS], (unsigned long long)v[AVA_STAT_ERRORS],
		(unsigned long long)v[AVA_STAT_HANDLES], (unsigned long long)v[AVA_STAT_MAPS],
		(unsigned long long)v[AVA_STAT_INLINE_BYTES], (unsigned long long)v[AVA_STAT_ARENA_BYTES],
		v[AVA_STAT_VENDOR_NS] / 1e6, v[AVA_STAT_OWN_NS] / 1e6, v[AVA_STAT_WAIT_NS] / 1e6);
}
