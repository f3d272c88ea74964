// SPDX-License-Identifier: MIT
/*
 * The hand-written part of the libcudnn.so.9 shim: what the guest keeps of
 * handles (their stream) and tensor descriptors (their data type, which
 * sets the size of scaling factors), the guest's checks that decide whether
 * a call goes without waiting (docs/cuda.md, what waits and what does not),
 * the versions and the status texts.
 */
#include "cudnn_guest_rt.h"
#include "status_texts.h"

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

/* Marks the shim, so the worker never loads it as NVIDIA's library. */
AVA_EXPORT const char ava_cudnn_shim[] = "AvA cuDNN shim";

/* A tensor descriptor's part; a handle's is the math libraries' (mathlib_guest.h). */
struct cudnn_state {
	struct ava_obj_part part;	/* first: the object's part */
	atomic_int dtype;		/* plus one (0: unset) */
};

/* The state of a live object of this API and type; made if create. */
static struct cudnn_state *state_of(const void *p, uint32_t type, int create)
{
	struct ava_obj *o = ava_mathlib_obj(p, AVA_API_CUDNN, type);

	return (struct cudnn_state *)ava_obj_state(o, sizeof(struct cudnn_state), create);
}

#define HANDLE_OBJ(h) ava_mathlib_obj(h, AVA_API_CUDNN, AVA_HT_CUDNN_cudnn)

AVA_MATHLIB_SET_STREAM(cudnnStatus_t, cudnnSetStream, cudnnHandle_t, HANDLE_OBJ(handle), CUDNN_STATUS_SUCCESS)

static cudnnStatus_t set_dtype(cudnnStatus_t st, cudnnTensorDescriptor_t desc, cudnnDataType_t type)
{
	struct cudnn_state *s = st == CUDNN_STATUS_SUCCESS ? state_of(desc, AVA_HT_CUDNN_tensor, 1) : NULL;

	if (s)
		atomic_store(&s->dtype, (int)type + 1);
	return st;
}

/* The set calls of tensor descriptors keep the data type. */
AVA_EXPORT cudnnStatus_t cudnnSetTensorNdDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType,
						    int nbDims, const int *dimA, const int *strideA)
{
	return set_dtype(avagen_cudnnSetTensorNdDescriptor(tensorDesc, dataType, nbDims, dimA, strideA), tensorDesc,
			 dataType);
}

AVA_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptor(cudnnTensorDescriptor_t tensorDesc, cudnnTensorFormat_t format,
						    cudnnDataType_t dataType, int n, int c, int h, int w)
{
	return set_dtype(avagen_cudnnSetTensor4dDescriptor(tensorDesc, format, dataType, n, c, h, w), tensorDesc,
			 dataType);
}

AVA_EXPORT cudnnStatus_t cudnnSetTensor4dDescriptorEx(cudnnTensorDescriptor_t tensorDesc, cudnnDataType_t dataType,
						      int n, int c, int h, int w, int nStride, int cStride,
						      int hStride, int wStride)
{
	return set_dtype(avagen_cudnnSetTensor4dDescriptorEx(tensorDesc, dataType, n, c, h, w, nStride, cStride,
							     hStride, wStride),
			 tensorDesc, dataType);
}

/* ------------------------------------------------------------ calls sent without waiting */
int ava_cudnn_live(const void *obj, uint32_t type)
{
	struct ava_obj *o = ava_obj_check(obj, type);

	return o && o->api == AVA_API_CUDNN;
}

int ava_cudnn_dims_ok(int n, const int *a, const int *b)
{
	return n > 0 && ava_cudnn_dims(n) == n && a && b;
}

const void *ava_cudnn_scalar(uint64_t *wire, const void *p, cudnnTensorDescriptor_t desc)
{
	struct cudnn_state *s = state_of(desc, AVA_HT_CUDNN_tensor, 0);

	if (!p)
		return NULL;
	*wire = 0;
	/* cuDNN reads a double for double data, a float for every other type */
	if (s && atomic_load(&s->dtype) == CUDNN_DATA_DOUBLE + 1)
		memcpy(wire, p, sizeof(double));
	else
		memcpy(wire, p, sizeof(float));
	return wire;
}

AVA_EXPORT cudnnStatus_t cudnnGetStream(cudnnHandle_t handle, cudaStream_t *streamId)
{
	struct ava_obj *o = HANDLE_OBJ(handle);

	if (!o || !streamId)
		return CUDNN_STATUS_BAD_PARAM;
	*streamId = (cudaStream_t)ava_mathlib_stream(o);
	return CUDNN_STATUS_SUCCESS;
}

/* The worker library's cudnnGetVersion and cudnnGetCudartVersion, asked
 * once; the headers' versions while the worker cannot answer. */
static size_t versions[2];
static pthread_once_t versions_once = PTHREAD_ONCE_INIT;

static void ask_versions(void)
{
	size_t v[2] = { 0, 0 };

	if (avagen_avaCudnnVersions(v) == CUDNN_STATUS_SUCCESS && v[0]) {
		versions[0] = v[0];
		versions[1] = v[1];
	} else {
		versions[0] = CUDNN_VERSION;
		versions[1] = 0;
	}
}

AVA_EXPORT size_t cudnnGetVersion(void)
{
	pthread_once(&versions_once, ask_versions);
	return versions[0];
}

AVA_EXPORT size_t cudnnGetCudartVersion(void)
{
	pthread_once(&versions_once, ask_versions);
	return versions[1];
}

/* cuDNN's messages are short: the worker is asked for at most this much. */
#define LAST_ERROR_MAX 4096

AVA_EXPORT void cudnnGetLastErrorString(char *message, size_t max_size)
{
	if (!message || !max_size)
		return;
	if (max_size > LAST_ERROR_MAX)
		max_size = LAST_ERROR_MAX;
	if (avagen_avaCudnnLastError(message, max_size) != CUDNN_STATUS_SUCCESS)
		message[0] = '\0';
	message[max_size - 1] = '\0';
}

static const struct ava_status_text names[] = {
#define S(x) AVA_STATUS(x, NULL)
	S(CUDNN_STATUS_SUCCESS), S(CUDNN_STATUS_NOT_INITIALIZED), S(CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH),
	S(CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH), S(CUDNN_STATUS_DEPRECATED), S(CUDNN_STATUS_LICENSE_ERROR),
	S(CUDNN_STATUS_RUNTIME_IN_PROGRESS), S(CUDNN_STATUS_RUNTIME_FP_OVERFLOW),
	S(CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED), S(CUDNN_STATUS_BAD_PARAM), S(CUDNN_STATUS_BAD_PARAM_NULL_POINTER),
	S(CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER), S(CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED),
	S(CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND), S(CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT),
	S(CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH), S(CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH),
	S(CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES), S(CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE),
	S(CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH), S(CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE),
	S(CUDNN_STATUS_NOT_SUPPORTED), S(CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN),
	S(CUDNN_STATUS_NOT_SUPPORTED_SHAPE), S(CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE),
	S(CUDNN_STATUS_NOT_SUPPORTED_LAYOUT), S(CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER),
	S(CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART), S(CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH),
	S(CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING), S(CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE),
	S(CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT), S(CUDNN_STATUS_NOT_SUPPORTED_PADDING),
	S(CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM), S(CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API),
	S(CUDNN_STATUS_INTERNAL_ERROR), S(CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED),
	S(CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE), S(CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED),
	S(CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED), S(CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM),
	S(CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED), S(CUDNN_STATUS_EXECUTION_FAILED),
	S(CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER), S(CUDNN_STATUS_EXECUTION_FAILED_CUBLAS),
	S(CUDNN_STATUS_EXECUTION_FAILED_CUDART), S(CUDNN_STATUS_EXECUTION_FAILED_CURAND),
	S(CUDNN_STATUS_ALLOC_FAILED), S(CUDNN_STATUS_NOT_SUPPORTED_INVALID_DYNAMIC_SHAPE),
#undef S
};

/* cuDNN's own answer is the status's name. */
AVA_EXPORT const char *cudnnGetErrorString(cudnnStatus_t status)
{
	return AVA_STATUS_TEXT(names, status, 0, "CUDNN_UNKNOWN_STATUS");
}
