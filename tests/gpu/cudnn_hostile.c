// SPDX-License-Identifier: MIT
/*
 * cudnn_hostile: hostile input on the cuDNN worker.  Attribute types the
 * table does not know, counts out of range or not matching the bytes sent,
 * forged descriptor and handle ids, ids of another kind of object, device
 * addresses outside variant packs or not the session's, handles asked
 * back, plans and variant packs swapped, descriptors used after their
 * destruction: each must be refused with cuDNN's error or a transport
 * status, and the worker must keep serving.  A call sent without waiting
 * (docs/cuda.md, what waits and what does not) answers success, and the
 * worker's refusal comes back at the next waited call.  Also the shim itself: the
 * worker library's version, the guest's status names, an export the spec
 * does not serve.  Prints TAP.
 *
 * Needs no GPU: cuDNN's descriptors live on the host.  Checks that need a
 * handle (cudnnCreate, which needs a GPU) are counted as skipped without one.
 *
 * Run it through AvA: scripts/ava-local --cuda -- build/tests/gpu/cudnn_hostile
 */
#include <stdio.h>
#include <string.h>

#include "cudnn_guest_rt.h"

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

static uint64_t id_of(const void *obj, uint32_t type)
{
	return ava_obj_id(obj, type);
}

/* cudnnBackendSetAttribute as a hand-made command: any id, type, count and bytes. */
static int raw_set(uint64_t desc, int64_t name, int64_t type, int64_t count, const void *p, uint64_t len,
		   long long *ret)
{
	struct ava_call c;
	int st;

	if (ava_call_begin(&c, AVA_API_CUDNN, AVA_FN_CUDNN_cudnnBackendSetAttribute, 0))
		return -1;
	ava_put_u64(&c, desc);
	ava_put_u64(&c, (uint64_t)name);
	ava_put_u64(&c, (uint64_t)type);
	ava_put_u64(&c, (uint64_t)count);
	ava_put_data(&c, p, len);
	st = ava_call_exchange(&c);
	*ret = st == AVA_S_OK ? (long long)(int64_t)ava_get_u64(&c) : -1;
	ava_call_end(&c);
	return st;
}

/* The next waited call (cudnnGetProperty, which needs no GPU) reports the
 * error of an earlier call sent without waiting, once. */
static void reported_later(const char *what, long long want)
{
	char text[160];
	int v = 0;
	long long r = cudnnGetProperty(MAJOR_VERSION, &v);

	snprintf(text, sizeof(text), "%s: refused at the next waited call", what);
	result(r == want, text, r);
	r = cudnnGetProperty(MAJOR_VERSION, &v);
	result(r == CUDNN_STATUS_SUCCESS && v == CUDNN_MAJOR, "and only there", r);
}

static void alive(void)
{
	cudnnTensorDescriptor_t t = NULL;
	long long r = cudnnCreateTensorDescriptor(&t);

	result(r == CUDNN_STATUS_SUCCESS, "the worker still answers (cudnnCreateTensorDescriptor)", r);
	if (t)
		cudnnDestroyTensorDescriptor(t);
}

/* cudnnSetTensor4dDescriptor as a hand-made command sent without waiting. */
static int raw_set4d_async(uint64_t desc)
{
	struct ava_call c;
	int st, i;

	if (ava_call_begin(&c, AVA_API_CUDNN, AVA_FN_CUDNN_cudnnSetTensor4dDescriptor, 1))
		return -1;
	ava_put_u64(&c, desc);
	for (i = 0; i < 6; i++)
		ava_put_u64(&c, i < 2 ? 0 : 1);
	st = ava_call_exchange(&c);
	ava_call_end(&c);
	return st;
}

/* Calls sent without waiting: cuDNN's refusal and the worker's own come
 * back later; what the guest can check itself still comes back at once. */
static void without_waiting(void)
{
	cudnnTensorDescriptor_t t = NULL;
	int dims[4] = { 1, -2, 3, 4 }, strides[4] = { 24, 12, 4, 1 };
	long long r;

	cudnnCreateTensorDescriptor(&t);
	r = cudnnSetTensorNdDescriptor(t, CUDNN_DATA_FLOAT, 4, dims, strides);
	result(r == CUDNN_STATUS_SUCCESS, "a negative dimension, sent without waiting", r);
	reported_later("a negative dimension", CUDNN_STATUS_BAD_PARAM);
	r = cudnnSetTensorNdDescriptor(t, CUDNN_DATA_FLOAT, 99, dims, strides);
	result(r != CUDNN_STATUS_SUCCESS, "a rank past CUDNN_DIM_MAX waits and is refused at once", r);
	r = cudnnSetTensorNdDescriptor((cudnnTensorDescriptor_t)&r, CUDNN_DATA_FLOAT, 4, dims, strides);
	result(r == CUDNN_STATUS_BAD_PARAM, "a descriptor that is none waits and is refused at once", r);
	r = raw_set4d_async(4242);
	result(r == AVA_S_OK, "a forged descriptor id sent without waiting", r);
	reported_later("a forged descriptor id", CUDNN_STATUS_BAD_PARAM);
	cudnnDestroyTensorDescriptor(t);
	alive();
}

static void shim(void)
{
	size_t v = cudnnGetVersion();
	char msg[64];

	result(v / 10000 == CUDNN_MAJOR, "cudnnGetVersion answers the worker library's cuDNN 9", (long long)v);
	result(!strcmp(cudnnGetErrorString(CUDNN_STATUS_BAD_PARAM), "CUDNN_STATUS_BAD_PARAM"),
	       "cudnnGetErrorString names the status in the guest", 0);
	result(cudnnAdvVersionCheck() == CUDNN_STATUS_NOT_SUPPORTED,
	       "an export the spec does not serve answers CUDNN_STATUS_NOT_SUPPORTED", cudnnAdvVersionCheck());
	memset(msg, 'x', sizeof(msg));
	cudnnGetLastErrorString(msg, sizeof(msg));
	result(memchr(msg, '\0', sizeof(msg)) != NULL, "cudnnGetLastErrorString ends its text", 0);
}

/* Types and counts: the bytes are the type's, or the command is refused. */
static void types_and_counts(cudnnBackendDescriptor_t d)
{
	uint64_t id = id_of(d, AVA_HT_CUDNN_backend);
	int64_t v[4] = { 1, 2, 3, 4 };
	long long r;
	int st;

	r = cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_UNIQUE_ID, (cudnnBackendAttributeType_t)99, 1, v);
	result(r == CUDNN_STATUS_BAD_PARAM, "an attribute type the table does not know", r);
	r = cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_UNIQUE_ID, (cudnnBackendAttributeType_t)-1, 1, v);
	result(r == CUDNN_STATUS_BAD_PARAM, "a negative attribute type", r);
	r = cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, -4, v);
	result(r == CUDNN_STATUS_BAD_PARAM, "a negative element count", r);
	r = cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, (int64_t)1 << 40, v);
	result(r == CUDNN_STATUS_BAD_PARAM, "an element count past the cap (nothing read past the array)", r);
	st = raw_set(id, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, v, 8, &r);
	refused("4 INT64 elements claimed, 8 bytes sent", st, r);
	st = raw_set(id, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 1, v, 32, &r);
	refused("1 INT64 element claimed, 32 bytes sent", st, r);
	st = raw_set(id, CUDNN_ATTR_TENSOR_UNIQUE_ID, 99, 1, v, 8, &r);
	refused("an unknown type with bytes sent anyway", st, r);
	r = cudnnBackendSetAttribute(d, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, v);
	result(r == CUDNN_STATUS_SUCCESS, "a well-formed INT64 attribute is set", r);
	alive();
}

/* Descriptor and handle elements: ids of the right kind, or refused. */
static void objects(cudnnBackendDescriptor_t op, cudnnBackendDescriptor_t tensor)
{
	uint64_t id = id_of(op, AVA_HT_CUDNN_backend);
	cudnnTensorDescriptor_t legacy = NULL;
	uint64_t ids[2];
	int64_t cnt = 0;
	void *got = tensor;
	long long r;
	int st;

	ids[0] = 12345;
	st = raw_set(id, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, ids, 8, &r);
	refused("a forged descriptor id as an element", st, r);
	ids[0] = AVA_HANDLE_WORKER_BIT | 3;
	st = raw_set(id, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, ids, 8, &r);
	refused("a worker-bit id as an element", st, r);
	ids[0] = 0;
	st = raw_set(id, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, ids, 8, &r);
	refused("a NULL element", st, r);
	cudnnCreateTensorDescriptor(&legacy);
	r = cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1,
				     &legacy);
	result(r == CUDNN_STATUS_BAD_PARAM, "a legacy tensor descriptor as a backend element", r);
	ids[0] = id_of(legacy, AVA_HT_CUDNN_tensor);
	st = raw_set(id, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, ids, 8, &r);
	refused("a legacy descriptor's id as a backend element", st, r);
	ids[0] = 777;
	st = raw_set(id, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, ids, 8, &r);
	refused("a forged handle id as an element", st, r);
	ids[0] = id_of(tensor, AVA_HT_CUDNN_backend);
	st = raw_set(id, CUDNN_ATTR_EXECUTION_PLAN_HANDLE, CUDNN_TYPE_HANDLE, 1, ids, 8, &r);
	refused("a descriptor's id as a handle element", st, r);
	cudnnDestroyTensorDescriptor(legacy);
	r = cudnnBackendGetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_HANDLE, 1, &cnt, &got);
	result(r == CUDNN_STATUS_NOT_SUPPORTED, "a handle is never handed back (the worker's pointer)", r);
	ids[0] = 999;
	got = (void *)ids;	/* not an object of the guest: an invalid id goes */
	r = cudnnBackendGetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &cnt,
				     &got);
	result(r == CUDNN_STATUS_BAD_PARAM, "a descriptor to fill that is no descriptor", r);
	alive();
}

/* Device addresses: only in variant packs, only the session's memory. */
static void addresses(cudnnBackendDescriptor_t tensor, cudnnBackendDescriptor_t pack)
{
	int local = 0;
	void *ptrs[2] = { &local, (void *)(uintptr_t)0x7f0000001000ull };
	int64_t uids[2] = { 1, 2 }, cnt = 0;
	void *got[2];
	long long r;

	r = cudnnBackendSetAttribute(tensor, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 1, ptrs);
	result(r == CUDNN_STATUS_SUCCESS, "an address attribute outside a variant pack, sent without waiting", r);
	reported_later("an address attribute outside a variant pack", CUDNN_STATUS_NOT_SUPPORTED);
	r = cudnnBackendGetAttribute(tensor, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 2, &cnt, got);
	result(r == CUDNN_STATUS_NOT_SUPPORTED, "an address asked back outside a variant pack", r);
	r = cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_UNIQUE_IDS, CUDNN_TYPE_INT64, 2, uids);
	result(r == CUDNN_STATUS_SUCCESS, "a variant pack's unique ids are set", r);
	r = cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_DATA_POINTERS, CUDNN_TYPE_VOID_PTR, 2, ptrs);
	result(r == CUDNN_STATUS_SUCCESS, "host and foreign addresses as a variant pack's data, sent without waiting",
	       r);
	reported_later("host and foreign addresses as a variant pack's data", CUDNN_STATUS_BAD_PARAM);
	r = cudnnBackendSetAttribute(pack, CUDNN_ATTR_VARIANT_PACK_WORKSPACE, CUDNN_TYPE_VOID_PTR, 1, ptrs);
	result(r == CUDNN_STATUS_SUCCESS, "a host address as a variant pack's workspace, sent without waiting", r);
	reported_later("a host address as a variant pack's workspace", CUDNN_STATUS_BAD_PARAM);
	alive();
}

/* Execution: a plan and a pack of the right kinds, live. */
static void execute(cudnnBackendDescriptor_t tensor, cudnnBackendDescriptor_t pack)
{
	cudnnHandle_t h = NULL;
	long long r;

	r = cudnnBackendExecute(h, tensor, pack);
	result(r == CUDNN_STATUS_BAD_PARAM, "a tensor descriptor executed as a plan", r);
	r = cudnnBackendExecute(h, pack, pack);
	result(r == CUDNN_STATUS_BAD_PARAM, "a variant pack executed as a plan", r);
	r = cudnnBackendExecute(h, NULL, NULL);
	result(r == CUDNN_STATUS_BAD_PARAM, "no plan, no pack", r);
	r = cudnnBackendFinalize(NULL);
	result(r == CUDNN_STATUS_BAD_PARAM, "finalizing no descriptor", r);
}

/* A tensor set into an operation, destroyed by the guest: the operation
 * keeps it alive in the worker; a destroyed descriptor is refused. */
static void lifetimes(void)
{
	cudnnBackendDescriptor_t t = NULL, op = NULL;
	int64_t dims[4] = { 1, 2, 3, 4 }, strides[4] = { 24, 12, 4, 1 }, uid = 1, align = 16;
	cudnnDataType_t f = CUDNN_DATA_FLOAT;
	long long r;

	cudnnBackendCreateDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, &t);
	cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR, &op);
	cudnnBackendSetAttribute(t, CUDNN_ATTR_TENSOR_DATA_TYPE, CUDNN_TYPE_DATA_TYPE, 1, &f);
	cudnnBackendSetAttribute(t, CUDNN_ATTR_TENSOR_DIMENSIONS, CUDNN_TYPE_INT64, 4, dims);
	cudnnBackendSetAttribute(t, CUDNN_ATTR_TENSOR_STRIDES, CUDNN_TYPE_INT64, 4, strides);
	cudnnBackendSetAttribute(t, CUDNN_ATTR_TENSOR_UNIQUE_ID, CUDNN_TYPE_INT64, 1, &uid);
	cudnnBackendSetAttribute(t, CUDNN_ATTR_TENSOR_BYTE_ALIGNMENT, CUDNN_TYPE_INT64, 1, &align);
	r = cudnnBackendFinalize(t);
	result(r == CUDNN_STATUS_SUCCESS, "a backend tensor is finalized", r);
	r = cudnnBackendSetAttribute(op, CUDNN_ATTR_OPERATION_POINTWISE_XDESC, CUDNN_TYPE_BACKEND_DESCRIPTOR, 1, &t);
	result(r == CUDNN_STATUS_SUCCESS, "the tensor is set into a pointwise operation", r);
	r = cudnnBackendDestroyDescriptor(t);
	result(r == CUDNN_STATUS_SUCCESS, "the guest destroys the tensor", r);
	r = cudnnBackendFinalize(t);
	result(r != CUDNN_STATUS_SUCCESS, "the destroyed tensor is refused", r);
	r = cudnnBackendDestroyDescriptor(t);
	result(r != CUDNN_STATUS_SUCCESS, "a second destroy is refused", r);
	r = cudnnBackendFinalize(op);
	result(1, "the operation that holds it is finalized without the tensor's memory freed", r);
	cudnnBackendDestroyDescriptor(op);
	alive();
}

/* A live handle (a GPU): host addresses and forged streams still refused. */
static void with_handle(cudnnHandle_t h, cudnnBackendDescriptor_t tensor, cudnnBackendDescriptor_t pack)
{
	cudnnBackendDescriptor_t graph = NULL;
	cudnnTensorDescriptor_t t = NULL;
	cudnnFilterDescriptor_t f = NULL;
	cudnnConvolutionDescriptor_t conv = NULL;
	float local[64] = { 0 }, one = 1, zero = 0;
	long long r;

	r = cudnnBackendExecute(h, tensor, pack);
	result(r == CUDNN_STATUS_SUCCESS, "a live handle with a tensor as the plan, sent without waiting", r);
	reported_later("a live handle with a tensor as the plan", CUDNN_STATUS_BAD_PARAM);
	r = cudnnSetStream(h, (cudaStream_t)(uintptr_t)0x1234);
	result(r == CUDNN_STATUS_BAD_PARAM, "cudnnSetStream with no stream of the session", r);
	cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATIONGRAPH_DESCRIPTOR, &graph);
	r = cudnnBackendSetAttribute(graph, CUDNN_ATTR_OPERATIONGRAPH_HANDLE, CUDNN_TYPE_HANDLE, 1, &h);
	result(r == CUDNN_STATUS_SUCCESS, "the live handle as a handle element", r);
	cudnnBackendDestroyDescriptor(graph);
	cudnnCreateTensorDescriptor(&t);
	cudnnCreateFilterDescriptor(&f);
	cudnnCreateConvolutionDescriptor(&conv);
	cudnnSetTensor4dDescriptor(t, CUDNN_TENSOR_NCHW, CUDNN_DATA_FLOAT, 1, 1, 8, 8);
	cudnnSetFilter4dDescriptor(f, CUDNN_DATA_FLOAT, CUDNN_TENSOR_NCHW, 1, 1, 1, 1);
	cudnnSetConvolution2dDescriptor(conv, 0, 0, 1, 1, 1, 1, CUDNN_CROSS_CORRELATION, CUDNN_DATA_FLOAT);
	r = cudnnConvolutionForward(h, &one, t, local, f, local, conv, CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM, NULL,
				    0, &zero, t, local);
	result(r == CUDNN_STATUS_SUCCESS, "a convolution on host addresses, sent without waiting", r);
	reported_later("a convolution on host addresses", CUDNN_STATUS_BAD_PARAM);
	cudnnDestroyConvolutionDescriptor(conv);
	cudnnDestroyFilterDescriptor(f);
	cudnnDestroyTensorDescriptor(t);
	alive();
}

int main(void)
{
	cudnnBackendDescriptor_t tensor = NULL, op = NULL, pack = NULL;
	cudnnHandle_t h = NULL;
	long long r;

	shim();
	r = cudnnBackendCreateDescriptor(CUDNN_BACKEND_TENSOR_DESCRIPTOR, &tensor);
	result(r == CUDNN_STATUS_SUCCESS, "cudnnBackendCreateDescriptor (tensor)", r);
	if (r != CUDNN_STATUS_SUCCESS) {
		printf("1..%d\n", n);
		return 1;
	}
	cudnnBackendCreateDescriptor(CUDNN_BACKEND_OPERATION_POINTWISE_DESCRIPTOR, &op);
	cudnnBackendCreateDescriptor(CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR, &pack);
	types_and_counts(tensor);
	objects(op, tensor);
	addresses(tensor, pack);
	execute(tensor, pack);
	lifetimes();
	without_waiting();
	r = cudnnCreate(&h);
	if (r == CUDNN_STATUS_SUCCESS) {
		with_handle(h, tensor, pack);
		cudnnDestroy(h);
	} else {
		printf("# SKIP checks with a cuDNN handle: cudnnCreate answered %lld (no GPU)\n", r);
	}
	cudnnBackendDestroyDescriptor(pack);
	cudnnBackendDestroyDescriptor(op);
	cudnnBackendDestroyDescriptor(tensor);
	printf("1..%d\n", n);
	return failed != 0;
}
