// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcufft.so.12 shim: plan numbers and the
 * set-stream call (answered in the guest when it repeats the plan's stream,
 * mathlib_guest.h).  cuFFT's
 * plans are ints, so the shim hands out its own numbers and keeps which
 * plan object each one is; cufftDestroy forgets the number and releases
 * the object (the worker then destroys NVIDIA's plan).
 */
#include "cufft_guest_rt.h"

#include <limits.h>
#include <pthread.h>

#include "hmap.h"

AVA_MATHLIB_SHIM(cufft, "AvA cuFFT shim");

static pthread_mutex_t plans_lock = PTHREAD_MUTEX_INITIALIZER;
static struct ava_hmap plans;		/* plan number -> plan object */
static int next_plan = 1;

cufftHandle ava_cufft_plan_value(struct ava_obj *plan)
{
	cufftHandle v = CUFFT_PLAN_NULL;

	pthread_mutex_lock(&plans_lock);
	if (next_plan < INT_MAX && ava_hmap_put(&plans, (uint64_t)next_plan, plan) == 0)
		v = next_plan++;
	pthread_mutex_unlock(&plans_lock);
	return v;
}

static struct ava_obj *plan_obj(cufftHandle plan)
{
	struct ava_obj *o = NULL;

	pthread_mutex_lock(&plans_lock);
	if (plan > 0)
		o = ava_hmap_get(&plans, (uint64_t)plan);
	pthread_mutex_unlock(&plans_lock);
	return o;
}

/* A plan's stream (mathlib_guest.h) lives with its object. */
AVA_MATHLIB_SET_STREAM(cufftResult, cufftSetStream, cufftHandle, plan_obj(handle), CUFFT_SUCCESS)

uint64_t ava_cufft_plan_id(cufftHandle plan, uint32_t type)
{
	struct ava_obj *o = plan_obj(plan);

	return o ? ava_obj_id(o, type) : AVA_ID_INVALID;
}

AVA_EXPORT cufftResult cufftDestroy(cufftHandle plan)
{
	struct ava_obj *o;

	pthread_mutex_lock(&plans_lock);
	o = plan > 0 ? ava_hmap_get(&plans, (uint64_t)plan) : NULL;
	if (o)
		ava_hmap_del(&plans, (uint64_t)plan);
	pthread_mutex_unlock(&plans_lock);
	return o && ava_obj_release(o, AVA_HT_CUFFT_plan) == 0 ? CUFFT_SUCCESS : CUFFT_INVALID_PLAN;
}
