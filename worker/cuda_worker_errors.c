// SPDX-License-Identifier: MIT
/* CUDA error names and texts, asked of the worker's libraries. */
#include "cuda_worker_internal.h"

static void copy_text(char *text, const char *s)
{
	if (!text)
		return;
	memset(text, 0, AVA_CU_TEXT_MAX);
	if (s)
		strncpy(text, s, AVA_CU_TEXT_MAX - 1);
}

CUresult avaw_cu_error_text(struct avaw_call *c, CUresult error, int which, char *text)
{
	const char *s = NULL;
	CUresult r;

	(void)c;
	r = which ? CU.cuGetErrorString(error, &s) : CU.cuGetErrorName(error, &s);
	copy_text(text, r == CUDA_SUCCESS ? s : NULL);
	return r;
}

cudaError_t avaw_rt_error_text(struct avaw_call *c, cudaError_t error, int which, char *text)
{
	(void)c;
	copy_text(text, which ? RT.cudaGetErrorString(error) : RT.cudaGetErrorName(error));
	return cudaSuccess;
}
