// cudaMemcpyPeer, the worked example of docs/api-spec.md: remoted by one
// spec line.  Copies between two allocations of device 0 (peer copies
// within one device) and checks the data and the refusal of a bad device.
#include "common.h"
#include <vector>

int main(void)
{
	const int n = 1 << 16;
	std::vector<int> in(n), out(n, -1);
	int *a, *b;

	for (int i = 0; i < n; i++)
		in[i] = i * 7;
	CK(cudaMalloc(&a, n * sizeof(int)));
	CK(cudaMalloc(&b, n * sizeof(int)));
	CK(cudaMemcpy(a, in.data(), n * sizeof(int), cudaMemcpyHostToDevice));
	CK(cudaMemcpyPeer(b, 0, a, 0, n * sizeof(int)));
	CK(cudaMemcpy(out.data(), b, n * sizeof(int), cudaMemcpyDeviceToHost));
	int bad = 0;
	for (int i = 0; i < n; i++)
		bad += out[i] != in[i];
	printf("peer copy of %d ints: %d mismatches\n", n, bad);
	cudaError_t e = cudaMemcpyPeer(b, 999, a, 0, sizeof(int));
	printf("copy to device 999: %s\n", cudaGetErrorName(e));
	(void)cudaGetLastError();
	CK(cudaFree(a));
	CK(cudaFree(b));
	return bad != 0;
}
