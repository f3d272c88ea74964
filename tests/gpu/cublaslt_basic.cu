// cuBLASLt through its own API (tests/gpu/run: native vs AvA): matrix
// products with cublasLtMatmul in fp32, fp16 and bf16 (fp32 compute), alpha
// and beta on the host and on the device, a bias epilogue (a device
// pointer held in a descriptor attribute), heuristics with a workspace,
// and a cuBLAS handle used as a cuBLASLt handle (as PyTorch does).  Each
// result is compared with a CPU product; the printed lines are the same
// natively and through AvA.
#include "common.h"
#include <cmath>
#include <cublasLt.h>
#include <cublas_v2.h>
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#define CL(call)                                                                          \
	do {                                                                              \
		cublasStatus_t s_ = (call);                                               \
		if (s_ != CUBLAS_STATUS_SUCCESS) {                                        \
			printf("FAIL %s:%d: %s -> %d\n", __FILE__, __LINE__, #call, (int)s_); \
			exit(1);                                                          \
		}                                                                         \
	} while (0)

static int failures;
static const int M = 64, N = 48, K = 32;

static float val(int i, int seed)
{
	return (float)((i * 7 + seed * 3) % 11) / 8.0f - 0.5f;
}

template <typename T> static T from_float(float f);
template <> float from_float<float>(float f) { return f; }
template <> __half from_float<__half>(float f) { return __float2half(f); }
template <> __nv_bfloat16 from_float<__nv_bfloat16>(float f) { return __float2bfloat16(f); }
static float to_float(float f) { return f; }
static float to_float(__half h) { return __half2float(h); }
static float to_float(__nv_bfloat16 h) { return __bfloat162float(h); }

// The host's D = alpha * A * B + beta * C (+ bias when not null), column-major.
template <typename T>
static void reference(const std::vector<T> &a, const std::vector<T> &b, const std::vector<T> &c,
		      const float *bias, float alpha, float beta, std::vector<float> &ref)
{
	for (int j = 0; j < N; j++)
		for (int i = 0; i < M; i++) {
			float s = 0;
			for (int k = 0; k < K; k++)
				s += to_float(a[i + k * M]) * to_float(b[k + j * K]);
			ref[i + j * M] = alpha * s + beta * to_float(c[i + j * M]) + (bias ? bias[i] : 0.0f);
		}
}

// The operation's descriptor: scalars on the device or the host, a bias epilogue when dBias.
static cublasLtMatmulDesc_t matmul_desc(cudaDataType dt, int device_scalars, float *dBias)
{
	cublasLtMatmulDesc_t op;
	CL(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
	if (device_scalars) {
		cublasLtPointerMode_t pm = CUBLASLT_POINTER_MODE_DEVICE;
		CL(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_POINTER_MODE, &pm, sizeof(pm)));
	}
	if (dBias) {
		cublasLtEpilogue_t ep = CUBLASLT_EPILOGUE_BIAS;
		cudaDataType bt = CUDA_R_32F;
		CL(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE, &ep, sizeof(ep)));
		CL(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &dBias, sizeof(dBias)));
		if (dt != CUDA_R_32F)
			CL(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_BIAS_DATA_TYPE, &bt, sizeof(bt)));
	}
	return op;
}

// D = alpha * A (MxK) * B (KxN) + beta * C + bias (column-major), through handle.
template <typename T>
static void gemm(cublasLtHandle_t lt, const char *what, cudaDataType dt, int device_scalars, int with_bias)
{
	std::vector<T> a(M * K), b(K * N), c(M * N);
	std::vector<float> bias(M), ref(M * N);
	for (int i = 0; i < M * K; i++)
		a[i] = from_float<T>(val(i, 1));
	for (int i = 0; i < K * N; i++)
		b[i] = from_float<T>(val(i, 2));
	for (int i = 0; i < M * N; i++)
		c[i] = from_float<T>(val(i, 3));
	for (int i = 0; i < M; i++)
		bias[i] = val(i, 4);
	float alpha = 1.5f, beta = 0.5f;
	reference(a, b, c, with_bias ? bias.data() : nullptr, alpha, beta, ref);
	T *dA = dev(a), *dB = dev(b), *dC = dev(c), *dD = dev(c);
	float *dBias = with_bias ? dev(bias) : nullptr;
	std::vector<float> scal = { alpha, beta };
	float *dScal = device_scalars ? dev(scal) : nullptr;

	cublasLtMatmulDesc_t op = matmul_desc(dt, device_scalars, dBias);
	cublasLtMatrixLayout_t la, lb, lc;
	CL(cublasLtMatrixLayoutCreate(&la, dt, M, K, M));
	CL(cublasLtMatrixLayoutCreate(&lb, dt, K, N, K));
	CL(cublasLtMatrixLayoutCreate(&lc, dt, M, N, M));
	size_t ws = 4 << 20;
	void *dWs;
	CK(cudaMalloc(&dWs, ws));
	cublasLtMatmulPreference_t pref;
	CL(cublasLtMatmulPreferenceCreate(&pref));
	CL(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &ws, sizeof(ws)));
	cublasLtMatmulHeuristicResult_t res[4] = {};
	int found = 0;
	CL(cublasLtMatmulAlgoGetHeuristic(lt, op, la, lb, lc, lc, pref, 4, res, &found));
	if (found < 1) {
		printf("%s: no algorithm\n", what);
		failures++;
		return;
	}
	const void *pa = device_scalars ? (const void *)dScal : (const void *)&alpha;
	const void *pb = device_scalars ? (const void *)(dScal + 1) : (const void *)&beta;
	CL(cublasLtMatmul(lt, op, pa, dA, la, dB, lb, pb, dC, lc, dD, lc, &res[0].algo, dWs, ws, 0));
	CK(cudaDeviceSynchronize());
	std::vector<T> d = host(dD, M * N);
	double err = 0, sum = 0;
	for (int i = 0; i < M * N; i++) {
		err = std::max(err, (double)std::fabs(to_float(d[i]) - ref[i]));
		sum += ref[i];
	}
	double tol = dt == CUDA_R_32F ? 1e-3 : dt == CUDA_R_16F ? 0.05 : 0.3;
	printf("%s: %dx%dx%d, reference sum %.3f, %s\n", what, M, N, K, sum, err <= tol ? "matches" : "DIFFERS");
	if (err > tol) {
		printf("  max error %g\n", err);
		failures++;
	}
	CL(cublasLtMatmulPreferenceDestroy(pref));
	CL(cublasLtMatrixLayoutDestroy(la));
	CL(cublasLtMatrixLayoutDestroy(lb));
	CL(cublasLtMatrixLayoutDestroy(lc));
	CL(cublasLtMatmulDescDestroy(op));
	CK(cudaFree(dA));
	CK(cudaFree(dB));
	CK(cudaFree(dC));
	CK(cudaFree(dD));
	CK(cudaFree(dWs));
	if (dBias)
		CK(cudaFree(dBias));
	if (dScal)
		CK(cudaFree(dScal));
}

int main()
{
	print_device();
	printf("cuBLASLt version known: %s\n", cublasLtGetVersion() > 0 ? "yes" : "no");
	cublasLtHandle_t lt;
	CL(cublasLtCreate(&lt));
	gemm<float>(lt, "fp32 host scalars", CUDA_R_32F, 0, 0);
	gemm<float>(lt, "fp32 device scalars", CUDA_R_32F, 1, 0);
	gemm<__half>(lt, "fp16 host scalars", CUDA_R_16F, 0, 0);
	gemm<__nv_bfloat16>(lt, "bf16 host scalars", CUDA_R_16BF, 0, 0);
	gemm<float>(lt, "fp32 bias epilogue", CUDA_R_32F, 0, 1);
	CL(cublasLtDestroy(lt));
	// a cuBLAS handle is a cuBLASLt handle too
	cublasHandle_t blas;
	CL(cublasCreate(&blas));
	gemm<__nv_bfloat16>((cublasLtHandle_t)blas, "bf16 through a cuBLAS handle", CUDA_R_16BF, 0, 0);
	CL(cublasDestroy(blas));
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures != 0;
}
