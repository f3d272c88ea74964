// Device code of driver_api.cpp, built by tests/gpu/run as PTX, cubin and
// fat binary (extern "C": the names are not mangled).
extern "C" __global__ void saxpy(float a, const float *x, float *y, int n)
{
	int i = blockIdx.x * blockDim.x + threadIdx.x;
	if (i < n)
		y[i] = a * x[i] + y[i];
}

struct Pair {
	double d;
	char c;
	int i;
};

__device__ unsigned long long counter;

extern "C" __global__ void mixed(Pair p, char c, short s, double d, unsigned long long *out)
{
	out[0] = (unsigned long long)(p.d * 1000) + p.c + p.i;
	out[1] = (unsigned long long)c + s + (unsigned long long)(d * 10);
	atomicAdd(&counter, 1ull);
}
