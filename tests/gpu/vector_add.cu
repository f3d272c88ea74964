// vector add through the runtime API: <<<>>> launches, pageable copies of
// several sizes (inline, arena, chunked), cudaMemset, occupancy and
// function attributes.
#include "common.h"
#include <vector>

__global__ void vadd(const float *a, const float *b, float *c, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		c[i] = a[i] + b[i];
}

__global__ void scale(float *x, float s, int n)
{
	for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x)
		x[i] *= s;
}

static int run(int n)
{
	std::vector<float> a(n), b(n), c(n);
	float *da, *db, *dc;
	for (int i = 0; i < n; i++) {
		a[i] = (float)(i % 1000);
		b[i] = (float)(2 * (i % 777));
	}
	size_t bytes = (size_t)n * sizeof(float);
	CK(cudaMalloc(&da, bytes));
	CK(cudaMalloc(&db, bytes));
	CK(cudaMalloc(&dc, bytes));
	CK(cudaMemset(dc, 0, bytes));
	CK(cudaMemcpy(da, a.data(), bytes, cudaMemcpyHostToDevice));
	CK(cudaMemcpy(db, b.data(), bytes, cudaMemcpyDefault));
	vadd<<<(n + 255) / 256, 256>>>(da, db, dc, n);
	CK(cudaGetLastError());
	scale<<<64, 128>>>(dc, 0.5f, n);
	CK(cudaGetLastError());
	CK(cudaMemcpy(c.data(), dc, bytes, cudaMemcpyDeviceToHost));
	double sum = 0;
	int bad = 0;
	for (int i = 0; i < n; i++) {
		float want = (a[i] + b[i]) * 0.5f;
		if (c[i] != want)
			bad++;
		sum += c[i];
	}
	printf("n=%d sum=%.1f mismatches=%d\n", n, sum, bad);
	CK(cudaFree(da));
	CK(cudaFree(db));
	CK(cudaFree(dc));
	return bad;
}

int main()
{
	int bad = 0, blocks = 0;
	cudaFuncAttributes fa;

	print_device();
	CK(cudaFuncGetAttributes(&fa, vadd));
	printf("vadd: maxThreadsPerBlock %d, params %zu bytes\n", fa.maxThreadsPerBlock, (size_t)28);
	CK(cudaOccupancyMaxActiveBlocksPerMultiprocessor(&blocks, vadd, 256, 0));
	printf("occupancy(vadd, 256) > 0: %d\n", blocks > 0);
	for (int n : { 1, 1000, 100000, 5000000, 40000000 })
		bad += run(n);
	CK(cudaDeviceSynchronize());
	printf("%s\n", bad ? "FAILED" : "PASSED");
	return bad != 0;
}
