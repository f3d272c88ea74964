/* SPDX-License-Identifier: MIT */
/*
 * Info values that carry handles.  Each API's generated table (info_<name>,
 * api/avagen/tables.py) names the query keys whose value holds one handle,
 * an array of handles or a property list; the worker turns the handles of
 * such a value into ids (avaw_info_to_wire), the guest the ids back into
 * objects (ava_info_from_wire).  Both walk a value with ava_info_walk.
 */
#ifndef AVA_INFO_TABLE_H
#define AVA_INFO_TABLE_H

#include <stddef.h>
#include <stdint.h>

#define AVA_INFO_ONE	1	/* one handle */
#define AVA_INFO_ARRAY	2	/* an array of handles */
#define AVA_INFO_PROPS	3	/* a property list with handle values */

struct ava_info_entry {
	uint32_t key;
	uint32_t kind;		/* AVA_INFO_* */
	uint32_t type;		/* the handles' type (not for AVA_INFO_PROPS) */
};

/*
 * Calls, for the handles in value (len bytes, the answer to query key),
 * props() once when value is a property list (n entries), else slot() on
 * each 8-byte slot that holds a handle of that type.  Values of keys that
 * the table does not name carry no handle.
 */
static inline void ava_info_walk(const struct ava_info_entry *table, uint32_t key, void *value, uint64_t len,
				 void (*props)(void *ctx, intptr_t *list, uint64_t n),
				 void (*slot)(void *ctx, uint32_t type, void **slot), void *ctx)
{
	const struct ava_info_entry *e = table;
	void **slots = value;
	uint64_t i;

	while (e->key && e->key != key)
		e++;
	if (!e->key)
		return;
	if (e->kind == AVA_INFO_PROPS) {
		props(ctx, value, len / sizeof(intptr_t));
		return;
	}
	for (i = 0; i < len / 8; i++) {
		slot(ctx, e->type, &slots[i]);
		if (e->kind == AVA_INFO_ONE)
			break;
	}
}

#endif
