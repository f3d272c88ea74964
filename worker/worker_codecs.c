// SPDX-License-Identifier: MIT
#include "worker_codecs.h"

#include <string.h>

#include "../userlib/guest_codecs.h"

/* Every item takes at least 8 bytes, so a count beyond that is a lie. */
static int count_ok(struct avaw_call *c, uint64_t count)
{
	if (count > (c->r.len - c->r.pos) / 8) {
		avaw_set_bad(c);
		return 0;
	}
	return 1;
}

void avaw_strings_get(struct avaw_call *c, struct avaw_strings *v, uint64_t count)
{
	struct avaw_data d;
	const char **src;
	uint64_t i, total = 0;
	char *buf;

	memset(v, 0, sizeof(*v));
	if (!avaw_get_u64(c) || !count_ok(c, count))
		return;
	v->present = 1;
	src = avaw_alloc(c, count * sizeof(char *));
	v->val = avaw_alloc(c, count * sizeof(char *));
	v->lengths = avaw_alloc(c, count * sizeof(size_t));
	if (!src || !v->val || !v->lengths)
		return;
	for (i = 0; i < count && !avaw_bad(c); i++) {
		avaw_get_data(c, &d);
		src[i] = d.present ? d.p : NULL;
		v->lengths[i] = d.present ? d.len : 0;
		v->has_null |= !d.present;
		if (d.present)
			total += d.len + 1;
	}
	if (avaw_bad(c) || !(buf = avaw_alloc(c, total)))
		return;
	/* NUL-terminated copies: some calls take no lengths */
	for (i = 0; i < count; i++) {
		if (!src[i])
			continue;
		memcpy(buf, src[i], v->lengths[i]);
		buf[v->lengths[i]] = '\0';
		v->val[i] = buf;
		buf += v->lengths[i] + 1;
	}
}

int64_t avaw_strings_check(struct avaw_call *c, struct avaw_strings *v, uint64_t count, int64_t invalid_err)
{
	(void)c;
	if (count && (!v->present || v->has_null || !v->val))
		return invalid_err;
	return 0;
}

void avaw_strings_free(struct avaw_call *c, struct avaw_strings *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

void avaw_blobs_get(struct avaw_call *c, struct avaw_blobs *v, uint64_t count)
{
	struct avaw_data d;
	uint64_t i;

	memset(v, 0, sizeof(*v));
	if (!avaw_get_u64(c) || !count_ok(c, count))
		return;
	v->val = avaw_alloc(c, count * sizeof(void *));
	v->lens = avaw_alloc(c, count * sizeof(uint64_t));
	if (!v->val || !v->lens)
		return;
	v->n = count;
	for (i = 0; i < count && !avaw_bad(c); i++) {
		avaw_get_data(c, &d);
		v->val[i] = d.present ? d.p : NULL;
		v->lens[i] = d.len;
	}
}

int64_t avaw_blobs_check(struct avaw_call *c, struct avaw_blobs *v, uint64_t count, const size_t *lengths)
{
	uint64_t i;

	if (!v->val)
		return 0;
	if (v->n != count || !lengths)
		return AVAW_BAD;
	for (i = 0; i < count; i++)
		if (v->val[i] && v->lens[i] != lengths[i])
			return AVAW_BAD;
	(void)c;
	return 0;
}

void avaw_blobs_free(struct avaw_call *c, struct avaw_blobs *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

void avaw_zlist_get(struct avaw_call *c, struct avaw_zlist *v)
{
	memset(v, 0, sizeof(*v));
	avaw_get_data(c, &v->d);
}

int64_t avaw_zlist_check(struct avaw_call *c, struct avaw_zlist *v)
{
	if (!v->d.present)
		return 0;
	if (v->d.len % sizeof(intptr_t) || v->d.len > 255 * sizeof(intptr_t))
		return AVAW_BAD;
	/* two terminators: lists such as partition-by-counts end with two zeros */
	v->val = avaw_alloc(c, v->d.len + 2 * sizeof(intptr_t));
	if (!v->val)
		return AVAW_BAD;
	memcpy(v->val, v->d.p, v->d.len);
	return 0;
}

void avaw_zlist_free(struct avaw_call *c, struct avaw_zlist *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

#define MAX_PROP_KEYS 4
static struct {
	uint32_t api;
	intptr_t key;
	uint32_t type;
	int64_t err;
} prop_keys[MAX_PROP_KEYS];
static unsigned n_prop_keys;

void avaw_props_set_handle_key(uint32_t api, intptr_t key, uint32_t type, int64_t invalid_err)
{
	if (n_prop_keys < MAX_PROP_KEYS) {
		prop_keys[n_prop_keys].api = api;
		prop_keys[n_prop_keys].key = key;
		prop_keys[n_prop_keys].type = type;
		prop_keys[n_prop_keys].err = invalid_err;
		n_prop_keys++;
	}
}

static int prop_key(uint32_t api, intptr_t key)
{
	unsigned i;

	for (i = 0; i < n_prop_keys; i++)
		if (prop_keys[i].api == api && prop_keys[i].key == key)
			return (int)i;
	return -1;
}

void avaw_props_get(struct avaw_call *c, struct avaw_props *v)
{
	memset(v, 0, sizeof(*v));
	avaw_get_data(c, &v->d);
}

int64_t avaw_props_check(struct avaw_call *c, struct avaw_props *v)
{
	uint64_t n, i, id;
	int k;

	if (!v->d.present)
		return 0;
	if (v->d.len % (2 * sizeof(intptr_t)) || v->d.len > 256 * sizeof(intptr_t))
		return AVAW_BAD;
	n = v->d.len / sizeof(intptr_t);
	v->val = avaw_alloc(c, (n + 1) * sizeof(intptr_t));
	if (!v->val)
		return AVAW_BAD;
	memcpy(v->val, v->d.p, v->d.len);
	for (i = 0; i < n; i += 2) {
		k = prop_key(c->api, v->val[i]);
		if (k < 0)
			continue;
		id = (uint64_t)v->val[i + 1];
		if (!avaw_handle(c, id, prop_keys[k].type, (void **)&v->val[i + 1]))
			return prop_keys[k].err;
	}
	return 0;
}

void avaw_props_free(struct avaw_call *c, struct avaw_props *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

void avaw_props_to_wire(struct avaw_call *c, intptr_t *props, uint64_t n)
{
	uint64_t i;
	int k;

	for (i = 0; i + 1 < n && props[i]; i += 2) {
		k = prop_key(c->api, props[i]);
		if (k >= 0)
			props[i + 1] = (intptr_t)avaw_handle_export(c, prop_keys[k].type, (void *)props[i + 1], 0);
	}
}

void avaw_kernel_arg_get(struct avaw_call *c, struct avaw_kernel_arg *v)
{
	memset(v, 0, sizeof(*v));
	v->kind = avaw_get_u64(c);
	if (v->kind == AVA_KARG_BYTES)
		avaw_get_data(c, &v->d);
	else if (v->kind == AVA_KARG_HANDLE)
		v->id = avaw_get_u64(c);
	else if (v->kind != AVA_KARG_NULL)
		avaw_set_bad(c);
}

static struct {
	avaw_kslot_fn fn;
	const uint32_t *unknown_types;	/* 0-terminated */
} kslot_apis[AVA_API_COUNT];

void avaw_kernel_arg_set_slot_fn(uint32_t api, avaw_kslot_fn fn, const uint32_t *unknown_types)
{
	if (api < AVA_API_COUNT) {
		kslot_apis[api].fn = fn;
		kslot_apis[api].unknown_types = unknown_types;
	}
}

static int all_zero(const unsigned char *p, uint64_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* A slot that takes an object: a live handle of type, or a NULL one. */
static int64_t object_slot(struct avaw_call *c, struct avaw_kernel_arg *v, const struct avaw_kslot *k)
{
	switch (v->kind) {
	case AVA_KARG_HANDLE:
		if (!avaw_handle(c, v->id, k->type, &v->slot) || !v->slot ||
		    (k->obj_fits && !k->obj_fits(v->slot, k->variant)))
			return k->err;
		v->bound_type = k->type;
		break;
	case AVA_KARG_BYTES:
		if (v->d.len != sizeof(void *))
			return k->size_err;
		/* raw bytes are an address the guest made up, unless NULL */
		if (!all_zero(v->d.p, v->d.len))
			return k->err;
		v->slot = NULL;
		break;
	default:
		return 0;	/* NULL arg_value: the vendor reports it */
	}
	v->val = &v->slot;
	return 0;
}

/* A slot the vendor cannot describe: objects of the API's usual argument types only. */
static int64_t unknown_slot(struct avaw_call *c, struct avaw_kernel_arg *v, int64_t err)
{
	const uint32_t *t = kslot_apis[c->api].unknown_types;

	if (v->kind == AVA_KARG_BYTES && v->d.len == sizeof(void *) && !all_zero(v->d.p, v->d.len))
		return err;
	if (v->kind != AVA_KARG_HANDLE)
		return 0;
	for (; t && *t; t++)
		if (avaw_handle(c, v->id, *t, &v->slot) && v->slot) {
			v->bound_type = *t;
			v->val = &v->slot;
			return 0;
		}
	return err;
}

int64_t avaw_kernel_arg_check(struct avaw_call *c, struct avaw_kernel_arg *v, void *kernel, uint64_t index,
			      uint64_t size, int64_t invalid_err)
{
	struct avaw_kslot slot = { AVAW_KSLOT_UNKNOWN, 0, invalid_err, invalid_err, NULL, 0 };
	avaw_kslot_fn fn = kslot_apis[c->api].fn;
	int64_t e;

	if ((v->kind == AVA_KARG_BYTES && (!v->d.present || v->d.len != size)) ||
	    (v->kind == AVA_KARG_HANDLE && size != sizeof(void *)) || index > UINT32_MAX)
		return AVAW_BAD;
	if (fn && (e = fn(kernel, (uint32_t)index, &slot)))
		return e;
	if (avaw_bind_reserve(c, kernel, (uint32_t)index))
		return AVAW_BAD;
	v->kernel = kernel;
	v->index = (uint32_t)index;
	if (v->kind == AVA_KARG_BYTES) {
		/* checked and used from private memory: the guest may rewrite its own */
		if (avaw_privatize(c, &v->d))
			return AVAW_BAD;
		v->val = (void *)v->d.p;
	}
	switch (slot.kind) {
	case AVAW_KSLOT_HANDLE:
		return object_slot(c, v, &slot);
	case AVAW_KSLOT_UNKNOWN:
		return unknown_slot(c, v, slot.err);
	default:
		/* an object where bytes go: the kernel sees the id, never a host address */
		if (v->kind == AVA_KARG_HANDLE)
			v->val = &v->id;
		return 0;
	}
}

void avaw_kernel_arg_free(struct avaw_call *c, struct avaw_kernel_arg *v, int ok)
{
	if (ok && v->kernel)
		avaw_bind(c, v->kernel, v->index, v->bound_type, v->bound_type ? v->slot : NULL);
}

static void free_map(uint64_t key, void *val, void *arg)
{
	struct avaw_map *m = val;

	(void)key;
	avaw_obj_drop(arg, m->api, m->type, m->mem);
	free(m);
}

uint64_t avaw_map_add(struct avaw_session *s, void *mem, void *ptr, uint64_t size)
{
	struct avaw_handle *h = ava_hmap_get(&s->by_obj, (uint64_t)(uintptr_t)mem);
	struct avaw_map *m = h ? malloc(sizeof(*m)) : NULL;

	if (!m)
		return 0;
	m->id = ++s->next_map_id;
	/* held until the unmap: mem's address cannot be reused meanwhile */
	m->api = h->api;
	m->type = h->type;
	avaw_obj_retain(s, h->api, h->type, mem);
	m->mem = mem;
	m->ptr = ptr;
	m->size = size;
	if (ava_hmap_put(&s->maps, m->id, m)) {
		free_map(0, m, s);
		return 0;
	}
	s->stats[AVA_STAT_MAPS]++;
	return m->id;
}


void avaw_maps_free_all(struct avaw_session *s)
{
	ava_hmap_each(&s->maps, free_map, s);
	ava_hmap_free(&s->maps);
}

void avaw_map_arg_get(struct avaw_call *c, struct avaw_map_arg *v)
{
	memset(v, 0, sizeof(*v));
	v->id = avaw_get_u64(c);
	avaw_get_data(c, &v->d);
}

int64_t avaw_map_arg_check(struct avaw_call *c, struct avaw_map_arg *v, void *mem, int64_t invalid_err)
{
	v->m = ava_hmap_get(&c->s->maps, v->id);
	/* the record holds mem, so the same address is the same object */
	if (!v->m || v->m->mem != mem)
		return invalid_err;
	if (v->d.present) {
		/* the guest's copy may be larger than the host's (padding) */
		if (v->d.len < v->m->size)
			return AVAW_BAD;
		memcpy(v->m->ptr, v->d.p, v->m->size);
	}
	v->val = v->m->ptr;
	return 0;
}

void avaw_map_arg_free(struct avaw_call *c, struct avaw_map_arg *v, int ok)
{
	if (ok && v->m) {
		ava_hmap_del(&c->s->maps, v->m->id);
		c->s->stats[AVA_STAT_MAPS]--;
		free_map(0, v->m, c->s);
	}
}
