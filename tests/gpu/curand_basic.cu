// cuRAND through its own API (tests/gpu/run: native vs AvA): device
// generators of each kind with a seed, offset and ordering, quasi-random
// generators with dimensions, every distribution in single and double
// precision, a generator on a stream, and a host generator.  The numbers
// are printed (they are the same natively and through AvA: same library,
// same GPU, same seed) and checked for plausible moments.
#include "common.h"
#include <cmath>
#include <curand.h>
#include <vector>

#define CR(call)                                                                         \
	do {                                                                             \
		curandStatus_t s_ = (call);                                              \
		if (s_ != CURAND_STATUS_SUCCESS) {                                       \
			printf("FAIL %s:%d: %s -> %d\n", __FILE__, __LINE__, #call, (int)s_); \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

static const size_t N = 1 << 20;
static int failures;

// Prints a few values and the mean; checks the mean against want.
template <typename T> static void show(const char *what, const std::vector<T> &v, double want, double tol)
{
	double sum = 0;
	for (T x : v)
		sum += (double)x;
	double mean = sum / v.size();
	bool ok = std::fabs(mean - want) <= tol;
	printf("%-28s %.9g %.9g %.9g mean %.6f %s\n", what, (double)v[0], (double)v[1], (double)v[v.size() - 1],
	       mean, ok ? "ok" : "IMPLAUSIBLE");
	failures += !ok;
}

static void pseudo(curandRngType_t type, const char *name, void *buf)
{
	float *f = (float *)buf;
	double *d = (double *)buf;
	unsigned int *u = (unsigned int *)buf;
	curandGenerator_t g;
	char what[64];

	printf("-- %s\n", name);
	CR(curandCreateGenerator(&g, type));
	CR(curandSetPseudoRandomGeneratorSeed(g, 1234ull));
	if (type != CURAND_RNG_PSEUDO_MT19937 && type != CURAND_RNG_PSEUDO_MTGP32)
		CR(curandSetGeneratorOffset(g, 100));
	if (type == CURAND_RNG_PSEUDO_XORWOW)
		CR(curandSetGeneratorOrdering(g, CURAND_ORDERING_PSEUDO_SEEDED));
	CR(curandGenerateSeeds(g));
	CR(curandGenerateUniform(g, f, N));
	snprintf(what, sizeof(what), "%s uniform", name);
	show(what, host(f, N), 0.5, 0.01);
	CR(curandGenerateNormal(g, f, N, 2.0f, 0.5f));
	show("normal(2, 0.5)", host(f, N), 2.0, 0.01);
	CR(curandGenerateLogNormal(g, f, N, 0.0f, 0.25f));
	show("lognormal(0, 0.25)", host(f, N), std::exp(0.25 * 0.25 / 2), 0.01);
	CR(curandGenerateUniformDouble(g, d, N / 2));
	show("uniform double", host(d, N / 2), 0.5, 0.01);
	CR(curandGenerateNormalDouble(g, d, N / 2, -1.0, 3.0));
	show("normal double(-1, 3)", host(d, N / 2), -1.0, 0.05);
	CR(curandGenerateLogNormalDouble(g, d, N / 2, 0.5, 0.1));
	show("lognormal double(0.5, 0.1)", host(d, N / 2), std::exp(0.5 + 0.01 / 2), 0.01);
	CR(curandGeneratePoisson(g, u, N, 4.5));
	show("poisson(4.5)", host(u, N), 4.5, 0.05);
	CR(curandGeneratePoisson(g, u, N, 300.0));
	show("poisson(300)", host(u, N), 300.0, 1.0);
	// which methods cuRAND serves is its own business: the status is compared
	curandStatus_t st = curandGeneratePoissonMethod(g, u, N, 300.0, CURAND_DEVICE_API);
	printf("poisson method CURAND_DEVICE_API: status %d\n", (int)st);
	if (st == CURAND_STATUS_SUCCESS)
		show("poisson(300), device API method", host(u, N), 300.0, 1.0);
	CR(curandGenerate(g, u, N));
	show("bits", host(u, N), 2147483648.0, 2e7);
	CR(curandDestroyGenerator(g));
}

static void quasi(void *buf)
{
	float *f = (float *)buf;
	unsigned long long *ll = (unsigned long long *)buf;
	curandGenerator_t g;

	printf("-- sobol32, 3 dimensions\n");
	CR(curandCreateGenerator(&g, CURAND_RNG_QUASI_SOBOL32));
	CR(curandSetQuasiRandomGeneratorDimensions(g, 3));
	CR(curandSetGeneratorOffset(g, 5));
	CR(curandGenerateUniform(g, f, 3 * 4096));
	show("sobol32 uniform", host(f, 3 * 4096), 0.5, 0.01);
	printf("odd count for 3 dimensions: status %d\n", (int)curandGenerateUniform(g, f, 3 * 4096 + 1));
	CR(curandDestroyGenerator(g));
	printf("-- scrambled sobol64\n");
	CR(curandCreateGenerator(&g, CURAND_RNG_QUASI_SCRAMBLED_SOBOL64));
	CR(curandSetGeneratorOrdering(g, CURAND_ORDERING_QUASI_DEFAULT));
	CR(curandGenerateLongLong(g, ll, 4096));
	std::vector<unsigned long long> v = host(ll, 4096);
	printf("sobol64 longlong %llu %llu %llu\n", v[0], v[1], v[4095]);
	CR(curandDestroyGenerator(g));
}

// A generator on a stream, and a host generator (numbers made on the CPU).
static void stream_and_host(void *buf)
{
	float *f = (float *)buf;
	curandGenerator_t g;
	cudaStream_t s;
	std::vector<float> h(4096);

	CK(cudaStreamCreate(&s));
	CR(curandCreateGenerator(&g, CURAND_RNG_PSEUDO_PHILOX4_32_10));
	CR(curandSetStream(g, s));
	CR(curandSetPseudoRandomGeneratorSeed(g, 99ull));
	CR(curandGenerateNormal(g, f, N, 0.0f, 1.0f));
	CK(cudaStreamSynchronize(s));
	show("philox on a stream, normal", host(f, N), 0.0, 0.01);
	printf("odd count for a normal: status %d\n", (int)curandGenerateNormal(g, f, N + 1, 0.0f, 1.0f));
	CR(curandDestroyGenerator(g));
	CK(cudaStreamDestroy(s));
	CR(curandCreateGeneratorHost(&g, CURAND_RNG_PSEUDO_MRG32K3A));
	CR(curandSetPseudoRandomGeneratorSeed(g, 7ull));
	CR(curandGenerateUniform(g, h.data(), h.size()));
	show("host mrg32k3a uniform", h, 0.5, 0.02);
	CR(curandDestroyGenerator(g));
}

int main(void)
{
	int v = 0, major = 0;
	void *buf;

	print_device();
	CR(curandGetVersion(&v));
	CR(curandGetProperty(MAJOR_VERSION, &major));
	printf("cuRAND %d (major %d)\n", v, major);
	CK(cudaMalloc(&buf, N * sizeof(double)));
	pseudo(CURAND_RNG_PSEUDO_XORWOW, "xorwow", buf);
	pseudo(CURAND_RNG_PSEUDO_MRG32K3A, "mrg32k3a", buf);
	pseudo(CURAND_RNG_PSEUDO_MTGP32, "mtgp32", buf);
	pseudo(CURAND_RNG_PSEUDO_MT19937, "mt19937", buf);
	pseudo(CURAND_RNG_PSEUDO_PHILOX4_32_10, "philox4_32_10", buf);
	quasi(buf);
	stream_and_host(buf);
	CK(cudaFree(buf));
	printf("%s\n", failures ? "FAILED" : "all cuRAND moments plausible");
	return failures ? 1 : 0;
}
