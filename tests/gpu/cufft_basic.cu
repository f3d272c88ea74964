// cuFFT through its own API (tests/gpu/run: native vs AvA): 1D and 2D
// transforms C2C, R2C and C2R in single precision, Z2Z, D2Z and Z2D in
// double, a batched advanced layout (cufftPlanMany), and a plan made with
// cufftCreate + cufftMakePlan2d on a stream with a work area of the
// program's own.  Every result is compared with a CPU DFT; the printed
// values and statuses are the same natively and through AvA.
#include "common.h"
#include <cmath>
#include <complex>
#include <cufft.h>
#include <vector>

#define CF(call)                                                                         \
	do {                                                                             \
		cufftResult s_ = (call);                                                 \
		if (s_ != CUFFT_SUCCESS) {                                               \
			printf("FAIL %s:%d: %s -> %d\n", __FILE__, __LINE__, #call, (int)s_); \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

typedef std::complex<double> cd;
static int failures;

// The d-dimensional DFT (sign -1: forward) of x, row-major dims.
static std::vector<cd> dft(const std::vector<cd> &x, const std::vector<int> &dims, int sign)
{
	size_t n = x.size();
	std::vector<cd> y(n);
	for (size_t o = 0; o < n; o++) {
		cd acc = 0;
		for (size_t i = 0; i < n; i++) {
			double ph = 0;
			size_t oo = o, ii = i;
			for (int d = (int)dims.size() - 1; d >= 0; d--) {
				ph += (double)(oo % dims[d]) * (double)(ii % dims[d]) / dims[d];
				oo /= dims[d];
				ii /= dims[d];
			}
			acc += x[i] * std::polar(1.0, sign * 2 * M_PI * ph);
		}
		y[o] = acc;
	}
	return y;
}

static double input(size_t i, int seed)
{
	return (double)((i * 37 + seed * 11) % 17) / 8.0 - 1.0;
}

// got[i] (re, im at stride 2 in floats or doubles) against want, relative to want's largest value.
template <typename F> static void compare(const char *what, const F *got, const std::vector<cd> &want, double tol)
{
	double err = 0, big = 1e-30, sum = 0;
	for (size_t i = 0; i < want.size(); i++) {
		cd g((double)got[2 * i], (double)got[2 * i + 1]);
		err = std::max(err, std::abs(g - want[i]));
		big = std::max(big, std::abs(want[i]));
		sum += g.real() + g.imag();
	}
	bool ok = err / big < tol;
	printf("%-40s %s (checksum %.3f, first %.4f%+.4fi)\n", what, ok ? "ok" : "MISMATCH", sum, (double)got[0],
	       (double)got[1]);
	failures += !ok;
}

// Real results against the real parts of want.
template <typename F> static void compare_real(const char *what, const F *got, const std::vector<cd> &want, double tol)
{
	std::vector<F> c(2 * want.size());
	for (size_t i = 0; i < want.size(); i++)
		c[2 * i] = got[i];
	std::vector<cd> w(want.size());
	for (size_t i = 0; i < want.size(); i++)
		w[i] = want[i].real();
	compare(what, c.data(), w, tol);
}

// cufftComplex: batch transforms of dims, forward then inverse.
static void c2c(const char *what, const std::vector<int> &dims, int batch)
{
	int n = 1;
	for (int d : dims)
		n *= d;
	std::vector<float> h(2 * (size_t)n * batch);
	std::vector<cd> x(n);
	for (size_t i = 0; i < h.size(); i++)
		h[i] = (float)input(i, 1);
	float *d = dev(h);
	cufftHandle p;
	if (dims.size() == 1)
		CF(cufftPlan1d(&p, dims[0], CUFFT_C2C, batch));
	else
		CF(cufftPlan2d(&p, dims[0], dims[1], CUFFT_C2C));
	CF(cufftExecC2C(p, (cufftComplex *)d, (cufftComplex *)d, CUFFT_FORWARD));
	std::vector<float> out = host(d, h.size());
	for (int b = 0; b < batch; b++) {
		for (int i = 0; i < n; i++)
			x[i] = cd(h[2 * ((size_t)b * n + i)], h[2 * ((size_t)b * n + i) + 1]);
		char name[80];
		snprintf(name, sizeof(name), "%s forward, batch %d", what, b);
		compare(name, out.data() + 2 * (size_t)b * n, dft(x, dims, -1), 1e-4);
	}
	CF(cufftExecC2C(p, (cufftComplex *)d, (cufftComplex *)d, CUFFT_INVERSE));
	out = host(d, h.size());
	std::vector<cd> back(n);
	for (int i = 0; i < n; i++)
		back[i] = cd(h[2 * i], h[2 * i + 1]) * (double)n;	// unnormalized
	compare((std::string(what) + " inverse").c_str(), out.data(), back, 1e-4);
	CF(cufftDestroy(p));
	CK(cudaFree(d));
}

// cufftReal -> cufftComplex -> cufftReal over dims (the last one halved + 1).
static void r2c_c2r(const char *what, const std::vector<int> &dims)
{
	int n = 1;
	for (int d : dims)
		n *= d;
	int last = dims.back(), half = last / 2 + 1, rows = n / last;
	std::vector<float> h(n);
	std::vector<cd> x(n);
	for (int i = 0; i < n; i++)
		x[i] = h[i] = (float)input(i, 2);
	float *in = dev(h), *freq;
	CK(cudaMalloc(&freq, 2 * sizeof(float) * rows * half));
	cufftHandle f, b;
	if (dims.size() == 1) {
		CF(cufftPlan1d(&f, n, CUFFT_R2C, 1));
		CF(cufftPlan1d(&b, n, CUFFT_C2R, 1));
	} else {
		CF(cufftPlan2d(&f, dims[0], dims[1], CUFFT_R2C));
		CF(cufftPlan2d(&b, dims[0], dims[1], CUFFT_C2R));
	}
	CF(cufftExecR2C(f, in, (cufftComplex *)freq));
	std::vector<float> out = host(freq, 2 * (size_t)rows * half);
	std::vector<cd> full = dft(x, dims, -1), want;
	for (int r = 0; r < rows; r++)
		for (int c = 0; c < half; c++)
			want.push_back(full[(size_t)r * last + c]);
	compare((std::string(what) + " R2C").c_str(), out.data(), want, 1e-4);
	CF(cufftExecC2R(b, (cufftComplex *)freq, in));
	std::vector<float> back = host(in, n);
	std::vector<cd> scaled(n);
	for (int i = 0; i < n; i++)
		scaled[i] = x[i] * (double)n;
	compare_real((std::string(what) + " C2R").c_str(), back.data(), scaled, 1e-4);
	CF(cufftDestroy(f));
	CF(cufftDestroy(b));
	CK(cudaFree(in));
	CK(cudaFree(freq));
}

// Double precision: Z2Z, then D2Z and Z2D of one 1D size.
static void doubles(int n)
{
	std::vector<double> hz(2 * n), hd(n);
	std::vector<cd> xz(n), xd(n);
	for (int i = 0; i < n; i++) {
		hz[2 * i] = input(2 * i, 3), hz[2 * i + 1] = input(2 * i + 1, 3);
		xz[i] = cd(hz[2 * i], hz[2 * i + 1]);
		xd[i] = hd[i] = input(i, 4);
	}
	double *z = dev(hz), *r = dev(hd), *zf;
	CK(cudaMalloc(&zf, sizeof(double) * 2 * (n / 2 + 1)));
	cufftHandle pz, pf, pb;
	CF(cufftPlan1d(&pz, n, CUFFT_Z2Z, 1));
	CF(cufftPlan1d(&pf, n, CUFFT_D2Z, 1));
	CF(cufftPlan1d(&pb, n, CUFFT_Z2D, 1));
	CF(cufftExecZ2Z(pz, (cufftDoubleComplex *)z, (cufftDoubleComplex *)z, CUFFT_FORWARD));
	compare("1D Z2Z forward", host(z, 2 * n).data(), dft(xz, { n }, -1), 1e-10);
	CF(cufftExecD2Z(pf, r, (cufftDoubleComplex *)zf));
	std::vector<cd> full = dft(xd, { n }, -1);
	full.resize(n / 2 + 1);
	compare("1D D2Z", host(zf, 2 * (n / 2 + 1)).data(), full, 1e-10);
	CF(cufftExecZ2D(pb, (cufftDoubleComplex *)zf, r));
	for (int i = 0; i < n; i++)
		xd[i] *= (double)n;
	compare_real("1D Z2D", host(r, n).data(), xd, 1e-10);
	CF(cufftDestroy(pz));
	CF(cufftDestroy(pf));
	CF(cufftDestroy(pb));
	CK(cudaFree(z));
	CK(cudaFree(r));
	CK(cudaFree(zf));
}

// cufftPlanMany: 4 transforms of 64 points, each in a 80-element slot read
// with stride 1, written to 64-element slots (inembed/onembed given).
static void many(void)
{
	const int n = 64, batch = 4, idist = 80, odist = 64;
	int dims[1] = { n }, inembed[1] = { idist }, onembed[1] = { odist };
	std::vector<float> h(2 * (size_t)idist * batch);
	for (size_t i = 0; i < h.size(); i++)
		h[i] = (float)input(i, 5);
	float *in = dev(h), *out;
	CK(cudaMalloc(&out, 2 * sizeof(float) * odist * batch));
	cufftHandle p;
	CF(cufftPlanMany(&p, 1, dims, inembed, 1, idist, onembed, 1, odist, CUFFT_C2C, batch));
	CF(cufftExecC2C(p, (cufftComplex *)in, (cufftComplex *)out, CUFFT_FORWARD));
	std::vector<float> got = host(out, 2 * (size_t)odist * batch);
	for (int b = 0; b < batch; b++) {
		std::vector<cd> x(n);
		for (int i = 0; i < n; i++)
			x[i] = cd(h[2 * ((size_t)b * idist + i)], h[2 * ((size_t)b * idist + i) + 1]);
		char name[64];
		snprintf(name, sizeof(name), "PlanMany 1D, slot %d", b);
		compare(name, got.data() + 2 * (size_t)b * odist, dft(x, { n }, -1), 1e-4);
	}
	CF(cufftDestroy(p));
	CK(cudaFree(in));
	CK(cudaFree(out));
}

// cufftCreate + cufftMakePlan2d, the program's own work area, on a stream.
static void made_plan(void)
{
	const int nx = 128, ny = 96, n = nx * ny;
	size_t made = 0, asked = 0, est = 0;
	cudaStream_t s;
	cufftHandle p;
	void *work;
	std::vector<float> h(2 * (size_t)n);
	std::vector<cd> x(n);
	for (int i = 0; i < n; i++) {
		h[2 * i] = (float)input(2 * i, 6), h[2 * i + 1] = (float)input(2 * i + 1, 6);
		x[i] = cd(h[2 * i], h[2 * i + 1]);
	}
	float *d = dev(h);
	CK(cudaStreamCreate(&s));
	CF(cufftCreate(&p));
	CF(cufftSetAutoAllocation(p, 0));
	CF(cufftEstimate2d(nx, ny, CUFFT_C2C, &est));
	CF(cufftMakePlan2d(p, nx, ny, CUFFT_C2C, &made));
	CF(cufftGetSize(p, &asked));
	printf("2D %dx%d work size: estimate %s, made %zu, GetSize %s\n", nx, ny, est >= made ? "covers it" : "short",
	       made, asked == made ? "agrees" : "differs");
	CK(cudaMalloc(&work, made ? made : 1));
	CF(cufftSetWorkArea(p, work));
	CF(cufftSetStream(p, s));
	CF(cufftExecC2C(p, (cufftComplex *)d, (cufftComplex *)d, CUFFT_FORWARD));
	CK(cudaStreamSynchronize(s));
	compare("2D C2C on a stream, own work area", host(d, 2 * (size_t)n).data(), dft(x, { nx, ny }, -1), 1e-4);
	CF(cufftDestroy(p));
	CK(cudaStreamDestroy(s));
	CK(cudaFree(work));
	CK(cudaFree(d));
}

// Errors cuFFT reports itself, and a destroyed plan.
static void errors(void)
{
	cufftHandle p;
	size_t ws = 0;
	int n[1] = { 16 };

	printf("cufftPlan1d of size 0: status %d\n", (int)cufftPlan1d(&p, 0, CUFFT_C2C, 1));
	printf("cufftPlanMany of rank 0: status %d\n",
	       (int)cufftPlanMany(&p, 0, n, NULL, 1, 16, NULL, 1, 16, CUFFT_C2C, 1));
	CF(cufftCreate(&p));
	printf("cufftGetSize1d of a bad type: status %d\n", (int)cufftGetSize1d(p, 16, (cufftType)0x77, 1, &ws));
	CF(cufftDestroy(p));
	printf("cufftExecC2C on a destroyed plan: status %d\n", (int)cufftExecC2C(p, NULL, NULL, CUFFT_FORWARD));
}

int main(void)
{
	int v = 0, major = 0;

	print_device();
	CF(cufftGetVersion(&v));
	CF(cufftGetProperty(MAJOR_VERSION, &major));
	printf("cuFFT %d (major %d)\n", v, major);
	c2c("1D C2C 256", { 256 }, 3);
	c2c("2D C2C 64x48", { 64, 48 }, 1);
	r2c_c2r("1D 1000", { 1000 });
	r2c_c2r("2D 32x40", { 32, 40 });
	doubles(128);
	many();
	made_plan();
	errors();
	printf("%s\n", failures ? "FAILED" : "all cuFFT results match the CPU DFT");
	return failures ? 1 : 0;
}
