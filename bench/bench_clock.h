/* SPDX-License-Identifier: MIT */
/* The clock and the median of the CUDA benchmarks (C++, nvcc). */
#ifndef AVA_BENCH_CLOCK_H
#define AVA_BENCH_CLOCK_H

#include <algorithm>
#include <ctime>
#include <vector>

/* CLOCK_MONOTONIC in seconds */
static inline double now_s()
{
	timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static inline double median(std::vector<double> v)
{
	std::sort(v.begin(), v.end());
	size_t n = v.size();
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#endif
