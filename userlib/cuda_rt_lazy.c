// SPDX-License-Identifier: MIT
/*
 * Lazy registration.  nvcc's host code registers every fat binary, kernel
 * and device variable of a program or library when it is loaded (PyTorch:
 * hundreds of MB), most of which a run never uses.  So registration only
 * records (pointers into the loaded image); the first lookup of one of a
 * fat binary's kernels or variables (a launch, an attribute or occupancy
 * query, a symbol copy, a graph node, ...) sends that fat binary with all
 * its kernels and variables to this session's worker, and publishes their
 * objects.  Before the bytes, the guest sends their content hash
 * (common/content_hash.h, its pieces hashed on several threads): the
 * worker answers from its content cache (worker/cuda_fatbin_cache.c) when
 * it holds them, and only otherwise are they sent, in one call (streamed).
 * What is hashed and sent is the part of the fat binary that this
 * machine's GPUs load (cuda_fatbin_select.h): one target of the many a
 * library carries.
 *
 * A large fat binary (AVA_PREHASH_MB, default 32) is hashed early: when
 * the session opens, its first call asks the GPUs' architectures, and a
 * thread of the guest chooses and hashes while the worker serves the
 * program's first calls (creating the context takes about as long as
 * hashing 200 MB).  Nothing travels before a first use.
 *
 * A forked child opens a session of its own, in which nothing has been
 * sent: the fork handler forgets what was, and the child's lookups send
 * again.  Two threads first using kernels of one fat binary wait for one
 * sending (the fat binary's lock).
 */
#include "cuda_rt_lazy.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "cuda_fatbin_select.h"
#include "guest_session.h"
#include "guest_stream.h"
#include "hmap.h"
#include "content_hash.h"

/* Fat binaries of this many MiB or more are hashed when the session opens. */
#define PREHASH_MB_DEFAULT 32

struct lazy_entry {
	struct lazy_fb *owner;
	struct lazy_entry *next;
	const void *host;
	const char *name;
	uint64_t size;		/* a variable's */
	int var, a, b, c;	/* a: the kernel's thread limit or the variable's ext; b, c: constant, global */
	void *obj;		/* this session's kernel or variable, once sent */
};

struct lazy_fb {
	pthread_mutex_t lock;	/* sending, entries, state */
	const void *data;	/* as registered */
	uint64_t size;
	void *sel;		/* the entries this machine's GPUs load, once chosen (NULL: all) */
	uint64_t sel_size;
	int chosen;
	int keyed;		/* key holds the content hash of what is sent */
	uint8_t key[AVA_CONTENT_HASH_LEN];
	int state;		/* 0 not sent in this session, 1 sent, -1 failed */
	int ended;
	ava_fatbin_t fb;	/* this session's, once sent */
	struct lazy_entry *first, **tail;
	struct lazy_fb *next, *prev;
};

static pthread_mutex_t reg_lock = PTHREAD_MUTEX_INITIALIZER;	/* the maps and the list */
static struct ava_hmap host_funcs, host_vars;	/* host address -> struct lazy_entry */
static struct lazy_fb *all;

static uint64_t prehash_from = UINT64_MAX;	/* set once, by install */

/* for AVA_STATS and AVA_TRACE */
static unsigned long n_registered, n_sent, n_hits, n_uploaded, n_early;
static unsigned long long bytes_uploaded, bytes_left_out;
/* where the first uses' time went, in µs: choosing, hashing, the cache query, uploading, the entries;
 * and, beside them, the early hashes' and the upload's copiers' waits for the worker (summed) */
enum { T_SELECT, T_HASH, T_QUERY, T_UPLOAD, T_ENTRIES, T_EARLY, T_UPLOAD_WAIT, T_N };
static unsigned long long us_spent[T_N];

static void print_stats(void)
{
	fprintf(stderr, "ava: fat binaries: %lu registered, %lu sent (%lu found in the worker's cache, "
		"%lu uploaded, %llu bytes; %llu bytes of targets for other GPUs left out)\n", n_registered, n_sent,
		n_hits, n_uploaded, bytes_uploaded, bytes_left_out);
	if (n_sent)
		fprintf(stderr, "ava: fat binaries' first uses, µs: %llu choosing entries, %llu hashing, %llu asking "
			"the cache, %llu uploading (its copiers waited %llu for the worker, summed), %llu registering "
			"kernels and variables\n", us_spent[T_SELECT], us_spent[T_HASH], us_spent[T_QUERY],
			us_spent[T_UPLOAD], us_spent[T_UPLOAD_WAIT], us_spent[T_ENTRIES]);
	if (n_early)
		fprintf(stderr, "ava: fat binaries hashed early: %lu, in %llu µs beside the program\n", n_early,
			us_spent[T_EARLY]);
}

static uint64_t now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000u + (uint64_t)t.tv_nsec / 1000u;
}

/* Adds the time since *t to phase i and restarts *t. */
static void spent(int i, uint64_t *t)
{
	uint64_t n = now_us();

	__atomic_fetch_add(&us_spent[i], n - *t, __ATOMIC_RELAXED);
	*t = n;
}

static void count(unsigned long *c, unsigned long n)
{
	__atomic_fetch_add(c, n, __ATOMIC_RELAXED);
}

/* ------------------------------------------------------------------ sending */

static void send_entry(struct lazy_fb *f, struct lazy_entry *e)
{
	void *obj = NULL;
	cudaError_t r;

	if (e->var)
		r = avagen_avaRtRegisterVar(f->fb, (ava_var_t *)&obj, e->name, e->a, e->size, e->b, e->c);
	else
		r = avagen_avaRtRegisterFunction(f->fb, (cudaKernel_t *)&obj, e->name, e->a);
	if (r == cudaSuccess)
		__atomic_store_n(&e->obj, obj, __ATOMIC_RELEASE);
}

#define MAX_GPUS 16

static __thread int asking;	/* this thread is in gpu_archs */

/*
 * The compute capabilities (major * 10 + minor) of this machine's GPUs
 * (at most MAX_GPUS), asked once; archs has room for MAX_GPUS.
 */
static unsigned gpu_archs(int *archs)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	static int known[MAX_GPUS];
	static unsigned n, asked;
	int count = 0, major, minor, d;

	pthread_mutex_lock(&lock);
	asking = 1;
	if (!asked && cudaGetDeviceCount(&count) == cudaSuccess) {
		for (n = 0, d = 0; d < count && n < MAX_GPUS; d++)
			if (cudaDeviceGetAttribute(&major, cudaDevAttrComputeCapabilityMajor, d) == cudaSuccess &&
			    cudaDeviceGetAttribute(&minor, cudaDevAttrComputeCapabilityMinor, d) == cudaSuccess)
				known[n++] = major * 10 + minor;
		/* a failed query is asked again next time (n counts from 0 again) */
		asked = n == (unsigned)(count < MAX_GPUS ? count : MAX_GPUS);
	}
	memcpy(archs, known, n * sizeof(*archs));
	asking = 0;
	pthread_mutex_unlock(&lock);
	return n;
}

/* What of f is sent: the entries the GPUs load, or all of it; f->lock held. */
static const void *sent_part(struct lazy_fb *f, uint64_t *size)
{
	int archs[MAX_GPUS];
	unsigned n;

	if (!f->chosen && (n = gpu_archs(archs))) {
		f->sel = ava_fatbin_select(f->data, f->size, archs, n, &f->sel_size);
		f->chosen = 1;
		f->keyed = 0;	/* a key of the whole, if any, is not this part's */
	}
	*size = f->sel ? f->sel_size : f->size;
	return f->sel ? f->sel : f->data;
}

/* f's content hash in f->key; f->lock held. */
static void key(struct lazy_fb *f, const void *p, uint64_t size)
{
	if (!f->keyed)
		ava_content_hash(p, size, f->key);
	f->keyed = 1;
}

/* One call: on the `local` transport its bytes stream through the arena's
 * ring, copied by the guest's and the worker's threads at once. */
static cudaError_t upload(struct lazy_fb *f, const uint8_t *p, uint64_t size)
{
	uint64_t waited = ava_stream_waited_ns();
	cudaError_t r = avagen_avaRtFatbinUpload(&f->fb, size, p);

	__atomic_fetch_add(&us_spent[T_UPLOAD_WAIT], (ava_stream_waited_ns() - waited) / 1000, __ATOMIC_RELAXED);

	if (r == cudaSuccess) {
		count(&n_uploaded, 1);
		__atomic_fetch_add(&bytes_uploaded, size, __ATOMIC_RELAXED);
	}
	return r;
}

/* The fat binary to this session's worker, from its cache or uploaded; f->lock held. */
static int send_fatbin(struct lazy_fb *f)
{
	struct lazy_entry *e;
	uint64_t size, t = now_us();
	const void *p = sent_part(f, &size);
	cudaError_t r;

	if (f->sel)
		__atomic_fetch_add(&bytes_left_out, f->size - f->sel_size, __ATOMIC_RELAXED);
	spent(T_SELECT, &t);
	key(f, p, size);
	spent(T_HASH, &t);
	r = avagen_avaRtFatbinCached(&f->fb, f->key, size);
	spent(T_QUERY, &t);
	if (r == cudaSuccess)
		count(&n_hits, 1);
	else if (r == cudaErrorFileNotFound)
		r = upload(f, p, size);
	spent(T_UPLOAD, &t);
	if (r != cudaSuccess)
		return -1;
	count(&n_sent, 1);
	for (e = f->first; e; e = e->next)
		send_entry(f, e);
	if (f->ended)
		avagen_avaRtRegisterFatBinaryEnd(f->fb);
	spent(T_ENTRIES, &t);
	return 0;
}

/* f sent to this session (once; other threads wait for it): 0, or -1. */
static int ensure_sent(struct lazy_fb *f)
{
	int st;

	pthread_mutex_lock(&f->lock);
	if (!f->state)
		f->state = send_fatbin(f) ? -1 : 1;
	st = f->state;
	pthread_mutex_unlock(&f->lock);
	return st == 1 ? 0 : -1;
}

static void *lookup(struct ava_hmap *m, const void *host)
{
	struct lazy_entry *e;
	void *obj;

	if (!host)
		return NULL;
	pthread_mutex_lock(&reg_lock);
	e = ava_hmap_get(m, (uint64_t)(uintptr_t)host);
	pthread_mutex_unlock(&reg_lock);
	if (!e)
		return NULL;
	obj = __atomic_load_n(&e->obj, __ATOMIC_ACQUIRE);
	if (obj || ensure_sent(e->owner))
		return obj;
	return __atomic_load_n(&e->obj, __ATOMIC_ACQUIRE);
}

cudaKernel_t ava_rt_lazy_kernel(const void *host)
{
	return lookup(&host_funcs, host);
}

ava_var_t ava_rt_lazy_variable(const void *host)
{
	return lookup(&host_vars, host);
}

/* ------------------------------------------------------------------ early hashes */

/* The size from which fat binaries are hashed early: AVA_PREHASH_MB MiB
 * ("off": none; anything else unreadable: the default). */
static uint64_t read_prehash_min(void)
{
	const char *e = getenv("AVA_PREHASH_MB");
	unsigned long long mb;
	char *end;

	if (e && !strcmp(e, "off"))
		return UINT64_MAX;
	if (!e || !*e || (mb = strtoull(e, &end, 10), *end) || mb > (1ull << 40))
		return (uint64_t)PREHASH_MB_DEFAULT << 20;
	return (uint64_t)mb << 20;
}

/* A large fat binary not yet hashed nor sent, its lock taken; NULL: none.
 * One whose lock is busy is being sent (or unregistered): its first use
 * hashes it. */
static struct lazy_fb *next_unhashed(void)
{
	struct lazy_fb *f;

	pthread_mutex_lock(&reg_lock);
	for (f = all; f; f = f->next) {
		if (f->size < prehash_from || pthread_mutex_trylock(&f->lock))
			continue;
		if (!f->keyed && !f->state)
			break;
		pthread_mutex_unlock(&f->lock);
	}
	pthread_mutex_unlock(&reg_lock);
	return f;
}

/*
 * At a lower priority (its hashing threads inherit it): on a machine whose
 * CPUs the program shares with its worker, the worker creating the
 * context goes first.  Not the lowest: a first use waits for the hash.
 */
static void *prehash_main(void *arg)
{
	struct lazy_fb *f;
	uint64_t size, t = now_us();
	const void *p;

	(void)arg;
	setpriority(PRIO_PROCESS, (id_t)gettid(), 10);
	while ((f = next_unhashed())) {
		p = sent_part(f, &size);
		key(f, p, size);
		pthread_mutex_unlock(&f->lock);
		count(&n_early, 1);
	}
	spent(T_EARLY, &t);
	return NULL;
}

/*
 * The session opened (ava_session_on_open): if large fat binaries wait,
 * the GPUs' architectures are asked now, before the call that opened the
 * session (the worker answers at once; that call may create the context),
 * unless that call is this thread's own question for them; then a thread
 * hashes what of them those GPUs load.
 */
static void session_opened(void)
{
	int archs[MAX_GPUS], any = 0;
	struct lazy_fb *f;
	pthread_t t;

	pthread_mutex_lock(&reg_lock);
	for (f = all; f && !any; f = f->next)
		any = f->size >= prehash_from;
	pthread_mutex_unlock(&reg_lock);
	if (!any)
		return;
	if (!asking)
		gpu_archs(archs);
	if (!pthread_create(&t, NULL, prehash_main, NULL))
		pthread_detach(t);
}

/* ------------------------------------------------------------------ recording */

/* In a forked child: a new session, nothing sent in it. */
static void in_child(void)
{
	struct lazy_fb *f;
	struct lazy_entry *e;

	pthread_mutex_init(&reg_lock, NULL);
	for (f = all; f; f = f->next) {
		pthread_mutex_init(&f->lock, NULL);
		f->state = 0;
		f->fb = NULL;
		for (e = f->first; e; e = e->next)
			e->obj = NULL;
	}
}

static void install(void)
{
	pthread_atfork(NULL, NULL, in_child);
	prehash_from = read_prehash_min();
	if (prehash_from != UINT64_MAX)
		ava_session_on_open(session_opened);
	if (getenv("AVA_STATS") || getenv("AVA_TRACE"))
		atexit(print_stats);
}

void **ava_rt_lazy_fatbin(const void *data, uint64_t size)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct lazy_fb *f;

	pthread_once(&once, install);
	if (!(f = calloc(1, sizeof(*f))))
		return NULL;
	pthread_mutex_init(&f->lock, NULL);
	f->data = data;
	f->size = size;
	f->tail = &f->first;
	pthread_mutex_lock(&reg_lock);
	f->next = all;
	if (all)
		all->prev = f;
	all = f;
	pthread_mutex_unlock(&reg_lock);
	count(&n_registered, 1);
	return (void **)f;
}

static void record(void **fb, int var, const void *host, const char *name, uint64_t size, int a, int b, int c)
{
	struct lazy_fb *f = (struct lazy_fb *)fb;
	struct lazy_entry *e = calloc(1, sizeof(*e));

	if (!e)
		return;
	*e = (struct lazy_entry){ f, NULL, host, name, size, var, a, b, c, NULL };
	pthread_mutex_lock(&f->lock);
	*f->tail = e;
	f->tail = &e->next;
	if (f->state == 1)	/* registered after its fat binary was first used */
		send_entry(f, e);
	pthread_mutex_unlock(&f->lock);
	pthread_mutex_lock(&reg_lock);
	ava_hmap_put(var ? &host_vars : &host_funcs, (uint64_t)(uintptr_t)host, e);
	pthread_mutex_unlock(&reg_lock);
}

void ava_rt_lazy_func(void **fb, const void *host, const char *name, int thread_limit)
{
	record(fb, 0, host, name, 0, thread_limit, 0, 0);
}

void ava_rt_lazy_var(void **fb, const void *host, const char *name, size_t size, int ext, int constant,
		     int global)
{
	record(fb, 1, host, name, size, ext, constant, global);
}

void ava_rt_lazy_end(void **fb)
{
	struct lazy_fb *f = (struct lazy_fb *)fb;

	pthread_mutex_lock(&f->lock);
	f->ended = 1;
	if (f->state == 1)
		avagen_avaRtRegisterFatBinaryEnd(f->fb);
	pthread_mutex_unlock(&f->lock);
}

int ava_rt_lazy_init_module(void **fb)
{
	struct lazy_fb *f = (struct lazy_fb *)fb;
	int ok = 0;

	if (ensure_sent(f) || avagen_avaRtInitModule(f->fb, &ok) != cudaSuccess)
		return 0;
	return ok;
}

/* Forgets f and its entries; its worker object (if sent) is released. */
void ava_rt_lazy_unregister(void **fb)
{
	struct lazy_fb *f = (struct lazy_fb *)fb;
	struct lazy_entry *e, *next;
	struct ava_hmap *m;

	pthread_mutex_lock(&reg_lock);
	for (e = f->first; e; e = e->next) {
		m = e->var ? &host_vars : &host_funcs;
		if (ava_hmap_get(m, (uint64_t)(uintptr_t)e->host) == e)
			ava_hmap_del(m, (uint64_t)(uintptr_t)e->host);
	}
	if (f->prev)
		f->prev->next = f->next;
	else
		all = f->next;
	if (f->next)
		f->next->prev = f->prev;
	pthread_mutex_unlock(&reg_lock);
	/* unlinked: no early hash takes f now; one that has it ends first */
	pthread_mutex_lock(&f->lock);
	pthread_mutex_unlock(&f->lock);
	if (f->state == 1)
		ava_obj_release(f->fb, AVA_HT_CUDA_fatbin);
	for (e = f->first; e; e = next) {
		next = e->next;
		free(e);
	}
	pthread_mutex_destroy(&f->lock);
	free(f->sel);
	free(f);
}
