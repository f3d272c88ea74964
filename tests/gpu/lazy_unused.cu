// Lazy registration: a fat binary whose kernel and variable are never used
// (lazy_used.cu says why); through AvA it never reaches the worker.
__device__ float never_read[1024];

__global__ void never_launched(float *x, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		x[i] = never_read[i % 1024] * 2.0f;
}
