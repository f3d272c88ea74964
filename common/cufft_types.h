/* SPDX-License-Identifier: MIT */
/*
 * What both halves of the cuFFT shim need besides NVIDIA's headers
 * (api/cufft.spec): the two entry points libcufft.so.12 exports but no
 * header declares.  Neither is remoted; declared without parameters, the
 * shim's stubs ignore whatever a caller passes.
 */
#ifndef AVA_CUFFT_TYPES_H
#define AVA_CUFFT_TYPES_H

#include <cufft.h>
#include <cufftXt.h>

cufftResult cufftDebug(void);
cufftResult cufftXtMakePlanGuru64(void);

#endif
