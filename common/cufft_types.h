/* SPDX-License-Identifier: MIT */
/*
 * What both halves of the cuFFT shim need besides NVIDIA's headers
 * (api/cufft.spec): the sizes of layout arrays, and the two entry points
 * libcufft.so.12 exports but no header declares.  Neither is remoted;
 * declared without parameters, the shim's stubs ignore what a caller passes.
 */
#ifndef AVA_CUFFT_TYPES_H
#define AVA_CUFFT_TYPES_H

#include <cufft.h>
#include <cufftXt.h>

/*
 * Elements of a layout array (n, inembed, onembed) of a transform of rank
 * dimensions.  cuFFT's ranks are 1 to 3: for any other rank none travel
 * (and none are read from the program), and cuFFT refuses the rank itself.
 */
static inline int ava_cufft_rank_len(int rank)
{
	return rank >= 1 && rank <= 3 ? rank : 0;
}

cufftResult cufftDebug(void);
cufftResult cufftXtMakePlanGuru64(void);

#endif
