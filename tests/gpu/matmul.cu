// Tiled matrix multiply (shared memory, 2-D grid) on integers held in
// floats, so the product is exact and identical everywhere.
#include "common.h"
#include <vector>

#define T 16

__global__ void matmul(const float *A, const float *B, float *C, int n)
{
	__shared__ float as[T][T], bs[T][T];
	int r = blockIdx.y * T + threadIdx.y, c = blockIdx.x * T + threadIdx.x;
	float acc = 0;
	for (int k0 = 0; k0 < n; k0 += T) {
		as[threadIdx.y][threadIdx.x] = (r < n && k0 + threadIdx.x < n) ? A[r * n + k0 + threadIdx.x] : 0;
		bs[threadIdx.y][threadIdx.x] = (c < n && k0 + threadIdx.y < n) ? B[(k0 + threadIdx.y) * n + c] : 0;
		__syncthreads();
		for (int k = 0; k < T; k++)
			acc += as[threadIdx.y][k] * bs[k][threadIdx.x];
		__syncthreads();
	}
	if (r < n && c < n)
		C[r * n + c] = acc;
}

int main()
{
	print_device();
	int bad_total = 0;
	for (int n : { 17, 256, 509 }) {
		std::vector<float> A(n * n), B(n * n), C(n * n), R(n * n, 0);
		for (int i = 0; i < n * n; i++) {
			A[i] = (float)((i * 7) % 13 - 6);
			B[i] = (float)((i * 5) % 11 - 5);
		}
		for (int i = 0; i < n; i++)
			for (int k = 0; k < n; k++)
				for (int j = 0; j < n; j++)
					R[i * n + j] += A[i * n + k] * B[k * n + j];
		float *dA, *dB, *dC;
		size_t bytes = (size_t)n * n * sizeof(float);
		CK(cudaMalloc(&dA, bytes));
		CK(cudaMalloc(&dB, bytes));
		CK(cudaMalloc(&dC, bytes));
		CK(cudaMemcpy(dA, A.data(), bytes, cudaMemcpyHostToDevice));
		CK(cudaMemcpy(dB, B.data(), bytes, cudaMemcpyHostToDevice));
		dim3 block(T, T), grid((n + T - 1) / T, (n + T - 1) / T);
		matmul<<<grid, block>>>(dA, dB, dC, n);
		CK(cudaGetLastError());
		CK(cudaMemcpy(C.data(), dC, bytes, cudaMemcpyDeviceToHost));
		int bad = 0;
		double tr = 0;
		for (int i = 0; i < n * n; i++)
			bad += C[i] != R[i];
		for (int i = 0; i < n; i++)
			tr += C[i * n + i];
		printf("n=%d trace=%.0f mismatches=%d\n", n, tr, bad);
		bad_total += bad;
		CK(cudaFree(dA));
		CK(cudaFree(dB));
		CK(cudaFree(dC));
	}
	printf("%s\n", bad_total ? "FAILED" : "PASSED");
	return bad_total != 0;
}
