// cuSOLVER through its own API (tests/gpu/run: native vs AvA): an LU solve
// (getrf/getrs, double), a Cholesky solve (potrf/potrs, float), a QR
// factorization (geqrf, double), symmetric eigenvalues (syevd, double), an
// SVD (gesvd, float) and the 64-bit API's Cholesky (Xpotrf/Xpotrs), each
// with its bufferSize call and a workspace of the program's own.  Results
// are checked on the CPU (residuals, known eigenvalues); the printed lines
// are the same natively and through AvA.
#include "common.h"
#include <cmath>
#include <cusolverDn.h>

#define CS(call)                                                                          \
	do {                                                                              \
		cusolverStatus_t s_ = (call);                                             \
		if (s_ != CUSOLVER_STATUS_SUCCESS) {                                      \
			printf("FAIL %s:%d: %s -> %d\n", __FILE__, __LINE__, #call, (int)s_); \
			exit(1);                                                          \
		}                                                                         \
	} while (0)

static int failures;
static const int n = 16;

static void report(const char *what, double err, double tol, int info)
{
	printf("%s: info %d, %s\n", what, info, err <= tol && info == 0 ? "correct" : "WRONG");
	if (err > tol || info != 0) {
		printf("  error %g\n", err);
		failures++;
	}
}

// A symmetric positive definite n x n matrix (column-major), and a right-hand side.
template <typename T> static std::vector<T> spd(void)
{
	std::vector<T> a(n * n);
	for (int j = 0; j < n; j++)
		for (int i = 0; i < n; i++)
			a[i + j * n] = (T)(i == j ? n + 1.0 : 1.0 / (1.0 + i + j));
	return a;
}

template <typename T> static double residual(const std::vector<T> &a, const std::vector<T> &x, const std::vector<T> &b)
{
	double err = 0;
	for (int i = 0; i < n; i++) {
		double s = 0;
		for (int k = 0; k < n; k++)
			s += (double)a[i + k * n] * (double)x[k];
		err = std::max(err, std::fabs(s - (double)b[i]));
	}
	return err;
}

static void lu(cusolverDnHandle_t h)
{
	std::vector<double> a(n * n), b(n);
	for (int j = 0; j < n; j++)
		for (int i = 0; i < n; i++)
			a[i + j * n] = (double)((i * 5 + j * 3) % 7) + (i == j ? 8.0 * n : 0.0);	// diagonally dominant
	for (int i = 0; i < n; i++)
		b[i] = i - 3.0;
	double *dA = dev(a), *dB = dev(b), *work;
	int lwork = 0, *ipiv, *info;
	CS(cusolverDnDgetrf_bufferSize(h, n, n, dA, n, &lwork));
	CK(cudaMalloc(&work, lwork * sizeof(double)));
	CK(cudaMalloc(&ipiv, n * sizeof(int)));
	CK(cudaMalloc(&info, sizeof(int)));
	CS(cusolverDnDgetrf(h, n, n, dA, n, work, ipiv, info));
	CS(cusolverDnDgetrs(h, CUBLAS_OP_N, n, 1, dA, n, ipiv, dB, n, info));
	report("LU solve (Dgetrf, Dgetrs)", residual(a, host(dB, n), b), 1e-9, host(info, 1)[0]);
	CK(cudaFree(dA));
	CK(cudaFree(dB));
	CK(cudaFree(work));
	CK(cudaFree(ipiv));
	CK(cudaFree(info));
}

static void cholesky(cusolverDnHandle_t h)
{
	std::vector<float> a = spd<float>(), b(n);
	for (int i = 0; i < n; i++)
		b[i] = 1.0f + i;
	float *dA = dev(a), *dB = dev(b), *work;
	int lwork = 0, *info;
	CS(cusolverDnSpotrf_bufferSize(h, CUBLAS_FILL_MODE_LOWER, n, dA, n, &lwork));
	CK(cudaMalloc(&work, lwork * sizeof(float)));
	CK(cudaMalloc(&info, sizeof(int)));
	CS(cusolverDnSpotrf(h, CUBLAS_FILL_MODE_LOWER, n, dA, n, work, lwork, info));
	CS(cusolverDnSpotrs(h, CUBLAS_FILL_MODE_LOWER, n, 1, dA, n, dB, n, info));
	report("Cholesky solve (Spotrf, Spotrs)", residual(a, host(dB, n), b), 1e-3, host(info, 1)[0]);
	CK(cudaFree(dA));
	CK(cudaFree(dB));
	CK(cudaFree(work));
	CK(cudaFree(info));
}

static void qr(cusolverDnHandle_t h)
{
	std::vector<double> a = spd<double>();
	double *dA = dev(a), *tau, *work;
	int lwork = 0, *info;
	CS(cusolverDnDgeqrf_bufferSize(h, n, n, dA, n, &lwork));
	CK(cudaMalloc(&work, lwork * sizeof(double)));
	CK(cudaMalloc(&tau, n * sizeof(double)));
	CK(cudaMalloc(&info, sizeof(int)));
	CS(cusolverDnDgeqrf(h, n, n, dA, n, tau, work, lwork, info));
	// |det A| = prod |R_ii|; A's Cholesky factor gives it too: compare the column norms' product
	std::vector<double> r = host(dA, n * n);
	double err = 0;
	for (int j = 0; j < n; j++) {	// |R_jj| <= ||A e_j|| (Hadamard)
		double norm = 0;
		for (int i = 0; i < n; i++)
			norm += a[i + j * n] * a[i + j * n];
		err = std::max(err, std::fabs(r[j + j * n]) - std::sqrt(norm));
	}
	report("QR (Dgeqrf): |R_jj| bounded by the column norms", std::max(err, 0.0), 1e-9, host(info, 1)[0]);
	CK(cudaFree(dA));
	CK(cudaFree(tau));
	CK(cudaFree(work));
	CK(cudaFree(info));
}

static void eig(cusolverDnHandle_t h)
{
	// a diagonal matrix plus a rotation-invariant shift: eigenvalues 1..n
	std::vector<double> a(n * n, 0.0);
	for (int i = 0; i < n; i++)
		a[i + i * n] = (double)(n - i);
	double *dA = dev(a), *w, *work;
	int lwork = 0, *info;
	CK(cudaMalloc(&w, n * sizeof(double)));
	CK(cudaMalloc(&info, sizeof(int)));
	CS(cusolverDnDsyevd_bufferSize(h, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, dA, n, w, &lwork));
	CK(cudaMalloc(&work, lwork * sizeof(double)));
	CS(cusolverDnDsyevd(h, CUSOLVER_EIG_MODE_VECTOR, CUBLAS_FILL_MODE_LOWER, n, dA, n, w, work, lwork, info));
	std::vector<double> ev = host(w, n);
	double err = 0;
	for (int i = 0; i < n; i++)
		err = std::max(err, std::fabs(ev[i] - (i + 1.0)));
	report("eigenvalues (Dsyevd) are 1..16", err, 1e-9, host(info, 1)[0]);
	CK(cudaFree(dA));
	CK(cudaFree(w));
	CK(cudaFree(work));
	CK(cudaFree(info));
}

static void svd(cusolverDnHandle_t h)
{
	std::vector<float> a(n * n, 0.0f);
	for (int i = 0; i < n; i++)
		a[i + ((i * 5) % n) * n] = (float)(i + 1);	// a scaled permutation: singular values 1..n
	float *dA = dev(a), *s, *u, *vt, *work;
	int lwork = 0, *info;
	CK(cudaMalloc(&s, n * sizeof(float)));
	CK(cudaMalloc(&u, n * n * sizeof(float)));
	CK(cudaMalloc(&vt, n * n * sizeof(float)));
	CK(cudaMalloc(&info, sizeof(int)));
	CS(cusolverDnSgesvd_bufferSize(h, n, n, &lwork));
	CK(cudaMalloc(&work, lwork * sizeof(float)));
	CS(cusolverDnSgesvd(h, 'A', 'A', n, n, dA, n, s, u, n, vt, n, work, lwork, nullptr, info));
	std::vector<float> sv = host(s, n);
	double err = 0;
	for (int i = 0; i < n; i++)
		err = std::max(err, (double)std::fabs(sv[i] - (float)(n - i)));
	report("singular values (Sgesvd) are 16..1", err, 1e-3, host(info, 1)[0]);
	CK(cudaFree(dA));
	CK(cudaFree(s));
	CK(cudaFree(u));
	CK(cudaFree(vt));
	CK(cudaFree(work));
	CK(cudaFree(info));
}

static void xpotrf(cusolverDnHandle_t h)
{
	std::vector<double> a = spd<double>(), b(n);
	for (int i = 0; i < n; i++)
		b[i] = 2.0 - i;
	cusolverDnParams_t p;
	CS(cusolverDnCreateParams(&p));
	double *dA = dev(a), *dB = dev(b);
	size_t dbytes = 0, hbytes = 0;
	int *info;
	CK(cudaMalloc(&info, sizeof(int)));
	CS(cusolverDnXpotrf_bufferSize(h, p, CUBLAS_FILL_MODE_UPPER, n, CUDA_R_64F, dA, n, CUDA_R_64F, &dbytes,
				       &hbytes));
	void *dwork;
	CK(cudaMalloc(&dwork, dbytes ? dbytes : 1));
	std::vector<char> hwork(hbytes ? hbytes : 1);
	CS(cusolverDnXpotrf(h, p, CUBLAS_FILL_MODE_UPPER, n, CUDA_R_64F, dA, n, CUDA_R_64F, dwork, dbytes,
			    hwork.data(), hbytes, info));
	CS(cusolverDnXpotrs(h, p, CUBLAS_FILL_MODE_UPPER, n, 1, CUDA_R_64F, dA, n, CUDA_R_64F, dB, n, info));
	report("64-bit API Cholesky solve (Xpotrf, Xpotrs)", residual(a, host(dB, n), b), 1e-9, host(info, 1)[0]);
	CS(cusolverDnDestroyParams(p));
	CK(cudaFree(dA));
	CK(cudaFree(dB));
	CK(cudaFree(dwork));
	CK(cudaFree(info));
}

int main()
{
	print_device();
	int major = 0;
	CS(cusolverGetProperty(MAJOR_VERSION, &major));
	printf("cuSOLVER major version known: %s\n", major > 0 ? "yes" : "no");
	cusolverDnHandle_t h;
	cudaStream_t st;
	CS(cusolverDnCreate(&h));
	CK(cudaStreamCreate(&st));
	CS(cusolverDnSetStream(h, st));
	lu(h);
	cholesky(h);
	qr(h);
	eig(h);
	svd(h);
	xpotrf(h);
	CS(cusolverDnDestroy(h));
	CK(cudaStreamDestroy(st));
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures != 0;
}
