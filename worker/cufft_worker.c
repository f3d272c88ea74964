// SPDX-License-Identifier: MIT
/*
 * cuFFT in the worker: NVIDIA's libcufft.so.12 (opened with dlopen in the
 * session's worker process, like libcuda), plan ids, and work areas that
 * must hold what the plan needs.
 */
#include "cufft_worker_rt.h"

/* Id 0 is no plan: NVIDIA's plan numbers start at 0, so no NULL plan passes. */
int avaw_cufft_plan_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	*obj = NULL;
	return id != 0 && avaw_handle(c, id, type, obj);
}

/* The plan forgets its stream first: at the session's end the CUDA API's
 * streams can be gone already. */
int avaw_cufft_release(void *obj)
{
	cufftHandle plan = (cufftHandle)(intptr_t)obj;

	if (!avaw_cufft_sym.cufftDestroy)
		return 0;
	if (avaw_cufft_sym.cufftSetStream)
		avaw_cufft_sym.cufftSetStream(plan, NULL);
	return avaw_cufft_sym.cufftDestroy(plan);
}

cufftResult avaw_cufft_set_work_area(struct avaw_call *c, cufftHandle plan, void *workArea)
{
	size_t need = 0;
	cufftResult st;

	(void)c;	/* the generated caller made sure the library is loaded */
	if (!avaw_cufft_sym.cufftSetWorkArea)
		return CUFFT_SETUP_FAILED;
	/* cuFFT uses the plan's whole work size: it must be one allocation's */
	st = avaw_cufft_sym.cufftGetSize(plan, &need);
	if (st != CUFFT_SUCCESS)
		return st;
	if (workArea && !avaw_mathlib_range_ok((uint64_t)(uintptr_t)workArea, need))
		return CUFFT_INVALID_VALUE;
	return avaw_cufft_sym.cufftSetWorkArea(plan, workArea);
}
