// SPDX-License-Identifier: MIT
#include "guest_codecs.h"

#include <string.h>

#include "guest_objects.h"

#define MAX_PROP_KEYS 4

static struct {
	uint32_t api;
	intptr_t key;
	uint32_t type;
} prop_keys[MAX_PROP_KEYS];
static unsigned n_prop_keys;

void ava_props_set_handle_key(uint32_t api, intptr_t key, uint32_t type)
{
	if (n_prop_keys < MAX_PROP_KEYS) {
		prop_keys[n_prop_keys].api = api;
		prop_keys[n_prop_keys].key = key;
		prop_keys[n_prop_keys].type = type;
		n_prop_keys++;
	}
}

uint32_t ava_props_key_type(uint32_t api, intptr_t key)
{
	unsigned i;

	for (i = 0; i < n_prop_keys; i++)
		if (prop_keys[i].api == api && prop_keys[i].key == key)
			return prop_keys[i].type;
	return 0;
}

void ava_strings_put(struct ava_call *c, const char **strings, uint64_t count, const size_t *lengths)
{
	uint64_t i;

	if (!strings) {
		ava_put_u64(c, 0);
		return;
	}
	ava_put_u64(c, 1);
	for (i = 0; i < count; i++) {
		size_t n = strings[i] ? (lengths && lengths[i] ? lengths[i] : strlen(strings[i])) : 0;

		ava_put_data(c, strings[i], n);
	}
}

void ava_blobs_put(struct ava_call *c, const unsigned char **blobs, uint64_t count, const size_t *lengths)
{
	uint64_t i;

	if (!blobs || !lengths) {
		ava_put_u64(c, 0);
		return;
	}
	ava_put_u64(c, 1);
	for (i = 0; i < count; i++)
		ava_put_data(c, blobs[i], lengths[i]);
}

void ava_zlist_put(struct ava_call *c, const intptr_t *list)
{
	uint64_t n = 0;

	if (list)
		while (list[n] && n < 255)
			n++;
	ava_put_data(c, list, n * sizeof(intptr_t));
}

void ava_kernel_arg_put(struct ava_call *c, const void *value, size_t size)
{
	void *obj;

	if (!value) {
		ava_put_u64(c, AVA_KARG_NULL);
		return;
	}
	/* An argument the size of a pointer that holds one of our objects is a handle. */
	if (size == sizeof(void *)) {
		memcpy(&obj, value, sizeof(obj));
		struct ava_obj *o = ava_obj_check(obj, 0);

		if (o) {
			ava_put_u64(c, AVA_KARG_HANDLE);
			ava_put_u64(c, o->id);
			return;
		}
	}
	ava_put_u64(c, AVA_KARG_BYTES);
	ava_put_data(c, value, size);
}

void ava_props_from_wire(uint32_t api, intptr_t *props, uint64_t n)
{
	uint64_t i;

	for (i = 0; i + 1 < n && props[i]; i += 2) {
		uint32_t t = ava_props_key_type(api, props[i]);

		if (t)
			props[i + 1] = (intptr_t)ava_obj_from_id(api, t, (uint64_t)props[i + 1], 0);
	}
}

static void props_from_wire(void *api, intptr_t *props, uint64_t n)
{
	ava_props_from_wire(*(uint32_t *)api, props, n);
}

static void slot_from_wire(void *api, uint32_t type, void **slot)
{
	uint64_t id;

	memcpy(&id, slot, 8);
	*slot = id ? ava_obj_from_id(*(uint32_t *)api, type, id, 0) : NULL;
}

void ava_info_from_wire(uint32_t api, const struct ava_info_entry *table, uint32_t key,
			void *value, uint64_t len)
{
	ava_info_walk(table, key, value, len, props_from_wire, slot_from_wire, &api);
}

void ava_props_put(struct ava_call *c, const intptr_t *props, uint32_t api)
{
	uint64_t n = 0, i;
	intptr_t *dst;

	if (!props) {
		ava_put_u64(c, 0);
		return;
	}
	while (props[n] && n < 256)
		n += 2;
	dst = ava_put_reserve(c, n * sizeof(intptr_t));
	if (!dst)
		return;
	for (i = 0; i < n; i += 2) {
		uint32_t t = ava_props_key_type(api, props[i]);

		dst[i] = props[i];
		dst[i + 1] = t ? (intptr_t)ava_obj_id((const void *)props[i + 1], t) : props[i + 1];
	}
}
