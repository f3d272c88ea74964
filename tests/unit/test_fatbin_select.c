// SPDX-License-Identifier: MIT
/*
 * Unit tests of userlib/cuda_fatbin_select.c on fat binaries built here
 * with the layout nvcc writes (SASS for sm_80 and sm_90, PTX for
 * compute_90 and compute_75, as `nvcc -fatbin -gencode ...` makes them):
 * which entries each GPU keeps, the copy's header, and malformed input.
 */
#include <stdlib.h>
#include <string.h>

#include "cuda_fatbin_select.h"
#include "unit_check.h"

struct spec {
	unsigned kind, arch, hsize, psize;
};

/* A fat binary of the entries s[0..n); entry i's payload bytes are all 'A' + i. */
static unsigned char *build(const struct spec *s, unsigned n, uint64_t *size)
{
	uint64_t total = 16, off = 16;
	unsigned char *p;
	unsigned i;

	for (i = 0; i < n; i++)
		total += s[i].hsize + s[i].psize;
	p = calloc(1, total);
	memcpy(p, &(uint32_t){ 0xba55ed50u }, 4);
	memcpy(p + 4, &(uint16_t){ 1 }, 2);
	memcpy(p + 6, &(uint16_t){ 16 }, 2);
	memcpy(p + 8, &(uint64_t){ total - 16 }, 8);
	for (i = 0; i < n; i++) {
		memcpy(p + off, &(uint16_t){ (uint16_t)s[i].kind }, 2);
		memcpy(p + off + 2, &(uint16_t){ 257 }, 2);
		memcpy(p + off + 4, &(uint32_t){ s[i].hsize }, 4);
		memcpy(p + off + 8, &(uint64_t){ s[i].psize }, 8);
		if (s[i].hsize >= 32)
			memcpy(p + off + 28, &(uint32_t){ s[i].arch }, 4);
		memset(p + off + s[i].hsize, 'A' + (int)i, s[i].psize);
		off += s[i].hsize + s[i].psize;
	}
	*size = total;
	return p;
}

static const struct spec four[] = {
	{ AVA_FATBIN_KIND_ELF, 80, 64, 3000 },
	{ AVA_FATBIN_KIND_ELF, 90, 64, 300 },
	{ AVA_FATBIN_KIND_PTX, 90, 80, 200 },
	{ AVA_FATBIN_KIND_PTX, 75, 80, 100 },
};

/* The payload letters of the entries in fat binary p, in order ("" if none). */
static void letters(const unsigned char *p, uint64_t size, char *out)
{
	uint64_t off = 16, hs, ps;
	uint32_t ehs;

	memcpy(&hs, p + 8, 8);
	CHECK(hs + 16 == size);
	while (off < size) {
		memcpy(&ehs, p + off + 4, 4);
		memcpy(&ps, p + off + 8, 8);
		*out++ = (char)p[off + ehs];
		off += ehs + ps;
	}
	CHECK(off == size);
	*out = 0;
}

/* Which entries of `four` a GPU set keeps ("" when the copy is refused). */
static void kept(const int *archs, unsigned narch, char *out)
{
	uint64_t size, csize = 0;
	unsigned char *fb = build(four, 4, &size), *copy;

	copy = ava_fatbin_select(fb, size, archs, narch, &csize);
	if (copy)
		letters(copy, csize, out);
	else
		*out = 0;
	free(copy);
	free(fb);
}

static void selection(void)
{
	char got[8];

	kept((int[]){ 90 }, 1, got);
	CHECK(!strcmp(got, "BC"));	/* sm_90 SASS and compute_90 PTX */
	kept((int[]){ 86 }, 1, got);
	CHECK(!strcmp(got, "AD"));	/* sm_80 SASS runs on 8.6, compute_75 PTX */
	kept((int[]){ 75 }, 1, got);
	CHECK(!strcmp(got, "D"));
	kept((int[]){ 100 }, 1, got);
	CHECK(!strcmp(got, "C"));	/* a newer GPU compiles the newest PTX */
	kept((int[]){ 90, 86 }, 2, got);
	CHECK(!strcmp(got, ""));	/* all four kept: no copy */
	kept((int[]){ 90, 75 }, 2, got);
	CHECK(!strcmp(got, "BCD"));
	kept((int[]){ 70 }, 1, got);
	CHECK(!strcmp(got, ""));	/* nothing loads: the whole is sent */
	kept((int[]){ 0 }, 0, got);
	CHECK(!strcmp(got, ""));
}

/* Repeated targets and older SASS of the same major: one entry per target kept, the first. */
static void one_per_target(void)
{
	static const struct spec dup[] = {
		{ AVA_FATBIN_KIND_ELF, 80, 64, 100 },	/* A: older than sm_86 */
		{ AVA_FATBIN_KIND_ELF, 86, 64, 200 },	/* B */
		{ AVA_FATBIN_KIND_PTX, 86, 80, 300 },	/* C */
		{ AVA_FATBIN_KIND_ELF, 86, 64, 4000 },	/* D: B's target again */
		{ AVA_FATBIN_KIND_PTX, 86, 80, 5000 },	/* E: C's again */
	};
	uint64_t size, csize = 0;
	unsigned char *fb = build(dup, 5, &size), *copy;
	char got[8];

	copy = ava_fatbin_select(fb, size, (int[]){ 86 }, 1, &csize);
	CHECK(copy != NULL);
	if (copy) {
		letters(copy, csize, got);
		CHECK(!strcmp(got, "BC"));
	}
	free(copy);
	copy = ava_fatbin_select(fb, size, (int[]){ 80, 86 }, 2, &csize);
	CHECK(copy != NULL);
	if (copy) {
		letters(copy, csize, got);
		CHECK(!strcmp(got, "ABC"));	/* sm_80's own SASS, then sm_86's; one PTX serves both */
	}
	free(copy);
	free(fb);
}

static void malformed(void)
{
	uint64_t size, csize = 0;
	unsigned char *fb = build(four, 4, &size);
	const int cc[] = { 90 };
	struct spec shorthdr[] = { { AVA_FATBIN_KIND_ELF, 90, 16, 10 }, { AVA_FATBIN_KIND_ELF, 80, 64, 10 } };
	unsigned char *bad;
	uint64_t bsize;

	CHECK(!ava_fatbin_select(fb, size - 1, cc, 1, &csize));	/* shorter than its header says */
	CHECK(!ava_fatbin_select(fb, 15, cc, 1, &csize));
	fb[0] ^= 1;
	CHECK(!ava_fatbin_select(fb, size, cc, 1, &csize));	/* magic */
	fb[0] ^= 1;
	memcpy(fb + 16 + 8, &(uint64_t){ ~0ull }, 8);		/* payload past the end */
	CHECK(!ava_fatbin_select(fb, size, cc, 1, &csize));
	memcpy(fb + 16 + 8, &(uint64_t){ 3000 }, 8);
	memcpy(fb + 16 + 4, &(uint32_t){ 0xffffffffu }, 4);	/* entry header past the end */
	CHECK(!ava_fatbin_select(fb, size, cc, 1, &csize));
	bad = build(shorthdr, 2, &bsize);			/* an entry header without its arch */
	CHECK(!ava_fatbin_select(bad, bsize, cc, 1, &csize));
	CHECK(csize == 0);
	free(bad);
	free(fb);
}

int main(void)
{
	RUN(selection, "fat binary entries kept per GPU: same-major SASS not newer, newest usable PTX");
	RUN(one_per_target, "repeated targets and older same-major SASS: the first entry of the newest target only");
	RUN(malformed, "malformed fat binaries: no copy (the whole is sent)");
	return unit_done();
}
