/* SPDX-License-Identifier: MIT */
/*
 * Guest halves of the argument codecs that are not plain buffers (spec
 * annotations @strings, @blobs, @zlist, @kernel_arg and handle-bearing info
 * values).  Their worker halves are in worker/worker_codecs.c.
 */
#ifndef AVA_GUEST_CODECS_H
#define AVA_GUEST_CODECS_H

#include <stddef.h>
#include <stdint.h>

#include "guest_call.h"
#include "info_table.h"

/* Kernel argument kinds on the wire. */
#define AVA_KARG_NULL	0
#define AVA_KARG_BYTES	1
#define AVA_KARG_HANDLE	2

void ava_strings_put(struct ava_call *c, const char **strings, uint64_t count, const size_t *lengths);
void ava_blobs_put(struct ava_call *c, const unsigned char **blobs, uint64_t count, const size_t *lengths);
void ava_zlist_put(struct ava_call *c, const intptr_t *list);
void ava_kernel_arg_put(struct ava_call *c, const void *value, size_t size);
void ava_props_put(struct ava_call *c, const intptr_t *props, uint32_t api);
/* Property keys whose values are handles (registered by each API's runtime). */
void ava_props_set_handle_key(uint32_t api, intptr_t key, uint32_t type);
uint32_t ava_props_key_type(uint32_t api, intptr_t key);
/* Turns the ids in an info value back into guest objects (in place). */
void ava_info_from_wire(uint32_t api, const struct ava_info_entry *table, uint32_t key,
			void *value, uint64_t len);
/* Walks a property list in place: ids <-> objects for handle-valued keys. */
void ava_props_from_wire(uint32_t api, intptr_t *props, uint64_t n);

#endif
