// cuSPARSE through its own API (tests/gpu/run: native vs AvA): the generic
// API's sparse matrix-vector and matrix-matrix products (CSR SpMV and SpMM,
// COO SpMV) with their bufferSize calls and external buffers, alpha and
// beta on the host and on the device (cusparseSetPointerMode), on a stream
// of the program's own.  Each result is compared with a CPU product; the
// printed lines are the same natively and through AvA.
#include "common.h"
#include <cmath>
#include <cusparse.h>

#define CSP(call)                                                                         \
	do {                                                                              \
		cusparseStatus_t s_ = (call);                                             \
		if (s_ != CUSPARSE_STATUS_SUCCESS) {                                      \
			printf("FAIL %s:%d: %s -> %s\n", __FILE__, __LINE__, #call,      \
			       cusparseGetErrorName(s_));                                 \
			exit(1);                                                          \
		}                                                                         \
	} while (0)

static int failures;
static const int R = 40, C = 30, NCOLS = 5;

struct csr {
	std::vector<int> rows, cols, coo_rows;
	std::vector<float> vals;
};

// A sparse R x C matrix: entry (i, j) where (i * 3 + j * 7) % 5 == 0.
static csr make(void)
{
	csr m;
	m.rows.push_back(0);
	for (int i = 0; i < R; i++) {
		for (int j = 0; j < C; j++)
			if ((i * 3 + j * 7) % 5 == 0) {
				m.cols.push_back(j);
				m.coo_rows.push_back(i);
				m.vals.push_back((float)((i + 2 * j) % 9) / 4.0f - 1.0f);
			}
		m.rows.push_back((int)m.cols.size());
	}
	return m;
}

static void check(const char *what, const std::vector<float> &got, const std::vector<float> &want)
{
	double err = 0, sum = 0;
	for (size_t i = 0; i < want.size(); i++) {
		err = std::max(err, (double)std::fabs(got[i] - want[i]));
		sum += want[i];
	}
	printf("%s: reference sum %.3f, %s\n", what, sum, err < 1e-4 ? "matches" : "DIFFERS");
	if (err >= 1e-4) {
		printf("  max error %g\n", err);
		failures++;
	}
}

static void spmv(cusparseHandle_t h, const csr &m, int coo, int device_scalars)
{
	std::vector<float> x(C), y(R), want(R);
	for (int j = 0; j < C; j++)
		x[j] = (float)(j % 4) - 1.5f;
	for (int i = 0; i < R; i++)
		y[i] = (float)(i % 3);
	float alpha = 2.0f, beta = 0.5f;
	for (int i = 0; i < R; i++) {
		float s = 0;
		for (int k = m.rows[i]; k < m.rows[i + 1]; k++)
			s += m.vals[k] * x[m.cols[k]];
		want[i] = alpha * s + beta * y[i];
	}
	int *dRows = dev(coo ? m.coo_rows : m.rows), *dCols = dev(m.cols);
	float *dVals = dev(m.vals), *dX = dev(x), *dY = dev(y);
	std::vector<float> scal = { alpha, beta };
	float *dScal = dev(scal);
	cusparseSpMatDescr_t A;
	if (coo)
		CSP(cusparseCreateCoo(&A, R, C, (int64_t)m.vals.size(), dRows, dCols, dVals, CUSPARSE_INDEX_32I,
				      CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F));
	else
		CSP(cusparseCreateCsr(&A, R, C, (int64_t)m.vals.size(), dRows, dCols, dVals, CUSPARSE_INDEX_32I,
				      CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F));
	int64_t r = 0, c = 0, nnz = 0;
	CSP(cusparseSpMatGetSize(A, &r, &c, &nnz));
	cusparseDnVecDescr_t vx, vy;
	CSP(cusparseCreateDnVec(&vx, C, dX, CUDA_R_32F));
	CSP(cusparseCreateDnVec(&vy, R, dY, CUDA_R_32F));
	CSP(cusparseSetPointerMode(h, device_scalars ? CUSPARSE_POINTER_MODE_DEVICE : CUSPARSE_POINTER_MODE_HOST));
	const void *pa = device_scalars ? (const void *)dScal : (const void *)&alpha;
	const void *pb = device_scalars ? (const void *)(dScal + 1) : (const void *)&beta;
	size_t bytes = 0;
	CSP(cusparseSpMV_bufferSize(h, CUSPARSE_OPERATION_NON_TRANSPOSE, pa, A, vx, pb, vy, CUDA_R_32F,
				    CUSPARSE_SPMV_ALG_DEFAULT, &bytes));
	void *buf;
	CK(cudaMalloc(&buf, bytes ? bytes : 1));
	CSP(cusparseSpMV(h, CUSPARSE_OPERATION_NON_TRANSPOSE, pa, A, vx, pb, vy, CUDA_R_32F, CUSPARSE_SPMV_ALG_DEFAULT,
			 buf));
	CK(cudaDeviceSynchronize());
	char what[96];
	snprintf(what, sizeof(what), "%s SpMV %dx%d, %lld nonzeros, %s scalars", coo ? "COO" : "CSR", (int)r, (int)c,
		 (long long)nnz, device_scalars ? "device" : "host");
	check(what, host(dY, R), want);
	CSP(cusparseSetPointerMode(h, CUSPARSE_POINTER_MODE_HOST));
	CSP(cusparseDestroyDnVec(vx));
	CSP(cusparseDestroyDnVec(vy));
	CSP(cusparseDestroySpMat(A));
	CK(cudaFree(buf));
	CK(cudaFree(dRows));
	CK(cudaFree(dCols));
	CK(cudaFree(dVals));
	CK(cudaFree(dX));
	CK(cudaFree(dY));
	CK(cudaFree(dScal));
}

static void spmm(cusparseHandle_t h, const csr &m)
{
	std::vector<float> b(C * NCOLS), cm(R * NCOLS, 0.0f), want(R * NCOLS);
	for (int i = 0; i < C * NCOLS; i++)
		b[i] = (float)(i % 7) / 3.0f - 1.0f;
	for (int j = 0; j < NCOLS; j++)
		for (int i = 0; i < R; i++) {
			float s = 0;
			for (int k = m.rows[i]; k < m.rows[i + 1]; k++)
				s += m.vals[k] * b[m.cols[k] + j * C];
			want[i + j * R] = s;
		}
	int *dRows = dev(m.rows), *dCols = dev(m.cols);
	float *dVals = dev(m.vals), *dB = dev(b), *dC = dev(cm);
	cusparseSpMatDescr_t A;
	cusparseDnMatDescr_t B, Cm;
	CSP(cusparseCreateCsr(&A, R, C, (int64_t)m.vals.size(), dRows, dCols, dVals, CUSPARSE_INDEX_32I,
			      CUSPARSE_INDEX_32I, CUSPARSE_INDEX_BASE_ZERO, CUDA_R_32F));
	CSP(cusparseCreateDnMat(&B, C, NCOLS, C, dB, CUDA_R_32F, CUSPARSE_ORDER_COL));
	CSP(cusparseCreateDnMat(&Cm, R, NCOLS, R, dC, CUDA_R_32F, CUSPARSE_ORDER_COL));
	float alpha = 1.0f, beta = 0.0f;
	size_t bytes = 0;
	CSP(cusparseSpMM_bufferSize(h, CUSPARSE_OPERATION_NON_TRANSPOSE, CUSPARSE_OPERATION_NON_TRANSPOSE, &alpha, A, B,
				    &beta, Cm, CUDA_R_32F, CUSPARSE_SPMM_ALG_DEFAULT, &bytes));
	void *buf;
	CK(cudaMalloc(&buf, bytes ? bytes : 1));
	CSP(cusparseSpMM(h, CUSPARSE_OPERATION_NON_TRANSPOSE, CUSPARSE_OPERATION_NON_TRANSPOSE, &alpha, A, B, &beta, Cm,
			 CUDA_R_32F, CUSPARSE_SPMM_ALG_DEFAULT, buf));
	CK(cudaDeviceSynchronize());
	check("CSR SpMM with 5 dense columns", host(dC, R * NCOLS), want);
	CSP(cusparseDestroyDnMat(B));
	CSP(cusparseDestroyDnMat(Cm));
	CSP(cusparseDestroySpMat(A));
	CK(cudaFree(buf));
	CK(cudaFree(dRows));
	CK(cudaFree(dCols));
	CK(cudaFree(dVals));
	CK(cudaFree(dB));
	CK(cudaFree(dC));
}

int main()
{
	print_device();
	int version = 0;
	cusparseHandle_t h;
	cudaStream_t st;
	CSP(cusparseCreate(&h));
	CSP(cusparseGetVersion(h, &version));
	printf("cuSPARSE version known: %s\n", version > 0 ? "yes" : "no");
	CK(cudaStreamCreate(&st));
	CSP(cusparseSetStream(h, st));
	csr m = make();
	spmv(h, m, 0, 0);
	spmv(h, m, 0, 1);
	spmv(h, m, 1, 0);
	spmm(h, m);
	const char *text = cusparseGetErrorString(CUSPARSE_STATUS_INVALID_VALUE);
	printf("status text present: %s\n", text && *text ? "yes" : "no");
	CSP(cusparseDestroy(h));
	CK(cudaStreamDestroy(st));
	printf("%s\n", failures ? "FAILED" : "PASSED");
	return failures != 0;
}
