// SPDX-License-Identifier: MIT
/*
 * Registrations replayed in a forked child.  nvcc's host code registers a
 * program's fat binaries, kernels and variables once, when it is loaded,
 * and the shim sends them to the session of the process that loaded it.  A
 * child forked afterwards opens a session of its own (guest_session.c) in
 * which none of them exists, while with NVIDIA's runtime, which registers
 * lazily, its launches work.  So every registration is recorded (pointers
 * into the program's image, which the child shares) and a forked child
 * replays them into its session before it first looks a kernel or a
 * variable up.
 */
#include "cuda_guest_rt.h"

#include <stdlib.h>

#include "cuda_rt_replay.h"
#include "hmap.h"

struct rec {
	enum ava_rt_reg kind;
	void **fb;
	const void *key;
	const char *name;
	uint64_t n;
	int a, b, c;
};

static pthread_mutex_t rec_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rec *recs;
static size_t nrecs, cap;
static int replay_due;

static void in_child(void)
{
	pthread_mutex_init(&rec_lock, NULL);
	replay_due = nrecs != 0;
}

static void install(void)
{
	pthread_atfork(NULL, NULL, in_child);
}

void ava_rt_record(enum ava_rt_reg kind, void **fb, const void *key, const char *name, uint64_t n, int a, int b,
		   int c)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct rec *r;

	pthread_once(&once, install);
	pthread_mutex_lock(&rec_lock);
	if (nrecs == cap) {
		r = realloc(recs, (cap ? cap * 2 : 256) * sizeof(*r));
		if (!r) {
			pthread_mutex_unlock(&rec_lock);
			return;	/* a child then misses this one, as without the record */
		}
		recs = r;
		cap = cap ? cap * 2 : 256;
	}
	recs[nrecs++] = (struct rec){ kind, fb, key, name, n, a, b, c };
	pthread_mutex_unlock(&rec_lock);
}

/* One record again; fbs maps the parent's fat binary handles to the child's. */
static void replay_one(const struct rec *r, struct ava_hmap *fbs, void (*put)(int, const void *, void *))
{
	ava_fatbin_t fb = ava_hmap_get(fbs, (uint64_t)(uintptr_t)r->fb);
	cudaKernel_t k = NULL;
	ava_var_t v = NULL;

	switch (r->kind) {
	case AVA_RT_FATBIN:
		if (avagen_avaRtRegisterFatBinary(&fb, r->key, r->n) == cudaSuccess && fb)
			ava_hmap_put(fbs, (uint64_t)(uintptr_t)r->fb, fb);
		break;
	case AVA_RT_FUNC:
		if (fb && avagen_avaRtRegisterFunction(fb, &k, r->name, r->a) == cudaSuccess && k)
			put(0, r->key, k);
		break;
	case AVA_RT_VAR:
		if (fb && avagen_avaRtRegisterVar(fb, &v, r->name, r->a, r->n, r->b, r->c) == cudaSuccess && v)
			put(1, r->key, v);
		break;
	case AVA_RT_END:
		if (fb)
			avagen_avaRtRegisterFatBinaryEnd(fb);
		break;
	}
}

void ava_rt_replay(void (*put)(int var, const void *key, void *obj))
{
	struct ava_hmap fbs = { 0 };
	size_t i;

	if (!__atomic_load_n(&replay_due, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&rec_lock);
	if (replay_due) {
		for (i = 0; i < nrecs; i++)
			replay_one(&recs[i], &fbs, put);
		ava_hmap_free(&fbs);
		__atomic_store_n(&replay_due, 0, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&rec_lock);
}
