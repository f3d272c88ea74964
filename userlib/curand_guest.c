// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcurand.so.10 shim: which generators are
 * host ones (curandCreateGeneratorHost).  Their numbers are made in the
 * worker and come back in the reply; a device generator's output is a
 * device address (api/curand.spec, @pmode).
 */
#include "curand_guest_rt.h"

AVA_MATHLIB_SHIM(curand, "AvA cuRAND shim");

/* Attached to a host generator's object; a device generator has none. */
static int host_mark(struct ava_obj *o)
{
	struct ava_obj_part *part = calloc(1, sizeof(*part));

	if (!part)
		return -1;
	part->free = ava_obj_part_free;
	if (ava_obj_attach(o, part))
		free(part);	/* marked already */
	return 0;
}

int ava_curand_pmode(curandGenerator_t generator)
{
	struct ava_obj *o = ava_obj_check(generator, AVA_HT_CURAND_generator);

	return !(o && o->api == AVA_API_CURAND && ava_obj_part(o));
}

AVA_EXPORT curandStatus_t curandCreateGeneratorHost(curandGenerator_t *generator, curandRngType_t rng_type)
{
	curandStatus_t st = avagen_curandCreateGeneratorHost(generator, rng_type);
	struct ava_obj *o;

	if (st != CURAND_STATUS_SUCCESS || !generator)
		return st;
	o = ava_obj_check(*generator, AVA_HT_CURAND_generator);
	if (!o || host_mark(o)) {
		/* unmarked, its numbers would be taken for device addresses */
		curandDestroyGenerator(*generator);
		*generator = NULL;
		return CURAND_STATUS_ALLOCATION_FAILED;
	}
	return st;
}
