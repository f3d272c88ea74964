// SPDX-License-Identifier: MIT
/*
 * hostile_mathlibs: hostile input on the cuFFT and cuRAND workers.  Forged
 * plan and generator ids, ids of the wrong kind, a generator's output in
 * the wrong memory (host numbers to a device address and the reverse),
 * output sizes that do not match, work areas smaller than the plan needs,
 * device addresses that are not the session's: each must be refused with
 * the library's error or a transport status, and the worker must keep
 * serving.  Prints TAP.
 *
 * Without a GPU the checks that need one (a live plan, a device generator,
 * device memory) are counted as skipped: cuRAND's host generators need no
 * GPU, so most cuRAND checks run everywhere.
 *
 * Run it through AvA: scripts/ava-local --cuda -- build/tests/gpu/hostile_mathlibs
 */
#include <stdio.h>

#include "cufft_guest_rt.h"
#include "curand_guest_rt.h"

static int n, failed;

static void result(int ok, const char *what, long long got)
{
	n++;
	failed += !ok;
	printf("%s %d - %s (got %lld)\n", ok ? "ok" : "not ok", n, what, got);
	fflush(stdout);
}

static void refused(const char *what, int st, long long ret)
{
	result(st != AVA_S_OK || ret != 0, what, st != AVA_S_OK ? -1000 - st : ret);
}

static void skip(const char *why)
{
	printf("# SKIP %s\n", why);
}

/* The end of a hand-made call: its transport status, *ret the API's. */
static int finish(struct ava_call *c, long long *ret)
{
	int st = ava_call_exchange(c);

	*ret = st == AVA_S_OK ? (long long)(int64_t)ava_get_u64(c) : -1;
	ava_call_end(c);
	return st;
}

/* cufftExecC2C as a hand-made command: any plan id. */
static int raw_exec(uint64_t plan, uint64_t in, uint64_t out, long long *ret)
{
	struct ava_call c;

	if (ava_call_begin(&c, AVA_API_CUFFT, AVA_FN_CUFFT_cufftExecC2C, 0))
		return -1;
	ava_put_u64(&c, plan);
	ava_put_u64(&c, in);
	ava_put_u64(&c, out);
	ava_put_u64(&c, CUFFT_FORWARD);
	return finish(&c, ret);
}

/* curandGenerateUniform as a hand-made command: mode, address and room as given. */
static int raw_uniform(uint64_t gen, uint64_t mode, uint64_t dev, float *room, uint64_t room_len, uint64_t num,
		       long long *ret)
{
	struct ava_call c;

	if (ava_call_begin(&c, AVA_API_CURAND, AVA_FN_CURAND_curandGenerateUniform, 0))
		return -1;
	ava_put_u64(&c, gen);
	ava_put_u64(&c, mode);
	ava_put_u64(&c, dev);
	ava_put_out(&c, room, room_len);
	ava_put_u64(&c, num);
	return finish(&c, ret);
}

static int raw_seed(uint64_t gen, long long *ret)
{
	struct ava_call c;

	if (ava_call_begin(&c, AVA_API_CURAND, AVA_FN_CURAND_curandSetPseudoRandomGeneratorSeed, 0))
		return -1;
	ava_put_u64(&c, gen);
	ava_put_u64(&c, 1234);
	return finish(&c, ret);
}

static void alive(void)
{
	int v = 0;
	cufftResult f = cufftGetVersion(&v);
	curandStatus_t r = curandGetVersion(&v);

	result((f == CUFFT_SUCCESS || f == CUFFT_SETUP_FAILED) && r == CURAND_STATUS_SUCCESS,
	       "the worker still answers (cufftGetVersion, curandGetVersion)", (long long)f * 1000 + r);
}

static void forged_ids(void)
{
	const uint64_t forged[] = { 0, 12345, AVA_HANDLE_WORKER_BIT | 7, AVA_ID_INVALID };
	static const char fake[64];
	long long r;
	unsigned i;
	int st;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		st = raw_exec(forged[i], 0, 0, &r);
		refused("a forged plan id", st, r);
		st = raw_seed(forged[i], &r);
		refused("a forged generator id", st, r);
	}
	r = cufftExecC2C(4242, NULL, NULL, CUFFT_FORWARD);
	result(r == CUFFT_INVALID_PLAN, "a plan number the shim never gave", r);
	r = cufftDestroy(4242);
	result(r == CUFFT_INVALID_PLAN, "cufftDestroy of a plan number the shim never gave", r);
	r = curandSetPseudoRandomGeneratorSeed((curandGenerator_t)(uintptr_t)fake, 1);
	refused("an address that is no generator", AVA_S_OK, r);
	r = curandSetStream((curandGenerator_t)(uintptr_t)fake, NULL);
	refused("curandSetStream on no generator", AVA_S_OK, r);
	alive();
}

/* A host generator (no GPU needed): its id as a plan, numbers in the wrong place. */
static void with_host_generator(void)
{
	curandGenerator_t g;
	uint64_t id;
	float room[16];
	long long r;
	int st;

	r = curandCreateGeneratorHost(&g, CURAND_RNG_PSEUDO_DEFAULT);
	result(r == CURAND_STATUS_SUCCESS, "curandCreateGeneratorHost", r);
	if (r != CURAND_STATUS_SUCCESS)
		return;
	id = ava_obj_id(g, AVA_HT_CURAND_generator);
	st = raw_exec(id, 0, 0, &r);
	refused("a generator's id as a cuFFT plan", st, r);
	st = raw_uniform(id, 1, 0x7f0000000100ull, NULL, 0, 16, &r);
	refused("a host generator's numbers to a device address", st, r);
	st = raw_uniform(id, 0, 0, room, 8, 16, &r);
	refused("room for 2 numbers when 16 are asked", st, r);
	st = raw_uniform(id, 0, 0, room, 64, (uint64_t)1 << 62, &r);
	refused("2^62 numbers (their size overflows)", st, r);
	st = raw_uniform(id, 2, 0, room, 64, 16, &r);
	refused("pointer mode 2", st, r);
	st = raw_uniform(id, 0, 0x7f0000000100ull, room, 64, 16, &r);
	refused("host numbers that also send a device address", st, r);
	r = curandGenerateUniform(g, NULL, 16);
	refused("a NULL output of a host generator", AVA_S_OK, r);
	r = curandGenerateUniform(g, room, 16);
	result(r == CURAND_STATUS_SUCCESS && room[0] >= 0 && room[0] <= 1, "a host generator still works", r);
	r = curandDestroyGenerator(g);
	result(r == CURAND_STATUS_SUCCESS, "curandDestroyGenerator", r);
	r = curandDestroyGenerator(g);
	refused("curandDestroyGenerator twice", AVA_S_OK, r);
	st = raw_seed(id, &r);
	refused("a destroyed generator's id", st, r);
	alive();
}

/* A device generator (a GPU): host numbers, foreign addresses, other kinds. */
static void with_device_generator(CUcontext ctx)
{
	curandGenerator_t g;
	float room[16];
	long long r;
	int st;

	if (curandCreateGenerator(&g, CURAND_RNG_PSEUDO_DEFAULT) != CURAND_STATUS_SUCCESS) {
		skip("checks on a device generator: no GPU (curandCreateGenerator failed)");
		return;
	}
	st = raw_uniform(ava_obj_id(g, AVA_HT_CURAND_generator), 0, 0, room, 64, 16, &r);
	refused("a device generator's numbers to host memory", st, r);
	r = curandGenerateUniform(g, (float *)(uintptr_t)0x1000, 16);
	refused("device numbers to an address that is not the session's", AVA_S_OK, r);
	r = curandSetStream(g, (cudaStream_t)g);
	refused("a generator as a stream", AVA_S_OK, r);
	r = curandSetPseudoRandomGeneratorSeed((curandGenerator_t)ctx, 1);
	refused("a CUDA context as a generator", AVA_S_OK, r);
	r = curandDestroyGenerator(g);
	result(r == CURAND_STATUS_SUCCESS, "curandDestroyGenerator (device)", r);
	alive();
}

/* Work areas smaller than the plan's work size, or running past their
 * allocation; *big: an allocation of exactly the work size (freed by the
 * caller once the plan is gone). */
static void work_areas(cufftHandle p, size_t need, CUdeviceptr small, CUdeviceptr *big)
{
	long long r;

	if (need <= 4096 || cuMemAlloc(big, need) != CUDA_SUCCESS) {
		skip("work-area size checks: the plan's work size is not above 4 KiB, or cannot be allocated");
		return;
	}
	r = cufftSetWorkArea(p, (void *)(uintptr_t)small);
	refused("a work area of 4 KiB for a larger work size", AVA_S_OK, r);
	r = cufftSetWorkArea(p, (void *)(uintptr_t)(*big + need / 2));
	refused("a work area running past its allocation's end", AVA_S_OK, r);
	r = cufftSetWorkArea(p, (void *)(uintptr_t)*big);
	result(r == CUFFT_SUCCESS, "a work area that holds the work size", r);
}

/* A live plan (a GPU): ids of other kinds, foreign addresses, work areas. */
static void with_plan(CUcontext ctx, CUdeviceptr small)
{
	static const char fake[64];
	CUdeviceptr big = 0;
	size_t need = 0;
	cufftHandle p;
	long long r;
	int st;

	if (cufftCreate(&p) != CUFFT_SUCCESS) {
		skip("checks on a live plan: no GPU (cufftCreate failed)");
		return;
	}
	r = cufftSetAutoAllocation(p, 0);
	result(r == CUFFT_SUCCESS, "cufftSetAutoAllocation(0)", r);
	/* a prime size: cuFFT needs a work area for it (Bluestein) */
	r = cufftMakePlan1d(p, 999983, CUFFT_C2C, 1, &need);
	result(r == CUFFT_SUCCESS, "cufftMakePlan1d (999983 points, C2C)", r);
	st = raw_seed(ava_cufft_plan_id(p, AVA_HT_CUFFT_plan), &r);
	refused("a plan's id as a generator", st, r);
	st = raw_exec((uint64_t)(uintptr_t)ava_obj_id(ctx, 0), 0, 0, &r);
	refused("a CUDA context's id as a plan", st, r);
	r = cufftExecC2C(p, (cufftComplex *)(uintptr_t)0x1000, (cufftComplex *)(uintptr_t)small, CUFFT_FORWARD);
	refused("input at an address that is not the session's device memory", AVA_S_OK, r);
	r = cufftSetStream(p, (cudaStream_t)(uintptr_t)fake);
	refused("a forged stream", AVA_S_OK, r);
	work_areas(p, need, small, &big);
	r = cufftDestroy(p);
	result(r == CUFFT_SUCCESS, "cufftDestroy", r);
	r = cufftExecC2C(p, NULL, NULL, CUFFT_FORWARD);
	result(r == CUFFT_INVALID_PLAN, "a destroyed plan's number", r);
	if (big)
		cuMemFree(big);
	alive();
}

int main(void)
{
	CUcontext ctx = NULL;
	CUdeviceptr small = 0;

	forged_ids();
	with_host_generator();
	if (cuInit(0) == CUDA_SUCCESS && cuDevicePrimaryCtxRetain(&ctx, 0) == CUDA_SUCCESS &&
	    cuCtxSetCurrent(ctx) == CUDA_SUCCESS && cuMemAlloc(&small, 4096) == CUDA_SUCCESS) {
		with_device_generator(ctx);
		with_plan(ctx, small);
	} else {
		skip("checks with device memory: no GPU");
	}
	alive();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
