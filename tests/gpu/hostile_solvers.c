// SPDX-License-Identifier: MIT
/*
 * hostile_solvers: hostile input on the cuBLASLt, cuSOLVER and cuSPARSE
 * workers.  Forged handle and descriptor ids, ids of another kind (a
 * cuSOLVER parameter object as a handle, a layout as a matmul descriptor,
 * a legacy matrix descriptor as a generic one), descriptor attributes that
 * hold addresses which are not the session's device memory, an attribute
 * whose bytes do not match its size, the emulation descriptor (a host
 * object): each must be refused with the library's error or a transport
 * status, and the worker must keep serving.  Prints TAP.
 *
 * Without a GPU the worker's libraries load (their host-side objects work)
 * but no device memory exists, so every device address is refused: the
 * checks hold on both.
 *
 * Run it through AvA: scripts/ava-local --cuda -- build/tests/gpu/hostile_solvers
 */
#include <stdio.h>

#include "cublasLt_guest_rt.h"
#include "cusolver_guest_rt.h"
#include "cusparse_guest_rt.h"

static int n, failed;

static void result(int ok, const char *what, long long got)
{
	n++;
	failed += !ok;
	printf("%s %d - %s (got %lld)\n", ok ? "ok" : "not ok", n, what, got);
	fflush(stdout);
}

static void refused(const char *what, int st, long long ret)
{
	result(st != AVA_S_OK || ret != 0, what, st != AVA_S_OK ? -1000 - st : ret);
}

static int finish(struct ava_call *c, long long *ret)
{
	int st = ava_call_exchange(c);

	*ret = st == AVA_S_OK ? (long long)(int64_t)ava_get_u64(c) : -1;
	ava_call_end(c);
	return st;
}

/* A hand-made command of api's fn whose parameters are all u64 (ids, scalars, device addresses). */
static int raw(uint32_t api, uint32_t fn, const uint64_t *words, unsigned count, long long *ret)
{
	struct ava_call c;
	unsigned i;

	if (ava_call_begin(&c, api, fn, 0))
		return -1;
	for (i = 0; i < count; i++)
		ava_put_u64(&c, words[i]);
	return finish(&c, ret);
}

/* cublasLtMatmulDescSetAttribute as a hand-made command: len bytes sent, size claimed. */
static int raw_desc_set(uint64_t desc, uint64_t attr, const void *buf, uint64_t len, uint64_t size, long long *ret)
{
	struct ava_call c;

	if (ava_call_begin(&c, AVA_API_CUBLASLT, AVA_FN_CUBLASLT_cublasLtMatmulDescSetAttribute, 0))
		return -1;
	ava_put_u64(&c, desc);
	ava_put_u64(&c, attr);
	ava_put_data(&c, buf, len);
	ava_put_u64(&c, size);
	return finish(&c, ret);
}

static void alive(void)
{
	int lt = -1, so = -1, sp = -1;

	cublasLtGetProperty(MAJOR_VERSION, &lt);
	cusolverGetProperty(MAJOR_VERSION, &so);
	cusparseGetProperty(MAJOR_VERSION, &sp);
	result(lt == CUBLAS_VER_MAJOR && so == CUSOLVER_VER_MAJOR && sp == CUSPARSE_VER_MAJOR,
	       "the worker still answers: the libraries' major versions are the headers'", lt * 10000 + so * 100 + sp);
}

static void forged_ids(void)
{
	const uint64_t forged[] = { 0, 12345, AVA_HANDLE_WORKER_BIT | 7, AVA_ID_INVALID };
	static const char fake[64];
	uint64_t w[8];
	long long r;
	unsigned i;
	int st;

	for (i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
		uint64_t potrf[] = { forged[i], CUBLAS_FILL_MODE_LOWER, 4, 0, 4, 0, 0, 0 };
		uint64_t setptr[] = { forged[i], 0, 0, 0 };

		st = raw(AVA_API_CUSOLVER, AVA_FN_CUSOLVER_cusolverDnSpotrf, potrf, 8, &r);
		refused("cusolverDnSpotrf: a forged handle id", st, r);
		st = raw(AVA_API_CUSPARSE, AVA_FN_CUSPARSE_cusparseCsrSetPointers, setptr, 4, &r);
		refused("cusparseCsrSetPointers: a forged descriptor id", st, r);
		st = raw_desc_set(forged[i], CUBLASLT_MATMUL_DESC_TRANSA, w, 4, 4, &r);
		refused("cublasLtMatmulDescSetAttribute: a forged descriptor id", st, r);
	}
	r = cusolverDnSetStream((cusolverDnHandle_t)(uintptr_t)fake, NULL);
	refused("cusolverDnSetStream on an address that is no handle", AVA_S_OK, r);
	r = cusparseSetPointerMode((cusparseHandle_t)(uintptr_t)fake, CUSPARSE_POINTER_MODE_DEVICE);
	refused("cusparseSetPointerMode on an address that is no handle", AVA_S_OK, r);
	r = cublasLtMatmulDescDestroy((cublasLtMatmulDesc_t)(uintptr_t)fake);
	refused("cublasLtMatmulDescDestroy of an address that is no descriptor", AVA_S_OK, r);
	alive();
}

/* Host-side objects (no GPU needed): of the wrong kind, with addresses that are no device memory. */
static void cublaslt_descriptors(void)
{
	cublasLtMatmulDesc_t desc = NULL;
	cublasLtMatrixLayout_t layout = NULL;
	void *host_ptr = &desc;
	int32_t v = 1;
	long long r;
	int st;

	if (cublasLtMatmulDescCreate(&desc, CUBLAS_COMPUTE_32F, CUDA_R_32F) != CUBLAS_STATUS_SUCCESS ||
	    cublasLtMatrixLayoutCreate(&layout, CUDA_R_32F, 4, 4, 4) != CUBLAS_STATUS_SUCCESS) {
		printf("# SKIP cuBLASLt descriptor checks: no libcublasLt.so.13 in the worker\n");
		return;
	}
	r = cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &host_ptr, sizeof(host_ptr));
	result(r == CUBLAS_STATUS_INVALID_VALUE, "a bias pointer that is no device memory of the session", r);
	r = cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_A_SCALE_POINTER, &v, sizeof(v));
	result(r == CUBLAS_STATUS_INVALID_VALUE, "a scale pointer of 4 bytes", r);
	r = cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_EMULATION_DESCRIPTOR, &host_ptr,
					   sizeof(host_ptr));
	result(r == CUBLAS_STATUS_NOT_SUPPORTED, "the emulation descriptor (a host object) is refused", r);
	r = cublasLtMatmulDescSetAttribute((cublasLtMatmulDesc_t)layout, CUBLASLT_MATMUL_DESC_TRANSA, &v, sizeof(v));
	refused("a layout as a matmul descriptor", AVA_S_OK, r);
	st = raw_desc_set(ava_obj_id(desc, AVA_HT_CUBLASLT_matmul), CUBLASLT_MATMUL_DESC_TRANSA, &v, 2, 4, &r);
	refused("an attribute of 4 bytes with 2 sent", st, r);
	r = cublasLtMatmulDescSetAttribute(desc, CUBLASLT_MATMUL_DESC_TRANSA, &v, sizeof(v));
	result(r == CUBLAS_STATUS_SUCCESS, "the descriptor still works", r);
	result(cublasLtMatrixLayoutDestroy(layout) == CUBLAS_STATUS_SUCCESS &&
	       cublasLtMatmulDescDestroy(desc) == CUBLAS_STATUS_SUCCESS, "destroyed", 0);
	r = cublasLtMatmulDescDestroy(desc);
	refused("a matmul descriptor destroyed twice", AVA_S_OK, r);
}

static void cusolver_objects(void)
{
	cusolverDnParams_t params = NULL;
	gesvdjInfo_t info = NULL;
	long long r;
	int st;

	if (cusolverDnCreateParams(&params) != CUSOLVER_STATUS_SUCCESS ||
	    cusolverDnCreateGesvdjInfo(&info) != CUSOLVER_STATUS_SUCCESS) {
		printf("# SKIP cuSOLVER object checks: no libcusolver.so.12 in the worker\n");
		return;
	}
	uint64_t potrf[] = { ava_obj_id(params, AVA_HT_CUSOLVER_params), CUBLAS_FILL_MODE_LOWER, 4, 0, 4, 0, 0, 0 };
	st = raw(AVA_API_CUSOLVER, AVA_FN_CUSOLVER_cusolverDnSpotrf, potrf, 8, &r);
	refused("a parameter object's id as a cuSOLVER handle", st, r);
	r = cusolverDnXgesvdjSetMaxSweeps((gesvdjInfo_t)params, 10);
	refused("a parameter object as a gesvdj info", AVA_S_OK, r);
	r = cusolverDnXgesvdjSetTolerance(info, 1e-7);
	result(r == CUSOLVER_STATUS_SUCCESS, "the gesvdj info still works", r);
	result(cusolverDnDestroyGesvdjInfo(info) == CUSOLVER_STATUS_SUCCESS &&
	       cusolverDnDestroyParams(params) == CUSOLVER_STATUS_SUCCESS, "destroyed", 0);
	r = cusolverDnDestroyParams(params);
	refused("a parameter object destroyed twice", AVA_S_OK, r);
}

static void cusparse_descriptors(void)
{
	cusparseMatDescr_t legacy = NULL;
	cusparseDnVecDescr_t vec = NULL;
	int64_t rows = 0, cols = 0, nnz = 0;
	float host_values[4];
	long long r;

	if (cusparseCreateMatDescr(&legacy) != CUSPARSE_STATUS_SUCCESS) {
		printf("# SKIP cuSPARSE descriptor checks: no libcusparse.so.12 in the worker\n");
		return;
	}
	r = cusparseCreateDnVec(&vec, 4, host_values, CUDA_R_32F);
	result(r == CUSPARSE_STATUS_INVALID_VALUE, "a dense vector of host memory", r);
	r = cusparseSpMatGetSize((cusparseConstSpMatDescr_t)legacy, &rows, &cols, &nnz);
	refused("a legacy matrix descriptor as a generic sparse one", AVA_S_OK, r);
	r = cusparseSetMatType(legacy, CUSPARSE_MATRIX_TYPE_GENERAL);
	result(r == CUSPARSE_STATUS_SUCCESS, "the legacy descriptor still works", r);
	result(cusparseDestroyMatDescr(legacy) == CUSPARSE_STATUS_SUCCESS, "destroyed", 0);
	r = cusparseDestroyMatDescr(legacy);
	refused("a matrix descriptor destroyed twice", AVA_S_OK, r);
}

int main(void)
{
	forged_ids();
	cublaslt_descriptors();
	cusolver_objects();
	cusparse_descriptors();
	alive();
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
