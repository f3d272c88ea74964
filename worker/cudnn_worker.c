// SPDX-License-Identifier: MIT
/*
 * cuDNN in the worker: the API's tables, NVIDIA's libcudnn.so.9 (opened
 * with dlopen in the session's worker process, like libcuda; it opens its
 * sub-libraries itself), the release of each kind of object, and the
 * calls the guest answers from (versions, the last error's text).
 */
#include "cudnn_worker_rt.h"
#include "cuda_worker_internal.h"

static const struct avaw_api cudnn_api = {
	.fns = avaw_cudnn_fns, .nfns = AVA_FN_CUDNN_COUNT,
	.types = avaw_cudnn_types, .ntypes = AVA_HT_CUDNN_COUNT,
};

void avaw_cudnn_register(void)
{
	avaw_apis[AVA_API_CUDNN] = &cudnn_api;
}

static int cudnn_usable(void)
{
	return avaw_cudnn_sym.cudnnCreate && avaw_cudnn_sym.cudnnGetVersion &&
	       avaw_cudnn_sym.cudnnBackendCreateDescriptor && avaw_cudnn_sym.cudnnBackendDestroyDescriptor;
}

static const char *const cudnn_names[] = { "libcudnn.so.9", "/usr/local/cuda/lib64/libcudnn.so.9",
					   "/usr/local/cuda/targets/x86_64-linux/lib/libcudnn.so.9", NULL };

static struct avaw_vendor_lib cudnn_lib = {
	"AVA_CUDNN_LIB", cudnn_names, "ava_cudnn_shim", "api/cudnn.spec", avaw_cudnn_load_syms,
	cudnn_usable, "no libcudnn.so.9 (set AVA_CUDNN_LIB): cuDNN calls answer CUDNN_STATUS_NOT_INITIALIZED",
	1, 0,
};

int avaw_cudnn_ready(struct avaw_call *c)
{
	return avaw_cuda_ready(c) && avaw_lib_ready(&cudnn_lib);
}

/* The handle forgets its stream first: at the session's end the CUDA API's
 * streams can be gone already. */
int avaw_cudnn_release_handle(void *obj)
{
	if (!avaw_cudnn_sym.cudnnDestroy)
		return 0;
	if (avaw_cudnn_sym.cudnnSetStream)
		avaw_cudnn_sym.cudnnSetStream(obj, NULL);
	return avaw_cudnn_sym.cudnnDestroy(obj);
}

#define RELEASE(name, fn) \
	int avaw_cudnn_release_##name(void *obj) \
	{ \
		return avaw_cudnn_sym.fn ? avaw_cudnn_sym.fn(obj) : 0; \
	}
RELEASE(tensor, cudnnDestroyTensorDescriptor)
RELEASE(filter, cudnnDestroyFilterDescriptor)
RELEASE(conv, cudnnDestroyConvolutionDescriptor)
RELEASE(activation, cudnnDestroyActivationDescriptor)
RELEASE(pooling, cudnnDestroyPoolingDescriptor)
RELEASE(dropout, cudnnDestroyDropoutDescriptor)
RELEASE(rnn, cudnnDestroyRNNDescriptor)
RELEASE(rnndata, cudnnDestroyRNNDataDescriptor)
RELEASE(ctc, cudnnDestroyCTCLossDescriptor)
RELEASE(st, cudnnDestroySpatialTransformerDescriptor)
#undef RELEASE

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
