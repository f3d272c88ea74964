// SPDX-License-Identifier: MIT
/*
 * CUDA parts of the worker (called by the generated dispatch of
 * api/cuda.spec and api/cudart.spec).
 *
 * NVIDIA's libcuda.so.1 and libcudart.so.13 are opened with dlopen when a
 * session first makes a CUDA call, in the session's own worker process
 * (never in ava-hostd itself, which forks the workers: CUDA does not
 * survive a fork).  Without them every CUDA call answers "no device".
 *
 * One worker process serves one session, so the state here (libraries,
 * registrations, parameter layouts) is the session's.
 */
#include "cuda_worker_rt.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/hmap.h"

#define HOSTMEM_MAGIC 0x4d54534fu	/* "OSTM": see userlib/cuda_guest_rt.c */
#define HOSTMEM_MAX (64ull << 30)

static const struct avaw_api cuda_api = {
	.fns = avaw_cuda_fns, .nfns = AVA_FN_CUDA_COUNT,
	.types = avaw_cuda_types, .ntypes = AVA_HT_CUDA_COUNT,
};
/* The runtime's handles are the driver API's (api/cudart.spec: handles_of). */
static const struct avaw_api cudart_api = {
	.fns = avaw_cudart_fns, .nfns = AVA_FN_CUDART_COUNT,
	.types = avaw_cuda_types, .ntypes = AVA_HT_CUDA_COUNT,
};

/* Registered before main: ava-hostd serves CUDA wherever it is linked in. */
__attribute__((constructor)) static void avaw_cuda_register(void)
{
	avaw_apis[AVA_API_CUDA] = &cuda_api;
	avaw_apis[AVA_API_CUDART] = &cudart_api;
}

/* ------------------------------------------------------------------ libraries */

static int cuda_state, cudart_state;	/* 0 not tried, 1 loaded, -1 unavailable */

static void *open_lib(const char *env, const char *const *names, const char *marker)
{
	const char *e = getenv(env);
	void *h = NULL;
	unsigned i;

	if (e && *e)
		h = dlopen(e, RTLD_NOW | RTLD_LOCAL);
	for (i = 0; !h && names[i]; i++)
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
	if (h && dlsym(h, marker)) {
		/* the worker must never load AvA's own shims */
		avaw_log("%s found AvA's own shim (is build/cuda on LD_LIBRARY_PATH of ava-hostd?); "
			 "set %s to NVIDIA's library", names[0], env);
		dlclose(h);
		h = NULL;
	}
	return h;
}

int avaw_cuda_ready(struct avaw_call *c)
{
	static const char *const names[] = { "libcuda.so.1", NULL };
	void *h;
	int missing;

	(void)c;
	if (cuda_state)
		return cuda_state > 0;
	cuda_state = -1;
	h = open_lib("AVA_CUDA_LIB", names, "ava_cuda_shim");
	if (!h) {
		if (getenv("AVA_WORKER_VERBOSE"))
			avaw_log("no libcuda.so.1: CUDA calls answer CUDA_ERROR_NO_DEVICE");
		return 0;
	}
	missing = avaw_cuda_load_syms(h);
	if (!avaw_cuda_sym.cuInit) {
		avaw_log("libcuda.so.1 has no cuInit");
		return 0;
	}
	if (missing && getenv("AVA_WORKER_VERBOSE"))
		avaw_log("libcuda.so.1 lacks %d entry point(s) of api/cuda.spec", missing);
	cuda_state = 1;
	return 1;
}

int avaw_cudart_ready(struct avaw_call *c)
{
	static const char *const names[] = { "libcudart.so.13", "/usr/local/cuda/lib64/libcudart.so.13",
					     "/usr/local/cuda/targets/x86_64-linux/lib/libcudart.so.13", NULL };
	void *h;
	int missing;

	if (cudart_state)
		return cudart_state > 0;
	cudart_state = -1;
	if (!avaw_cuda_ready(c))
		return 0;
	h = open_lib("AVA_CUDART_LIB", names, "ava_cudart_shim");
	if (!h) {
		avaw_log("no libcudart.so.13 (set AVA_CUDART_LIB): CUDA runtime calls answer cudaErrorNoDevice");
		return 0;
	}
	missing = avaw_cudart_load_syms(h);
	if (!avaw_cudart_sym.cudaMalloc || !avaw_cudart_sym.__cudaRegisterFatBinary) {
		avaw_log("libcudart.so.13 lacks the runtime's entry points");
		return 0;
	}
	if (missing && getenv("AVA_WORKER_VERBOSE"))
		avaw_log("libcudart.so.13 lacks %d entry point(s) of api/cudart.spec", missing);
	cudart_state = 1;
	return 1;
}

#define CU avaw_cuda_sym
#define RT avaw_cudart_sym

/* ------------------------------------------------------------------ handles */

int avaw_cu_stream_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj)
{
	if (id >= AVA_CU_SPECIAL_ID(1) && id <= AVA_CU_SPECIAL_ID(AVA_CU_SPECIAL_MAX)) {
		*obj = (void *)(uintptr_t)(id & 0xff);
		return 1;
	}
	return avaw_handle(c, id, type, obj);
}

static struct ava_hmap created_ctx;	/* contexts this session created */

CUresult avaw_cu_ctx_create(struct avaw_call *c, CUcontext *pctx, CUctxCreateParams *params,
			     unsigned int flags, CUdevice dev)
{
	CUresult r;

	(void)c;
	if (!CU.cuCtxCreate)
		return CUDA_ERROR_NOT_SUPPORTED;
	r = CU.cuCtxCreate(pctx, params, flags, dev);
	if (r == CUDA_SUCCESS && pctx && *pctx)
		ava_hmap_put(&created_ctx, (uint64_t)(uintptr_t)*pctx, *pctx);
	return r;
}

/* Only contexts the session created are destroyed (not the primary one). */
int avaw_cu_ctx_release(void *ctx)
{
	if (!ava_hmap_del(&created_ctx, (uint64_t)(uintptr_t)ctx) || !CU.cuCtxDestroy)
		return 0;
	return CU.cuCtxDestroy(ctx);
}

int avaw_cu_module_release(void *mod)
{
	return CU.cuModuleUnload ? CU.cuModuleUnload(mod) : 0;
}

int avaw_cu_stream_release(void *stream)
{
	return CU.cuStreamDestroy ? CU.cuStreamDestroy(stream) : 0;
}

int avaw_cu_event_release(void *event)
{
	return CU.cuEventDestroy ? CU.cuEventDestroy(event) : 0;
}

/* ------------------------------------------------------------------ pinned host memory */

struct avaw_hostmem {
	uint8_t *p;
	uint64_t size;
	struct avaw_hostmem *next;
};

static struct avaw_hostmem *hostmems;

/* Is [p, p + n) inside pinned memory of this session? */
static int in_hostmem(const void *p, uint64_t n)
{
	struct avaw_hostmem *h;

	for (h = hostmems; h; h = h->next)
		if ((const uint8_t *)p >= h->p && (uint64_t)((const uint8_t *)p - h->p) <= h->size &&
		    n <= h->size - (uint64_t)((const uint8_t *)p - h->p))
			return 1;
	return 0;
}

/* A device address this session may use: device memory, or pinned memory
 * the session allocated (mapped into the device's address space). */
int avaw_cu_devptr_ok(struct avaw_call *c, uint64_t ptr)
{
	CUmemorytype type = 0;
	void *host = NULL;

	if (!ptr)
		return 0;
	if (!avaw_cuda_ready(c) || !CU.cuPointerGetAttribute)
		return 1;	/* cannot tell: the call itself will fail */
	if (CU.cuPointerGetAttribute(&type, CU_POINTER_ATTRIBUTE_MEMORY_TYPE, ptr) != CUDA_SUCCESS)
		return 0;
	if (type == CU_MEMORYTYPE_DEVICE)
		return 1;
	if (type == CU_MEMORYTYPE_HOST &&
	    CU.cuPointerGetAttribute(&host, CU_POINTER_ATTRIBUTE_HOST_POINTER, ptr) == CUDA_SUCCESS)
		return in_hostmem(host, 1);
	return 0;
}

static int send_fd(struct avaw_call *c, int fd, uint64_t size)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	uint64_t msg[2] = { HOSTMEM_MAGIC, size };
	struct iovec iov = { msg, sizeof(msg) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;

	memset(cbuf, 0, sizeof(cbuf));
	cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	return sendmsg(c->s->sock, &mh, MSG_NOSIGNAL) == (ssize_t)sizeof(msg) ? 0 : -1;
}

/*
 * Pinned memory the guest maps too: a memfd of the session's worker,
 * registered with the driver, whose fd goes to the guest over the session
 * socket before the reply.  reg() registers it (driver or runtime flavour).
 */
static int host_alloc(struct avaw_call *c, ava_hostmem_t *out, size_t size, int (*reg)(void *p, uint64_t n, unsigned f),
		      unsigned int flags)
{
	uint64_t len = size ? ((uint64_t)size + 4095) & ~4095ull : 4096;
	struct avaw_hostmem *h;
	int fd, err;
	void *p;

	if (!out)
		return -EINVAL;
	if (size > HOSTMEM_MAX)
		return -ENOMEM;
	fd = memfd_create("ava-pinned", MFD_CLOEXEC);
	if (fd < 0)
		return -ENOMEM;
	if (ftruncate(fd, (off_t)len) < 0 ||
	    (p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
		close(fd);
		return -ENOMEM;
	}
	err = reg(p, len, flags);
	if (err) {
		munmap(p, len);
		close(fd);
		return err;
	}
	h = malloc(sizeof(*h));
	if (!h || send_fd(c, fd, len)) {
		/* no session socket (the `kernel` transport): the guest falls
		 * back to memory of its own */
		err = h ? -ENOTSUP : -ENOMEM;
		free(h);
		if (CU.cuMemHostUnregister)
			CU.cuMemHostUnregister(p);
		munmap(p, len);
		close(fd);
		return err;
	}
	close(fd);	/* the mapping stays */
	h->p = p;
	h->size = len;
	h->next = hostmems;
	hostmems = h;
	*out = (ava_hostmem_t)h;
	return 0;
}

static int reg_driver(void *p, uint64_t n, unsigned f)
{
	unsigned rf = CU_MEMHOSTREGISTER_PORTABLE | ((f & CU_MEMHOSTALLOC_DEVICEMAP) ? CU_MEMHOSTREGISTER_DEVICEMAP : 0);

	if (!CU.cuMemHostRegister)
		return CUDA_ERROR_NOT_SUPPORTED;
	return (int)CU.cuMemHostRegister(p, n, rf);
}

static int reg_runtime(void *p, uint64_t n, unsigned f)
{
	unsigned rf = cudaHostRegisterPortable | ((f & cudaHostAllocMapped) ? cudaHostRegisterMapped : 0);

	if (!RT.cudaHostRegister)
		return cudaErrorNotSupported;
	return (int)RT.cudaHostRegister(p, n, rf);
}

CUresult avaw_cu_host_alloc(struct avaw_call *c, ava_hostmem_t *hm, size_t size, unsigned int flags)
{
	int r = host_alloc(c, hm, size, reg_driver, flags);

	return r == 0 ? CUDA_SUCCESS : r == -EINVAL ? CUDA_ERROR_INVALID_VALUE : r == -ENOTSUP ? CUDA_ERROR_NOT_SUPPORTED
		: r < 0 ? CUDA_ERROR_OUT_OF_MEMORY : (CUresult)r;
}

cudaError_t avaw_rt_host_alloc(struct avaw_call *c, ava_hostmem_t *hm, size_t size, unsigned int flags)
{
	int r = host_alloc(c, hm, size, reg_runtime, flags);

	return r == 0 ? cudaSuccess : r == -EINVAL ? cudaErrorInvalidValue : r == -ENOTSUP ? cudaErrorNotSupported
		: r < 0 ? cudaErrorMemoryAllocation : (cudaError_t)r;
}

int avaw_cu_hostmem_release(void *obj)
{
	struct avaw_hostmem *h = obj, **pp;

	for (pp = &hostmems; *pp; pp = &(*pp)->next) {
		if (*pp == h) {
			*pp = h->next;
			break;
		}
	}
	if (CU.cuMemHostUnregister)
		CU.cuMemHostUnregister(h->p);
	munmap(h->p, h->size);
	free(h);
	return 0;
}

static void *hostmem_at(ava_hostmem_t hm, size_t offset, size_t count)
{
	struct avaw_hostmem *h = (struct avaw_hostmem *)hm;

	if (!h || offset > h->size || count > h->size - offset)
		return NULL;
	return h->p + offset;
}

CUresult avaw_cu_host_devptr(struct avaw_call *c, CUdeviceptr *pdptr, ava_hostmem_t hm, size_t offset)
{
	void *p = hostmem_at(hm, offset, 0);

	(void)c;
	if (!p || !CU.cuMemHostGetDevicePointer)
		return CUDA_ERROR_INVALID_VALUE;
	return CU.cuMemHostGetDevicePointer(pdptr, p, 0);
}

cudaError_t avaw_rt_host_devptr(struct avaw_call *c, unsigned long long *pdev, ava_hostmem_t hm, size_t offset)
{
	void *p = hostmem_at(hm, offset, 0), *d = NULL;
	cudaError_t r;

	(void)c;
	if (!p || !pdev)
		return cudaErrorInvalidValue;
	r = RT.cudaHostGetDevicePointer(&d, p, 0);
	*pdev = (unsigned long long)(uintptr_t)d;
	return r;
}

/* ------------------------------------------------------------------ the shared arena */

/*
 * Pageable copies pass through the session's shared arena.  Pinning it
 * once lets the driver move them by DMA; copies that may outlive the call
 * (stream-ordered ones) then wait for their stream before returning, since
 * the guest reuses arena space once the worker is past a call.
 */
static int arena_state;	/* 0 not yet, 1 pinned, -1 never */

static int in_arena(struct avaw_call *c, const void *p)
{
	const uint8_t *q = p, *a = c->s->m.arena;

	return q >= a && q < a + c->s->m.arena_size;
}

static void pin_arena(struct avaw_call *c, int runtime)
{
	int r;

	if (arena_state || getenv("AVA_CUDA_NO_ARENA_PIN")) {
		if (!arena_state)
			arena_state = -1;
		return;
	}
	/* through the driver: a failing runtime call would leave an error
	 * for the application's cudaGetLastError */
	(void)runtime;
	r = CU.cuMemHostRegister ? (int)CU.cuMemHostRegister(c->s->m.arena, c->s->m.arena_size,
							      CU_MEMHOSTREGISTER_PORTABLE) : -1;
	if (r == 0)
		arena_state = 1;
	else if (r != CUDA_ERROR_INVALID_CONTEXT)
		arena_state = -1;	/* else try again once a context is current */
}

CUresult avaw_cu_htod(struct avaw_call *c, CUdeviceptr dst, const void *src, size_t count, CUstream stream,
		       int flags)
{
	int arena = src && in_arena(c, src);
	CUresult r;

	if (arena)
		pin_arena(c, 0);
	if (!(flags & AVA_CU_CP_STREAM))
		return CU.cuMemcpyHtoD(dst, src, count);
	r = CU.cuMemcpyHtoDAsync(dst, src, count, stream);
	if (r == CUDA_SUCCESS && arena && arena_state > 0)
		r = CU.cuStreamSynchronize(stream);
	return r;
}

/*
 * Small device-to-host copies land in one reused buffer of the worker and
 * are copied to the reply from there: the driver is measurably slower
 * (about 1.3 µs per 4 KiB copy on an H100) into the fresh buffer each
 * call's inline output gets.
 */
#define SMALL_COPY (64u << 10)
static _Alignas(4096) uint8_t small_buf[SMALL_COPY];

static int small_out(struct avaw_call *c, void *dst, size_t count)
{
	return dst && count <= SMALL_COPY && !in_arena(c, dst);
}

CUresult avaw_cu_dtoh(struct avaw_call *c, void *dst, CUdeviceptr src, size_t count, CUstream stream, int flags)
{
	void *to = small_out(c, dst, count) ? small_buf : dst;
	CUresult r;

	if (dst && in_arena(c, dst))
		pin_arena(c, 0);
	if (!(flags & AVA_CU_CP_STREAM)) {
		r = CU.cuMemcpyDtoH(to, src, count);
	} else {
		/* the data must be there before the reply: wait as native CUDA
		 * does for pageable destinations */
		r = CU.cuMemcpyDtoHAsync(to, src, count, stream);
		if (r == CUDA_SUCCESS)
			r = CU.cuStreamSynchronize(stream);
	}
	if (r == CUDA_SUCCESS && to != dst)
		memcpy(dst, to, count);
	return r;
}

CUresult avaw_cu_memcpy_hostmem(struct avaw_call *c, CUdeviceptr dev, ava_hostmem_t hm, size_t offset,
				 size_t count, int to_device, CUstream stream, int flags)
{
	void *host = hostmem_at(hm, offset, count);

	(void)c;
	if (!host)
		return CUDA_ERROR_INVALID_VALUE;
	if (flags & AVA_CU_CP_STREAM)
		return to_device ? CU.cuMemcpyHtoDAsync(dev, host, count, stream)
				 : CU.cuMemcpyDtoHAsync(host, dev, count, stream);
	return to_device ? CU.cuMemcpyHtoD(dev, host, count) : CU.cuMemcpyDtoH(host, dev, count);
}

/* A staging copy completes before the worker takes its next call (the
 * guest's avaCuSync / avaRtSync then knows the data is there). */
CUresult avaw_cu_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, CUdeviceptr src, size_t count,
			     CUstream stream, int flags)
{
	void *host = hostmem_at(hm, offset, count);
	CUresult r;

	(void)c;
	if (!host)
		return CUDA_ERROR_INVALID_VALUE;
	if (!(flags & AVA_CU_CP_STREAM))
		return CU.cuMemcpyDtoH(host, src, count);
	r = CU.cuMemcpyDtoHAsync(host, src, count, stream);
	return r == CUDA_SUCCESS ? CU.cuStreamSynchronize(stream) : r;
}

cudaError_t avaw_rt_stage_dtoh(struct avaw_call *c, ava_hostmem_t hm, size_t offset, const void *src,
				size_t count, cudaStream_t stream, int flags)
{
	void *host = hostmem_at(hm, offset, count);
	cudaError_t r;

	(void)c;
	if (!host)
		return cudaErrorInvalidValue;
	if (!(flags & AVA_CU_CP_STREAM))
		return RT.cudaMemcpy(host, src, count, cudaMemcpyDeviceToHost);
	r = RT.cudaMemcpyAsync(host, src, count, cudaMemcpyDeviceToHost, stream);
	return r == cudaSuccess ? RT.cudaStreamSynchronize(stream) : r;
}

cudaError_t avaw_rt_htod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	int arena = src && in_arena(c, src);
	cudaError_t r;

	if (arena)
		pin_arena(c, 1);
	if (!(flags & AVA_CU_CP_STREAM))
		return RT.cudaMemcpy(dst, src, count, cudaMemcpyHostToDevice);
	r = RT.cudaMemcpyAsync(dst, src, count, cudaMemcpyHostToDevice, stream);
	if (r == cudaSuccess && arena && arena_state > 0)
		r = RT.cudaStreamSynchronize(stream);
	return r;
}

cudaError_t avaw_rt_dtoh(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	void *to = small_out(c, dst, count) ? small_buf : dst;
	cudaError_t r;

	if (dst && in_arena(c, dst))
		pin_arena(c, 1);
	if (!(flags & AVA_CU_CP_STREAM)) {
		r = RT.cudaMemcpy(to, src, count, cudaMemcpyDeviceToHost);
	} else {
		r = RT.cudaMemcpyAsync(to, src, count, cudaMemcpyDeviceToHost, stream);
		if (r == cudaSuccess)
			r = RT.cudaStreamSynchronize(stream);
	}
	if (r == cudaSuccess && to != dst)
		memcpy(dst, to, count);
	return r;
}

cudaError_t avaw_rt_dtod(struct avaw_call *c, void *dst, const void *src, size_t count, cudaStream_t stream,
			  int flags)
{
	(void)c;
	if (flags & AVA_CU_CP_STREAM)
		return RT.cudaMemcpyAsync(dst, src, count, cudaMemcpyDeviceToDevice, stream);
	return RT.cudaMemcpy(dst, src, count, cudaMemcpyDeviceToDevice);
}

cudaError_t avaw_rt_memcpy_hostmem(struct avaw_call *c, void *dev, ava_hostmem_t hm, size_t offset,
				    size_t count, int to_device, cudaStream_t stream, int flags)
{
	void *host = hostmem_at(hm, offset, count);
	enum cudaMemcpyKind kind = to_device ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;

	(void)c;
	if (!host)
		return cudaErrorInvalidValue;
	if (flags & AVA_CU_CP_STREAM)
		return to_device ? RT.cudaMemcpyAsync(dev, host, count, kind, stream)
				 : RT.cudaMemcpyAsync(host, dev, count, kind, stream);
	return to_device ? RT.cudaMemcpy(dev, host, count, kind) : RT.cudaMemcpy(host, dev, count, kind);
}

/* avaCuSync / avaRtSync: nothing to do; the reply says the worker is past
 * every earlier call, and carries their deferred errors. */
CUresult avaw_cu_sync(struct avaw_call *c)
{
	(void)c;
	return CUDA_SUCCESS;
}

cudaError_t avaw_rt_sync(struct avaw_call *c)
{
	(void)c;
	return cudaSuccess;
}

/* ------------------------------------------------------------------ modules */

CUresult avaw_cu_module_load(struct avaw_call *c, CUmodule *module, const void *image, size_t size)
{
	(void)c;
	/* the driver parses the image: it must be exactly what it claims to be */
	if (!image || size < 4 || ava_cu_image_extent(image, size) != size)
		return CUDA_ERROR_INVALID_IMAGE;
	return CU.cuModuleLoadData(module, image);
}

/* ------------------------------------------------------------------ kernel parameters */

struct finfo {
	uint32_t n;
	uint64_t total;
	uint64_t off[];	/* n offsets, then n sizes */
};

static struct finfo *finfo_build(CUresult (*get)(const void *fn, size_t i, size_t *off, size_t *size),
				 const void *fn)
{
	size_t off, size, i;
	struct finfo *fi = NULL, *nf;
	uint64_t *tmp = malloc(2 * AVA_CU_MAX_PARAMS * sizeof(uint64_t));

	if (!tmp)
		return NULL;
	for (i = 0; i < AVA_CU_MAX_PARAMS && get(fn, i, &off, &size) == 0; i++) {
		tmp[2 * i] = off;
		tmp[2 * i + 1] = size;
	}
	nf = malloc(sizeof(*nf) + 2 * (i ? i : 1) * sizeof(uint64_t));
	if (nf) {
		size_t k;

		nf->n = (uint32_t)i;
		nf->total = 0;
		for (k = 0; k < i; k++) {
			nf->off[k] = tmp[2 * k];
			nf->off[i + k] = tmp[2 * k + 1];
			if (tmp[2 * k] + tmp[2 * k + 1] > nf->total)
				nf->total = tmp[2 * k] + tmp[2 * k + 1];
		}
		fi = nf;
	}
	free(tmp);
	return fi;
}

static CUresult cu_param(const void *fn, size_t i, size_t *off, size_t *size)
{
	return CU.cuFuncGetParamInfo((CUfunction)(uintptr_t)fn, i, off, size);
}

static struct ava_hmap cu_finfos;	/* CUfunction -> struct finfo */

static struct finfo *cu_finfo(CUfunction f)
{
	struct finfo *fi = ava_hmap_get(&cu_finfos, (uint64_t)(uintptr_t)f);

	if (fi || !f || !CU.cuFuncGetParamInfo)
		return fi;
	fi = finfo_build(cu_param, (const void *)f);
	if (fi && ava_hmap_put(&cu_finfos, (uint64_t)(uintptr_t)f, fi)) {
		free(fi);
		fi = NULL;
	}
	return fi;
}

static void finfo_out(const struct finfo *fi, size_t cap, unsigned long long *info, size_t *info_bytes)
{
	size_t words = 2 + 2 * (size_t)fi->n, i;

	if (words > cap)
		words = 2;	/* cannot happen: cap is AVA_CU_PARAM_INFO_WORDS */
	info[0] = fi->n;
	info[1] = fi->total;
	for (i = 0; 2 + 2 * i + 1 < words; i++) {
		info[2 + 2 * i] = fi->off[i];
		info[3 + 2 * i] = fi->off[fi->n + i];
	}
	if (info_bytes)
		*info_bytes = words * sizeof(*info);
}

CUresult avaw_cu_func_params(struct avaw_call *c, CUfunction f, size_t cap, unsigned long long *info,
			      size_t *info_bytes)
{
	struct finfo *fi;

	(void)c;
	if (!f)
		return CUDA_ERROR_INVALID_HANDLE;
	if (!info || cap < 2)
		return CUDA_ERROR_INVALID_VALUE;
	if (!CU.cuFuncGetParamInfo)
		return CUDA_ERROR_NOT_SUPPORTED;
	fi = cu_finfo(f);
	if (!fi)
		return CUDA_ERROR_OUT_OF_MEMORY;
	finfo_out(fi, cap, info, info_bytes);
	return CUDA_SUCCESS;
}

#define STATIC_PARAMS 256

/* Pointers to each parameter inside the packed buffer the guest sent. */
static int64_t kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, const struct finfo *fi, int64_t err)
{
	static void *ptrs[STATIC_PARAMS];
	static char dummy[8];
	void **a = ptrs;
	uint32_t i;

	if (!fi || v->n != fi->n)
		return err;
	if (fi->n == 0) {
		v->val = (void **)dummy;
		return 0;
	}
	if (!v->d.present || v->d.len != fi->total)
		return err;
	if (fi->n > STATIC_PARAMS && !(a = avaw_alloc(c, (uint64_t)fi->n * sizeof(void *))))
		return AVAW_BAD;
	for (i = 0; i < fi->n; i++)
		a[i] = (uint8_t *)(uintptr_t)v->d.p + fi->off[i];
	v->val = a;
	return 0;
}

void avaw_cu_kparams_get(struct avaw_call *c, struct avaw_cu_kparams *v)
{
	memset(v, 0, sizeof(*v));
	v->n = avaw_get_u64(c);
	avaw_get_data(c, &v->d);
}

int64_t avaw_cu_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, CUfunction f, void **extra)
{
	(void)extra;	/* the guest sent the buffer of either form */
	if (!f)
		return CUDA_ERROR_INVALID_HANDLE;
	return kparams_check(c, v, cu_finfo(f), CUDA_ERROR_INVALID_VALUE);
}

void avaw_cu_kparams_free(struct avaw_call *c, struct avaw_cu_kparams *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

/* ------------------------------------------------------------------ runtime registration */

struct avaw_fatbin {
	void **handle;
	unsigned long long *blob;
	struct ava_fatbin_wrapper wrap;
};

/* A registered kernel or variable; the address of key is what the worker's
 * libcudart knows it by. */
struct avaw_kfunc {
	char key;
	char *name;
	cudaKernel_t kernel;
	struct finfo *fi;
};

struct avaw_var {
	char key;
	char *name;
};

cudaError_t avaw_rt_register_fatbin(struct avaw_call *c, ava_fatbin_t *fatbin, const void *data, size_t size)
{
	struct avaw_fatbin *fb;

	(void)c;
	if (!fatbin || !data || size < 16 || ava_cu_image_extent(data, size) != size ||
	    ((const uint32_t *)data)[0] != AVA_FATBIN_MAGIC)
		return cudaErrorInvalidKernelImage;
	fb = calloc(1, sizeof(*fb));
	if (!fb || !(fb->blob = malloc(size))) {
		free(fb);
		return cudaErrorMemoryAllocation;
	}
	memcpy(fb->blob, data, size);	/* libcudart keeps using it */
	fb->wrap.magic = (int)AVA_FATBINC_MAGIC;
	fb->wrap.version = 1;
	fb->wrap.data = fb->blob;
	fb->handle = RT.__cudaRegisterFatBinary(&fb->wrap);
	if (!fb->handle) {
		free(fb->blob);
		free(fb);
		return cudaErrorInvalidKernelImage;
	}
	*fatbin = (ava_fatbin_t)fb;
	return cudaSuccess;
}

cudaError_t avaw_rt_register_fatbin_end(struct avaw_call *c, ava_fatbin_t fatbin)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;

	(void)c;
	if (!fb)
		return cudaErrorInvalidResourceHandle;
	if (RT.__cudaRegisterFatBinaryEnd)
		RT.__cudaRegisterFatBinaryEnd(fb->handle);
	return cudaSuccess;
}

int avaw_rt_fatbin_release(void *obj)
{
	struct avaw_fatbin *fb = obj;

	if (RT.__cudaUnregisterFatBinary)
		RT.__cudaUnregisterFatBinary(fb->handle);
	free(fb->blob);
	free(fb);
	return 0;
}

cudaError_t avaw_rt_register_function(struct avaw_call *c, ava_fatbin_t fatbin, cudaKernel_t *kfunc,
				       const char *name, int thread_limit)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;
	struct avaw_kfunc *k;

	(void)c;
	if (!fb || !kfunc || !name)
		return cudaErrorInvalidValue;
	k = calloc(1, sizeof(*k));
	if (!k || !(k->name = strdup(name))) {
		free(k);
		return cudaErrorMemoryAllocation;
	}
	RT.__cudaRegisterFunction(fb->handle, &k->key, k->name, k->name, thread_limit, NULL, NULL, NULL, NULL, NULL);
	*kfunc = (cudaKernel_t)k;
	return cudaSuccess;
}

cudaError_t avaw_rt_register_var(struct avaw_call *c, ava_fatbin_t fatbin, ava_var_t *var, const char *name,
				  int ext, size_t size, int constant, int global)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;
	struct avaw_var *v;

	(void)c;
	if (!fb || !var || !name || size > (1ull << 40))
		return cudaErrorInvalidValue;
	v = calloc(1, sizeof(*v));
	if (!v || !(v->name = strdup(name))) {
		free(v);
		return cudaErrorMemoryAllocation;
	}
	RT.__cudaRegisterVar(fb->handle, &v->key, v->name, v->name, ext, size, constant, global);
	*var = (ava_var_t)v;
	return cudaSuccess;
}

cudaError_t avaw_rt_init_module(struct avaw_call *c, ava_fatbin_t fatbin, int *ok)
{
	struct avaw_fatbin *fb = (struct avaw_fatbin *)fatbin;

	(void)c;
	if (!fb || !ok)
		return cudaErrorInvalidValue;
	*ok = RT.__cudaInitModule ? RT.__cudaInitModule(fb->handle) : 0;
	return cudaSuccess;
}

cudaError_t avaw_rt_symbol_info(struct avaw_call *c, ava_var_t var, unsigned long long *addr, size_t *size)
{
	struct avaw_var *v = (struct avaw_var *)var;
	void *p = NULL;
	cudaError_t r;

	(void)c;
	if (!v)
		return cudaErrorInvalidSymbol;
	r = RT.cudaGetSymbolAddress(&p, &v->key);
	if (r == cudaSuccess)
		r = RT.cudaGetSymbolSize(size, &v->key);
	if (addr)
		*addr = (unsigned long long)(uintptr_t)p;
	return r;
}

/*
 * The runtime records the error of every call for cudaGetLastError, so the
 * worker asks the driver about a registered kernel (its CUkernel), never
 * libcudart with a call that may fail.
 */
static cudaError_t rt_kernel(struct avaw_kfunc *k)
{
	if (!k->kernel && RT.__cudaGetKernel)
		return RT.__cudaGetKernel(&k->kernel, &k->key);
	return k->kernel ? cudaSuccess : cudaErrorInvalidDeviceFunction;
}

static CUresult rt_param(const void *fn, size_t i, size_t *off, size_t *size)
{
	return CU.cuKernelGetParamInfo((CUkernel)(uintptr_t)fn, i, off, size);
}

static struct finfo *rt_finfo(struct avaw_kfunc *k)
{
	if (!k->fi && CU.cuKernelGetParamInfo && rt_kernel(k) == cudaSuccess)
		k->fi = finfo_build(rt_param, (const void *)k->kernel);
	return k->fi;
}

cudaError_t avaw_rt_func_params(struct avaw_call *c, cudaKernel_t kernel, size_t cap, unsigned long long *info,
				 size_t *info_bytes)
{
	struct avaw_kfunc *k = (struct avaw_kfunc *)kernel;
	struct finfo *fi;
	cudaError_t r;

	(void)c;
	if (!k)
		return cudaErrorInvalidDeviceFunction;
	if (!info || cap < 2)
		return cudaErrorInvalidValue;
	if (!CU.cuKernelGetParamInfo)
		return cudaErrorNotSupported;
	/* a kernel libcudart does not know (its module failed) reports why */
	if ((r = rt_kernel(k)) != cudaSuccess)
		return r;
	fi = rt_finfo(k);
	if (!fi)
		return cudaErrorMemoryAllocation;
	finfo_out(fi, cap, info, info_bytes);
	return cudaSuccess;
}

void avaw_cudart_kparams_get(struct avaw_call *c, struct avaw_cu_kparams *v)
{
	avaw_cu_kparams_get(c, v);
}

int64_t avaw_cudart_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, cudaKernel_t kernel)
{
	struct avaw_kfunc *k = (struct avaw_kfunc *)kernel;

	if (!k)
		return cudaErrorInvalidDeviceFunction;
	return kparams_check(c, v, rt_finfo(k), cudaErrorInvalidValue);
}

void avaw_cudart_kparams_free(struct avaw_call *c, struct avaw_cu_kparams *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

static cudaError_t launch(struct avaw_kfunc *k, dim3 grid, dim3 block, void **args, size_t shmem,
			  cudaStream_t stream, int coop)
{
	if (!k)
		return cudaErrorInvalidDeviceFunction;
	if (coop)
		return RT.cudaLaunchCooperativeKernel(&k->key, grid, block, args, shmem, stream);
	if (RT.__cudaGetKernel && RT.__cudaLaunchKernel) {
		cudaError_t r = rt_kernel(k);

		if (r != cudaSuccess)
			return r;
		return RT.__cudaLaunchKernel(k->kernel, grid, block, args, shmem, stream);
	}
	return RT.cudaLaunchKernel(&k->key, grid, block, args, shmem, stream);
}

cudaError_t avaw_rt_launch(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, void **args,
			    size_t shmem, cudaStream_t stream)
{
	(void)c;
	return launch((struct avaw_kfunc *)kernel, grid, block, args, shmem, stream, 0);
}

cudaError_t avaw_rt_launch_coop(struct avaw_call *c, cudaKernel_t kernel, dim3 grid, dim3 block, void **args,
				 size_t shmem, cudaStream_t stream)
{
	(void)c;
	return launch((struct avaw_kfunc *)kernel, grid, block, args, shmem, stream, 1);
}

void avaw_cudart_hostfn_get(struct avaw_call *c, struct avaw_cudart_hostfn *v)
{
	v->id = avaw_get_u64(c);
	v->val = NULL;
}

int64_t avaw_cudart_hostfn_check(struct avaw_call *c, struct avaw_cudart_hostfn *v)
{
	void *obj = NULL;

	if (!v->id)
		return 0;	/* NULL: libcudart reports it */
	static const char unknown;

	/* an unknown function goes to libcudart as a key it never saw, so that
	 * it reports (and records) the error as it would natively */
	if (!avaw_handle(c, v->id, AVA_HT_CUDA_kfunc, &obj) || !obj)
		v->val = &unknown;
	else
		v->val = &((struct avaw_kfunc *)obj)->key;
	return 0;
}

void avaw_cudart_hostfn_free(struct avaw_call *c, struct avaw_cudart_hostfn *v, int ok)
{
	(void)c;
	(void)v;
	(void)ok;
}

/* ------------------------------------------------------------------ error texts */

static void copy_text(char *text, const char *s)
{
	if (!text)
		return;
	memset(text, 0, AVA_CU_TEXT_MAX);
	if (s)
		strncpy(text, s, AVA_CU_TEXT_MAX - 1);
}

CUresult avaw_cu_error_text(struct avaw_call *c, CUresult error, int which, char *text)
{
	const char *s = NULL;
	CUresult r;

	(void)c;
	r = which ? CU.cuGetErrorString(error, &s) : CU.cuGetErrorName(error, &s);
	copy_text(text, r == CUDA_SUCCESS ? s : NULL);
	return r;
}

cudaError_t avaw_rt_error_text(struct avaw_call *c, cudaError_t error, int which, char *text)
{
	(void)c;
	copy_text(text, which ? RT.cudaGetErrorString(error) : RT.cudaGetErrorName(error));
	return cudaSuccess;
}
