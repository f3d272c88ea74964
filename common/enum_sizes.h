/* SPDX-License-Identifier: MIT */
/*
 * Byte sizes of the values of a vendor enumeration (data types, attribute
 * types), kept as a table indexed by the enumeration: designated
 * initializers name each value once, and a value left out (or beyond the
 * table, or negative) is one AvA does not know.
 */
#ifndef AVA_ENUM_SIZES_H
#define AVA_ENUM_SIZES_H

#include <stddef.h>
#include <stdint.h>

/* sizes[v] of a table of n entries; unknown when v has no entry. */
static inline uint64_t ava_enum_size(const uint8_t *sizes, size_t n, int64_t v, uint64_t unknown)
{
	return v >= 0 && (uint64_t)v < n && sizes[v] ? sizes[v] : unknown;
}

#define AVA_ENUM_SIZE(sizes, v, unknown) \
	ava_enum_size(sizes, sizeof(sizes) / sizeof((sizes)[0]), (int64_t)(v), unknown)

#endif
