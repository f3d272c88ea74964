// SPDX-License-Identifier: MIT
/*
 * Host functions and stream callbacks (cuLaunchHostFunc, cuStreamAddCallback,
 * cudaLaunchHostFunc, cudaStreamAddCallback) run in the guest, in stream
 * order (docs/cuda.md).  The session has one channel of pinned memory shared
 * with the worker (common/cuda_types.h: a doorbell and slots).  A call takes
 * a free slot, remembers the function there and sends avaCuHostFn without
 * waiting; when the stream reaches it, the worker's host function marks the
 * slot READY and waits.  The guest's callback thread runs the function,
 * marks the slot DONE, and the stream goes on.
 */
#include "cuda_guest_rt.h"

#include <limits.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct hostfn_entry {
	int kind;
	void (*fn)(void);
	void *ud;
	void *stream;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_obj *channel;
static uint32_t *base;
static int unavailable;
static struct hostfn_entry entries[AVA_CU_HOSTFN_SLOTS];

static uint32_t *slot(unsigned int i)
{
	return base + AVA_CU_HOSTFN_SLOT(i) / 4;
}

/* Runs the function of slot i (READY), then lets the worker go on. */
static void run_slot(unsigned int i)
{
	struct hostfn_entry e = entries[i];
	int status = (int)__atomic_load_n(&slot(i)[1], __ATOMIC_RELAXED);

	if (e.kind == AVA_CU_HOSTFN_FUNC)
		((CUhostFn)(void (*)(void))e.fn)(e.ud);
	else if (e.kind == AVA_CU_HOSTFN_CALLBACK)
		((CUstreamCallback)(void (*)(void))e.fn)(e.stream, (CUresult)status, e.ud);
	else
		((cudaStreamCallback_t)(void (*)(void))e.fn)(e.stream, (cudaError_t)status, e.ud);
	__atomic_store_n(&slot(i)[0], AVA_CU_HOSTFN_DONE, __ATOMIC_RELEASE);
	syscall(SYS_futex, &slot(i)[0], FUTEX_WAKE, INT_MAX, NULL, NULL, 0);
}

/* The callback thread: runs READY slots, sleeps on the doorbell. */
static void *callback_thread(void *arg)
{
	(void)arg;
	for (;;) {
		uint32_t seen = __atomic_load_n(base, __ATOMIC_ACQUIRE);
		int ran = 0;

		for (unsigned int i = 0; i < AVA_CU_HOSTFN_SLOTS; i++) {
			if (__atomic_load_n(&slot(i)[0], __ATOMIC_ACQUIRE) == AVA_CU_HOSTFN_READY) {
				run_slot(i);
				ran = 1;
			}
		}
		if (!ran)
			syscall(SYS_futex, base, FUTEX_WAIT, seen, NULL, NULL, 0);
	}
	return NULL;
}

/* The channel and its thread, made on first use; 0 when there is none. */
static int channel_ready(void)
{
	ava_hostmem_t hm = NULL;
	pthread_attr_t attr;
	pthread_t t;
	CUresult r;

	if (channel || unavailable)
		return channel != NULL;
	ava_cu_hostmem_lock();
	r = avagen_avaCuHostAlloc(&hm, AVA_CU_HOSTFN_BYTES, 0);
	if (r == CUDA_SUCCESS && (base = ava_cu_hostmem_map((struct ava_obj *)hm, AVA_CU_HOSTFN_BYTES, 0)))
		channel = (struct ava_obj *)hm;
	else if (hm)
		ava_obj_release(hm, AVA_HT_CUDA_hostmem);
	ava_cu_hostmem_unlock();
	/* no memory shared with the worker on this transport: never */
	unavailable = !channel && (hm || r == CUDA_ERROR_NOT_SUPPORTED);
	if (!channel)
		return 0;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	if (pthread_create(&t, &attr, callback_thread, NULL)) {
		unavailable = 1;
		channel = NULL;
	}
	pthread_attr_destroy(&attr);
	return channel != NULL;
}

/* A free slot, marked QUEUED; waits while all are in use. */
static unsigned int take_slot(void)
{
	for (;;) {
		for (unsigned int i = 0; i < AVA_CU_HOSTFN_SLOTS; i++) {
			uint32_t want = AVA_CU_HOSTFN_FREE;

			if (__atomic_compare_exchange_n(&slot(i)[0], &want, AVA_CU_HOSTFN_QUEUED, 0,
							__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
				return i;
		}
		nanosleep(&(struct timespec){ 0, 50000 }, NULL);
	}
}

CUresult ava_cu_host_fn(int kind, void *stream, void (*fn)(void), void *ud)
{
	unsigned int i;
	CUresult r;

	if (!fn)
		return CUDA_ERROR_INVALID_VALUE;
	if (ava_cu_stream_id(stream, AVA_HT_CUDA_stream) == AVA_ID_INVALID)
		return CUDA_ERROR_INVALID_HANDLE;
	pthread_mutex_lock(&lock);
	if (!channel_ready()) {
		pthread_mutex_unlock(&lock);
		ava_unsupported("host functions without memory shared with the worker");
		return CUDA_ERROR_NOT_SUPPORTED;
	}
	i = take_slot();
	entries[i] = (struct hostfn_entry){ kind, fn, ud, stream };
	r = avagen_avaCuHostFn(stream, (ava_hostmem_t)channel, AVA_CU_HOSTFN_SLOT(i), kind);
	if (r != CUDA_SUCCESS)
		__atomic_store_n(&slot(i)[0], AVA_CU_HOSTFN_FREE, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&lock);
	return r;
}

CUresult avaguest_cuLaunchHostFunc(CUstream hStream, CUhostFn fn, void *userData)
{
	return ava_cu_host_fn(AVA_CU_HOSTFN_FUNC, hStream, (void (*)(void))fn, userData);
}

CUresult avaguest_cuStreamAddCallback(CUstream hStream, CUstreamCallback callback, void *userData,
				      unsigned int flags)
{
	if (flags)
		return CUDA_ERROR_INVALID_VALUE;
	return ava_cu_host_fn(AVA_CU_HOSTFN_CALLBACK, hStream, (void (*)(void))callback, userData);
}
