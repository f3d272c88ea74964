/* SPDX-License-Identifier: MIT */
/*
 * Encoding and decoding of the inline items of uapi/ava_wire.h, shared by
 * the guest library and the worker.  Readers never trust a length: every
 * read is bounds-checked and a failed one marks the buffer bad.
 */
#ifndef AVA_WIRE_CODEC_H
#define AVA_WIRE_CODEC_H

#include <stddef.h>
#include <stdint.h>

/* First word of a data item: 0 = NULL, else (len << 2) | kind. */
#define AVA_DATA_INLINE	1u
#define AVA_DATA_REF	2u
#define AVA_DATA_INLINE_PRELOAD 3u	/* output whose initial content follows */
#define AVA_DATA_MAXLEN	(UINT64_MAX >> 2)

struct ava_wbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
	int overflow;
};

struct ava_rbuf {
	const uint8_t *p;
	size_t len;
	size_t pos;
	int bad;
};

static inline uint64_t ava_pad8(uint64_t n)
{
	return (n + 7u) & ~(uint64_t)7u;
}

void ava_wbuf_init(struct ava_wbuf *w, void *p, size_t cap);
void ava_wbuf_u64(struct ava_wbuf *w, uint64_t v);
/* Appends n bytes (padded to 8) and returns where they went, or NULL. */
void *ava_wbuf_reserve(struct ava_wbuf *w, uint64_t n);

void ava_rbuf_init(struct ava_rbuf *r, const void *p, size_t len);
uint64_t ava_rbuf_u64(struct ava_rbuf *r);
/* Returns a pointer to the next n bytes (and skips their padding). */
const void *ava_rbuf_bytes(struct ava_rbuf *r, uint64_t n);

#endif
