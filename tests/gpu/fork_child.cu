// A process that forks before it first uses CUDA: the children launch the
// program's kernels and read a __device__ variable (natively the runtime
// registers them lazily in each; through AvA too: a child's first lookups
// send the fat binaries to its own session, userlib/cuda_rt_lazy.c).
#include <sys/wait.h>
#include <unistd.h>

#include "common.h"

__device__ int bias = 7;

__global__ void add_bias(int *o, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;

	if (i < n)
		o[i] = i * 3 + bias;
}

static int run(const char *who)
{
	const int n = 1000;
	std::vector<int> h(n);
	int *d, b = 0;
	long sum = 0;

	CK(cudaMalloc(&d, n * sizeof(int)));
	add_bias<<<(n + 255) / 256, 256>>>(d, n);
	CK(cudaGetLastError());
	CK(cudaMemcpy(h.data(), d, n * sizeof(int), cudaMemcpyDeviceToHost));
	CK(cudaMemcpyFromSymbol(&b, bias, sizeof(b)));
	for (int i = 0; i < n; i++)
		sum += h[i];
	CK(cudaFree(d));
	printf("%s: sum %ld, bias %d\n", who, sum, b);
	fflush(stdout);
	return sum == 3L * n * (n - 1) / 2 + 7L * n && b == 7 ? 0 : 1;
}

int main()
{
	int st, bad = 0;

	fflush(stdout);
	for (int c = 0; c < 2; c++) {
		pid_t p = fork();

		if (p == 0)
			_exit(run(c ? "child 1" : "child 0"));
		if (p < 0 || waitpid(p, &st, 0) != p || !WIFEXITED(st) || WEXITSTATUS(st))
			bad = 1;
	}
	bad |= run("parent");
	printf("%s\n", bad ? "FAILED" : "PASSED");
	return bad;
}
