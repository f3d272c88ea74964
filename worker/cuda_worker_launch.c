// SPDX-License-Identifier: MIT
/* CUDA runtime kernel launches in the worker, and the host functions named by registered kernels. */
#include "cuda_worker_internal.h"

static cudaError_t launch(struct avaw_kfunc *k, dim3 grid, dim3 block, void **args, size_t shmem,
			  cudaStream_t stream, int coop)
{
	if (!k)
		return cudaErrorInvalidDeviceFunction;
	if (coop)
		return RT.cudaLaunchCooperativeKernel(&k->key, grid, block, args, shmem, stream);
	if (RT.__cudaGetKernel && RT.__cudaLaunchKernel) {
		cudaError_t r = avaw_rt_kernel(k);

		if (r != cudaSuccess)
			return r;
		return RT.__cudaLaunchKernel(k->kernel, grid, block, args, shmem, stream);
	}
	return RT.cudaLaunchKernel(&k->key, grid, block, args, shmem, stream);
}

cudaError_t avaw_rt_launch(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, void **args,
			    size_t shmem, cudaStream_t stream)
{
	(void)c;
	return launch((struct avaw_kfunc *)kernel, grid, block, args, shmem, stream, 0);
}

cudaError_t avaw_rt_launch_coop(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, void **args,
				 size_t shmem, cudaStream_t stream)
{
	(void)c;
	return launch((struct avaw_kfunc *)kernel, grid, block, args, shmem, stream, 1);
}

void avaw_cudart_hostfn_get(struct avaw_call *c, struct avaw_cudart_hostfn *v)
{
	v->id = avaw_get_u64(c);
	v->val = NULL;
}

int64_t avaw_cudart_hostfn_check(struct avaw_call *c, struct avaw_cudart_hostfn *v)
{
	void *obj = NULL;

	if (!v->id)
		return 0;	/* NULL: libcudart reports it */
	static const char unknown;

	/* an unknown function goes to libcudart as a key it never saw, so that
	 * it reports (and records) the error as it would natively */
	if (!avaw_handle(c, v->id, AVA_HT_CUDA_kfunc, &obj) || !obj)
		v->val = &unknown;
	else
		v->val = &((struct avaw_kfunc *)obj)->key;
	return 0;
}
