// SPDX-License-Identifier: MIT
/*
 * Fat binary entry selection (cuda_fatbin_select.h).  The layout read here:
 * a 16-byte header (u32 magic 0xba55ed50, u16 version, u16 header size,
 * u64 size of the entries), then entries, each a header (u16 kind, u16,
 * u32 header size, u64 payload size, ..., u32 arch at offset 28) followed
 * by its payload (compressed or not: copied as it is).
 */
#include "cuda_fatbin_select.h"

#include <stdlib.h>
#include <string.h>

#define MAGIC		0xba55ed50u	/* AVA_FATBIN_MAGIC of cuda_types.h */
#define HDR		16u
#define ENTRY_MIN	32u	/* through the arch word */

struct entry {
	uint64_t off, len;	/* header + payload */
	unsigned kind, arch;
};

/* The entries of fb, or -1 when it is not a well-formed fat binary. */
static long parse(const unsigned char *p, uint64_t size, struct entry *e, unsigned max)
{
	uint32_t magic;
	uint16_t hsize;
	uint64_t fsize, off, end;
	long n = 0;

	if (size < HDR)
		return -1;
	memcpy(&magic, p, 4);
	memcpy(&hsize, p + 6, 2);
	memcpy(&fsize, p + 8, 8);
	if (magic != MAGIC || hsize < HDR || hsize > size || fsize > size - hsize)
		return -1;
	end = (uint64_t)hsize + fsize;
	for (off = hsize; off < end; n++) {
		uint16_t kind;
		uint32_t ehs, arch;
		uint64_t psize;

		if ((unsigned long)n == max || end - off < ENTRY_MIN)
			return -1;
		memcpy(&kind, p + off, 2);
		memcpy(&ehs, p + off + 4, 4);
		memcpy(&psize, p + off + 8, 8);
		memcpy(&arch, p + off + 28, 4);
		if (ehs < ENTRY_MIN || ehs > end - off || psize > end - off - ehs)
			return -1;
		e[n] = (struct entry){ off, ehs + psize, kind, arch };
		off += ehs + psize;
	}
	return n;
}

/* The newest PTX among e[0..n) that a GPU of compute capability cc compiles (0: none). */
static unsigned newest_ptx(const struct entry *e, long n, unsigned cc)
{
	unsigned best = 0;
	long i;

	for (i = 0; i < n; i++)
		if (e[i].kind == AVA_FATBIN_KIND_PTX && e[i].arch <= cc && e[i].arch > best)
			best = e[i].arch;
	return best;
}

/* The newest SASS among e[0..n) that a GPU of compute capability cc runs (same major, minor not above; 0: none). */
static unsigned newest_sass(const struct entry *e, long n, unsigned cc)
{
	unsigned best = 0;
	long i;

	for (i = 0; i < n; i++)
		if (e[i].kind == AVA_FATBIN_KIND_ELF && e[i].arch / 10 == cc / 10 && e[i].arch <= cc &&
		    e[i].arch > best)
			best = e[i].arch;
	return best;
}

/* The first entry of kind and arch among e[0..n) (-1: none, or arch 0). */
static long first_of(const struct entry *e, long n, unsigned kind, unsigned arch)
{
	long i;

	for (i = 0; arch && i < n; i++)
		if (e[i].kind == kind && e[i].arch == arch)
			return i;
	return -1;
}

static void keep_one(const struct entry *e, long i, unsigned char *keep, long *kept, uint64_t *total)
{
	if (i < 0 || keep[i])
		return;
	keep[i] = 1;
	(*kept)++;
	*total += e[i].len;
}

void *ava_fatbin_select(const void *fb, uint64_t size, const int *archs, unsigned narch, uint64_t *out_size)
{
	enum { MAX_ENTRIES = 4096 };
	const unsigned char *p = fb;
	struct entry *e = malloc(MAX_ENTRIES * sizeof(*e));
	unsigned char *copy = NULL, *keep = NULL;
	uint64_t total = HDR, fsize;
	long n, i, kept = 0;
	unsigned a;

	if (!e || (n = parse(p, size, e, MAX_ENTRIES)) <= 0 || !(keep = calloc((size_t)n, 1)))
		goto out;
	for (a = 0; a < narch; a++) {
		unsigned cc = archs[a] > 0 ? (unsigned)archs[a] : 0;

		keep_one(e, first_of(e, n, AVA_FATBIN_KIND_ELF, newest_sass(e, n, cc)), keep, &kept, &total);
		keep_one(e, first_of(e, n, AVA_FATBIN_KIND_PTX, newest_ptx(e, n, cc)), keep, &kept, &total);
	}
	if (!kept || kept == n || !(copy = malloc(total)))
		goto out;
	memcpy(copy, p, HDR);
	fsize = total - HDR;
	memcpy(copy + 6, &(uint16_t){ HDR }, 2);
	memcpy(copy + 8, &fsize, 8);
	for (i = 0, total = HDR; i < n; i++)
		if (keep[i]) {
			memcpy(copy + total, p + e[i].off, e[i].len);
			total += e[i].len;
		}
	*out_size = total;
out:
	free(keep);
	free(e);
	return copy;
}
