// SPDX-License-Identifier: MIT
/*
 * Context pool (issue 13: context create + release within 1.2x native).
 * Creating and destroying a PoCL context costs more than the rest of a
 * remoted create/release pair, so a context whose last guest handle goes
 * is kept, and the next create with exactly the same arguments gets it
 * back, when nothing can tell the difference:
 * - it was made by avaw_cl_create_context(_from_type) without pfn_notify
 *   or user_data, with a key that fits (at most KEY_DEVICES devices and
 *   KEY_PROPS property entries): "known" maps it to that key;
 * - at the release its backend reference count is 1: only the handle
 *   table held it, no queue, memory object, program, sampler, event or SVM
 *   allocation does;
 * - no destructor callback can be registered on it here: the guest keeps
 *   clSetContextDestructorCallback to itself (@callback(on_release)) and
 *   calls it at its own last release, pooled or not.
 * The guest sees the same reference count (1 + its retains), the same
 * devices and properties.  A pooled context is in no handle table, so no
 * guest id reaches it.  At most POOL_MAX are kept (the oldest goes first);
 * the rest are released at the session's end.  One process serves one
 * session, so the pool is the process's; the lock is for the backend's
 * threads, which do not call here today.
 */
#include "opencl_worker_rt.h"

#include <string.h>

#define POOL_MAX 4
#define KEY_DEVICES 8
#define KEY_PROPS 16		/* property entries, the terminating 0 included */

/* What created the context; compared with memcmp, so built on zeroed memory. */
struct ctx_key {
	int from_type;
	int has_props;		/* NULL and an empty list answer differently */
	cl_device_type type;
	cl_uint ndev;
	cl_device_id dev[KEY_DEVICES];
	cl_context_properties props[KEY_PROPS];
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_hmap known;	/* live context -> struct ctx_key (malloc) */
static struct {
	cl_context ctx;
	struct ctx_key *key;
} pool[POOL_MAX];		/* oldest first */
static unsigned int npool;

/* 1 if the arguments fit a key (then in k), 0 if the context is not pooled. */
static int key_make(struct ctx_key *k, const cl_context_properties *props, int from_type, cl_device_type type,
		    cl_uint ndev, const cl_device_id *devs)
{
	unsigned int i;

	memset(k, 0, sizeof(*k));
	if (ndev > KEY_DEVICES || (ndev && !devs))
		return 0;
	k->from_type = from_type;
	k->type = type;
	k->ndev = ndev;
	if (ndev)
		memcpy(k->dev, devs, ndev * sizeof(devs[0]));
	k->has_props = props != NULL;
	for (i = 0; props && props[i]; i += 2) {
		if (i + 2 >= KEY_PROPS)
			return 0;
		k->props[i] = props[i];
		k->props[i + 1] = props[i + 1];
	}
	return 1;
}

/* A pooled context made from the key, or NULL; *err set when there is one. */
static cl_context pool_take(const struct ctx_key *k, cl_int *err)
{
	cl_context ctx = NULL;
	unsigned int i;

	pthread_mutex_lock(&lock);
	i = npool;
	while (i-- > 0 && !ctx) {
		if (memcmp(pool[i].key, k, sizeof(*k)))
			continue;
		ctx = pool[i].ctx;
		if (ava_hmap_put(&known, (uint64_t)(uintptr_t)ctx, pool[i].key))
			free(pool[i].key);	/* kept, but never pooled again */
		memmove(&pool[i], &pool[i + 1], (npool - i - 1) * sizeof(pool[0]));
		npool--;
	}
	pthread_mutex_unlock(&lock);
	if (ctx && err)
		*err = CL_SUCCESS;
	return ctx;
}

/* A context the backend just made; k: its key, NULL if it is never pooled. */
static cl_context remember(cl_context ctx, const struct ctx_key *k)
{
	struct ctx_key *copy = ctx && k ? malloc(sizeof(*copy)) : NULL;

	if (!copy)
		return ctx;
	memcpy(copy, k, sizeof(*copy));	/* with its zeroed padding */
	pthread_mutex_lock(&lock);
	if (ava_hmap_put(&known, (uint64_t)(uintptr_t)ctx, copy))
		free(copy);
	pthread_mutex_unlock(&lock);
	return ctx;
}

cl_context avaw_cl_create_context(struct avaw_call *c, const cl_context_properties *props, cl_uint ndev,
				  const cl_device_id *devs, int notify, void *user_data, cl_int *err)
{
	struct ctx_key k;
	int keyed = !notify && !user_data && key_make(&k, props, 0, 0, ndev, devs);
	cl_context ctx = keyed ? pool_take(&k, err) : NULL;

	(void)c;
	if (!ctx)
		ctx = remember(clCreateContext(props, ndev, devs, NULL, user_data, err), keyed ? &k : NULL);
	return ctx;
}

cl_context avaw_cl_create_context_from_type(struct avaw_call *c, const cl_context_properties *props,
					    cl_device_type type, int notify, void *user_data, cl_int *err)
{
	struct ctx_key k;
	int keyed = !notify && !user_data && key_make(&k, props, 1, type, 0, NULL);
	cl_context ctx = keyed ? pool_take(&k, err) : NULL;

	(void)c;
	if (!ctx)
		ctx = remember(clCreateContextFromType(props, type, NULL, user_data, err), keyed ? &k : NULL);
	return ctx;
}

/* Under the lock: keeps ctx (its key now the pool's); returns the oldest
 * context it pushed out, for the caller to release, or NULL. */
static cl_context pool_put(cl_context ctx, struct ctx_key *k)
{
	cl_context out = NULL;

	if (npool == POOL_MAX) {
		out = pool[0].ctx;
		free(pool[0].key);
		memmove(&pool[0], &pool[1], (POOL_MAX - 1) * sizeof(pool[0]));
		npool--;
	}
	pool[npool].ctx = ctx;
	pool[npool].key = k;
	npool++;
	return out;
}

cl_int avaw_cl_context_release(cl_context ctx)
{
	struct ctx_key *k;
	cl_uint refs = 0;
	cl_context out;

	pthread_mutex_lock(&lock);
	k = ava_hmap_del(&known, (uint64_t)(uintptr_t)ctx);
	if (k && clGetContextInfo(ctx, CL_CONTEXT_REFERENCE_COUNT, sizeof(refs), &refs, NULL) == CL_SUCCESS &&
	    refs == 1) {
		out = pool_put(ctx, k);
		pthread_mutex_unlock(&lock);
		return out ? clReleaseContext(out) : CL_SUCCESS;
	}
	pthread_mutex_unlock(&lock);
	free(k);	/* held elsewhere: it may outlive this release, unpooled */
	return clReleaseContext(ctx);
}

static void free_key(uint64_t ctx, void *k, void *arg)
{
	(void)ctx;
	(void)arg;
	free(k);
}

void avaw_cl_ctx_pool_drain(void)
{
	pthread_mutex_lock(&lock);
	while (npool > 0) {
		npool--;
		clReleaseContext(pool[npool].ctx);
		free(pool[npool].key);
	}
	ava_hmap_each(&known, free_key, NULL);
	ava_hmap_free(&known);
	pthread_mutex_unlock(&lock);
}
