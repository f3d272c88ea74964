// SPDX-License-Identifier: MIT
/*
 * What the guest keeps about OpenCL objects (their part of struct ava_obj,
 * guest_objects.h): of memory objects, flags, host pointer, image layout,
 * and the mappings of clEnqueueMap*, guest memory mirroring the host's; of
 * queues and events, their context; of all, the reference count shown.
 */
#include <pthread.h>
#include <string.h>

#include "block_cache.h"
#include "opencl_guest_rt.h"

struct ava_map {
	struct ava_cl_mem *mem;
	uint64_t id;
	void *ptr;
	uint64_t size;
	int writes;
	int owned_buf;		/* ptr was allocated here (not the host_ptr) */
	uint64_t cap;		/* its allocation's size */
	struct ava_map *next;
};

static pthread_mutex_t map_lock = PTHREAD_MUTEX_INITIALIZER;

/* mirrors of ended mappings, kept for the next ones (block_cache.h says why) */
#define MIRROR_CACHE_MAX (128ull << 20)
static struct ava_block_cache mirrors = AVA_BLOCK_CACHE_INIT;

static void map_free(struct ava_map *m)
{
	if (m->owned_buf && !ava_block_put(&mirrors, m->ptr, m->cap, MIRROR_CACHE_MAX))
		free(m->ptr);
	free(m);
}

static void *mirror_alloc(uint64_t size, uint64_t *cap)
{
	uint64_t len = size ? (size + 4095) & ~(uint64_t)4095 : 4096;
	void *p = ava_block_take(&mirrors, len, cap);

	if (!p && (p = aligned_alloc(4096, len)))
		*cap = len;
	return p;
}

static void mem_free(struct ava_obj_part *part)
{
	struct ava_cl_mem *mem = (struct ava_cl_mem *)part;
	struct ava_map *m;

	pthread_mutex_lock(&map_lock);
	while ((m = mem->maps)) {
		mem->maps = m->next;
		map_free(m);
	}
	pthread_mutex_unlock(&map_lock);
	free(mem);
}

/* The memory object's part, created when it has none yet; NULL if p is not
 * a live memory object (or out of memory). */
static struct ava_cl_mem *mem_part(const void *p)
{
	struct ava_obj *o = ava_obj_check(p, AVA_HT_OPENCL_mem);

	return o ? (struct ava_cl_mem *)ava_obj_part_get(o, sizeof(struct ava_cl_mem), mem_free) : NULL;
}

const struct ava_cl_mem *ava_cl_mem_of(const void *memobj)
{
	struct ava_obj *o = ava_obj_check(memobj, AVA_HT_OPENCL_mem);

	return o ? ava_cl_mem_part(o) : NULL;
}

cl_int ava_cl_host_access_error(const void *memobj, int host_writes)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(memobj);
	cl_mem_flags deny = CL_MEM_HOST_NO_ACCESS | (host_writes ? CL_MEM_HOST_READ_ONLY : CL_MEM_HOST_WRITE_ONLY);

	return mem && (mem->flags & deny) ? CL_INVALID_OPERATION : CL_SUCCESS;
}

void ava_cl_mem_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr, size_t size)
{
	struct ava_cl_mem *mem = mem_part(o);

	if (!mem)
		return;
	mem->flags = flags;
	mem->size = size;
	if (flags & CL_MEM_USE_HOST_PTR)
		mem->host_ptr = host_ptr;
}

void ava_cl_subbuffer_created(struct ava_obj *o, cl_mem parent, cl_mem_flags flags, const void *region)
{
	const cl_mem_flags access = CL_MEM_READ_WRITE | CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY;
	const cl_mem_flags host = CL_MEM_HOST_WRITE_ONLY | CL_MEM_HOST_READ_ONLY | CL_MEM_HOST_NO_ACCESS;
	const struct ava_cl_mem *p = ava_cl_mem_of(parent);
	struct ava_cl_mem *mem = mem_part(o);
	cl_buffer_region r;

	if (!mem)
		return;
	memcpy(&r, region, sizeof(r));
	mem->size = r.size;
	if (p) {
		/* access and host-access flags not given are inherited from the parent */
		mem->flags = p->flags;
		if (flags & access)
			mem->flags = (mem->flags & ~access) | (flags & access);
		if (flags & host)
			mem->flags = (mem->flags & ~host) | (flags & host);
		if (p->host_ptr)
			mem->host_ptr = (char *)p->host_ptr + r.origin;
	}
}

/*
 * dims: how far an origin + region may reach in each dimension; height:
 * the rows of a slice (a 1D array's slice, one of its elements, is one row).
 */
static void image_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr, const cl_image_format *fmt,
			  cl_mem_object_type type, const uint64_t dims[3], uint64_t height, size_t row_pitch,
			  size_t slice_pitch)
{
	struct ava_cl_mem *mem = mem_part(o);

	if (!mem)
		return;
	mem->flags = flags;
	mem->type = type;
	mem->fmt = *fmt;
	memcpy(mem->dims, dims, sizeof(mem->dims));
	mem->elem_size = (uint32_t)ava_cl_format_bytes(fmt);
	mem->host_row = row_pitch ? row_pitch : dims[0] * mem->elem_size;
	mem->host_slice = slice_pitch ? slice_pitch : mem->host_row * height;
	if (flags & CL_MEM_USE_HOST_PTR)
		mem->host_ptr = host_ptr;
}

void ava_cl_image_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr,
			  const cl_image_format *fmt, const cl_image_desc *desc)
{
	uint64_t dims[3] = { desc->image_width, 1, 1 };

	switch (desc->image_type) {
	case CL_MEM_OBJECT_IMAGE1D_ARRAY:
		dims[1] = desc->image_array_size;
		break;
	case CL_MEM_OBJECT_IMAGE2D:
		dims[1] = desc->image_height;
		break;
	case CL_MEM_OBJECT_IMAGE2D_ARRAY:
		dims[1] = desc->image_height;
		dims[2] = desc->image_array_size;
		break;
	case CL_MEM_OBJECT_IMAGE3D:
		dims[1] = desc->image_height;
		dims[2] = desc->image_depth;
		break;
	}
	image_created(o, flags, host_ptr, fmt, desc->image_type, dims,
		      desc->image_type == CL_MEM_OBJECT_IMAGE1D_ARRAY ? 1 : dims[1], desc->image_row_pitch,
		      desc->image_slice_pitch);
}

void ava_cl_image3d_created(struct ava_obj *o, cl_mem_flags flags, void *host_ptr, const cl_image_format *fmt,
			    size_t width, size_t height, size_t depth, size_t row_pitch, size_t slice_pitch)
{
	const uint64_t dims[3] = { width, height ? height : 1, depth ? depth : 1 };

	image_created(o, flags, host_ptr, fmt, depth > 1 ? CL_MEM_OBJECT_IMAGE3D : CL_MEM_OBJECT_IMAGE2D, dims,
		      height ? height : 1, row_pitch, slice_pitch);
}

/* -------------------------------------------------------- queues, events */

static struct ava_cl_owned *owned_by(struct ava_obj *o, uint64_t ctx)
{
	struct ava_cl_owned *own = o ? (struct ava_cl_owned *)ava_obj_part_get(o, sizeof(*own), ava_obj_part_free)
				     : NULL;

	if (own) {
		own->ctx = ctx;
		own->known = 1;
	}
	return own;
}

void ava_cl_owner_set(struct ava_obj *o, const void *ctx)
{
	if (ava_obj_check(ctx, AVA_HT_OPENCL_context))
		owned_by(o, ava_obj_id(ctx, AVA_HT_OPENCL_context));
}

void ava_cl_queue_created(struct ava_obj *o, const void *ctx, cl_device_id device)
{
	struct ava_cl_owned *own;

	if (ava_obj_check(ctx, AVA_HT_OPENCL_context) && (own = owned_by(o, ava_obj_id(ctx, AVA_HT_OPENCL_context))))
		own->device = device;
}

cl_device_id ava_cl_queue_device(const void *q)
{
	struct ava_obj *o = ava_obj_check(q, AVA_HT_OPENCL_queue);
	const struct ava_cl_owned *own = o ? (const struct ava_cl_owned *)ava_obj_part(o) : NULL;

	return own && ava_obj_check(own->device, AVA_HT_OPENCL_device) ? own->device : NULL;
}

int ava_cl_owner(const void *obj, uint32_t type, uint64_t *ctx)
{
	struct ava_obj *o = ava_obj_check(obj, type);
	const struct ava_cl_owned *own = o ? (const struct ava_cl_owned *)ava_obj_part(o) : NULL;

	if (!own || !own->known)
		return -1;
	*ctx = own->ctx;
	return 0;
}

cl_int ava_cl_enqueued(cl_int err, cl_command_queue q, const cl_event *ev)
{
	uint64_t ctx;

	if (err == CL_SUCCESS && ev && !ava_cl_owner(q, AVA_HT_OPENCL_queue, &ctx))
		owned_by(ava_obj_check(*ev, AVA_HT_OPENCL_event), ctx);
	return err;
}

void ava_cl_refcount(const void *obj, uint32_t type, int is_refcount, void *value, size_t size)
{
	struct ava_obj *o = is_refcount && value && size >= sizeof(cl_uint) ? ava_obj_check(obj, type) : NULL;
	cl_uint count;

	if (!o || o->pinned)
		return;
	memcpy(&count, value, sizeof(count));
	/* the backend's count: its own references and the worker's one */
	if (count >= 1)
		count = count - 1 + (cl_uint)atomic_load(&o->refs);
	memcpy(value, &count, sizeof(count));
}

/* ------------------------------------------------------------------ maps */

struct ava_map *ava_map_find(const void *memobj, const void *ptr)
{
	const struct ava_cl_mem *mem = ava_cl_mem_of(memobj);
	struct ava_map *m = NULL;

	if (!mem)
		return NULL;
	pthread_mutex_lock(&map_lock);
	for (m = mem->maps; m; m = m->next)
		if (m->ptr == ptr)
			break;
	pthread_mutex_unlock(&map_lock);
	return m;
}

int ava_map_info(const void *memobj, const void *ptr, uint64_t *id, uint64_t *size)
{
	struct ava_map *m = ava_map_find(memobj, ptr);

	if (!m)
		return -1;
	*id = m->id;
	*size = m->size;
	return 0;
}

void *ava_map_open(const void *memobj, uint64_t map_id, uint64_t offset, uint64_t size, int writes)
{
	struct ava_cl_mem *mem = mem_part(memobj);
	struct ava_map *m = calloc(1, sizeof(*m));

	if (!mem || !m) {
		free(m);
		return NULL;
	}
	m->mem = mem;
	m->id = map_id;
	m->size = size;
	m->writes = writes;
	if (mem->host_ptr && offset != AVA_MAP_PRIVATE) {
		/* CL_MEM_USE_HOST_PTR: the mapping must be the application's memory */
		m->ptr = (char *)mem->host_ptr + offset;
	} else {
		m->ptr = mirror_alloc(size, &m->cap);
		m->owned_buf = 1;
	}
	if (!m->ptr) {
		free(m);
		return NULL;
	}
	pthread_mutex_lock(&map_lock);
	m->next = mem->maps;
	mem->maps = m;
	pthread_mutex_unlock(&map_lock);
	return m->ptr;
}

void ava_map_put(struct ava_call *c, struct ava_map *m)
{
	ava_put_u64(c, m->id);
	ava_put_data(c, m->writes ? m->ptr : NULL, m->size);
}

void ava_map_close(struct ava_map *m)
{
	struct ava_map **pp;

	/* a non-blocking map's data must not land in a freed mirror */
	ava_pending_drop(m->id | AVA_CL_MAP_PENDING_BIT);
	pthread_mutex_lock(&map_lock);
	for (pp = &m->mem->maps; *pp; pp = &(*pp)->next) {
		if (*pp == m) {
			*pp = m->next;
			break;
		}
	}
	pthread_mutex_unlock(&map_lock);
	map_free(m);
}
