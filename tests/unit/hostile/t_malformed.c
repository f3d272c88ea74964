// SPDX-License-Identifier: MIT
/* hostile_worker: cases: malformed items of real OpenCL calls. */
#include "hostile.h"

static uint8_t blob[1 << 20];	/* 0x5A bytes to send */

/* Positive controls: the encodings below are right when well-formed */
static void positive_controls(struct sess *s, const struct clobj *o)
{
	uint32_t idx;
	struct rep r;
	int ok;

	ok = 1;
	mb_device_info(o->dev, CL_DEVICE_NAME, 256);
	put_out(256);
	put_out(8);
	{
		char name[257] = "";
		int64_t n;

		ok = cl_ok(s, &r, "clGetDeviceInfo(CL_DEVICE_NAME)", TIMEOUT_MS) == 0;
		n = ok ? rep_out(&r, name, 256) : -1;
		REQUIRE(n > 1 && name[0], "no device name (%" PRId64 " bytes)", n);
		if (g_verbose)
			note("device: %s", name);
	}
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	mb_write_tail();
	ok &= cl_ok(s, &r, "clEnqueueWriteBuffer 4 KiB inline", TIMEOUT_MS) == 0;
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	memcpy(s->arena, blob, 1 << 20);
	idx = add_ref(0, 1 << 20, AVA_REF_IN);
	put_data_ref(idx, 1 << 20);
	mb_write_tail();
	ok &= cl_ok(s, &r, "clEnqueueWriteBuffer 1 MiB by arena ref", TIMEOUT_MS) == 0;
	mb_set_kernel_arg(o->kern, 0, 8, AVA_KARG_HANDLE);
	put(o->buf);
	ok &= cl_ok(s, &r, "clSetKernelArg(handle)", TIMEOUT_MS) == 0;
	mb_set_kernel_arg(o->kern, 1, 4, AVA_KARG_BYTES);
	put_data("\1\0\0\0", 4);
	ok &= cl_ok(s, &r, "clSetKernelArg(bytes)", TIMEOUT_MS) == 0;
	tap(ok, "well-formed clGetDeviceInfo, clEnqueueWriteBuffer (inline, arena) and clSetKernelArg succeed");
}

/* Starts clCreateProgramWithSource(ctx, count); the lengths and strings follow. */
static void mb_program_with_source(const struct clobj *o, uint64_t count)
{
	mb_begin(AVA_API_OPENCL, FN(clCreateProgramWithSource));
	put(ID_SCRATCH);
	put(o->ctx);
	put(count);
}

/* Missing items */
static void missing_items(struct sess *s, const struct clobj *o)
{
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	M.w.len -= 8;		/* cut param_value_size */
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo with its inline part cut after 2 items");
	mb_begin(AVA_API_OPENCL, FN(clGetDeviceInfo));
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo with no items");
	mb_write_head(o->q, o->buf, 0, 64);
	put_data(blob, 64);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer missing its last two items");
	mb_create_buffer(ID_SCRATCH, o->ctx, CL_MEM_READ_WRITE, 64);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer missing host_ptr");
	mb_program_with_source(o, 3);
	put(1);
	put_data("a", 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateProgramWithSource count 3 with 1 string item");
}

/* Out capacities */
static void out_capacities(struct sess *s, const struct clobj *o)
{
	uint32_t idx;

	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out(128);
	put_out(8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo param_value_size 64, out capacity 128");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put_out(64);
	put_out(4);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo size_ret out capacity 4 (size_t is 8)");
	mb_device_info(o->dev, CL_DEVICE_NAME, 1ull << 60);
	put_out(1ull << 60);
	put_out(8);
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clGetDeviceInfo inline out capacity 2^60");
	mb_device_info(o->dev, CL_DEVICE_NAME, 2u << 20);
	put_out(2u << 20);
	put_out(8);
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clGetDeviceInfo inline out capacity 2 MiB (> reply area)");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	idx = add_ref(0, 64, AVA_REF_IN);
	put_out_ref(idx, 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through an IN-only ref");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	add_ref(0, 64, AVA_REF_OUT);
	put_out_ref(5, 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out through ref index 5 of 1");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	idx = add_ref(0, 32, AVA_REF_OUT);
	put_out_ref(idx, 64);
	put_out(8);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clGetDeviceInfo out of 64 bytes through a 32-byte ref");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put(64 << 2);		/* kind 0 with a length */
	put_out(8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo out item of kind 0 with a length");
	mb_device_info(o->dev, CL_DEVICE_NAME, 64);
	put((64 << 2) | AVA_DATA_INLINE_PRELOAD);
	put_out(8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetDeviceInfo preloaded out whose bytes are missing");
}

/* Data items vs the size the call implies */
static void data_sizes(struct sess *s, const struct clobj *o)
{
	struct rep r;
	int ok;

	mb_write_head(o->q, o->buf, 0, 1 << 20);
	put_data(blob, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer size 1 MiB with 4 KiB of inline data");
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4104);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer size 4096 with 4104 bytes of data");
	mb_write_head(o->q, o->buf, 0, 4096);
	put((1ull << 60 << 2) | AVA_DATA_INLINE);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer data item claiming 2^60 inline bytes");
	mb_write_head(o->q, o->buf, 0, 1ull << 60);
	put((1ull << 60 << 2) | AVA_DATA_INLINE);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer size 2^60 with a 2^60-byte inline item");
	mb_write_head(o->q, o->buf, 0, UINT64_MAX);
	put_data(blob, 8);
	mb_write_tail();
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clEnqueueWriteBuffer size 2^64-1");
	mb_write_head(o->q, o->buf, 0, 4096);
	put(0);
	mb_write_tail();
	ok = 1;
	call(s, &r);
	REQUIRE(r.got == 1 && (r.status != AVA_S_OK || rep_i64(&r) != CL_SUCCESS),
		"a NULL source pointer was accepted and the write succeeded (got %d, status %u)", r.got, r.status);
	ok &= ping(s);
	tap(ok, "clEnqueueWriteBuffer size 4096 with a NULL data item never succeeds");
	mb_write_head(o->q, o->buf, 0, 64);
	put((64 << 2) | AVA_DATA_INLINE_PRELOAD);
	ava_wbuf_reserve(&M.w, 64);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer data item of kind 3 (preload)");
	mb_write_head(o->q, o->buf, 0, 64);
	put(64 << 2);
	mb_write_tail();
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer data item of kind 0 with a length");
}

/* Data through refs */
static void data_refs(struct sess *s, const struct clobj *o)
{
	uint64_t ids[2];
	uint64_t bigoff = s->arena_size - 4096;
	uint32_t idx;

	mb_write_head(o->q, o->buf, 0, 4096);
	idx = add_ref(0, 4096, AVA_REF_OUT);
	put_data_ref(idx, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data through an OUT-only ref");
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	idx = add_ref(bigoff, 1 << 20, AVA_REF_IN);
	put_data_ref(idx, 1 << 20);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer 1 MiB ref overlapping the arena's end");
	mb_write_head(o->q, o->buf, 0, 4096);
	idx = add_ref(1ull << 63, 1ull << 63, AVA_REF_IN);
	put_data_ref(idx, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer ref offset 2^63 + len 2^63 (wraps)");
	mb_write_head(o->q, o->buf, 0, 1 << 20);
	idx = add_ref(0, 4096, AVA_REF_IN);
	put_data_ref(idx, 1 << 20);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data of 1 MiB through a 4 KiB ref");
	mb_write_head(o->q, o->buf, 0, 4096);
	add_ref(0, 4096, AVA_REF_IN);
	put_data_ref(1, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data through ref index 1 of 1");
	mb_write_head(o->q, o->buf, 0, 4096);
	add_ref(0, 4096, AVA_REF_IN);
	put_data_ref(0xFFFFFFFFFFull, 4096);
	mb_write_tail();
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clEnqueueWriteBuffer data through ref index 2^40");
	ids[0] = 0;
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	put(1u << 31);
	put_ids(ids, 1);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clEnqueueWriteBuffer wait list count 2^31 with one id");
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	put(0);
	put(0);
	put(o->ctx);		/* the new event id is taken */
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clEnqueueWriteBuffer new event id already in use");
	mb_write_head(o->q, o->buf, 0, 4096);
	put_data(blob, 4096);
	put(0);
	put(0);
	put(WBIT | 99);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clEnqueueWriteBuffer new event id with the worker bit");
}

/* Kernel arguments */
static void kernel_args(struct sess *s, const struct clobj *o)
{
	mb_set_kernel_arg(o->kern, 1, 4, 7);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg argument kind 7");
	mb_set_kernel_arg(o->kern, 1, 4, AVA_KARG_BYTES);
	put_data(blob, 8);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg arg_size 4 with 8 bytes");
	mb_set_kernel_arg(o->kern, 1, 4, AVA_KARG_BYTES);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg bytes kind with a NULL data item");
	mb_set_kernel_arg(o->kern, 0, 4, AVA_KARG_HANDLE);
	put(o->buf);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg handle kind with arg_size 4");
	mb_set_kernel_arg(o->kern, 1, 1ull << 40, AVA_KARG_BYTES);
	put((1ull << 40 << 2) | AVA_DATA_INLINE);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clSetKernelArg arg_size 2^40 with a 2^40-byte item");
}

/* Strings */
static void strings(struct sess *s, const struct clobj *o)
{
	uint32_t idx;

	mb_program_with_source(o, 0xFFFFFFFFu);
	put(1);
	put_data("a", 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateProgramWithSource count 2^32-1");
	mb_program_with_source(o, 1);
	put(1);
	put((1ull << 60 << 2) | AVA_DATA_INLINE);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateProgramWithSource string item of 2^60 bytes");
	mb_program_with_source(o, 2);
	put(1);
	idx = add_ref(0, 64, AVA_REF_OUT);
	put_data_ref(idx, 64);
	put_data("b", 1);
	expect_call(s, AVA_S_BAD_REF, NO_CL, "clCreateProgramWithSource string through an OUT-only ref");
	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(ID_SCRATCH);
	put(o->prog);
	put_data("fill", 4);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateKernel name without a NUL");
	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(ID_SCRATCH);
	put(o->prog);
	put_data("", 0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateKernel name of length 0");
	mb_begin(AVA_API_OPENCL, FN(clCreateKernel));
	put(ID_SCRATCH);
	put(o->prog);
	memcpy(s->arena, "fillX", 5);
	idx = add_ref(0, 5, AVA_REF_IN);
	put_data_ref(idx, 5);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateKernel name in the arena without a NUL");
	mb_begin(AVA_API_OPENCL, FN(clBuildProgram));
	put(o->prog);
	put(0);
	put(0);
	put_data("-O2", 3);
	put(0);
	put(0);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clBuildProgram options without a NUL");
}

/* Handle arrays and property lists */
static void handle_arrays(struct sess *s, const struct clobj *o)
{
	intptr_t props[301];
	uint64_t ids[2] = { o->dev, o->dev };

	mb_create_context(ID_SCRATCH, NULL, 0, 1, ids, 2);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext num_devices 1 with 2 ids");
	mb_create_context(ID_SCRATCH, NULL, 0, 1u << 31, ids, 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext num_devices 2^31 with 1 id");
	memset(props, 0, sizeof(props));
	props[0] = CL_CONTEXT_PLATFORM;
	props[1] = (intptr_t)o->plat;
	mb_create_context(ID_SCRATCH, props, 3, 1, ids, 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext property list of 3 words (odd)");
	for (unsigned i = 2; i < 300; i += 2) {
		props[i] = CL_CONTEXT_INTEROP_USER_SYNC;
		props[i + 1] = 0;
	}
	mb_create_context(ID_SCRATCH, props, 300, 1, ids, 1);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateContext property list of 300 words");
}

/* Host pointers and new ids of clCreateBuffer */
static void create_buffer(struct sess *s, const struct clobj *o)
{
	struct rep r;
	int ok;

	mb_create_buffer(ID_SCRATCH, o->ctx, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR, 4096);
	put_data(blob, 100);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clCreateBuffer COPY_HOST_PTR of 4096 bytes with 100 bytes");
	mb_create_buffer(ID_SCRATCH, o->ctx, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, 4096);
	put(0);
	call(s, &r);
	ok = 1;
	REQUIRE(r.got == 1 && (r.status != AVA_S_OK || rep_i64(&r) != CL_SUCCESS),
		"USE_HOST_PTR with a NULL host_ptr was accepted (got %d, status %u)", r.got, r.status);
	if (r.got == 1 && r.status == AVA_S_OK)
		release(s, AVA_API_OPENCL, ID_SCRATCH);
	ok &= ping(s);
	tap(ok, "clCreateBuffer USE_HOST_PTR with a NULL host_ptr never succeeds");
	mb_create_buffer(WBIT | 1234, o->ctx, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clCreateBuffer new id with the worker bit");
	mb_create_buffer(0, o->ctx, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clCreateBuffer new id 0");
	mb_create_buffer(o->q, o->ctx, CL_MEM_READ_WRITE, 64);
	put(0);
	expect_call(s, AVA_S_BAD_HANDLE, NO_CL, "clCreateBuffer new id already used by the queue");
}

/* Out arrays of handles */
static void handle_outs(struct sess *s)
{
	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(4);
	put_out(8);
	put_out(4);
	expect_call(s, AVA_S_MALFORMED, NO_CL, "clGetPlatformIDs num_entries 4 with an out of 1 handle");
	mb_begin(AVA_API_OPENCL, FN(clGetPlatformIDs));
	put(0x20000000u);
	put_out(0x20000000ull * 8);
	put_out(4);
	expect_call(s, AVA_S_TOO_LARGE, NO_CL, "clGetPlatformIDs num_entries 2^29 (a 4 GiB inline out)");
}

void t_malformed(struct sess *s, const struct clobj *o)
{
	memset(blob, 0x5A, sizeof(blob));
	positive_controls(s, o);
	missing_items(s, o);
	out_capacities(s, o);
	data_sizes(s, o);
	data_refs(s, o);
	kernel_args(s, o);
	strings(s, o);
	handle_arrays(s, o);
	create_buffer(s, o);
	handle_outs(s);
}
