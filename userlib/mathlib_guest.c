// SPDX-License-Identifier: MIT
/*
 * What the math-library shims keep in the guest with a library handle:
 * its pointer mode (which decides how scalars travel) and its stream.
 * Linked into every math-library shim.
 */
#include "mathlib_guest.h"

struct ava_mathlib_state *ava_mathlib_state(const void *handle, uint32_t api, uint32_t type, int create)
{
	struct ava_obj *o = ava_obj_check(handle, type);

	if (!o || o->api != api)
		return NULL;
	if (!create)
		return (struct ava_mathlib_state *)ava_obj_part(o);
	return (struct ava_mathlib_state *)ava_obj_part_get(o, sizeof(struct ava_mathlib_state), ava_obj_part_free);
}

int ava_mathlib_pmode(const void *handle, uint32_t api, uint32_t type)
{
	struct ava_mathlib_state *s = ava_mathlib_state(handle, api, type, 0);

	return s ? atomic_load(&s->pmode) : 0;
}

void ava_mathlib_set_pmode(const void *handle, uint32_t api, uint32_t type, int device)
{
	struct ava_mathlib_state *s = ava_mathlib_state(handle, api, type, 1);

	if (s)
		atomic_store(&s->pmode, device);
}
