// SPDX-License-Identifier: MIT
/*
 * cuda_libs_bench: NVIDIA's math libraries as AvA remotes them at their own
 * API (bench/run cuda; docs/performance.md), built with `nvcc -cudart
 * shared -lcublas -lcudnn`.  One "key value" line per figure:
 *   sgemm_GFLOPs_4096          cublasSgemm 4096^3, GFLOP/s (median of reps)
 *   conv_GFLOPs_64x64x56x56    cudnnConvolutionForward, NCHW fp32, 64
 *                              images of 64x56x56, 3x3, 64 out, pad 1, with
 *                              the heuristics' first algorithm (the same on
 *                              both sides; a timed search may pick another
 *                              each run), GFLOP/s over 100 calls per sample
 *                              (throughput: one synchronize per sample)
 *   cublas_small_calls_per_s   10,000 cublasSgemm 32^3 in a row, then one
 *                              synchronize: calls per second (median of
 *                              the repetitions after a first, uncounted)
 * Exit status: 0, or 1 if a call failed.  Options: --quick, --only sgemm|small|conv
 * (one part, e.g. to profile it), --turns IN OUT: each repetition of the
 * small calls waits for a byte from the FIFO IN and, done, writes one to
 * OUT, so that two processes (natively and through AvA) take turns
 * repetition by repetition; its figure is then cublas_small_turns_calls_per_s
 * (bench/run cuda).
 */
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>
#include <cublas_v2.h>
#include <cuda_runtime.h>
#include <cudnn.h>

#include "bench_clock.h"
#include "bench_turns.h"

#define CK(call)                                                                                 \
	do {                                                                                     \
		long long e_ = (long long)(call);                                                \
		if (e_ != 0) {                                                                   \
			fprintf(stderr, "cuda_libs_bench: %s:%d: %s failed: %lld\n", __FILE__, __LINE__, \
				#call, e_);                                                      \
			exit(1);                                                                 \
		}                                                                                \
	} while (0)

static int quick;
static float *dev_fill(size_t n, float v)
{
	std::vector<float> h(n, v);
	float *d;

	CK(cudaMalloc((void **)&d, n * sizeof(float)));
	CK(cudaMemcpy(d, h.data(), n * sizeof(float), cudaMemcpyHostToDevice));
	return d;
}

static void bench_sgemm(cublasHandle_t h)
{
	const int n = 4096, reps = quick ? 3 : 9, per = quick ? 2 : 10;
	const float one = 1.0f, zero = 0.0f;
	float *a = dev_fill((size_t)n * n, 0.5f), *b = dev_fill((size_t)n * n, 0.25f), *c = dev_fill((size_t)n * n, 0);
	std::vector<double> g;

	CK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, n, b, n, &zero, c, n));
	CK(cudaDeviceSynchronize());
	for (int r = 0; r < reps; r++) {
		double t0 = now_s();
		for (int i = 0; i < per; i++)
			CK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, n, b, n, &zero, c, n));
		CK(cudaDeviceSynchronize());
		g.push_back(2.0 * n * n * (double)n * per / (now_s() - t0) / 1e9);
	}
	float c0 = 0;
	CK(cudaMemcpy(&c0, c, sizeof(float), cudaMemcpyDeviceToHost));
	if (c0 != 0.125f * n) {
		fprintf(stderr, "cuda_libs_bench: sgemm gave %g, not %g\n", c0, 0.125 * n);
		exit(1);
	}
	printf("sgemm_GFLOPs_4096 %.1f\n", median(g));
	cudaFree(a);
	cudaFree(b);
	cudaFree(c);
}

static void bench_small(cublasHandle_t h)
{
	const int n = 32, calls = 10000, reps = quick ? 3 : 7;
	const float one = 1.0f, zero = 0.0f;
	float *a = dev_fill(n * n, 1), *b = dev_fill(n * n, 1), *c = dev_fill(n * n, 0);
	std::vector<double> rate, queued;

	/*
	 * Repetition 0 warms up (the kernel's first load) and is not counted:
	 * with --turns, the other process finishes starting up in it, so the
	 * counted repetitions never share the machine with a start.
	 */
	for (int r = 0; r <= reps; r++) {
		take_turn();
		double t0 = now_s();
		for (int i = 0; i < calls; i++)
			CK(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, n, n, n, &one, a, n, b, n, &zero, c, n));
		double issued = now_s() - t0;
		CK(cudaDeviceSynchronize());
		if (r > 0) {
			queued.push_back(issued);
			rate.push_back(calls / (now_s() - t0));
		}
		give_turn();
	}
	last_turn();
	/*
	 * Each repetition's rate (whether a spread is within a process or
	 * between processes), and which share of its time went to issuing the
	 * calls, before the wait for the last.
	 */
	printf("# small calls per s, each repetition (%% of the time issuing):");
	for (size_t i = 0; i < rate.size(); i++)
		printf(" %.0f (%.0f %%)", rate[i], 100.0 * queued[i] * rate[i] / calls);
	printf("\n");
	if (turn_in >= 0)
		print_reps("cublas_small_turns_calls_per_s", rate);
	printf("%s %.0f\n", turn_in >= 0 ? "cublas_small_turns_calls_per_s" : "cublas_small_calls_per_s", median(rate));
	cudaFree(a);
	cudaFree(b);
	cudaFree(c);
}

static void bench_conv()
{
	const int N = 64, C = 64, H = 56, W = 56, K = 64, R = 3, S = 3, reps = quick ? 3 : 9, per = quick ? 30 : 100;
	cudnnHandle_t h;
	cudnnTensorDescriptor_t x, y;
	cudnnFilterDescriptor_t w;
	cudnnConvolutionDescriptor_t cv;
	cudnnConvolutionFwdAlgoPerf_t perf[8];
	int found = 0, pick, on, oc, oh, ow;
	size_t ws = 0;
	void *work = NULL;
	const float one = 1.0f, zero = 0.0f;
	std::vector<double> g;

	CK(cudnnCreate(&h));
	CK(cudnnCreateTensorDescriptor(&x));
	CK(cudnnCreateTensorDescriptor(&y));
	CK(cudnnCreateFilterDescriptor(&w));
	CK(cudnnCreateConvolutionDescriptor(&cv));
	CK(cudnnSetTensor4dDescriptor(x, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, N, C, H, W));
	CK(cudnnSetFilter4dDescriptor(w, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, K, C, R, S));
	CK(cudnnSetConvolution2dDescriptor(cv, 1, 1, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT));
	CK(cudnnGetConvolution2dForwardOutputDim(cv, x, w, &on, &oc, &oh, &ow));
	CK(cudnnSetTensor4dDescriptor(y, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, on, oc, oh, ow));
	float *dx = dev_fill((size_t)N * C * H * W, 0.5f), *dw = dev_fill((size_t)K * C * R * S, 0.25f);
	float *dy = dev_fill((size_t)on * oc * oh * ow, 0);
	CK(cudnnGetConvolutionForwardAlgorithm_v7(h, x, w, cv, y, 8, &found, perf));
	for (pick = 0; pick < found && perf[pick].status != CUDNN_STATUS_SUCCESS; pick++)
		;
	if (pick == found) {
		fprintf(stderr, "cuda_libs_bench: no convolution algorithm\n");
		exit(1);
	}
	CK(cudnnGetConvolutionForwardWorkspaceSize(h, x, w, cv, y, perf[pick].algo, &ws));
	if (ws)
		CK(cudaMalloc(&work, ws));
	CK(cudnnConvolutionForward(h, &one, x, dx, w, dw, cv, perf[pick].algo, work, ws, &zero, y, dy));
	CK(cudaDeviceSynchronize());
	for (int r = 0; r < reps; r++) {
		double t0 = now_s();
		for (int i = 0; i < per; i++)
			CK(cudnnConvolutionForward(h, &one, x, dx, w, dw, cv, perf[pick].algo, work, ws, &zero, y, dy));
		CK(cudaDeviceSynchronize());
		g.push_back(2.0 * on * oc * oh * ow * C * R * S * per / (now_s() - t0) / 1e9);
	}
	printf("# conv algorithm %d, workspace %zu bytes\n", (int)perf[pick].algo, ws);
	printf("conv_GFLOPs_64x64x56x56 %.1f\n", median(g));
	cudaFree(work);
	cudaFree(dx);
	cudaFree(dw);
	cudaFree(dy);
	cudnnDestroyTensorDescriptor(x);
	cudnnDestroyTensorDescriptor(y);
	cudnnDestroyFilterDescriptor(w);
	cudnnDestroyConvolutionDescriptor(cv);
	cudnnDestroy(h);
}

int main(int argc, char **argv)
{
	cublasHandle_t h;
	const char *only = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick")) {
			quick = 1;
		} else if (!strcmp(argv[i], "--only") && i + 1 < argc) {
			only = argv[++i];
		} else if (!strcmp(argv[i], "--turns") && i + 2 < argc) {
			if (turns_open(argv[i + 1], argv[i + 2])) {
				perror("cuda_libs_bench: --turns");
				return 2;
			}
			i += 2;
		} else {
			fprintf(stderr, "usage: cuda_libs_bench [--quick] [--only sgemm|small|conv] [--turns IN OUT]\n");
			return 2;
		}
	}
	CK(cublasCreate(&h));
	if (!only || !strcmp(only, "sgemm"))
		bench_sgemm(h);
	if (!only || !strcmp(only, "small"))
		bench_small(h);
	CK(cublasDestroy(h));
	if (!only || !strcmp(only, "conv"))
		bench_conv();
	return 0;
}
