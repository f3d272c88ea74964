/* SPDX-License-Identifier: MIT */
/*
 * What both halves of the cuDNN shim need besides NVIDIA's headers
 * (api/cudnn.spec): the element size of each backend attribute type, and
 * the bounds of the arrays the legacy calls pass.  A type not in the table,
 * or a count out of range, sends no bytes; the worker then answers
 * CUDNN_STATUS_BAD_PARAM without calling cuDNN.
 */
#ifndef AVA_CUDNN_TYPES_H
#define AVA_CUDNN_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cudnn.h>

#include "enum_sizes.h"

/* Elements of one attribute array, at most (a cap on what one call moves). */
#define AVA_CUDNN_MAX_ELEMENTS (1 << 20)

/* The size of one element of an attribute of this type; 0 when unknown. */
static inline size_t ava_cudnn_attr_size(int64_t type)
{
	static const uint8_t sizes[] = {
		[CUDNN_TYPE_BOOLEAN] = sizeof(bool),
		[CUDNN_TYPE_CHAR] = sizeof(char),
		[CUDNN_TYPE_INT32] = sizeof(int32_t),
		[CUDNN_TYPE_FLOAT] = sizeof(float),
		[CUDNN_TYPE_INT64] = sizeof(int64_t),
		[CUDNN_TYPE_DOUBLE] = sizeof(double),
		[CUDNN_TYPE_FRACTION] = sizeof(cudnnFraction_t),
		/* pointers: ids on the wire (handles, descriptors) or device addresses */
		[CUDNN_TYPE_HANDLE] = sizeof(uint64_t),
		[CUDNN_TYPE_BACKEND_DESCRIPTOR] = sizeof(uint64_t),
		[CUDNN_TYPE_VOID_PTR] = sizeof(uint64_t),
		/* enumerations */
		[CUDNN_TYPE_DATA_TYPE] = sizeof(int),
		[CUDNN_TYPE_CONVOLUTION_MODE] = sizeof(int),
		[CUDNN_TYPE_HEUR_MODE] = sizeof(int),
		[CUDNN_TYPE_KNOB_TYPE] = sizeof(int),
		[10] = sizeof(int),	/* CUDNN_TYPE_NAN_PROPOGATION, deprecated */
		[CUDNN_TYPE_NUMERICAL_NOTE] = sizeof(int),
		[CUDNN_TYPE_LAYOUT_TYPE] = sizeof(int),
		[CUDNN_TYPE_ATTRIB_NAME] = sizeof(int),
		[CUDNN_TYPE_POINTWISE_MODE] = sizeof(int),
		[CUDNN_TYPE_GENSTATS_MODE] = sizeof(int),
		[CUDNN_TYPE_BN_FINALIZE_STATS_MODE] = sizeof(int),
		[CUDNN_TYPE_REDUCTION_OPERATOR_TYPE] = sizeof(int),
		[CUDNN_TYPE_BEHAVIOR_NOTE] = sizeof(int),
		[CUDNN_TYPE_TENSOR_REORDERING_MODE] = sizeof(int),
		[CUDNN_TYPE_RESAMPLE_MODE] = sizeof(int),
		[CUDNN_TYPE_PADDING_MODE] = sizeof(int),
		[CUDNN_TYPE_SIGNAL_MODE] = sizeof(int),
		[CUDNN_TYPE_NORM_MODE] = sizeof(int),
		[CUDNN_TYPE_NORM_FWD_PHASE] = sizeof(int),
		[CUDNN_TYPE_RNG_DISTRIBUTION] = sizeof(int),
		[CUDNN_TYPE_MOE_GROUPED_MATMUL_MODE] = sizeof(int),
	};

	return (size_t)AVA_ENUM_SIZE(sizes, type, 0);
}

/* The bytes of count elements of an attribute of type: 0 when either is bad. */
static inline uint64_t ava_cudnn_attr_bytes(int64_t type, int64_t count)
{
	if (count < 0 || count > AVA_CUDNN_MAX_ELEMENTS)
		return 0;
	return (uint64_t)count * ava_cudnn_attr_size(type);
}

/* Elements of a dimension array (tensor, filter, convolution): cuDNN's
 * ranks are at most CUDNN_DIM_MAX; none travel for any other count (and
 * cuDNN refuses the count itself). */
static inline int ava_cudnn_dims(int n)
{
	return n >= 0 && n <= CUDNN_DIM_MAX ? n : 0;
}

/* Results of an algorithm query: at most one per algorithm there is. */
#define AVA_CUDNN_MAX_ALGOS 16
static inline int ava_cudnn_algos(int n)
{
	return n >= 0 && n <= AVA_CUDNN_MAX_ALGOS ? n : 0;
}

/* Sequences of a batch: at most AVA_CUDNN_MAX_ELEMENTS lengths travel. */
static inline int ava_cudnn_batch(int n)
{
	return n >= 0 && n <= AVA_CUDNN_MAX_ELEMENTS ? n : 0;
}

/* The bytes of one value of a data type (an RNN's padding fill); 0 for a
 * type cuDNN does not fill with (nothing travels). */
static inline int ava_cudnn_value_bytes(int64_t type)
{
	static const uint8_t sizes[] = {
		[CUDNN_DATA_DOUBLE] = 8, [CUDNN_DATA_INT64] = 8,
		[CUDNN_DATA_FLOAT] = 4, [CUDNN_DATA_INT32] = 4,
		[CUDNN_DATA_HALF] = 2, [CUDNN_DATA_BFLOAT16] = 2,
		[CUDNN_DATA_INT8] = 1, [CUDNN_DATA_UINT8] = 1,
	};

	return (int)AVA_ENUM_SIZE(sizes, type, 0);
}

#endif
