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

/* The worker sends { magic, size } with the region's memfd attached. */
#define AVA_HOSTMEM_MAGIC 0x4d54534fu	/* "OSTM" */

static int recv_region_fd(uint64_t size)
{
	struct ava_session *s = &ava_sess;
	char cbuf[CMSG_SPACE(sizeof(int))];
	uint64_t msg[2];
	struct iovec iov = { msg, sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;
	int fd = -1;

	do {
		n = recvmsg(s->sock, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	} while (n < 0 && errno == EINTR);
	for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(&fd, CMSG_DATA(cm), sizeof(int));
	if (n != (ssize_t)sizeof(msg) || msg[0] != AVA_HOSTMEM_MAGIC || msg[1] < size) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

void *ava_cu_hostmem_map(struct ava_obj *hm, uint64_t size, unsigned int flags)
{
	uint64_t len = (size + 4095) & ~4095ull;
	struct region *r = malloc(sizeof(*r));
	int fd = recv_region_fd(len ? len : 4096);
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
	r->p = p;
	r->size = len ? len : 4096;
	r->flags = flags;
	r->obj = hm;
	pthread_mutex_lock(&region_lock);
	r->next = regions;
	regions = r;
	pthread_mutex_unlock(&region_lock);
	return p;
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
		if (q >= r->p && (uint64_t)(q - r->p) < r->size && n <= r->size - (uint64_t)(q - r->p)) {
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

struct ava_obj *ava_cu_hostmem_unmap(void *p)
{
	struct region **pp, *r = NULL;
	struct ava_obj *o = NULL;

	pthread_mutex_lock(&region_lock);
	for (pp = &regions; *pp; pp = &(*pp)->next) {
		if ((*pp)->p == p) {
			r = *pp;
			*pp = r->next;
			break;
		}
	}
	pthread_mutex_unlock(&region_lock);
	if (r) {
		o = r->obj;
		munmap(r->p, r->size);
		free(r);
	}
	return o;
}

uint64_t ava_cu_chunk(void)
{
	uint64_t a = ava_sess.m.arena_size;

	/* a quarter of the arena, at most 32 MiB: the next chunk is copied in
	 * while the worker moves the previous one */
	a /= 4;
	if (a > (32u << 20))
		a = 32u << 20;
	if (a < (1u << 20))
		a = 1u << 20;
	return a;
}

/* ------------------------------------------------------------------ kernel parameters */

struct ava_cu_finfo *ava_cu_finfo_of(const void *fn)
{
	struct ava_obj *o = ava_obj_check(fn, 0);

	return o ? o->host_ptr : NULL;
}

int ava_cu_finfo_set(const void *fn, const unsigned long long *info, size_t bytes)
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
	/* objects of functions are never freed: the layout stays with them
	 * (the first one stored wins when two threads race) */
	if (!__sync_bool_compare_and_swap(&o->host_ptr, NULL, fi))
		free(fi);
	return 0;
}

static void kparams_fail(struct ava_call *c)
{
	if (!c->failed) {
		c->failed = 1;
		c->fail_status = AVA_S_MALFORMED;
	}
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
		kparams_fail(c);
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
		kparams_fail(c);
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
		kparams_fail(c);
		return;
	}
	ava_put_data(c, buf, *bsize);
}

void ava_cudart_kparams_put(struct ava_call *c, void **params, const void *kernel)
{
	struct ava_cu_finfo *fi = ava_cu_finfo_of(kernel);

	if (!fi) {
		kparams_fail(c);
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
