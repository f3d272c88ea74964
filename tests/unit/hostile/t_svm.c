// SPDX-License-Identifier: MIT
/*
 * SVM addresses from a hostile guest (worker/opencl_svm.c): every address
 * sent to a copy, fill, read, write, kernel argument or exec info must lie
 * inside a live SVM allocation of the session, whole; anything else,
 * freed allocations included, is refused with the API's error and the
 * worker lives.  Sent raw, past the guest library's own checks.
 */
#undef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#include "hostile.h"

#define SVM_SIZE 4096u

static void mb_svm_alloc(const struct clobj *o, uint64_t size)
{
	mb_begin(AVA_API_OPENCL, FN(avaSVMAlloc));
	put(o->ctx);
	put(CL_MEM_READ_WRITE);
	put(size);
	put(0);
	put_out(8);
}

static int svm_alloc(struct sess *s, const struct clobj *o, uint64_t *addr)
{
	struct rep r;

	mb_svm_alloc(o, SVM_SIZE);
	return cl_ok(s, &r, "avaSVMAlloc", TIMEOUT_MS) || rep_out(&r, addr, 8) != 8 ? -1 : 0;
}

/* Sizes whose page count wraps around must not make an allocation the checks trust. */
static void huge_sizes(struct sess *s, const struct clobj *o)
{
	static const uint64_t sizes[] = { UINT64_MAX, UINT64_MAX - 4095, UINT64_MAX - 8192, 1ull << 63 };
	struct rep r;
	size_t i;
	int ok = 1;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		mb_svm_alloc(o, sizes[i]);
		REQUIRE(call(s, &r) == AVA_S_OK && rep_i64(&r) != CL_SUCCESS, "size %#" PRIx64 " allocated",
			sizes[i]);
	}
	REQUIRE(pid_alive(s->worker) && ping(s), "the worker died");
	tap(ok, "SVM: allocations of sizes near 2^64 are refused, the worker lives");
}

static void no_wait_list(void)
{
	put(0);			/* num_events_in_wait_list */
	put(0);			/* event_wait_list: NULL */
	put(0);			/* event: none */
}

static int64_t svm_read(struct sess *s, const struct clobj *o, uint64_t src, uint64_t size)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(avaSVMRead));
	put(o->q);
	put(src);
	put(size);
	put_out(size);
	no_wait_list();
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

static int64_t svm_write(struct sess *s, const struct clobj *o, uint64_t dst, uint64_t size)
{
	static uint8_t data[2 * SVM_SIZE];
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(avaSVMWrite));
	put(o->q);
	put(dst);
	put(size);
	put_data(data, size);
	no_wait_list();
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

static int64_t svm_copy(struct sess *s, const struct clobj *o, uint64_t dst, uint64_t src, uint64_t size)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(avaSVMCopy));
	put(o->q);
	put(CL_TRUE);
	put(dst);
	put(src);
	put(size);
	no_wait_list();
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

static int64_t svm_fill(struct sess *s, const struct clobj *o, uint64_t dst, uint64_t size)
{
	uint32_t pattern = 0x5a5a5a5a;
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(avaSVMFill));
	put(o->q);
	put(dst);
	put_data(&pattern, sizeof(pattern));
	put(sizeof(pattern));
	put(size);
	no_wait_list();
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

static int64_t svm_arg(struct sess *s, const struct clobj *o, uint64_t p)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clSetKernelArgSVMPointer));
	put(o->kern);
	put(0);
	put(p);
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

static int64_t svm_exec_info(struct sess *s, const struct clobj *o, uint64_t p)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(clSetKernelExecInfo));
	put(o->kern);
	put(CL_KERNEL_EXEC_INFO_SVM_PTRS);
	put(sizeof(p));
	put_data(&p, sizeof(p));
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

static int64_t svm_free(struct sess *s, const struct clobj *o, uint64_t p)
{
	struct rep r;

	mb_begin(AVA_API_OPENCL, FN(avaSVMFree));
	put(o->ctx);
	put(p);
	return call(s, &r) == AVA_S_OK ? rep_i64(&r) : -1;
}

/* Each address against every call that takes one: want from each, the worker alive. */
static void refused(struct sess *s, const struct clobj *o, uint64_t p, uint64_t size, uint64_t good,
		    const char *what)
{
	int ok = 1;

	REQUIRE(svm_read(s, o, p, size) == CL_INVALID_VALUE, "avaSVMRead accepted it");
	REQUIRE(svm_write(s, o, p, size) == CL_INVALID_VALUE, "avaSVMWrite accepted it");
	REQUIRE(svm_copy(s, o, p, good, size) == CL_INVALID_VALUE, "avaSVMCopy accepted it as destination");
	REQUIRE(svm_copy(s, o, good, p, size) == CL_INVALID_VALUE, "avaSVMCopy accepted it as source");
	REQUIRE(svm_fill(s, o, p, size) == CL_INVALID_VALUE, "avaSVMFill accepted it");
	if (size <= 4) {
		REQUIRE(svm_arg(s, o, p) == CL_INVALID_ARG_VALUE, "clSetKernelArgSVMPointer accepted it");
		REQUIRE(svm_exec_info(s, o, p) == CL_INVALID_VALUE, "clSetKernelExecInfo accepted it");
	}
	REQUIRE(pid_alive(s->worker) && ping(s), "the worker died");
	tap(ok, "SVM: %s refused by every SVM call, the worker lives", what);
}

void t_svm(struct sess *s, const struct clobj *o)
{
	uint64_t a = 0, b = 0;
	int ok = 1;

	huge_sizes(s, o);
	if (svm_alloc(s, o, &a) || svm_alloc(s, o, &b)) {
		tap(0, "SVM: two allocations");
		return;
	}
	REQUIRE(svm_write(s, o, a, SVM_SIZE) == CL_SUCCESS, "a whole write failed");
	REQUIRE(svm_copy(s, o, b, a, SVM_SIZE) == CL_SUCCESS, "a whole copy failed");
	REQUIRE(svm_read(s, o, b + 8, 16) == CL_SUCCESS, "a read inside failed");
	REQUIRE(svm_arg(s, o, a + 64) == CL_SUCCESS, "an SVM argument inside failed");
	REQUIRE(svm_exec_info(s, o, b) == CL_SUCCESS, "exec info of a live allocation failed");
	tap(ok, "SVM: copies, reads, writes, arguments inside live allocations work");
	refused(s, o, 0x10000, 4, a, "an address never allocated");
	refused(s, o, a - 4, 4, b, "the bytes just before an allocation");
	refused(s, o, a + SVM_SIZE, 4, b, "the bytes just past an allocation");
	refused(s, o, a + SVM_SIZE - 4, 8, b, "a range running past an allocation's end");
	refused(s, o, a, 2 * SVM_SIZE, b, "a range twice an allocation's size");
	refused(s, o, UINT64_MAX - 3, 4, b, "the top of the address space");
	ok = svm_free(s, o, a + 8) == CL_INVALID_VALUE && svm_free(s, o, a) == CL_SUCCESS &&
	     svm_free(s, o, a) == CL_INVALID_VALUE;
	tap(ok, "SVM: a free inside an allocation and a second free are refused");
	refused(s, o, a, 4, b, "a freed allocation");
	svm_free(s, o, b);
	refused(s, o, b + 16, 4, b, "an address inside a freed allocation");
}
