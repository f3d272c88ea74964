// SPDX-License-Identifier: MIT
/*
 * Guest runtime shared by the CUDA shims: special stream handles, the
 * device-allocation tracker, pinned memory shared with the worker, kernel
 * parameter layouts and the error-text cache.  Linked into libcuda.so.1 and
 * exported (ava_*) for libcudart.so.13.
 */
#include "cuda_guest_rt.h"

#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest_session.h"
#include "hmap.h"

/* Tells a process (and the worker) that this libcuda.so.1 is AvA's shim. */
AVA_EXPORT const char ava_cuda_shim[] = "AvA CUDA driver API shim";

uint64_t ava_cu_stream_id(const void *p, uint32_t type)
{
	uintptr_t v = (uintptr_t)p;

	if (v == 0)
		return 0;
	if (v <= AVA_CU_SPECIAL_MAX)
		return AVA_CU_SPECIAL_ID(v);
	return ava_obj_id(p, type);
}

/* ------------------------------------------------------------------ device memory */

struct range {
	uint64_t base, size;
};

static pthread_mutex_t track_lock = PTHREAD_MUTEX_INITIALIZER;
static struct range *ranges;	/* sorted by base */
static size_t nranges, cap_ranges;

static size_t range_pos(uint64_t ptr)
{
	size_t lo = 0, hi = nranges;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (ranges[mid].base <= ptr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;	/* first range with base > ptr */
}

void ava_cu_track_add(int ret, uint64_t ptr, uint64_t size)
{
	size_t i;

	if (ret != 0 || !ptr)
		return;
	pthread_mutex_lock(&track_lock);
	if (nranges == cap_ranges) {
		size_t nc = cap_ranges ? cap_ranges * 2 : 64;
		struct range *r = realloc(ranges, nc * sizeof(*r));

		if (!r) {
			pthread_mutex_unlock(&track_lock);
			return;
		}
		ranges = r;
		cap_ranges = nc;
	}
	i = range_pos(ptr);
	if (i > 0 && ranges[i - 1].base == ptr) {
		ranges[i - 1].size = size ? size : 1;
	} else {
		memmove(&ranges[i + 1], &ranges[i], (nranges - i) * sizeof(*ranges));
		ranges[i].base = ptr;
		ranges[i].size = size ? size : 1;
		nranges++;
	}
	pthread_mutex_unlock(&track_lock);
}

void ava_cu_track_del(int ret, uint64_t ptr)
{
	size_t i;

	if (ret != 0 || !ptr)
		return;
	pthread_mutex_lock(&track_lock);
	i = range_pos(ptr);
	if (i > 0 && ranges[i - 1].base == ptr) {
		memmove(&ranges[i - 1], &ranges[i], (nranges - i) * sizeof(*ranges));
		nranges--;
	}
	pthread_mutex_unlock(&track_lock);
}

int ava_cu_is_device(uint64_t ptr)
{
	size_t i;
	int dev = 0;

	pthread_mutex_lock(&track_lock);
	i = range_pos(ptr);
	if (i > 0 && ptr - ranges[i - 1].base < ranges[i - 1].size)
		dev = 1;
	pthread_mutex_unlock(&track_lock);
	return dev;
}

/* ------------------------------------------------------------------ pinned host memory */

struct region {
	uint8_t *p;
	uint64_t size;
	unsigned int flags;
	struct ava_obj *obj;
	struct region *next;
};

static pthread_mutex_t region_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t alloc_lock = PTHREAD_MUTEX_INITIALIZER;
static struct region *regions;

void ava_cu_hostmem_lock(void)
{
	pthread_mutex_lock(&alloc_lock);
}

void ava_cu_hostmem_unlock(void)
{
	pthread_mutex_unlock(&alloc_lock);
}

/*
 * Asks the worker for the memory of pinned region hm (AVA_CTL_SHARE_MEM):
 * before its reply, the worker sends struct ava_shared_mem with the
 * region's memfd on the session socket.  Returns the fd, or -1.
 */
static int recv_region_fd(const struct ava_obj *hm, uint64_t size)
{
	struct ava_shared_mem msg;
	struct ava_call c;
	ssize_t n = -1;
	int fd = -1;

	if (ava_call_begin(&c, AVA_API_CONTROL, AVA_CTL_SHARE_MEM, 0))
		return -1;
	ava_put_u64(&c, hm->api);
	ava_put_u64(&c, hm->id);
	if (ava_call_exchange(&c) == AVA_S_OK)
		n = ava_session_recv_fd(&msg, sizeof(msg), &fd);
	ava_call_end(&c);
	if (fd >= 0 && (n != (ssize_t)sizeof(msg) || msg.handle != hm->id || msg.size < size)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Records a pinned region so that copies can find it. */
static void *region_add(struct region *r, void *p, uint64_t size, unsigned int flags, struct ava_obj *obj)
{
	r->p = p;
	r->size = size;
	r->flags = flags;
	r->obj = obj;
	pthread_mutex_lock(&region_lock);
	r->next = regions;
	regions = r;
	pthread_mutex_unlock(&region_lock);
	return p;
}

void *ava_cu_hostmem_map(struct ava_obj *hm, uint64_t size, unsigned int flags)
{
	uint64_t len = (size + 4095) & ~4095ull;
	struct region *r = malloc(sizeof(*r));
	int fd = recv_region_fd(hm, len ? len : 4096);
	void *p;

	if (fd < 0 || !r) {
		ava_log("pinned memory: the worker's region did not arrive");
		if (fd >= 0)
			close(fd);
		free(r);
		return NULL;
	}
	p = mmap(NULL, len ? len : 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED) {
		free(r);
		return NULL;
	}
	return region_add(r, p, len ? len : 4096, flags, hm);
}

struct ava_obj *ava_cu_hostmem_find(const void *p, uint64_t n, uint64_t *off)
{
	const uint8_t *q = p;
	struct region *r;
	struct ava_obj *o = NULL;

	if (!regions || !p)
		return NULL;
	pthread_mutex_lock(&region_lock);
	for (r = regions; r; r = r->next) {
		if (r->obj && q >= r->p && (uint64_t)(q - r->p) < r->size && n <= r->size - (uint64_t)(q - r->p)) {
			*off = (uint64_t)(q - r->p);
			o = r->obj;
			break;
		}
	}
	pthread_mutex_unlock(&region_lock);
	return o;
}

int ava_cu_hostmem_flags(const void *p, unsigned int *flags)
{
	struct region *r;
	int found = 0;

	pthread_mutex_lock(&region_lock);
	for (r = regions; r; r = r->next) {
		if ((const uint8_t *)p >= r->p && (uint64_t)((const uint8_t *)p - r->p) < r->size) {
			*flags = r->flags;
			found = 1;
			break;
		}
	}
	pthread_mutex_unlock(&region_lock);
	return found;
}

/* Memory for a pinned allocation the worker cannot share (the `kernel`
 * transport has no session socket to pass it): local, page-aligned memory
 * whose copies take the pageable path. */
void *ava_cu_hostmem_local(uint64_t size, unsigned int flags)
{
	struct region *r = malloc(sizeof(*r));
	void *p = NULL;

	if (!r || posix_memalign(&p, 4096, size ? size : 1)) {
		free(r);
		return NULL;
	}
	ava_log("pinned memory is not shared with the worker on this transport: copies go through the arena");
	return region_add(r, p, size, flags, NULL);
}

int ava_cu_hostmem_unmap(void *p, struct ava_obj **obj)
{
	struct region **pp, *r = NULL;

	pthread_mutex_lock(&region_lock);
	for (pp = &regions; *pp; pp = &(*pp)->next) {
		if ((*pp)->p == p) {
			r = *pp;
			*pp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&region_lock);
	if (!r)
		return -1;
	*obj = r->obj;
	if (r->obj)
		munmap(r->p, r->size);
	else
		free(r->p);
	free(r);
	return 0;
}

/* Bytes per chunk of an n-byte pageable host-to-device copy. */
static uint64_t h2d_chunk(uint64_t n)
{
	uint64_t c = n / 4, max = ava_cu_chunk();

	/* mid-sized copies in four pieces, so that copying a piece into the
	 * arena overlaps the worker's DMA of the previous one */
	if (c < (256u << 10))
		c = 256u << 10;
	return c < max ? c : max;
}

/*
 * Chunks of pageable copies: 8 MiB (a sweep of 1 to 32 MiB on an H100
 * host changed little; the guest's copy through shared memory is what
 * bounds them).  AVA_CUDA_CHUNK_KB overrides (for measurements).
 */
uint64_t ava_cu_chunk(void)
{
	static uint64_t chunk;
	uint64_t a = ava_sess.m.arena_size / 4;

	if (!chunk) {
		const char *e = getenv("AVA_CUDA_CHUNK_KB");
		uint64_t c = e ? strtoull(e, NULL, 10) << 10 : 0;

		chunk = c >= (64u << 10) ? c : 8u << 20;
	}
	return a && chunk > a ? a : chunk;
}

/*
 * Pageable copies cost the guest one memcpy through shared memory; one
 * thread copies at a fraction of the memory bandwidth, so large ones are
 * split over a few helper threads (started on first use, again after a
 * fork).  AVA_CUDA_COPY_THREADS sets their number (0: none).
 */
#define COPY_MIN (4u << 20)
#define COPY_MAX_THREADS 8

struct copy_part {
	uint8_t *d;
	const uint8_t *s;
	size_t n;
};

static pthread_mutex_t copy_serial = PTHREAD_MUTEX_INITIALIZER;	/* one parallel copy at a time */
static pthread_mutex_t copy_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t copy_go = PTHREAD_COND_INITIALIZER, copy_done = PTHREAD_COND_INITIALIZER;
static struct copy_part copy_parts[COPY_MAX_THREADS];
static unsigned copy_gen, copy_pending, copy_threads;
static unsigned copy_start_gen[COPY_MAX_THREADS];	/* copy_gen when each thread was made */
static pid_t copy_pid;

static void *copy_main(void *arg)
{
	unsigned idx = (unsigned)(uintptr_t)arg, seen;

	pthread_mutex_lock(&copy_lock);
	seen = copy_start_gen[idx];
	for (;;) {
		while (copy_gen == seen)
			pthread_cond_wait(&copy_go, &copy_lock);
		seen = copy_gen;
		struct copy_part p = copy_parts[idx];

		pthread_mutex_unlock(&copy_lock);
		if (p.n)
			memcpy(p.d, p.s, p.n);
		pthread_mutex_lock(&copy_lock);
		if (--copy_pending == 0)
			pthread_cond_signal(&copy_done);
	}
	return NULL;
}

/* A child forked during a parallel copy starts with fresh locks and no threads. */
static void copy_after_fork(void)
{
	pthread_mutex_init(&copy_serial, NULL);
	pthread_mutex_init(&copy_lock, NULL);
	pthread_cond_init(&copy_go, NULL);
	pthread_cond_init(&copy_done, NULL);
	copy_pending = 0;
	copy_threads = 0;
	copy_pid = 0;
}

static unsigned copy_pool(void)
{
	static int want = -1;
	unsigned i;

	if (want < 0) {
		pthread_atfork(NULL, NULL, copy_after_fork);
		const char *e = getenv("AVA_CUDA_COPY_THREADS");

		want = e ? atoi(e) : 3;
		if (want < 0)
			want = 0;
		if (want > COPY_MAX_THREADS)
			want = COPY_MAX_THREADS;
	}
	if (copy_pid != getpid()) {	/* none yet, or a forked child: start them */
		pthread_attr_t at;
		pthread_t th;

		copy_pid = getpid();
		copy_threads = 0;
		pthread_attr_init(&at);
		pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
		pthread_mutex_lock(&copy_lock);
		for (i = 0; i < (unsigned)want; i++) {
			copy_start_gen[i] = copy_gen;
			if (pthread_create(&th, &at, copy_main, (void *)(uintptr_t)i))
				break;
			copy_threads++;
		}
		pthread_mutex_unlock(&copy_lock);
		pthread_attr_destroy(&at);
	}
	return copy_threads;
}

void ava_cu_memcpy(void *dst, const void *src, size_t n)
{
	unsigned t, i;
	size_t part, off = 0;

	if (n < COPY_MIN) {
		memcpy(dst, src, n);
		return;
	}
	pthread_mutex_lock(&copy_serial);
	t = copy_pool();
	if (!t) {
		pthread_mutex_unlock(&copy_serial);
		memcpy(dst, src, n);
		return;
	}
	part = (n / (t + 1) + 4095) & ~(size_t)4095;
	pthread_mutex_lock(&copy_lock);
	for (i = 0; i < t; i++) {
		size_t len = off + part <= n ? part : n - off;

		copy_parts[i].d = (uint8_t *)dst + off;
		copy_parts[i].s = (const uint8_t *)src + off;
		copy_parts[i].n = len;
		off += len;
	}
	copy_pending = t;
	copy_gen++;
	pthread_cond_broadcast(&copy_go);
	pthread_mutex_unlock(&copy_lock);
	memcpy((uint8_t *)dst + off, (const uint8_t *)src + off, n - off);	/* the last part here */
	pthread_mutex_lock(&copy_lock);
	while (copy_pending)
		pthread_cond_wait(&copy_done, &copy_lock);
	pthread_mutex_unlock(&copy_lock);
	pthread_mutex_unlock(&copy_serial);
}

/* One chunk of htod_pageable; sent without waiting when flags has AVA_CU_CP_NOWAIT. */
static int htod_chunk(uint32_t api, uint32_t func, uint64_t dst, const void *src, uint64_t n, uint64_t stream_id,
		      int flags, int64_t *ret)
{
	struct ava_call c;
	void *p;
	int st;

	*ret = 0;
	if (ava_call_begin(&c, api, func, (flags & AVA_CU_CP_NOWAIT) != 0))
		return AVA_S_MALFORMED;
	ava_put_u64(&c, dst);
	if (!src)
		ava_put_u64(&c, 0);
	else if ((p = ava_put_reserve(&c, n)) && n)
		ava_cu_memcpy(p, src, n);
	ava_put_u64(&c, n);
	ava_put_u64(&c, stream_id);
	ava_put_u64(&c, (uint64_t)flags);
	st = ava_call_exchange(&c);
	if (st == AVA_S_OK && !ava_call_is_async(&c))
		*ret = (int64_t)ava_get_u64(&c);
	ava_call_end(&c);
	return st;
}

/*
 * A pageable host-to-device copy (func: avaCuMemcpyHtoD or avaRtMemcpyHtoD,
 * same layout) in chunks, each one's data copied straight into the command
 * or the arena.  A stream-ordered copy (stream_api) never waits; a plain
 * one waits for its last chunk.  Returns the transport status of the chunk
 * that failed, or AVA_S_OK; *ret the API's result (0 = success).
 */
static int htod_pageable(uint32_t api, uint32_t func, uint64_t dst, const void *src, uint64_t n,
			 uint64_t stream_id, int stream_api, int64_t *ret)
{
	uint64_t chunk = h2d_chunk(n), done = 0;
	int base = stream_api ? AVA_CU_CP_STREAM : 0;

	for (;;) {
		uint64_t part = n - done < chunk ? n - done : chunk;
		int last = done + part >= n;
		int ts = htod_chunk(api, func, dst + done, src ? (const uint8_t *)src + done : NULL, part, stream_id,
				    base | (last && !stream_api ? 0 : AVA_CU_CP_NOWAIT), ret);

		if (ts != AVA_S_OK || *ret != 0 || last)
			return ts;
		done += part;
	}
}

/* The session's staging region: two halves of ava_cu_chunk() bytes. */
static pthread_mutex_t staging_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_obj *staging;
static uint8_t *staging_p;
static int staging_failed;

static struct ava_obj *staging_get(uint64_t half)
{
	ava_hostmem_t hm = NULL;
	CUresult r;

	pthread_mutex_lock(&staging_lock);
	if (!staging && !staging_failed) {
		ava_cu_hostmem_lock();
		r = avagen_avaCuHostAlloc(&hm, 2 * half, 0);
		if (r == CUDA_SUCCESS && (staging_p = ava_cu_hostmem_map((struct ava_obj *)hm, 2 * half, 0)))
			staging = (struct ava_obj *)hm;
		else if (hm)
			ava_obj_release(hm, AVA_HT_CUDA_hostmem);
		ava_cu_hostmem_unlock();
		/* no context yet: try again on a later copy; no sharing on this
		 * transport, or the mapping failed: never */
		staging_failed = !staging && (hm || r == CUDA_ERROR_NOT_SUPPORTED);
	}
	pthread_mutex_unlock(&staging_lock);
	return staging;
}

/*
 * A large device-to-host copy into pageable memory through the staging
 * region: the worker fills one half while the guest copies the other out.
 * Returns the API status, or -1 when no staging region could be made.
 */
static int dtoh_staged(const struct ava_cu_api *a, void *dst, uint64_t src, uint64_t n, CUstream st, int flags)
{
	uint64_t half = ava_cu_chunk(), done = 0, len, prev_len = 0, prev_off = 0;
	struct ava_obj *hm = staging_get(half);
	int k = 0, r, have_prev = 0;

	if (!hm)
		return -1;
	/* one caller at a time owns the region */
	pthread_mutex_lock(&staging_lock);
	while (done < n || have_prev) {
		len = 0;
		if (done < n) {
			len = n - done < half ? n - done : half;
			if (a->stage_dtoh(hm, (uint64_t)(k & 1) * half, src + done, len, st, flags)) {
				r = a->err_no_device;
				goto out;
			}
		}
		if (have_prev)
			ava_cu_memcpy((uint8_t *)dst + prev_off, staging_p + (uint64_t)((k - 1) & 1) * half, prev_len);
		have_prev = 0;
		if (len) {
			if ((r = a->sync()) != 0)	/* the worker has filled half k & 1 */
				goto out;
			have_prev = 1;
			prev_len = len;
			prev_off = done;
			done += len;
			k++;
		}
	}
	r = 0;
out:
	pthread_mutex_unlock(&staging_lock);
	return r;
}

int ava_cu_host_alloc(const struct ava_cu_api *a, void **pp, size_t size, unsigned int flags)
{
	ava_hostmem_t hm = NULL;
	void *p = NULL;
	int r;

	ava_cu_hostmem_lock();
	r = a->host_alloc(&hm, size, flags);
	if (r == 0 && !(p = ava_cu_hostmem_map((struct ava_obj *)hm, size, flags))) {
		ava_obj_release(hm, AVA_HT_CUDA_hostmem);
		r = a->err_not_supported;
	}
	/* the worker cannot share memory on this transport: local memory */
	if (r == a->err_not_supported)
		r = (p = ava_cu_hostmem_local(size, flags)) ? 0 : a->err_no_memory;
	ava_cu_hostmem_unlock();
	*pp = p;
	return r;
}

int ava_cu_copy_htod(const struct ava_cu_api *a, uint64_t dst, const void *src, uint64_t n, CUstream st,
		     int stream_api)
{
	uint64_t off = 0;
	struct ava_obj *hm = src ? ava_cu_hostmem_find(src, n, &off) : NULL;
	int64_t ret = 0;
	int ts;

	if (hm)
		return a->hostmem(dst, hm, off, n, 1, st, stream_api ? AVA_CU_CP_STREAM : 0);
	ts = htod_pageable(a->api, a->htod_fn, dst, src, n, ava_cu_stream_id(st, AVA_HT_CUDA_stream), stream_api, &ret);
	if (ts != AVA_S_OK)
		return (int)ava_status_error(ts, a->err_no_device, a->err_no_memory, a->err_not_supported);
	return (int)ret;
}

int ava_cu_copy_dtoh(const struct ava_cu_api *a, void *dst, uint64_t src, uint64_t n, CUstream st,
		     int stream_api)
{
	uint64_t off = 0, chunk = ava_cu_chunk(), done = 0;
	struct ava_obj *hm = dst ? ava_cu_hostmem_find(dst, n, &off) : NULL;
	int flags = stream_api ? AVA_CU_CP_STREAM : 0;
	int r;

	if (hm)
		return a->hostmem(src, hm, off, n, 0, st, flags);
	if (dst && n > chunk && (r = dtoh_staged(a, dst, src, n, st, flags)) >= 0)
		return r;
	for (;;) {
		uint64_t part = n - done < chunk ? n - done : chunk;

		r = a->dtoh(dst ? (uint8_t *)dst + done : NULL, src + done, part, st, flags);
		if (r != 0 || done + part >= n)
			return r;
		done += part;
	}
}

/* ------------------------------------------------------------------ kernel parameters */

struct ava_cu_finfo *ava_cu_finfo_of(const void *fn)
{
	struct ava_obj *o = ava_obj_check(fn, 0);

	return o ? (struct ava_cu_finfo *)ava_obj_part(o) : NULL;
}

/* Stores info (AVA_CU_PARAM_INFO_WORDS layout, bytes long) with fn's object. */
static int finfo_set(const void *fn, const unsigned long long *info, size_t bytes)
{
	struct ava_obj *o = ava_obj_check(fn, 0);
	struct ava_cu_finfo *fi;
	uint64_t n, i;

	if (!o || bytes < 16)
		return -1;
	n = info[0];
	if (n > AVA_CU_MAX_PARAMS || bytes < (2 + 2 * n) * 8)
		return -1;
	fi = calloc(1, sizeof(*fi) + 2 * (n ? n : 1) * sizeof(uint64_t));
	if (!fi)
		return -1;
	fi->part.free = ava_obj_part_free;
	fi->n = (uint32_t)n;
	fi->total = info[1];
	fi->off = (uint64_t *)(fi + 1);
	fi->size = fi->off + (n ? n : 1);
	for (i = 0; i < n; i++) {
		fi->off[i] = info[2 + 2 * i];
		fi->size[i] = info[3 + 2 * i];
		if (fi->off[i] > fi->total || fi->size[i] > fi->total - fi->off[i]) {
			free(fi);
			return -1;
		}
	}
	/* the layout stays with the object (the first one stored wins when
	 * two threads race) */
	if (ava_obj_attach(o, &fi->part))
		free(fi);
	return 0;
}

int ava_cu_func_ready(const struct ava_cu_api *a, void *fn)
{
	unsigned long long *info;
	size_t bytes = 0;
	int r;

	if (ava_cu_finfo_of(fn))
		return 0;
	if (!ava_obj_check(fn, a->func_type))
		return a->err_bad_func;
	info = malloc(AVA_CU_PARAM_INFO_WORDS * sizeof(*info));
	if (!info)
		return a->err_no_memory;
	r = a->func_params(fn, AVA_CU_PARAM_INFO_WORDS, info, &bytes);
	if (r == 0 && finfo_set(fn, info, bytes))
		r = a->err_bad_params;
	free(info);
	return r;
}

/* n, then the packed parameter buffer as one data item. */
static void put_packed(struct ava_call *c, struct ava_cu_finfo *fi, void **params)
{
	uint8_t *dst;
	uint32_t i;

	ava_put_u64(c, fi->n);
	if (!fi->n) {
		ava_put_u64(c, 0);
		return;
	}
	if (!params) {
		ava_call_fail(c, AVA_S_MALFORMED);
		return;
	}
	dst = ava_put_reserve(c, fi->total);
	if (!dst)
		return;
	memset(dst, 0, fi->total);
	for (i = 0; i < fi->n; i++)
		if (params[i])
			memcpy(dst + fi->off[i], params[i], fi->size[i]);
}

void ava_cu_kparams_put(struct ava_call *c, void **params, const void *fn, void **extra)
{
	struct ava_cu_finfo *fi = ava_cu_finfo_of(fn);
	void *buf = NULL;
	size_t *bsize = NULL;
	unsigned i;

	if (!fi) {
		ava_call_fail(c, AVA_S_MALFORMED);
		return;
	}
	if (params || !extra) {
		put_packed(c, fi, params);
		return;
	}
	/* CU_LAUNCH_PARAM_BUFFER_POINTER / _SIZE: the packed buffer itself */
	for (i = 0; i < 64 && extra[i] != CU_LAUNCH_PARAM_END; i += 2) {
		if (extra[i] == CU_LAUNCH_PARAM_BUFFER_POINTER)
			buf = extra[i + 1];
		else if (extra[i] == CU_LAUNCH_PARAM_BUFFER_SIZE)
			bsize = extra[i + 1];
	}
	ava_put_u64(c, fi->n);
	if (!buf || !bsize) {
		ava_call_fail(c, AVA_S_MALFORMED);
		return;
	}
	ava_put_data(c, buf, *bsize);
}

void ava_cudart_kparams_put(struct ava_call *c, void **params, const void *kernel)
{
	struct ava_cu_finfo *fi = ava_cu_finfo_of(kernel);

	if (!fi) {
		ava_call_fail(c, AVA_S_MALFORMED);
		return;
	}
	put_packed(c, fi, params);
}

/* ------------------------------------------------------------------ error texts */

static pthread_mutex_t text_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_hmap texts;

const char *ava_cu_text(uint32_t api, int err, int which, int (*fetch)(int err, int which, char *buf))
{
	uint64_t key = ((uint64_t)api << 40) | ((uint64_t)(which & 1) << 32) | (uint32_t)err;
	char buf[AVA_CU_TEXT_MAX];
	char *s;

	pthread_mutex_lock(&text_lock);
	s = ava_hmap_get(&texts, key);
	pthread_mutex_unlock(&text_lock);
	if (s)
		return s;
	memset(buf, 0, sizeof(buf));
	if (fetch(err, which, buf) != 0)
		return NULL;
	buf[sizeof(buf) - 1] = 0;
	s = strdup(buf);
	if (!s)
		return NULL;
	pthread_mutex_lock(&text_lock);
	if (ava_hmap_get(&texts, key) || ava_hmap_put(&texts, key, s)) {
		free(s);
		s = ava_hmap_get(&texts, key);
	}
	pthread_mutex_unlock(&text_lock);
	return s;
}
