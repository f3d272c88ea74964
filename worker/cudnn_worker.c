// SPDX-License-Identifier: MIT
/*
 * cuDNN in the worker (NVIDIA's libcudnn.so.9 is a row of mathlib_table.c;
 * it opens its sub-libraries itself): the release of a handle (the
 * descriptors' are their destroy calls, api/cudnn.spec destroy=), and the
 * calls the guest answers from (versions, the last error's text).
 */
#include "cudnn_worker_rt.h"
#include "cuda_worker_internal.h"

AVAW_MATHLIB_RELEASE_HANDLE(avaw_cudnn_release_handle, avaw_cudnn_sym, cudnnSetStream, cudnnDestroy)

cudnnStatus_t avaw_cudnn_versions(struct avaw_call *c, size_t *versions)
{
	(void)c;	/* the generated caller made sure the library is loaded */
	versions[0] = avaw_cudnn_sym.cudnnGetVersion();
	versions[1] = avaw_cudnn_sym.cudnnGetCudartVersion ? avaw_cudnn_sym.cudnnGetCudartVersion() : 0;
	return CUDNN_STATUS_SUCCESS;
}

cudnnStatus_t avaw_cudnn_last_error(struct avaw_call *c, char *message, size_t max_size)
{
	(void)c;
	if (!message || !max_size)
		return CUDNN_STATUS_BAD_PARAM;
	message[0] = '\0';
	if (avaw_cudnn_sym.cudnnGetLastErrorString)
		avaw_cudnn_sym.cudnnGetLastErrorString(message, max_size);
	message[max_size - 1] = '\0';
	return CUDNN_STATUS_SUCCESS;
}
