// SPDX-License-Identifier: MIT
/* hostile_worker: cases: bad hellos, broken framing and headers, control calls. */
#include "hostile.h"

/* ========================================================= the cases */

void t_hello(void)
{
	static const struct { uint32_t magic, version; const char *what; } bad[] = {
		{ 0x12345678u, AVA_WIRE_VERSION, "bad hello magic" },
		{ AVA_HELLO_MAGIC, AVA_WIRE_VERSION + 1, "bad hello version" },
	};
	struct ava_hello_reply rep;
	unsigned i;
	ssize_t n;
	int sock, fd, ok;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct ava_hello h = { bad[i].magic, bad[i].version, (uint32_t)getpid(), 0 };

		ok = 1;
		sock = connect_sock();
		REQUIRE(sock >= 0, "cannot connect to %s", g_path);
		if (sock >= 0) {
			REQUIRE(write(sock, &h, sizeof(h)) == (ssize_t)sizeof(h), "hello write failed");
			n = recv_hello_reply(sock, &rep, &fd);
			REQUIRE(fd < 0, "the daemon sent a session fd for a bad hello");
			REQUIRE(n == (ssize_t)sizeof(rep) && rep.status == AVA_S_BAD_MAGIC,
				"reply of %zd bytes, status %u, expected AVA_S_BAD_MAGIC", n, rep.status);
			if (fd >= 0)
				close(fd);
			close(sock);
		}
		tap(ok, "%s is refused with AVA_S_BAD_MAGIC and no shared memory", bad[i].what);
	}
}

/* PING carrying `extra` bytes of inline filler (the worker ignores them). */
uint32_t build_ping(struct sess *s, uint32_t extra)
{
	uint32_t i;

	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	for (i = 0; i < extra / 8; i++)
		put(0);
	return mb_finish(s);
}

/* Lengths in the header that disagree with each other or with the ring. */
static void framing_lengths(struct sess *s)
{
	uint32_t len, big;

	len = build_ping(s, 0);
	H()->total_len = 16;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 16, smaller than the header");

	len = build_ping(s, 8);
	H()->total_len = 44;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 44, not a multiple of 8");

	len = build_ping(s, 0);
	H()->total_len = 4096;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 4096 beyond the 40 bytes in the ring");

	len = build_ping(s, 0);
	H()->total_len = 0xFFFFFFF8u;
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "total_len 0xfffffff8");

	big = 2u << 20;
	len = build_ping(s, big - HDR_LEN);
	expect_raw(s, len, AVA_S_MALFORMED, LOST, "a 2 MiB command (total_len > worker's message limit)");

	len = build_ping(s, 16);
	H()->inline_len = 8;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len 8 with 16 inline bytes in total_len");

	len = build_ping(s, 8);
	H()->inline_len = 16;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len 16 with 8 inline bytes in total_len");

	len = build_ping(s, AVA_MAX_INLINE + 8);
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len AVA_MAX_INLINE+8 (total_len consistent)");

	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	for (len = 0; len < AVA_MAX_REFS + 1; len++)
		add_ref(0, 8, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_MALFORMED, 0, "nrefs AVA_MAX_REFS+1 (total_len consistent)");

	len = build_ping(s, 0);
	H()->nrefs = 0xFFFFFFFFu;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "nrefs 0xffffffff");

	/* 40 + 0xffffffe8 + 2*24 == 64 modulo 2^32 */
	len = build_ping(s, 24);
	H()->inline_len = 0xFFFFFFE8u;
	H()->nrefs = 2;
	H()->total_len = 64;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "inline_len+refs that wrap to total_len in 32 bits");
}

/* Bad magic, version and api id. */
static void header_ids(struct sess *s)
{
	uint32_t len;

	len = build_ping(s, 0);
	H()->magic = 0xDEADBEEFu;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "bad magic");

	len = build_ping(s, 0);
	H()->magic = AVA_RING_PAD_MAGIC + 1;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "magic next to the ring pad magic");

	len = build_ping(s, 0);
	H()->version = 0;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "version 0");

	len = build_ping(s, 0);
	H()->version = AVA_WIRE_VERSION + 1;
	expect_raw(s, len, AVA_S_BAD_MAGIC, 0, "version %u", AVA_WIRE_VERSION + 1);

	len = build_ping(s, 0);
	H()->api_id = AVA_API_COUNT;
	expect_raw(s, len, AVA_S_BAD_API, 0, "api id AVA_API_COUNT");

	len = build_ping(s, 0);
	H()->api_id = 0xFFFF;
	expect_raw(s, len, AVA_S_BAD_API, 0, "api id 0xffff");
}

/* Function ids the worker does not serve. */
static void bad_functions(struct sess *s)
{
	uint32_t len;
	unsigned i;

	static const struct { uint16_t api; uint32_t func; const char *what; } funcs[] = {
		{ AVA_API_OPENCL, 0, "OpenCL function id 0" },
		{ AVA_API_OPENCL, AVA_FN_OPENCL_COUNT, "OpenCL function id AVA_FN_OPENCL_COUNT" },
		{ AVA_API_OPENCL, AVA_FN_OPENCL_COUNT + 1000, "OpenCL function id COUNT+1000" },
		{ AVA_API_OPENCL, 0xFFFFFFFFu, "OpenCL function id 0xffffffff" },
		{ AVA_API_OPENCL, FN(clRetainContext), "clRetainContext (guest-side refcount, not served)" },
		{ AVA_API_OPENCL, FN(clSetCommandQueueProperty), "@unsupported clSetCommandQueueProperty" },
		{ AVA_API_OPENCL, FN(clGetExtensionFunctionAddress), "@guest clGetExtensionFunctionAddress" },
		{ AVA_API_CONTROL, 0, "control function 0" },
		{ AVA_API_CONTROL, AVA_CTL_HELLO, "control HELLO in the ring" },
		{ AVA_API_CONTROL, 0x7FFFFFFFu, "control function 0x7fffffff" },
	};
	for (i = 0; i < sizeof(funcs) / sizeof(funcs[0]); i++) {
		mb_begin(funcs[i].api, funcs[i].func);
		put(0);
		put(0);
		len = mb_finish(s);
		expect_raw(s, len, AVA_S_BAD_FUNC, 0, "%s", funcs[i].what);
	}
}

/* Unknown flags and the local transport's unused session field. */
static void header_flags(struct sess *s)
{
	uint32_t len;

	len = build_ping(s, 0);
	H()->flags = unknown_bit(AVA_CMD_KNOWN_FLAGS);
	expect_raw(s, len, AVA_S_MALFORMED, 0, "lowest unknown command flag %#x", unknown_bit(AVA_CMD_KNOWN_FLAGS));

	len = build_ping(s, 0);
	H()->flags = 1u << 31;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "unknown flag 1<<31");

	len = build_ping(s, 0);
	H()->session = 1;
	expect_raw(s, len, AVA_S_MALFORMED, 0, "nonzero session field on the local transport");
}

/* A refused ASYNC command gets no reply; the next reply is the PING's own. */
static void async_refused(struct sess *s)
{
	uint64_t st0[AVA_STAT_COUNT], st1[AVA_STAT_COUNT];
	uint32_t len;
	struct rep r;
	int ok;

	ok = stats(s, st0) == 0;
	REQUIRE(ok, "AVA_CTL_STATS failed");
	len = build_ping(s, 0);
	H()->flags = AVA_CMD_ASYNC;
	H()->magic = 0xBAD0BAD0u;
	send_msg(s, len, &r, TIMEOUT_MS);
	len = build_ping(s, 0);
	H()->flags = AVA_CMD_ASYNC | (1u << 7);
	send_msg(s, len, &r, TIMEOUT_MS);
	ok &= ping(s);
	REQUIRE(stats(s, st1) == 0, "AVA_CTL_STATS failed");
	REQUIRE(st1[AVA_STAT_ERRORS] == st0[AVA_STAT_ERRORS] + 2,
		"STATS errors %" PRIu64 " -> %" PRIu64 ", expected +2", st0[AVA_STAT_ERRORS],
		st1[AVA_STAT_ERRORS]);
	tap(ok, "refused ASYNC commands get no reply, are counted in STATS errors, and the next PING gets its own reply");
}

/* Buffer references: bad flags, out of the arena, and valid ones at its edge. */
static void buffer_refs(struct sess *s)
{
	uint32_t len;
	unsigned i;

	const struct { uint64_t off, len; uint32_t flags, reserved; const char *what; } refs[] = {
		{ 0, 8, 0, 0, "ref with no direction flag" },
		{ 0, 8, unknown_bit(AVA_REF_KNOWN_FLAGS), 0, "ref with the lowest unknown flag" },
		{ 0, 8, AVA_REF_IN | (1u << 31), 0, "ref with unknown flag 1<<31" },
		{ 0, 8, AVA_REF_IN, 1, "ref with nonzero reserved" },
		{ UINT64_MAX - 7, 16, AVA_REF_IN, 0, "ref at offset 2^64-8 (offset+len overflows)" },
		{ 8, UINT64_MAX, AVA_REF_OUT, 0, "ref of length 2^64-1" },
		{ 1ull << 63, 1ull << 63, AVA_REF_IN, 0, "ref offset 2^63 len 2^63 (sum wraps to 0)" },
	};
	for (i = 0; i < sizeof(refs) / sizeof(refs[0]); i++) {
		mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
		add_ref(refs[i].off, refs[i].len, refs[i].flags);
		M.refs[0].reserved = refs[i].reserved;
		len = mb_finish(s);
		expect_raw(s, len, AVA_S_BAD_REF, 0, "%s", refs[i].what);
	}
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(s->arena_size + 8, 8, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_BAD_REF, 0, "ref starting beyond the arena");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(s->arena_size - 8, 16, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_BAD_REF, 0, "ref overlapping the arena's end by 8 bytes");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(0, s->arena_size + 1, AVA_REF_IN | AVA_REF_OUT);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_BAD_REF, 0, "ref longer than the arena");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PING);
	add_ref(0, 8, AVA_REF_IN);
	add_ref(8, 8, AVA_REF_OUT);
	add_ref(s->arena_size - 8, 8, AVA_REF_IN | AVA_REF_OUT);
	add_ref(s->arena_size, 0, AVA_REF_IN);
	len = mb_finish(s);
	expect_raw(s, len, AVA_S_OK, 0, "valid refs up to the arena's last byte are accepted");
}

void t_framing(struct sess *s)
{
	framing_lengths(s);
	header_ids(s);
	bad_functions(s);
	header_flags(s);
	async_refused(s);
	buffer_refs(s);
}

void t_control(struct sess *s, const struct clobj *o)
{
	mb_release(AVA_API_OPENCL, 0x7777777ull);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of a random id");
	mb_release(AVA_API_OPENCL, WBIT | 0x4242);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of an unknown worker-bit id");
	mb_release(AVA_API_OPENCL, 0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of id 0");
	mb_release(AVA_API_CONTROL, o->ctx);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE of the context under api id CONTROL");
	mb_release(0x100000001ull, o->ctx);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE with api id 2^32+1 (truncates to OpenCL)");
	mb_begin(AVA_API_CONTROL, AVA_CTL_RELEASE);
	put(AVA_API_OPENCL);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE cut short (no id)");
	mb_release(AVA_API_OPENCL, o->ctx);
	put(0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_RELEASE with a trailing item");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PENDING);
	put(0x5555);
	put_out(16);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "AVA_CTL_PENDING of an unknown pending id");
	mb_begin(AVA_API_CONTROL, AVA_CTL_PENDING);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "AVA_CTL_PENDING with no items");

	/* a handle released once is gone */
	{
		int ok = mk_buffer(s, ID_SCRATCH, o->ctx, 64) == 0;
		int a = release(s, AVA_API_OPENCL, ID_SCRATCH), b = release(s, AVA_API_OPENCL, ID_SCRATCH);

		REQUIRE(a == AVA_S_OK, "first release: status %d", a);
		REQUIRE(b == AVA_S_BAD_HANDLE, "second release: status %d", b);
		ok &= ping(s);
		tap(ok, "AVA_CTL_RELEASE twice: first AVA_S_OK, then AVA_S_BAD_HANDLE");
	}
}

