// SPDX-License-Identifier: MIT
/*
 * cuda_bench: micro-benchmarks of the CUDA runtime paths AvA remotes, on
 * device 0.  The same binary (built with `nvcc -cudart shared`) runs natively
 * and through AvA (bench/run cuda compares the two).
 *
 * Output: one "key value" line per figure on stdout ('#' lines are comments):
 *   sync_rtt_us_<call>        mean time of one cheap synchronous call, µs
 *                             (median of batches)
 *   sync_rtt_idle_us_<call>   the same call after 1 ms of idleness
 *   launch_rate_per_s         empty-kernel launches per second: N launches
 *                             sent without waiting, then one synchronize
 *   launch_submit_per_s       the same, counting only the launch loop
 *   launch_sync_us_empty      one empty-kernel launch plus
 *                             cudaStreamSynchronize, µs (median)
 *   launch_turns_rate_per_s   launch_rate_per_s, taking turns with another
 *                             process (--turns IN OUT, bench_turns.h; then
 *                             the only figure)
 *   {h2d,d2h}_{pageable,pinned}_GBps_<size>
 *                             cudaMemcpy bandwidth, GB/s (1e9 B/s), median,
 *                             for 4 KiB, 1 MiB and 256 MiB
 * Exit status: 0, or 1 if a CUDA call failed.
 * Options: --quick (fewer iterations), --only sync|launch|copy, --turns IN OUT.
 */
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <vector>
#include <cuda_runtime.h>

#include "bench_clock.h"
#include "bench_turns.h"

#define CK(call)                                                                            \
	do {                                                                                \
		cudaError_t e_ = (call);                                                    \
		if (e_ != cudaSuccess) {                                                    \
			fprintf(stderr, "cuda_bench: %s:%d: %s failed: %s\n", __FILE__, __LINE__, \
				#call, cudaGetErrorString(e_));                             \
			exit(1);                                                            \
		}                                                                           \
	} while (0)

static int quick;

__global__ void empty_kernel() {}

static void bench_sync(cudaStream_t st)
{
	const int batches = quick ? 5 : 21, per = quick ? 200 : 2000;
	std::vector<double> a, q, idle;
	int v = 0;

	for (int b = 0; b < batches; b++) {
		double t0 = now_s();
		for (int i = 0; i < per; i++)
			CK(cudaDeviceGetAttribute(&v, cudaDevAttrMultiProcessorCount, 0));
		double t1 = now_s();
		for (int i = 0; i < per; i++)
			CK(cudaStreamQuery(st));
		double t2 = now_s();
		a.push_back((t1 - t0) / per * 1e6);
		q.push_back((t2 - t1) / per * 1e6);
	}
	for (int i = 0; i < (quick ? 20 : 200); i++) {
		timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
		double t0 = now_s();
		CK(cudaDeviceGetAttribute(&v, cudaDevAttrMultiProcessorCount, 0));
		idle.push_back((now_s() - t0) * 1e6);
	}
	printf("sync_rtt_us_cudaDeviceGetAttribute %.3f\n", median(a));
	printf("sync_rtt_us_cudaStreamQuery %.3f\n", median(q));
	printf("sync_rtt_idle_us_cudaDeviceGetAttribute %.3f\n", median(idle));
}

static void bench_launch(cudaStream_t st)
{
	const int n = quick ? 2000 : 20000, reps = quick ? 3 : 7, lat = quick ? 200 : 2000;
	std::vector<double> rate, submit, ls;

	for (int i = 0; i < 100; i++)
		empty_kernel<<<1, 1, 0, st>>>();
	CK(cudaStreamSynchronize(st));
	/* repetition 0 is not counted: with --turns the other process finishes starting in it */
	for (int r = 0; r <= reps; r++) {
		take_turn();
		double t0 = now_s();
		for (int i = 0; i < n; i++)
			empty_kernel<<<1, 1, 0, st>>>();
		double t1 = now_s();
		CK(cudaStreamSynchronize(st));
		double t2 = now_s();
		if (r > 0) {
			submit.push_back(n / (t1 - t0));
			rate.push_back(n / (t2 - t0));
		}
		give_turn();
	}
	last_turn();
	CK(cudaGetLastError());
	if (turn_in >= 0) {
		print_reps("launch_turns_rate_per_s", rate);
		printf("launch_turns_rate_per_s %.0f\n", median(rate));
		return;
	}
	for (int i = 0; i < lat; i++) {
		double t0 = now_s();
		empty_kernel<<<1, 1, 0, st>>>();
		CK(cudaStreamSynchronize(st));
		ls.push_back((now_s() - t0) * 1e6);
	}
	printf("launch_rate_per_s %.0f\n", median(rate));
	printf("launch_submit_per_s %.0f\n", median(submit));
	printf("launch_sync_us_empty %.3f\n", median(ls));
}

/* The figures count only if the copies moved the data: a round trip
 * pageable -> device -> pinned -> device -> pageable of a fresh pattern
 * must come back intact (a mismatch ends the run with status 1). */
static void check_copy(char *pageable, char *pinned, char *dev, size_t bytes)
{
	static unsigned seed = 1;

	seed = seed * 1103515245u + 12345u;
	for (size_t i = 0; i < bytes; i++)
		pageable[i] = (char)(seed + i * 7 + (i >> 12));
	CK(cudaMemcpy(dev, pageable, bytes, cudaMemcpyHostToDevice));
	memset(pinned, 0, bytes);
	CK(cudaMemcpy(pinned, dev, bytes, cudaMemcpyDeviceToHost));
	CK(cudaMemset(dev, 0, bytes));
	CK(cudaMemcpy(dev, pinned, bytes, cudaMemcpyHostToDevice));
	memset(pageable, 0, bytes);
	CK(cudaMemcpy(pageable, dev, bytes, cudaMemcpyDeviceToHost));
	for (size_t i = 0; i < bytes; i++) {
		if (pageable[i] != (char)(seed + i * 7 + (i >> 12)) || pinned[i] != pageable[i]) {
			fprintf(stderr, "cuda_bench: copied data differs at byte %zu of %zu\n", i, bytes);
			exit(1);
		}
	}
}

static void bench_copy()
{
	struct {
		size_t bytes;
		const char *name;
		int iters;
	} sizes[] = { { 4096, "4KiB", 2000 }, { 1 << 20, "1MiB", 100 }, { 256u << 20, "256MiB", 2 } };
	size_t maxb = 256u << 20;
	char *pageable = (char *)malloc(maxb), *pinned = NULL, *dev = NULL;

	CK(cudaMallocHost((void **)&pinned, maxb));
	CK(cudaMalloc((void **)&dev, maxb));
	memset(pageable, 1, maxb);
	memset(pinned, 2, maxb);
	CK(cudaMemcpy(dev, pinned, maxb, cudaMemcpyHostToDevice));	/* warm up */
	for (auto &s : sizes) {
		int iters = quick ? std::max(1, s.iters / 10) : s.iters, samples = quick ? 3 : 5;
		for (int p = 0; p < 2; p++) {
			char *host = p ? pinned : pageable;
			for (int d = 0; d < 2; d++) {
				std::vector<double> g;
				for (int k = 0; k < samples; k++) {
					double t0 = now_s();
					for (int i = 0; i < iters; i++) {
						if (d == 0)
							CK(cudaMemcpy(dev, host, s.bytes, cudaMemcpyHostToDevice));
						else
							CK(cudaMemcpy(host, dev, s.bytes, cudaMemcpyDeviceToHost));
					}
					g.push_back((double)s.bytes * iters / (now_s() - t0) / 1e9);
				}
				printf("%s_%s_GBps_%s %.3f\n", d ? "d2h" : "h2d", p ? "pinned" : "pageable", s.name,
				       median(g));
			}
		}
		check_copy(pageable, pinned, dev, s.bytes);
	}
	CK(cudaFreeHost(pinned));
	CK(cudaFree(dev));
	free(pageable);
}

int main(int argc, char **argv)
{
	const char *only = NULL;
	cudaDeviceProp p;
	int drv = 0;
	cudaStream_t st;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--quick"))
			quick = 1;
		else if (!strcmp(argv[i], "--only") && i + 1 < argc)
			only = argv[++i];
		else if (!strcmp(argv[i], "--turns") && i + 2 < argc && !turns_open(argv[i + 1], argv[i + 2]))
			i += 2;
		else {
			fprintf(stderr, "usage: cuda_bench [--quick] [--only sync|launch|copy] [--turns IN OUT]\n");
			return 2;
		}
	}
	CK(cudaGetDeviceProperties(&p, 0));
	CK(cudaDriverGetVersion(&drv));
	printf("# platform CUDA driver %d.%d, %s (sm_%d%d)\n", drv / 1000, drv % 1000 / 10, p.name, p.major, p.minor);
	CK(cudaStreamCreateWithFlags(&st, cudaStreamNonBlocking));
	if (!only || !strcmp(only, "sync"))
		bench_sync(st);
	if (!only || !strcmp(only, "launch"))
		bench_launch(st);
	if (!only || !strcmp(only, "copy"))
		bench_copy();
	CK(cudaStreamDestroy(st));
	return 0;
}
