// SPDX-License-Identifier: MIT
// The kernel bench/lazy_start.cpp uses, and (with -DPAD=N, for another
// arch) a large padding kernel whose copies make its fat binary ~200 MB.
extern "C" __global__ void lazy_kernel(int *out, int v)
{
	*out = v * 2 + 1;
}

#ifdef PAD
extern "C" __global__ void lazy_padding(float *x, float a)
{
	float s = x[threadIdx.x];
#pragma unroll
	for (int i = 0; i < PAD; i++)
		s = s * a + (float)i * 0.37f + __sinf(s + (float)i);
	x[threadIdx.x] = s;
}
#endif
