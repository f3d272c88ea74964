/* SPDX-License-Identifier: MIT */
/*
 * The entries of a fat binary that a set of GPUs can load.  A fat binary
 * holds one entry per target: SASS (an ELF cubin for one sm_XY) or PTX (for
 * a compute_XY, compiled by the driver).  Libraries carry many targets
 * (PyTorch: every sm from 5.0 to 9.0 and more), of which one GPU loads one;
 * sending only those keeps the bytes hashed, sent and loaded small.
 */
#ifndef AVA_CUDA_FATBIN_SELECT_H
#define AVA_CUDA_FATBIN_SELECT_H

#include <stddef.h>
#include <stdint.h>

/* entry kinds in a fat binary's entry header */
#define AVA_FATBIN_KIND_PTX	1
#define AVA_FATBIN_KIND_ELF	2

/*
 * A copy of the fat binary fb (size bytes, header included) that keeps, for
 * each of the narch compute capabilities archs[] (major * 10 + minor), the
 * entries such a GPU may load: the newest SASS it runs (same major, minor
 * not above) and the PTX of the highest version not above it.  Where a
 * target repeats (the same kind and arch twice), the first is kept: the
 * driver loads one entry of a fat binary, the first of its target (a fat
 * binary of copies, as bench/lazy_start builds, runs natively from its
 * first entry and never reads the others).  Returns the
 * copy (malloc'd; its size in *out_size), or NULL when fb is not a fat
 * binary this reads, when nothing would be dropped, or when nothing would
 * be kept (the whole one is then sent, and the driver answers as natively).
 */
void *ava_fatbin_select(const void *fb, uint64_t size, const int *archs, unsigned narch, uint64_t *out_size);

#endif
