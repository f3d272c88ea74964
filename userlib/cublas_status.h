/* SPDX-License-Identifier: MIT */
/*
 * The names and descriptions of cuBLAS's status codes, which the cuBLAS and
 * cuBLASLt shims both answer in the guest (cublasGetStatusName,
 * cublasLtGetStatusString, ...).
 */
#ifndef AVA_CUBLAS_STATUS_H
#define AVA_CUBLAS_STATUS_H

#include <cublas_api.h>

#include "status_texts.h"

static const struct ava_status_text ava_cublas_status_texts[] = {
	AVA_STATUS(CUBLAS_STATUS_SUCCESS, "success"),
	AVA_STATUS(CUBLAS_STATUS_NOT_INITIALIZED, "the library was not initialized"),
	AVA_STATUS(CUBLAS_STATUS_ALLOC_FAILED, "the resource allocation failed"),
	AVA_STATUS(CUBLAS_STATUS_INVALID_VALUE, "an invalid numeric value was used as an argument"),
	AVA_STATUS(CUBLAS_STATUS_ARCH_MISMATCH, "an absent device architectural feature is required"),
	AVA_STATUS(CUBLAS_STATUS_MAPPING_ERROR, "an access to GPU memory space failed"),
	AVA_STATUS(CUBLAS_STATUS_EXECUTION_FAILED, "the GPU program failed to execute"),
	AVA_STATUS(CUBLAS_STATUS_INTERNAL_ERROR, "an internal operation failed"),
	AVA_STATUS(CUBLAS_STATUS_NOT_SUPPORTED, "the functionality requested is not supported"),
	AVA_STATUS(CUBLAS_STATUS_LICENSE_ERROR, "the functionality requested requires some license"),
};

static inline const char *ava_cublas_status_text(cublasStatus_t st, int which)
{
	return AVA_STATUS_TEXT(ava_cublas_status_texts, st, which, "CUBLAS_STATUS_UNKNOWN");
}

#endif
