// SPDX-License-Identifier: MIT
/*
 * The CUDA runtime's module registration, replayed in the worker: the
 * guest's __cudaRegisterFatBinary, __cudaRegisterFunction and
 * __cudaRegisterVar reach the worker's libcudart with host-side keys of
 * the worker's own (struct avaw_kfunc, struct avaw_var).  A fat binary
 * comes from the content cache (cuda_fatbin_cache.h) when the guest's
 * hash finds it there, else from the guest in one call (streamed on the
 * `local` transport), and then goes into the cache.
 */
#include "cuda_worker_internal.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cuda_fatbin_cache.h"
#include "upload_pool.h"
#include "worker_prefault.h"

/* A registered fat binary: its bytes (copied from the guest, or the
 * cache's file mapped), which libcudart keeps using. */
struct avaw_fatbin {
	void **handle;
	void *blob;
	size_t size;
	int mapped;		/* blob is a mapping (the cache's file, or the upload pool's) */
	int storing;		/* store runs: the cache copies blob */
	pthread_t store;
	struct ava_fatbin_wrapper wrap;
};

/* A registered variable; as for kernels, libcudart knows it by the address of key. */
struct avaw_var {
	char key;
	char *name;
};

/* The largest fat binary a guest may send (PyTorch's largest is far smaller). */
#define FATBIN_MAX (2ull << 30)
/* An upload worth a large ring and several copying threads a side. */
#define BIG_UPLOAD (16u << 20)

static void free_blob(void *blob, size_t size, int mapped)
{
	if (mapped)
		munmap(blob, size);
	else
		free(blob);
}

/*
 * The cache's copy, hashed and written beside the session: at the lowest
 * priority (its hashing threads inherit it), so that the program's next
 * calls (the first launch loads the module) keep the CPUs they need: no
 * one waits for the store.  At nice 10 it still cost a 200 MB lazy start
 * about 20 ms on 4 CPUs (docs/performance.md).
 */
static void *store_main(void *arg)
{
	struct avaw_fatbin *fb = arg;

	setpriority(PRIO_PROCESS, (id_t)gettid(), 19);
	avaw_fatbin_cache_put(fb->blob, fb->size);
	return NULL;
}

/* Registers size bytes at blob (owned from now on, freed on any failure). */
static cudaError_t register_blob(ava_fatbin_t *fatbin, void *blob, size_t size, int mapped)
{
	struct avaw_fatbin *fb;

	if (!fatbin || ava_cu_image_extent(blob, size) != size || ((const uint32_t *)blob)[0] != AVA_FATBIN_MAGIC) {
		free_blob(blob, size, mapped);
		return cudaErrorInvalidKernelImage;
	}
	if (!(fb = calloc(1, sizeof(*fb)))) {
		free_blob(blob, size, mapped);
		return cudaErrorMemoryAllocation;
	}
	fb->blob = blob;
	fb->size = size;
	fb->mapped = mapped;
	fb->wrap.magic = (int)AVA_FATBINC_MAGIC;
	fb->wrap.version = 1;
	fb->wrap.data = blob;
	fb->handle = RT.__cudaRegisterFatBinary(&fb->wrap);
	if (!fb->handle) {
		free_blob(blob, size, mapped);
		free(fb);
		return cudaErrorInvalidKernelImage;
	}
	*fatbin = (ava_fatbin_t)fb;
	return cudaSuccess;
}

cudaError_t avaw_rt_fatbin_cached(struct avaw_call *c, ava_fatbin_t *fatbin, const void *sha256, size_t size)
{
	void *p;

	if (!fatbin || size < 16 || size > FATBIN_MAX)
		return cudaErrorInvalidValue;
	p = avaw_fatbin_cache_get(sha256, size);
	if (!p) {
		/* the guest uploads it next: through a large ring, several threads a side */
		if (size >= BIG_UPLOAD)
			avaw_stream_want_big_ring(c);
		return cudaErrorFileNotFound;
	}
	return register_blob(fatbin, p, size, 1);
}

/*
 * Where a large upload's time went (AVA_WORKER_VERBOSE; docs/cuda.md):
 * the copy, into what, the copiers' wait for the guest (summed over the
 * threads; a copy bound by the guest's side waits most of its time), and
 * how far the prefault threads came before the copy was done.
 */
static void log_upload(struct avaw_call *c, int streamed, int pooled, size_t size, uint64_t t0, uint64_t t_copied,
		       size_t faulted, const struct avaw_prefault *pf)
{
	if (size < BIG_UPLOAD || !getenv("AVA_WORKER_VERBOSE"))
		return;
	avaw_log("fat binary upload: %zu MiB, copied in %.1f ms into %s (%s; copiers waited %.1f ms for the guest, "
		 "summed), the prefault threads ahead over %zu%% of it, joined %.1f ms after the copy", size >> 20,
		 (double)(t_copied - t0) / 1e6, pooled ? "the daemon's pool" : "new memory",
		 streamed ? "streamed" : "from the command or pinned pages",
		 (double)c->stream.waited_ns / 1e6, pf->n ? faulted * 100 / pf->n : 0,
		 (double)(ava_now_ns() - t_copied) / 1e6);
}

/*
 * The guest's bytes, copied: a streamed upload is pulled through the ring
 * (the guest's copiers fill it while this copies), else they came in the
 * command or, on the `kernel` transport, in its pinned pages.  Either way
 * the guest can no longer change what is validated and registered.  A
 * large one goes into the daemon's zeroed pool when this session has it.
 */
cudaError_t avaw_rt_fatbin_upload(struct avaw_call *c, ava_fatbin_t *fatbin, size_t size, const void *data)
{
	struct avaw_fatbin *fb;
	struct avaw_prefault pf;
	uint64_t t0 = ava_now_ns(), t_copied;
	size_t faulted;
	void *blob = NULL;
	cudaError_t r;
	int bad = 0, streamed = avaw_stream_active(c), pooled;

	/* this upload's ring is set: later streams go back to the session's own */
	avaw_stream_want_ring_back(c);
	/* a stream left unread is aborted after the call */
	if (!fatbin || size < 16 || size > FATBIN_MAX || (!data && !streamed))
		return cudaErrorInvalidValue;
	if (size >= BIG_UPLOAD)
		blob = avaw_upool_take(size);
	pooled = blob != NULL;
	if (!blob && !(blob = malloc(size)))
		return cudaErrorMemoryAllocation;
	/* the pool's pages are there: the threads only map them (or fault in those the kernel took back) */
	avaw_prefault_start(&pf, blob, size, avaw_copy_threads());
	if (!streamed)
		memcpy(blob, data, size);
	else
		bad = avaw_stream_in(c, blob, size);
	t_copied = ava_now_ns();
	faulted = avaw_prefault_end(&pf);
	log_upload(c, streamed, pooled, size, t0, t_copied, faulted, &pf);
	if (bad) {
		free_blob(blob, size, pooled);
		return cudaErrorInvalidValue;
	}
	r = register_blob(fatbin, blob, size, pooled);
	if (r != cudaSuccess)
		return r;
	/* the cache hashes and writes it while the session goes on */
	fb = (struct avaw_fatbin *)*fatbin;
	fb->storing = !pthread_create(&fb->store, NULL, store_main, fb);
	return cudaSuccess;
}

cudaError_t avaw_rt_register_fatbin_end(struct avaw_call *c, ava_fatbin_t fatbin)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;

	(void)c;
	if (!fb)
		return cudaErrorInvalidResourceHandle;
	if (RT.__cudaRegisterFatBinaryEnd)
		RT.__cudaRegisterFatBinaryEnd(fb->handle);
	return cudaSuccess;
}

int avaw_rt_fatbin_release(void *obj)
{
	struct avaw_fatbin *fb = obj;

	if (fb->storing)
		pthread_join(fb->store, NULL);
	if (RT.__cudaUnregisterFatBinary)
		RT.__cudaUnregisterFatBinary(fb->handle);
	free_blob(fb->blob, fb->size, fb->mapped);
	free(fb);
	return 0;
}

cudaError_t avaw_rt_register_function(struct avaw_call *c, ava_fatbin_t fatbin, cudaKernel_t *kfunc,
				       const char *name, int thread_limit)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;
	struct avaw_kfunc *k;

	(void)c;
	if (!fb || !kfunc || !name)
		return cudaErrorInvalidValue;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->name = strdup(name))) {
		free(k);
		return cudaErrorMemoryAllocation;
	}
	RT.__cudaRegisterFunction(fb->handle, &k->key, k->name, k->name, thread_limit, NULL, NULL, NULL, NULL, NULL);
	*kfunc = (cudaKernel_t)k;
	return cudaSuccess;
}

cudaError_t avaw_rt_register_var(struct avaw_call *c, ava_fatbin_t fatbin, ava_var_t *var, const char *name,
				  int ext, size_t size, int constant, int global)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;
	struct avaw_var *v;

	(void)c;
	if (!fb || !var || !name || size > (1ull << 40))
		return cudaErrorInvalidValue;
	v = calloc(1, sizeof(*v));
	if (!v || !(v->name = strdup(name))) {
		free(v);
		return cudaErrorMemoryAllocation;
	}
	RT.__cudaRegisterVar(fb->handle, &v->key, v->name, v->name, ext, size, constant, global);
	*var = (ava_var_t)v;
	return cudaSuccess;
}

cudaError_t avaw_rt_init_module(struct avaw_call *c, ava_fatbin_t fatbin, int *ok)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;

	(void)c;
	if (!fb || !ok)
		return cudaErrorInvalidValue;
	*ok = RT.__cudaInitModule ? RT.__cudaInitModule(fb->handle) : 0;
	return cudaSuccess;
}

cudaError_t avaw_rt_symbol_info(struct avaw_call *c, ava_var_t var, unsigned long long *addr, size_t *size)
{
	struct avaw_var *v = (struct avaw_var *)var;
	void *p = NULL;
	cudaError_t r;

	(void)c;
	if (!v)
		return cudaErrorInvalidSymbol;
	r = RT.cudaGetSymbolAddress(&p, &v->key);
	if (r == cudaSuccess)
		r = RT.cudaGetSymbolSize(size, &v->key);
	if (addr)
		*addr = (unsigned long long)(uintptr_t)p;
	return r;
}

/*
 * The runtime records the error of every call for cudaGetLastError, so the
 * worker asks the driver about a registered kernel (its CUkernel), never
 * libcudart with a call that may fail.
 */
cudaError_t avaw_rt_kernel(struct avaw_kfunc *k)
{
	if (!k->kernel && RT.__cudaGetKernel)
		return RT.__cudaGetKernel(&k->kernel, &k->key);
	return k->kernel ? cudaSuccess : cudaErrorInvalidDeviceFunction;
}
