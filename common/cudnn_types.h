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

/* Elements of one attribute array, at most (a cap on what one call moves). */
#define AVA_CUDNN_MAX_ELEMENTS (1 << 20)

/* The size of one element of an attribute of this type; 0 when unknown. */
static inline size_t ava_cudnn_attr_size(int64_t type)
{
	switch (type) {
	case CUDNN_TYPE_BOOLEAN:
		return sizeof(bool);
	case CUDNN_TYPE_CHAR:
		return sizeof(char);
	case CUDNN_TYPE_INT32:
		return sizeof(int32_t);
	case CUDNN_TYPE_FLOAT:
		return sizeof(float);
	case CUDNN_TYPE_INT64:
		return sizeof(int64_t);
	case CUDNN_TYPE_DOUBLE:
		return sizeof(double);
	case CUDNN_TYPE_FRACTION:
		return sizeof(cudnnFraction_t);
	/* pointers: ids on the wire (handles, descriptors) or device addresses */
	case CUDNN_TYPE_HANDLE:
	case CUDNN_TYPE_BACKEND_DESCRIPTOR:
	case CUDNN_TYPE_VOID_PTR:
		return sizeof(uint64_t);
	/* enumerations */
	case CUDNN_TYPE_DATA_TYPE:
	case CUDNN_TYPE_CONVOLUTION_MODE:
	case CUDNN_TYPE_HEUR_MODE:
	case CUDNN_TYPE_KNOB_TYPE:
	case 10:	/* CUDNN_TYPE_NAN_PROPOGATION, deprecated */
	case CUDNN_TYPE_NUMERICAL_NOTE:
	case CUDNN_TYPE_LAYOUT_TYPE:
	case CUDNN_TYPE_ATTRIB_NAME:
	case CUDNN_TYPE_POINTWISE_MODE:
	case CUDNN_TYPE_GENSTATS_MODE:
	case CUDNN_TYPE_BN_FINALIZE_STATS_MODE:
	case CUDNN_TYPE_REDUCTION_OPERATOR_TYPE:
	case CUDNN_TYPE_BEHAVIOR_NOTE:
	case CUDNN_TYPE_TENSOR_REORDERING_MODE:
	case CUDNN_TYPE_RESAMPLE_MODE:
	case CUDNN_TYPE_PADDING_MODE:
	case CUDNN_TYPE_SIGNAL_MODE:
	case CUDNN_TYPE_NORM_MODE:
	case CUDNN_TYPE_NORM_FWD_PHASE:
	case CUDNN_TYPE_RNG_DISTRIBUTION:
	case CUDNN_TYPE_MOE_GROUPED_MATMUL_MODE:
		return sizeof(int);
	default:
		return 0;
	}
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
	switch (type) {
	case CUDNN_DATA_DOUBLE:
	case CUDNN_DATA_INT64:
		return 8;
	case CUDNN_DATA_FLOAT:
	case CUDNN_DATA_INT32:
		return 4;
	case CUDNN_DATA_HALF:
	case CUDNN_DATA_BFLOAT16:
		return 2;
	case CUDNN_DATA_INT8:
	case CUDNN_DATA_UINT8:
		return 1;
	default:
		return 0;
	}
}

#endif
