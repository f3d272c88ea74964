// SPDX-License-Identifier: MIT
/*
 * The math libraries the worker serves (cuDNN too), one row each: the API's generated
 * tables and NVIDIA's library (its soname, the status its calls answer
 * when it is missing, the entry points it cannot serve without).  A new
 * library is a spec, its <api>_worker_rt.h and one row here.
 */
#include "cublas_worker_rt.h"
#include "cublasLt_worker_rt.h"
#include "cudnn_worker_rt.h"
#include "cufft_worker_rt.h"
#include "curand_worker_rt.h"
#include "cusolver_worker_rt.h"
#include "cusparse_worker_rt.h"

#define MATHLIB(name, NAME, soname, label, missing, cuda, ...)					\
	{ AVA_API_##NAME,										\
	  { .fns = avaw_##name##_fns, .nfns = AVA_FN_##NAME##_COUNT,					\
	    .types = avaw_##name##_types, .ntypes = AVA_HT_##NAME##_COUNT },				\
	  { "AVA_" #NAME "_LIB", soname, "ava_" #name "_shim", "api/" #name ".spec",			\
	    avaw_##name##_load_syms, (const char *const[]){ __VA_ARGS__, NULL },			\
	    "no " soname " (set AVA_" #NAME "_LIB): " label " calls answer " #missing, 1, 0 },		\
	  cuda }

struct avaw_mathlib avaw_mathlibs[] = {
	MATHLIB(cublas, CUBLAS, "libcublas.so.13", "cuBLAS", CUBLAS_STATUS_NOT_INITIALIZED, 1,
		"cublasCreate_v2", "cublasGetPointerMode_v2"),
	MATHLIB(cublasLt, CUBLASLT, "libcublasLt.so.13", "cuBLASLt", CUBLAS_STATUS_NOT_INITIALIZED, 1,
		"cublasLtMatmul", "cublasLtMatmulDescGetAttribute"),
	MATHLIB(cufft, CUFFT, "libcufft.so.12", "cuFFT", CUFFT_SETUP_FAILED, 1,
		"cufftCreate", "cufftDestroy", "cufftGetSize"),
	/* host generators need no GPU: only the library */
	MATHLIB(curand, CURAND, "libcurand.so.10", "cuRAND", CURAND_STATUS_INITIALIZATION_FAILED, 0,
		"curandCreateGenerator", "curandDestroyGenerator"),
	MATHLIB(cusolver, CUSOLVER, "libcusolver.so.12", "cuSOLVER", CUSOLVER_STATUS_NOT_INITIALIZED, 1,
		"cusolverDnCreate", "cusolverDnDestroy"),
	MATHLIB(cudnn, CUDNN, "libcudnn.so.9", "cuDNN", CUDNN_STATUS_NOT_INITIALIZED, 1,
		"cudnnCreate", "cudnnGetVersion", "cudnnBackendCreateDescriptor", "cudnnBackendDestroyDescriptor"),
	MATHLIB(cusparse, CUSPARSE, "libcusparse.so.12", "cuSPARSE", CUSPARSE_STATUS_NOT_INITIALIZED, 1,
		"cusparseCreate", "cusparseDestroy", "cusparseGetPointerMode"),
};
const unsigned avaw_nmathlibs = sizeof(avaw_mathlibs) / sizeof(avaw_mathlibs[0]);
