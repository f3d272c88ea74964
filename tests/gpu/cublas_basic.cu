// cuBLAS through its own API (tests/gpu/run: native vs AvA): a handle on a
// stream, level 1/2/3 calls in host and device pointer modes, strided and
// pointer-array batched gemm, GemmEx in fp32 and fp16, Hgemm.  Inputs are
// small integers, so every result is exact and compared with a CPU
// reference; the output is the same natively and through AvA.
#include "common.h"
#include <cublas_v2.h>
#include <cuda_fp16.h>
#include <vector>

#define CB(call)                                                                         \
	do {                                                                             \
		cublasStatus_t s_ = (call);                                              \
		if (s_ != CUBLAS_STATUS_SUCCESS) {                                       \
			printf("FAIL %s:%d: %s -> %d\n", __FILE__, __LINE__, #call, (int)s_); \
			exit(1);                                                         \
		}                                                                        \
	} while (0)

static int failures;

template <typename T> static std::vector<T> ints(size_t n, int seed)
{
	std::vector<T> v(n);
	for (size_t i = 0; i < n; i++)
		v[i] = (T)((int)((i * 7 + seed * 13) % 7) - 3);
	return v;
}

static void report(const char *what, bool ok, double sample)
{
	printf("%-34s %s (sample %g)\n", what, ok ? "ok" : "MISMATCH", sample);
	failures += !ok;
}

// C = alpha * A * B + beta * C, column major, no transposes
template <typename T> static std::vector<T> gemm_ref(int m, int n, int k, T alpha, const T *A, const T *B, T beta,
						     const T *C)
{
	std::vector<T> R(m * n);
	for (int j = 0; j < n; j++)
		for (int i = 0; i < m; i++) {
			T acc = 0;
			for (int p = 0; p < k; p++)
				acc += A[i + p * m] * B[p + j * k];
			R[i + j * m] = alpha * acc + beta * C[i + j * m];
		}
	return R;
}

template <typename T> static bool same(const std::vector<T> &a, const std::vector<T> &b)
{
	for (size_t i = 0; i < a.size(); i++)
		if (a[i] != b[i])
			return false;
	return true;
}

static void level1(cublasHandle_t h, bool device_mode)
{
	const int n = 1000;
	auto x = ints<float>(n, 1), y = ints<float>(n, 2);
	float *dx = dev(x), *dy = dev(y), *dscal;
	float alpha = 2, dot = 0, nrm = 0, ref_dot = 0, ref_nrm = 0;
	int amax = 0, ref_amax = 1;
	const char *mode = device_mode ? "device" : "host";
	char what[64];

	CK(cudaMalloc(&dscal, 4 * sizeof(float)));
	CK(cudaMemcpy(dscal, &alpha, sizeof(alpha), cudaMemcpyHostToDevice));
	for (int i = 0; i < n; i++) {
		ref_dot += x[i] * y[i];
		ref_nrm += x[i] * x[i];
		if (fabsf(x[i]) > fabsf(x[ref_amax - 1]))
			ref_amax = i + 1;
	}
	ref_nrm = sqrtf(ref_nrm);
	if (device_mode) {
		CB(cublasSaxpy(h, n, dscal, dx, 1, dy, 1));
		CB(cublasSdot(h, n, dx, 1, dx, 1, dscal + 1));
		CB(cublasSnrm2(h, n, dx, 1, dscal + 2));
		CB(cublasIsamax(h, n, dx, 1, (int *)(dscal + 3)));
		CK(cudaDeviceSynchronize());
		auto r = host(dscal, 4);
		dot = r[1];
		nrm = r[2];
		memcpy(&amax, &r[3], sizeof(amax));
		ref_dot = 0;
		for (int i = 0; i < n; i++)
			ref_dot += x[i] * x[i];
	} else {
		CB(cublasSaxpy(h, n, &alpha, dx, 1, dy, 1));
		CB(cublasSdot(h, n, dx, 1, dy, 1, &dot));
		CB(cublasSnrm2(h, n, dx, 1, &nrm));
		CB(cublasIsamax(h, n, dx, 1, &amax));
		ref_dot = 0;
		for (int i = 0; i < n; i++)
			ref_dot += x[i] * (y[i] + 2 * x[i]);
	}
	auto ry = host(dy, n);
	bool ok = true;
	for (int i = 0; i < n; i++)
		ok &= ry[i] == y[i] + 2 * x[i];
	snprintf(what, sizeof(what), "saxpy (%s mode)", mode);
	report(what, ok, ry[5]);
	snprintf(what, sizeof(what), "sdot (%s mode)", mode);
	report(what, dot == ref_dot, dot);
	snprintf(what, sizeof(what), "snrm2 (%s mode)", mode);
	report(what, fabsf(nrm - ref_nrm) <= 1e-3f * ref_nrm, (int)(nrm * 100) / 100.0);
	snprintf(what, sizeof(what), "isamax (%s mode)", mode);
	report(what, amax == ref_amax, amax);
	CK(cudaFree(dx));
	CK(cudaFree(dy));
	CK(cudaFree(dscal));
}

static void doubles(cublasHandle_t h)
{
	const int n = 500;
	auto x = ints<double>(n, 3), y = ints<double>(n, 4);
	double *dx = dev(x), *dy = dev(y), alpha = -3, dot = 0, nrm = 0, ref = 0, ref_nrm = 0;

	CB(cublasDscal(h, n, &alpha, dx, 1));
	CB(cublasDaxpy(h, n, &alpha, dx, 1, dy, 1));
	CB(cublasDdot(h, n, dx, 1, dy, 1, &dot));
	CB(cublasDnrm2(h, n, dx, 1, &nrm));
	for (int i = 0; i < n; i++) {
		double sx = -3 * x[i];
		ref += sx * (y[i] - 3 * sx);
		ref_nrm += sx * sx;
	}
	report("dscal, daxpy, ddot", dot == ref, dot);
	report("dnrm2", fabs(nrm - sqrt(ref_nrm)) < 1e-9 * nrm, (int)nrm);
	CK(cudaFree(dx));
	CK(cudaFree(dy));
}

static void gemv(cublasHandle_t h)
{
	const int m = 70, n = 33;
	auto A = ints<float>(m * n, 5), x = ints<float>(n, 6), y = ints<float>(m, 7);
	auto Ad = ints<double>(m * n, 5), xd = ints<double>(n, 6), yd = ints<double>(m, 7);
	float *dA = dev(A), *dx = dev(x), *dy = dev(y), *dcopy, alpha = 2, beta = -1;
	double *dAd = dev(Ad), *dxd = dev(xd), *dyd = dev(yd), alphad = 2, betad = -1;
	bool ok = true, okd = true, okc;

	CB(cublasSgemv(h, CUBLAS_OP_N, m, n, &alpha, dA, m, dx, 1, &beta, dy, 1));
	CB(cublasDgemv(h, CUBLAS_OP_N, m, n, &alphad, dAd, m, dxd, 1, &betad, dyd, 1));
	CK(cudaMalloc(&dcopy, m * sizeof(float)));
	CB(cublasScopy(h, m, dy, 1, dcopy, 1));
	auto ry = host(dy, m);
	auto ryd = host(dyd, m);
	auto rc = host(dcopy, m);
	for (int i = 0; i < m; i++) {
		float acc = 0;
		for (int j = 0; j < n; j++)
			acc += A[i + j * m] * x[j];
		ok &= ry[i] == 2 * acc - y[i];
		okd &= ryd[i] == 2 * (double)acc - yd[i];
	}
	okc = same(rc, ry);
	report("sgemv", ok, ry[3]);
	report("dgemv", okd, ryd[3]);
	report("scopy", okc, rc[3]);
	for (void *p : { (void *)dA, (void *)dx, (void *)dy, (void *)dcopy, (void *)dAd, (void *)dxd, (void *)dyd })
		CK(cudaFree(p));
}

static void gemms(cublasHandle_t h, bool device_mode)
{
	const int m = 64, n = 48, k = 32;
	auto A = ints<float>(m * k, 8), B = ints<float>(k * n, 9), C = ints<float>(m * n, 10);
	float *dA = dev(A), *dB = dev(B), *dC = dev(C), ab[2] = { 2, -1 }, *dab = dev(std::vector<float>(ab, ab + 2));
	const float *alpha = device_mode ? dab : ab, *beta = device_mode ? dab + 1 : ab + 1;
	char what[64];

	CB(cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, alpha, dA, m, dB, k, beta, dC, m));
	auto r = host(dC, m * n);
	snprintf(what, sizeof(what), "sgemm (%s mode)", device_mode ? "device" : "host");
	report(what, same(r, gemm_ref<float>(m, n, k, 2, A.data(), B.data(), -1, C.data())), r[17]);

	// GemmEx, fp32 in and out
	CK(cudaMemcpy(dC, C.data(), C.size() * sizeof(float), cudaMemcpyHostToDevice));
	CB(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, alpha, dA, CUDA_R_32F, m, dB, CUDA_R_32F, k, beta, dC,
			CUDA_R_32F, m, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
	r = host(dC, m * n);
	snprintf(what, sizeof(what), "gemmex fp32 (%s mode)", device_mode ? "device" : "host");
	report(what, same(r, gemm_ref<float>(m, n, k, 2, A.data(), B.data(), -1, C.data())), r[17]);
	for (void *p : { (void *)dA, (void *)dB, (void *)dC, (void *)dab })
		CK(cudaFree(p));
}

static void halves(cublasHandle_t h)
{
	const int m = 32, n = 16, k = 16;
	auto A = ints<float>(m * k, 11), B = ints<float>(k * n, 12), C = ints<float>(m * n, 13);
	std::vector<__half> Ah(A.size()), Bh(B.size()), Ch(C.size());
	for (size_t i = 0; i < A.size(); i++)
		Ah[i] = __float2half(A[i]);
	for (size_t i = 0; i < B.size(); i++)
		Bh[i] = __float2half(B[i]);
	for (size_t i = 0; i < C.size(); i++)
		Ch[i] = __float2half(C[i]);
	__half *dA = dev(Ah), *dB = dev(Bh), *dC = dev(Ch), one = __float2half(1.0f), zero = __float2half(0.0f);
	float onef = 1, zerof = 0, *dCf;
	auto ref = gemm_ref<float>(m, n, k, 1, A.data(), B.data(), 0, C.data());
	bool ok = true;

	CB(cublasHgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, dA, m, dB, k, &zero, dC, m));
	auto r = host(dC, m * n);
	for (int i = 0; i < m * n; i++)
		ok &= __half2float(r[i]) == ref[i];
	report("hgemm", ok, __half2float(r[9]));

	// fp16 inputs, fp32 output and compute
	CK(cudaMalloc(&dCf, m * n * sizeof(float)));
	CB(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &onef, dA, CUDA_R_16F, m, dB, CUDA_R_16F, k, &zerof, dCf,
			CUDA_R_32F, m, CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
	auto rf = host(dCf, m * n);
	report("gemmex fp16 in, fp32 out", same(rf, ref), rf[9]);
	// fp16 compute: half alpha and beta
	CB(cublasGemmEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &one, dA, CUDA_R_16F, m, dB, CUDA_R_16F, k, &zero, dC,
			CUDA_R_16F, m, CUBLAS_COMPUTE_16F, CUBLAS_GEMM_DEFAULT));
	r = host(dC, m * n);
	ok = true;
	for (int i = 0; i < m * n; i++)
		ok &= __half2float(r[i]) == ref[i];
	report("gemmex fp16 compute", ok, __half2float(r[9]));
	for (void *p : { (void *)dA, (void *)dB, (void *)dC, (void *)dCf })
		CK(cudaFree(p));
}

static cublasStatus_t gemm_batched(cublasHandle_t h, int m, int n, int k, const float *alpha, const float **A,
				   const float **B, const float *beta, float **C, int batch)
{
	return cublasSgemmBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, alpha, A, m, B, k, beta, C, m, batch);
}

static cublasStatus_t gemm_batched(cublasHandle_t h, int m, int n, int k, const double *alpha, const double **A,
				   const double **B, const double *beta, double **C, int batch)
{
	return cublasDgemmBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, alpha, A, m, B, k, beta, C, m, batch);
}

// pointer arrays in device memory: C_b = A_b B_b
template <typename T>
static bool pointer_arrays(cublasHandle_t h, int m, int n, int k, int batch, T *dA, T *dB, T *dC,
			   const std::vector<T> &A, const std::vector<T> &B, const std::vector<T> &C)
{
	std::vector<const T *> pa(batch), pb(batch);
	std::vector<T *> pc(batch);
	T zero = 0, one = 1;
	bool ok = true;

	for (int b = 0; b < batch; b++) {
		pa[b] = dA + b * m * k;
		pb[b] = dB + b * k * n;
		pc[b] = dC + b * m * n;
	}
	const T **dpa = dev(pa), **dpb = dev(pb);
	T **dpc = dev(pc);
	CB(gemm_batched(h, m, n, k, &one, dpa, dpb, &zero, dpc, batch));
	auto r = host(dC, C.size());
	for (int b = 0; b < batch; b++) {
		auto ref = gemm_ref<T>(m, n, k, 1, &A[b * m * k], &B[b * k * n], 0, &C[b * m * n]);
		ok &= same(std::vector<T>(r.begin() + b * m * n, r.begin() + (b + 1) * m * n), ref);
	}
	for (void *p : { (void *)dpa, (void *)dpb, (void *)dpc })
		CK(cudaFree(p));
	return ok;
}

static void batched(cublasHandle_t h)
{
	const int m = 16, n = 12, k = 8, batch = 5;
	auto A = ints<float>(m * k * batch, 14), B = ints<float>(k * n * batch, 15), C = ints<float>(m * n * batch, 16);
	auto Ad = ints<double>(m * k * batch, 14), Bd = ints<double>(k * n * batch, 15), Cd = ints<double>(m * n * batch, 16);
	float *dA = dev(A), *dB = dev(B), *dC = dev(C), alpha = 3, beta = 2;
	double *dAd = dev(Ad), *dBd = dev(Bd), *dCd = dev(Cd), alphad = 3, betad = 2;
	bool ok = true, okd = true, okx = true;

	CB(cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, dA, m, m * k, dB, k, k * n, &beta,
				     dC, m, m * n, batch));
	CB(cublasDgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alphad, dAd, m, m * k, dBd, k, k * n,
				     &betad, dCd, m, m * n, batch));
	auto r = host(dC, C.size());
	auto rd = host(dCd, Cd.size());
	for (int b = 0; b < batch; b++) {
		auto ref = gemm_ref<float>(m, n, k, 3, &A[b * m * k], &B[b * k * n], 2, &C[b * m * n]);
		auto refd = gemm_ref<double>(m, n, k, 3, &Ad[b * m * k], &Bd[b * k * n], 2, &Cd[b * m * n]);
		ok &= same(std::vector<float>(r.begin() + b * m * n, r.begin() + (b + 1) * m * n), ref);
		okd &= same(std::vector<double>(rd.begin() + b * m * n, rd.begin() + (b + 1) * m * n), refd);
	}
	report("sgemm strided batched", ok, r[40]);
	report("dgemm strided batched", okd, rd[40]);

	// GemmStridedBatchedEx: C = 3 A B + 2 C again, on the result
	CB(cublasGemmStridedBatchedEx(h, CUBLAS_OP_N, CUBLAS_OP_N, m, n, k, &alpha, dA, CUDA_R_32F, m, m * k, dB,
				      CUDA_R_32F, k, k * n, &beta, dC, CUDA_R_32F, m, m * n, batch,
				      CUBLAS_COMPUTE_32F, CUBLAS_GEMM_DEFAULT));
	auto r2 = host(dC, C.size());
	for (int b = 0; b < batch; b++) {
		auto ref = gemm_ref<float>(m, n, k, 3, &A[b * m * k], &B[b * k * n], 2, &r[b * m * n]);
		okx &= same(std::vector<float>(r2.begin() + b * m * n, r2.begin() + (b + 1) * m * n), ref);
	}
	report("gemm strided batched ex", okx, r2[40]);

	report("sgemm batched (pointer arrays)", pointer_arrays(h, m, n, k, batch, dA, dB, dC, A, B, C), 0);
	report("dgemm batched (pointer arrays)", pointer_arrays(h, m, n, k, batch, dAd, dBd, dCd, Ad, Bd, Cd), 0);
	for (void *p : { (void *)dA, (void *)dB, (void *)dC, (void *)dAd, (void *)dBd, (void *)dCd })
		CK(cudaFree(p));
}

int main()
{
	cublasHandle_t h;
	cudaStream_t s, got;
	cublasPointerMode_t pm;
	cublasMath_t mm;
	int version = 0;
	void *ws;

	print_device();
	CB(cublasCreate(&h));
	CB(cublasGetVersion(h, &version));
	printf("cublas version %d\n", version / 10000 >= 13 ? 13 : version / 10000);
	CK(cudaStreamCreate(&s));
	CB(cublasSetStream(h, s));
	CB(cublasGetStream(h, &got));
	printf("stream set and read back: %s\n", got == s ? "same" : "DIFFERENT");
	CB(cublasSetMathMode(h, CUBLAS_PEDANTIC_MATH));
	CB(cublasGetMathMode(h, &mm));
	printf("math mode %d\n", (int)mm);
	CB(cublasSetMathMode(h, CUBLAS_DEFAULT_MATH));
	CK(cudaMalloc(&ws, 4 << 20));
	CB(cublasSetWorkspace(h, ws, 4 << 20));

	CB(cublasGetPointerMode(h, &pm));
	printf("pointer mode %d\n", (int)pm);
	level1(h, false);
	doubles(h);
	gemv(h);
	gemms(h, false);
	halves(h);
	batched(h);

	CB(cublasSetPointerMode(h, CUBLAS_POINTER_MODE_DEVICE));
	CB(cublasGetPointerMode(h, &pm));
	printf("pointer mode %d\n", (int)pm);
	level1(h, true);
	gemms(h, true);
	CB(cublasSetPointerMode(h, CUBLAS_POINTER_MODE_HOST));

	// errors cuBLAS reports itself
	float one = 1;
	printf("sgemm m=-1: status %d\n", (int)cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, -1, 1, 1, &one, (float *)ws,
							 1, (float *)ws, 1, &one, (float *)ws, 1));
	printf("sgemm lda<m: status %d\n", (int)cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, (float *)ws,
							  1, (float *)ws, 4, &one, (float *)ws, 4));
	// through AvA these fail the guest's checks, so they wait for cuBLAS's own answer
	// (docs/cuda.md, what waits and what does not)
	printf("sgemm transa=7: status %d\n", (int)cublasSgemm(h, (cublasOperation_t)7, CUBLAS_OP_N, 4, 4, 4, &one,
							     (float *)ws, 4, (float *)ws, 4, &one, (float *)ws, 4));
	printf("sgemm ldb<k: status %d\n", (int)cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, (float *)ws,
							  4, (float *)ws, 2, &one, (float *)ws, 4));
	printf("sgemm ldc<m: status %d\n", (int)cublasSgemm(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, (float *)ws,
							  4, (float *)ws, 4, &one, (float *)ws, 2));
	printf("sgemm lda<k (transa=T): status %d\n", (int)cublasSgemm(h, CUBLAS_OP_T, CUBLAS_OP_N, 2, 4, 4, &one,
									  (float *)ws, 2, (float *)ws, 4, &one,
									  (float *)ws, 2));
	printf("sgemmStridedBatched batch=-1: status %d\n",
	       (int)cublasSgemmStridedBatched(h, CUBLAS_OP_N, CUBLAS_OP_N, 4, 4, 4, &one, (float *)ws, 4, 16,
					      (float *)ws, 4, 16, &one, (float *)ws, 4, 16, -1));
	printf("sgemv lda<m: status %d\n", (int)cublasSgemv(h, CUBLAS_OP_N, 4, 4, &one, (float *)ws, 2, (float *)ws, 1,
							  &one, (float *)ws, 1));
	printf("sgemv incx=0: status %d\n", (int)cublasSgemv(h, CUBLAS_OP_N, 4, 4, &one, (float *)ws, 4, (float *)ws, 0,
							   &one, (float *)ws, 1));
	printf("saxpy n=-1: status %d\n", (int)cublasSaxpy(h, -1, &one, (float *)ws, 1, (float *)ws, 1));
	printf("saxpy incx=-1: status %d\n", (int)cublasSaxpy(h, 4, &one, (float *)ws, -1, (float *)ws, 1));
	printf("sscal incx=0: status %d\n", (int)cublasSscal(h, 4, &one, (float *)ws, 0));
	printf("scopy incy=0: status %d\n", (int)cublasScopy(h, 4, (float *)ws, 1, (float *)ws, 0));
	CB(cublasGetPointerMode(h, &pm)); // no error of a call sent without waiting is pending

	CK(cudaStreamSynchronize(s));
	CB(cublasDestroy(h));
	CK(cudaStreamDestroy(s));
	CK(cudaFree(ws));
	printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
	return failures ? 1 : 0;
}
