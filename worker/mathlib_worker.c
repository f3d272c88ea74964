// SPDX-License-Identifier: MIT
/*
 * The checks the cuFFT and cuRAND worker halves share, and their APIs'
 * registration.  Both libraries run in the session's worker on its CUDA
 * context: device addresses must be this session's device memory, and a
 * library's stream is one of the session's CUDA streams.
 */
#include "cufft_worker_rt.h"
#include "curand_worker_rt.h"

static const struct avaw_api cufft_api = {
	.fns = avaw_cufft_fns, .nfns = AVA_FN_CUFFT_COUNT,
	.types = avaw_cufft_types, .ntypes = AVA_HT_CUFFT_COUNT,
};
static const struct avaw_api curand_api = {
	.fns = avaw_curand_fns, .nfns = AVA_FN_CURAND_COUNT,
	.types = avaw_curand_types, .ntypes = AVA_HT_CURAND_COUNT,
};

void avaw_mathlibs_register(void)
{
	avaw_apis[AVA_API_CUFFT] = &cufft_api;
	avaw_apis[AVA_API_CURAND] = &curand_api;
}

int avaw_mathlib_devptr_ok(struct avaw_call *c, uint64_t ptr)
{
	return !ptr || avaw_cu_devptr_ok(c, ptr);
}

int avaw_mathlib_range_ok(uint64_t ptr, size_t size)
{
	CUdeviceptr base = 0;
	size_t len = 0;

	return avaw_cuda_sym.cuMemGetAddressRange &&
	       avaw_cuda_sym.cuMemGetAddressRange(&base, &len, (CUdeviceptr)ptr) == CUDA_SUCCESS &&
	       size <= len - (size_t)(ptr - base);
}

int avaw_mathlib_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	uint32_t api = c->api;
	int found;

	(void)type;	/* the library spec's stream type; the object is the CUDA API's */
	c->api = AVA_API_CUDA;
	found = avaw_cu_stream_handle(c, id, AVA_HT_CUDA_stream, obj);
	c->api = api;
	return found;
}
