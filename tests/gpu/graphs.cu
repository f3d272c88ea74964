// CUDA graphs through stream capture: memsets, kernels, a device-to-device
// copy and a copy into pinned memory captured on a stream, instantiated,
// uploaded and replayed 100 times.
#include "common.h"

__global__ void add_index(int *p, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		p[i] += i % 7;
}

__global__ void fold(const int *src, int *dst, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		dst[i] = (dst[i] + src[i]) % 1000003;
}

int main()
{
	const int n = 1 << 16, replays = 100;
	print_device();
	cudaStream_t st;
	int *a, *b, *pinned;
	CK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
	CK(cudaMalloc(&a, n * sizeof(int)));
	CK(cudaMalloc(&b, n * sizeof(int)));
	CK(cudaMallocHost(&pinned, n * sizeof(int)));
	CK(cudaMemset(b, 0, n * sizeof(int)));

	cudaStreamCaptureStatus cs;
	CK(cudaStreamIsCapturing(st, &cs));
	printf("capturing before: %d\n", (int)cs);
	CK(cudaStreamBeginCapture(st, cudaStreamCaptureModeThreadLocal));
	CK(cudaStreamIsCapturing(st, &cs));
	printf("capturing during: %d\n", (int)cs);
	CK(cudaMemsetAsync(a, 0, n * sizeof(int), st));
	add_index<<<(n + 255) / 256, 256, 0, st>>>(a, n);
	add_index<<<(n + 255) / 256, 256, 0, st>>>(a, n);
	fold<<<(n + 255) / 256, 256, 0, st>>>(a, b, n);
	CK(cudaMemcpyAsync(a, b, n * sizeof(int), cudaMemcpyDeviceToDevice, st));
	CK(cudaMemcpyAsync(pinned, a, n * sizeof(int), cudaMemcpyDeviceToHost, st));
	cudaGraph_t graph;
	CK(cudaStreamEndCapture(st, &graph));
	CK(cudaStreamIsCapturing(st, &cs));
	printf("capturing after: %d\n", (int)cs);

	cudaGraphExec_t exec;
	CK(cudaGraphInstantiate(&exec, graph, 0));
	CK(cudaGraphUpload(exec, st));
	for (int r = 0; r < replays; r++)
		CK(cudaGraphLaunch(exec, st));
	CK(cudaStreamSynchronize(st));
	CK(cudaGetLastError());
	long long sum = 0;
	for (int i = 0; i < n; i++)
		sum += pinned[i];
	printf("after %d replays: pinned[1] %d pinned[%d] %d sum %lld\n", replays, pinned[1], n - 1, pinned[n - 1],
	       sum);

	CK(cudaGraphExecDestroy(exec));
	CK(cudaGraphDestroy(graph));
	cudaGraph_t empty;
	CK(cudaGraphCreate(&empty, 0));
	CK(cudaGraphInstantiateWithFlags(&exec, empty, 0));
	CK(cudaGraphLaunch(exec, st));
	CK(cudaStreamSynchronize(st));
	printf("an empty graph replays\n");
	CK(cudaGraphExecDestroy(exec));
	CK(cudaGraphDestroy(empty));
	CK(cudaFreeHost(pinned));
	CK(cudaFree(a));
	CK(cudaFree(b));
	CK(cudaStreamDestroy(st));
	printf("done\n");
	return 0;
}
