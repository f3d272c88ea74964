// SPDX-License-Identifier: MIT
/*
 * curand_host: cuRAND's host generators (curandCreateGeneratorHost), which
 * run on the CPU and need no GPU.  Prints numbers of each generator type
 * and distribution; tests/gpu/mathlibs_nogpu runs it with NVIDIA's
 * libcurand.so.10 and through AvA (whose worker runs NVIDIA's) and compares
 * the outputs, in CI.  Exits 1 if a call fails.
 */
#include <curand.h>
#include <stdio.h>

#define N 64

static int failed;

static void check(curandStatus_t st, const char *what)
{
	if (st != CURAND_STATUS_SUCCESS) {
		printf("%s: status %d\n", what, (int)st);
		failed = 1;
	}
}

static void show_f(const char *what, const float *v, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += v[i];
	printf("%s: %.7g %.7g %.7g sum %.9g\n", what, v[0], v[1], v[n - 1], sum);
}

static void show_d(const char *what, const double *v, int n)
{
	double sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += v[i];
	printf("%s: %.15g %.15g sum %.15g\n", what, v[0], v[n - 1], sum);
}

static void pseudo(curandRngType_t type, const char *name)
{
	unsigned int u[N];
	curandGenerator_t g;
	float f[N];
	double d[N];

	printf("-- %s\n", name);
	check(curandCreateGeneratorHost(&g, type), "curandCreateGeneratorHost");
	check(curandSetPseudoRandomGeneratorSeed(g, 20261201ull), "seed");
	if (type != CURAND_RNG_PSEUDO_MT19937)	/* which has no offset */
		check(curandSetGeneratorOffset(g, 7), "offset");
	check(curandGenerate(g, u, N), "curandGenerate");
	printf("bits: %u %u %u\n", u[0], u[1], u[N - 1]);
	check(curandGenerateUniform(g, f, N), "uniform");
	show_f("uniform", f, N);
	check(curandGenerateNormal(g, f, N, 1.0f, 0.5f), "normal");
	show_f("normal", f, N);
	check(curandGenerateLogNormal(g, f, N, 0.0f, 0.25f), "lognormal");
	show_f("lognormal", f, N);
	check(curandGenerateUniformDouble(g, d, N), "uniform double");
	show_d("uniform double", d, N);
	check(curandGenerateNormalDouble(g, d, N, -2.0, 3.0), "normal double");
	show_d("normal double", d, N);
	check(curandGenerateLogNormalDouble(g, d, N, 0.5, 0.1), "lognormal double");
	show_d("lognormal double", d, N);
	check(curandGeneratePoisson(g, u, N, 4.5), "poisson");
	printf("poisson: %u %u %u\n", u[0], u[1], u[N - 1]);
	check(curandGenerateSeeds(g), "seeds");
	check(curandDestroyGenerator(g), "destroy");
}

static void quasi(void)
{
	unsigned long long ll[N];
	curandGenerator_t g;
	float f[N];

	printf("-- sobol32, 4 dimensions\n");
	check(curandCreateGeneratorHost(&g, CURAND_RNG_QUASI_SOBOL32), "curandCreateGeneratorHost");
	check(curandSetQuasiRandomGeneratorDimensions(g, 4), "dimensions");
	check(curandSetGeneratorOrdering(g, CURAND_ORDERING_QUASI_DEFAULT), "ordering");
	check(curandGenerateUniform(g, f, N), "uniform");
	show_f("uniform", f, N);
	check(curandDestroyGenerator(g), "destroy");
	printf("-- sobol64\n");
	check(curandCreateGeneratorHost(&g, CURAND_RNG_QUASI_SOBOL64), "curandCreateGeneratorHost");
	check(curandGenerateLongLong(g, ll, N), "longlong");
	printf("longlong: %llu %llu\n", ll[1], ll[N - 1]);
	check(curandDestroyGenerator(g), "destroy");
}

int main(void)
{
	int v = 0;

	check(curandGetVersion(&v), "curandGetVersion");
	printf("cuRAND %d\n", v);
	pseudo(CURAND_RNG_PSEUDO_XORWOW, "xorwow");
	pseudo(CURAND_RNG_PSEUDO_MRG32K3A, "mrg32k3a");
	pseudo(CURAND_RNG_PSEUDO_PHILOX4_32_10, "philox4_32_10");
	pseudo(CURAND_RNG_PSEUDO_MT19937, "mt19937");
	quasi();
	return failed;
}
