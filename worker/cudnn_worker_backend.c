// SPDX-License-Identifier: MIT
/*
 * The backend (graph) API of cuDNN in the worker.  A descriptor is an
 * object of this file: NVIDIA's descriptor, its type, and the descriptors
 * set into it, which it keeps alive (a guest that destroys a tensor still
 * named by an operation must not leave cuDNN a dangling pointer).
 *
 * Attribute arrays arrive as bytes, elementCount elements of the type's
 * size (common/cudnn_types.h).  Descriptor and handle elements are ids,
 * checked against the session's table and turned into NVIDIA's objects;
 * VOID_PTR elements are device addresses, accepted in variant packs only
 * and checked to be this session's device memory; the rest are values.
 */
#include "cudnn_worker_rt.h"

#include <stdlib.h>
#include <string.h>

struct cudnn_desc {
	cudnnBackendDescriptor_t desc;		/* NVIDIA's */
	cudnnBackendDescriptorType_t type;
	int64_t refs;				/* the table's, and one per parent */
	struct cudnn_desc **kids;		/* descriptors set into this one */
	size_t nkids, cap;
	uint64_t workspace;			/* a variant pack's workspace */
	struct cudnn_desc *next;		/* on the list of those to destroy */
};

cudnnStatus_t avaw_cudnn_backend_create(struct avaw_call *c, cudnnBackendDescriptorType_t type,
					cudnnBackendDescriptor_t *descriptor)
{
	struct cudnn_desc *d;
	cudnnStatus_t st;

	(void)c;	/* the generated caller made sure the library is loaded */
	if (!descriptor)
		return CUDNN_STATUS_BAD_PARAM;
	*descriptor = NULL;
	d = calloc(1, sizeof(*d));
	if (!d)
		return CUDNN_STATUS_ALLOC_FAILED;
	st = avaw_cudnn_sym.cudnnBackendCreateDescriptor(type, &d->desc);
	if (st != CUDNN_STATUS_SUCCESS) {
		free(d);
		return st;
	}
	d->type = type;
	d->refs = 1;
	*descriptor = d;
	return CUDNN_STATUS_SUCCESS;
}

/* Drops one reference; a descriptor without any is destroyed, and its kids
 * lose one each (a list, not recursion: chains can be long). */
int avaw_cudnn_backend_release(void *obj)
{
	struct cudnn_desc *todo = obj, *d;
	size_t i;

	if (!todo || --todo->refs > 0)
		return 0;
	todo->next = NULL;
	while ((d = todo)) {
		todo = d->next;
		for (i = 0; i < d->nkids; i++) {
			if (--d->kids[i]->refs == 0) {
				d->kids[i]->next = todo;
				todo = d->kids[i];
			}
		}
		if (avaw_cudnn_sym.cudnnBackendDestroyDescriptor)
			avaw_cudnn_sym.cudnnBackendDestroyDescriptor(d->desc);
		free(d->kids);
		free(d);
	}
	return 0;
}

/* d keeps its n new kids alive; 0, or -1 when out of memory. */
static int adopt(struct cudnn_desc *d, struct cudnn_desc **kids, size_t n)
{
	size_t i;

	if (d->nkids + n > d->cap) {
		size_t cap = d->cap * 2 > d->nkids + n ? d->cap * 2 : d->nkids + n;
		struct cudnn_desc **k = realloc(d->kids, cap * sizeof(*k));

		if (!k)
			return -1;
		d->kids = k;
		d->cap = cap;
	}
	for (i = 0; i < n; i++) {
		kids[i]->refs++;
		d->kids[d->nkids++] = kids[i];
	}
	return 0;
}

/* The objects of count ids of handle type ht (none may be NULL), and for
 * descriptors their NVIDIA descriptors in real; BAD_PARAM on a bad id. */
static cudnnStatus_t lookup(struct avaw_call *c, const void *ids, int64_t count, uint32_t ht, void **objs,
			    void **real)
{
	int64_t i;
	uint64_t id;

	for (i = 0; i < count; i++) {
		memcpy(&id, (const char *)ids + i * sizeof(id), sizeof(id));
		if (!avaw_handle(c, id, ht, &objs[i]) || !objs[i])
			return CUDNN_STATUS_BAD_PARAM;
		real[i] = ht == AVA_HT_CUDNN_backend ? ((struct cudnn_desc *)objs[i])->desc : objs[i];
	}
	return CUDNN_STATUS_SUCCESS;
}

/* Descriptor or handle elements: NVIDIA's objects for the ids. */
static cudnnStatus_t set_objects(struct avaw_call *c, struct cudnn_desc *d, cudnnBackendAttributeName_t name,
				 cudnnBackendAttributeType_t type, int64_t count, const void *ids)
{
	uint32_t ht = type == CUDNN_TYPE_HANDLE ? AVA_HT_CUDNN_cudnn : AVA_HT_CUDNN_backend;
	void **objs = calloc((size_t)count + 1, 2 * sizeof(void *));
	void **real = objs + count + 1;
	cudnnStatus_t st;

	if (!objs)
		return CUDNN_STATUS_ALLOC_FAILED;
	st = lookup(c, ids, count, ht, objs, real);
	if (st == CUDNN_STATUS_SUCCESS)
		st = avaw_cudnn_sym.cudnnBackendSetAttribute(d->desc, name, type, count, real);
	if (st == CUDNN_STATUS_SUCCESS && ht == AVA_HT_CUDNN_backend &&
	    adopt(d, (struct cudnn_desc **)objs, (size_t)count))
		st = CUDNN_STATUS_ALLOC_FAILED;
	free(objs);
	return st;
}

/* Device addresses of a variant pack: each this session's device memory. */
static cudnnStatus_t check_devptrs(struct avaw_call *c, struct cudnn_desc *d, int64_t count, const void *elems)
{
	uint64_t p;
	int64_t i;

	if (d->type != CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR)
		return CUDNN_STATUS_NOT_SUPPORTED;
	for (i = 0; i < count; i++) {
		memcpy(&p, (const char *)elems + i * sizeof(p), sizeof(p));
		if (!avaw_mathlib_devptr_ok(c, p))
			return CUDNN_STATUS_BAD_PARAM;
	}
	return CUDNN_STATUS_SUCCESS;
}

/* The type is known and count in range (elems has count of its elements). */
static int shape_ok(cudnnBackendAttributeType_t type, int64_t count)
{
	return ava_cudnn_attr_size(type) && count >= 0 && count <= AVA_CUDNN_MAX_ELEMENTS;
}

cudnnStatus_t avaw_cudnn_backend_set(struct avaw_call *c, cudnnBackendDescriptor_t descriptor,
				     cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
				     int64_t count, const void *elems)
{
	struct cudnn_desc *d = descriptor;
	cudnnStatus_t st;

	if (!d || !shape_ok(type, count))
		return CUDNN_STATUS_BAD_PARAM;
	if (!elems)	/* cuDNN reports it */
		return avaw_cudnn_sym.cudnnBackendSetAttribute(d->desc, name, type, count, NULL);
	if (type == CUDNN_TYPE_BACKEND_DESCRIPTOR || type == CUDNN_TYPE_HANDLE)
		return set_objects(c, d, name, type, count, elems);
	if (type != CUDNN_TYPE_VOID_PTR)
		return avaw_cudnn_sym.cudnnBackendSetAttribute(d->desc, name, type, count, elems);
	st = check_devptrs(c, d, count, elems);
	if (st == CUDNN_STATUS_SUCCESS)
		st = avaw_cudnn_sym.cudnnBackendSetAttribute(d->desc, name, type, count, elems);
	/* what Execute checks against the plan's workspace size */
	if (st == CUDNN_STATUS_SUCCESS && name == CUDNN_ATTR_VARIANT_PACK_WORKSPACE) {
		d->workspace = 0;
		if (count == 1)
			memcpy(&d->workspace, elems, sizeof(d->workspace));
	}
	return st;
}

/* Descriptor elements are descriptors of the guest that cuDNN fills: the
 * ids stay in the reply as they came.  Handles are never handed out (they
 * are the worker's pointers), nor are addresses outside variant packs. */
cudnnStatus_t avaw_cudnn_backend_get(struct avaw_call *c, cudnnBackendDescriptor_t descriptor,
				     cudnnBackendAttributeName_t name, cudnnBackendAttributeType_t type,
				     int64_t requested, int64_t *count, void *elems)
{
	struct cudnn_desc *d = descriptor;
	void **objs, **real;
	cudnnStatus_t st;

	if (!d || !shape_ok(type, requested))
		return CUDNN_STATUS_BAD_PARAM;
	if (type == CUDNN_TYPE_HANDLE ||
	    (type == CUDNN_TYPE_VOID_PTR && d->type != CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR))
		return CUDNN_STATUS_NOT_SUPPORTED;
	if (type != CUDNN_TYPE_BACKEND_DESCRIPTOR || !elems)
		return avaw_cudnn_sym.cudnnBackendGetAttribute(d->desc, name, type, requested, count, elems);
	objs = calloc((size_t)requested + 1, 2 * sizeof(void *));
	if (!objs)
		return CUDNN_STATUS_ALLOC_FAILED;
	real = objs + requested + 1;
	st = lookup(c, elems, requested, AVA_HT_CUDNN_backend, objs, real);
	if (st == CUDNN_STATUS_SUCCESS)
		st = avaw_cudnn_sym.cudnnBackendGetAttribute(d->desc, name, type, requested, count, real);
	free(objs);
	return st;
}

cudnnStatus_t avaw_cudnn_backend_finalize(struct avaw_call *c, cudnnBackendDescriptor_t descriptor)
{
	struct cudnn_desc *d = descriptor;

	(void)c;
	return d ? avaw_cudnn_sym.cudnnBackendFinalize(d->desc) : CUDNN_STATUS_BAD_PARAM;
}

/* The plan's workspace must fit in one allocation from the variant pack's
 * workspace address (cuDNN uses all of it). */
static int workspace_ok(struct cudnn_desc *plan, struct cudnn_desc *pack)
{
	int64_t size = 0, n = 0;

	if (avaw_cudnn_sym.cudnnBackendGetAttribute(plan->desc, CUDNN_ATTR_EXECUTION_PLAN_WORKSPACE_SIZE,
						    CUDNN_TYPE_INT64, 1, &n, &size) != CUDNN_STATUS_SUCCESS)
		return 1;	/* not finalized: cuDNN refuses the plan itself */
	return size <= 0 || (pack->workspace && avaw_mathlib_range_ok(pack->workspace, (size_t)size));
}

cudnnStatus_t avaw_cudnn_backend_execute(struct avaw_call *c, cudnnHandle_t handle,
					 cudnnBackendDescriptor_t executionPlan, cudnnBackendDescriptor_t variantPack)
{
	struct cudnn_desc *plan = executionPlan, *pack = variantPack;

	(void)c;
	if (!plan || !pack || plan->type != CUDNN_BACKEND_EXECUTION_PLAN_DESCRIPTOR ||
	    pack->type != CUDNN_BACKEND_VARIANT_PACK_DESCRIPTOR || !workspace_ok(plan, pack))
		return CUDNN_STATUS_BAD_PARAM;
	return avaw_cudnn_sym.cudnnBackendExecute(handle, plan->desc, pack->desc);
}
