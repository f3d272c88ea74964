/* SPDX-License-Identifier: MIT */
/*
 * The names and descriptions of cuBLAS's status codes, which the cuBLAS and
 * cuBLASLt shims both answer in the guest (cublasGetStatusName,
 * cublasLtGetStatusString, ...).
 */
#ifndef AVA_CUBLAS_STATUS_H
#define AVA_CUBLAS_STATUS_H

#include <stddef.h>

#include <cublas_api.h>

static const struct {
	cublasStatus_t st;
	const char *name, *text;
} ava_cublas_status_texts[] = {
	{ CUBLAS_STATUS_SUCCESS, "CUBLAS_STATUS_SUCCESS", "success" },
	{ CUBLAS_STATUS_NOT_INITIALIZED, "CUBLAS_STATUS_NOT_INITIALIZED", "the library was not initialized" },
	{ CUBLAS_STATUS_ALLOC_FAILED, "CUBLAS_STATUS_ALLOC_FAILED", "the resource allocation failed" },
	{ CUBLAS_STATUS_INVALID_VALUE, "CUBLAS_STATUS_INVALID_VALUE", "an invalid numeric value was used as an argument" },
	{ CUBLAS_STATUS_ARCH_MISMATCH, "CUBLAS_STATUS_ARCH_MISMATCH", "an absent device architectural feature is required" },
	{ CUBLAS_STATUS_MAPPING_ERROR, "CUBLAS_STATUS_MAPPING_ERROR", "an access to GPU memory space failed" },
	{ CUBLAS_STATUS_EXECUTION_FAILED, "CUBLAS_STATUS_EXECUTION_FAILED", "the GPU program failed to execute" },
	{ CUBLAS_STATUS_INTERNAL_ERROR, "CUBLAS_STATUS_INTERNAL_ERROR", "an internal operation failed" },
	{ CUBLAS_STATUS_NOT_SUPPORTED, "CUBLAS_STATUS_NOT_SUPPORTED", "the functionality requested is not supported" },
	{ CUBLAS_STATUS_LICENSE_ERROR, "CUBLAS_STATUS_LICENSE_ERROR", "the functionality requested requires some license" },
};

static inline const char *ava_cublas_status_text(cublasStatus_t st, int which)
{
	size_t i;

	for (i = 0; i < sizeof(ava_cublas_status_texts) / sizeof(ava_cublas_status_texts[0]); i++)
		if (ava_cublas_status_texts[i].st == st)
			return which ? ava_cublas_status_texts[i].text : ava_cublas_status_texts[i].name;
	return which ? "unknown error" : "CUBLAS_STATUS_UNKNOWN";
}

#endif
