// SPDX-License-Identifier: MIT
/*
 * Unit tests of common/opencl_sizes.c: the bytes of host memory an image
 * or rectangle transfer reads or writes, which the guest sends and the
 * worker checks.  A size short of what the backend touches lets it read or
 * write past the worker's copy, so each layout is checked against the
 * OpenCL specification's, 1D image arrays (layers a slice pitch apart)
 * included.
 */
#define CL_TARGET_OPENCL_VERSION 300
#include <stdint.h>

#include "opencl_sizes.h"
#include "unit_check.h"

enum { PX = 4 };

static void plain_regions(void)
{
	const size_t r2[3] = { 64, 48, 1 }, r3[3] = { 16, 8, 4 };

	CHECK(ava_cl_region_bytes(PX, r2, 0, 0) == 64 * 48 * PX);
	/* rows 300 bytes apart: the last row ends at its width */
	CHECK(ava_cl_region_bytes(PX, r2, 300, 0) == 47 * 300 + 64 * PX);
	CHECK(ava_cl_region_bytes(PX, r3, 0, 0) == 16 * 8 * 4 * PX);
	CHECK(ava_cl_region_bytes(PX, r3, 100, 1000) == 3 * 1000 + 7 * 100 + 16 * PX);
	CHECK(ava_cl_region_packed(PX, r3, 0, 0));
	CHECK(ava_cl_region_packed(PX, r3, 16 * PX, 16 * 8 * PX));
	CHECK(!ava_cl_region_packed(PX, r3, 100, 0));
}

static void array1d_layers_by_slice(void)
{
	const size_t region[3] = { 64, 8, 1 }, origin[3] = { 5, 3, 0 };
	size_t rb[3], ob[3];
	const size_t *r = ava_cl_image_xyz(CL_MEM_OBJECT_IMAGE1D_ARRAY, region, rb);
	const size_t *o = ava_cl_image_xyz(CL_MEM_OBJECT_IMAGE1D_ARRAY, origin, ob);

	CHECK(r[0] == 64 && r[1] == 1 && r[2] == 8);
	CHECK(o[0] == 5 && o[1] == 0 && o[2] == 3);
	/* 8 layers 320 bytes apart (the row pitch given or not): 7 * 320 + 256 */
	CHECK(ava_cl_region_bytes(PX, r, 0, 320) == 7 * 320 + 64 * PX);
	CHECK(ava_cl_region_bytes(PX, r, 64 * PX, 320) == 7 * 320 + 64 * PX);
	/* no slice pitch: the row pitch (packed layers) */
	CHECK(ava_cl_region_bytes(PX, r, 0, 0) == 8 * 64 * PX);
	CHECK(ava_cl_region_bytes(PX, r, 300, 0) == 7 * 300 + 64 * PX);
	CHECK(!ava_cl_region_packed(PX, r, 0, 320));
	CHECK(ava_cl_region_packed(PX, r, 0, 0));
}

static void other_types_unchanged(void)
{
	static const cl_mem_object_type types[] = { CL_MEM_OBJECT_IMAGE1D, CL_MEM_OBJECT_IMAGE1D_BUFFER,
						    CL_MEM_OBJECT_IMAGE2D, CL_MEM_OBJECT_IMAGE2D_ARRAY,
						    CL_MEM_OBJECT_IMAGE3D, 0 };
	const size_t region[3] = { 64, 8, 2 };
	size_t buf[3];
	unsigned i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		CHECK(ava_cl_image_xyz(types[i], region, buf) == region);
	CHECK(ava_cl_image_xyz(CL_MEM_OBJECT_IMAGE1D_ARRAY, NULL, buf) == NULL);
}

static void overflow_and_empty(void)
{
	const size_t huge[3] = { SIZE_MAX / 2, 3, 1 }, empty[3] = { 64, 0, 1 };
	const size_t origin[3] = { 1, 2, 3 }, rect[3] = { 10, 4, 2 };

	CHECK(ava_cl_region_bytes(PX, huge, 0, 0) == UINT64_MAX);
	CHECK(ava_cl_region_bytes(PX, empty, 0, 0) == 0);
	CHECK(ava_cl_region_bytes(PX, NULL, 0, 0) == 0);
	/* a rectangle's span starts at ptr: its origin counts */
	CHECK(ava_cl_rect_bytes(origin, rect, 16, 100) == 3 * 100 + 2 * 16 + 1 + (1 * 100 + 3 * 16 + 10));
	CHECK(!ava_cl_rect_packed(origin, rect, 0, 0));
}

int main(void)
{
	RUN(plain_regions, "2D and 3D regions, packed and with pitches");
	RUN(array1d_layers_by_slice, "a 1D image array's layers lie a slice pitch apart");
	RUN(other_types_unchanged, "other image types' regions are taken as they are");
	RUN(overflow_and_empty, "overflow gives UINT64_MAX, an empty region 0, a rectangle's origin counts");
	return unit_done();
}
