/* SPDX-License-Identifier: MIT */
/*
 * Mappings of memory objects (the spec's @map kind): guest memory that
 * mirrors the host's mapped region (opencl_objects.c implements them).
 */
#ifndef AVA_GUEST_MAP_H
#define AVA_GUEST_MAP_H

#include <stdint.h>

#include "guest_call.h"

struct ava_map;

/* ava_map_open's offset for a mapping in memory of its own, even when the
 * object has a host pointer */
#define AVA_MAP_PRIVATE UINT64_MAX

struct ava_map *ava_map_find(const void *memobj, const void *ptr);
void *ava_map_open(const void *memobj, uint64_t map_id, uint64_t offset, uint64_t size, int writes);
void ava_map_put(struct ava_call *c, struct ava_map *m);
void ava_map_close(struct ava_map *m);

#endif
