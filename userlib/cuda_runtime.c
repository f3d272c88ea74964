// SPDX-License-Identifier: MIT
/*
 * Hand-written entry points of the libcudart.so.13 shim (api/cudart.spec
 * marks them @guest or @wrap): the registration calls nvcc's host code makes
 * at start-up (recorded, sent when first used: cuda_rt_lazy.c), the <<<>>> launch configuration stack, launches by host
 * function, copies (pinned memory by reference, pageable memory in chunks
 * through the shared arena), device variables, pinned allocations and error
 * texts.  The guest runtime itself is libcuda.so.1's (cuda_guest_rt.c).
 */
#include "cuda_guest_rt.h"

#include <stdio.h>
#include <string.h>

#include "cuda_rt_lazy.h"

/* Tells the driver shim (and ava-local) that this process uses AvA's cudart. */
AVA_EXPORT const char ava_cudart_shim[] = "AvA CUDA runtime API shim";

/* Errors the guest answers itself, for cudaGetLastError. */
static _Thread_local cudaError_t last_local;

static cudaError_t rt_err(cudaError_t e)
{
	if (e != cudaSuccess)
		last_local = e;
	return e;
}

/*
 * The worker's libcudart's last error as the guest last learned it, and the
 * number of commands sent then: while nothing has been sent since, it has
 * not changed and the guest answers (PyTorch asks around every operation).
 */
static pthread_mutex_t known_lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t known_at = UINT64_MAX;
static cudaError_t known_err;

static int known(cudaError_t *e)
{
	int k;

	pthread_mutex_lock(&known_lock);
	k = known_at == ava_cu_commands_sent();
	*e = known_err;
	pthread_mutex_unlock(&known_lock);
	if (k)
		ava_trace_answered();
	return k;
}

/* e is the worker's last error after the command sent when before commands
 * had been; kept only when no other thread sent one meanwhile. */
static void learn(uint64_t before, cudaError_t e)
{
	pthread_mutex_lock(&known_lock);
	if (ava_cu_commands_sent() == before + 1) {
		known_at = before + 1;
		known_err = e;
	}
	pthread_mutex_unlock(&known_lock);
}

AVA_EXPORT cudaError_t cudaGetLastError(void)
{
	cudaError_t r, l = last_local;
	uint64_t before;

	if (!known(&r) || r != cudaSuccess) {
		before = ava_cu_commands_sent();
		r = avagen_cudaGetLastError();
		learn(before, cudaSuccess);
	}
	last_local = cudaSuccess;
	return r != cudaSuccess ? r : l;
}

AVA_EXPORT cudaError_t cudaPeekAtLastError(void)
{
	cudaError_t r;
	uint64_t before;

	if (!known(&r)) {
		before = ava_cu_commands_sent();
		r = avagen_cudaPeekAtLastError();
		learn(before, r);
	}
	return r != cudaSuccess ? r : last_local;
}

/* ------------------------------------------------------------------ registration */

void **avaguest___cudaRegisterFatBinary(void *fatCubin)
{
	const struct ava_fatbin_wrapper *w = fatCubin;
	uint64_t n;

	if (!w || w->magic != (int)AVA_FATBINC_MAGIC || !w->data) {
		fprintf(stderr, "ava: __cudaRegisterFatBinary: not a fat binary wrapper\n");
		return NULL;
	}
	if (w->version != 1) {
		fprintf(stderr, "ava: relocatable device code (nvcc -rdc) is not supported by AvA; "
			"its kernels will fail with cudaErrorInvalidDeviceFunction\n");
		return NULL;
	}
	n = ava_cu_image_extent(w->data, UINT64_MAX);
	if (n == UINT64_MAX || (((const uint32_t *)w->data)[0] != AVA_FATBIN_MAGIC)) {
		fprintf(stderr, "ava: __cudaRegisterFatBinary: unknown fat binary format\n");
		return NULL;
	}
	return ava_rt_lazy_fatbin(w->data, n);
}

void avaguest___cudaRegisterFatBinaryEnd(void **fatCubinHandle)
{
	if (fatCubinHandle)
		ava_rt_lazy_end(fatCubinHandle);
}

void avaguest___cudaUnregisterFatBinary(void **fatCubinHandle)
{
	if (fatCubinHandle)
		ava_rt_lazy_unregister(fatCubinHandle);
}

void avaguest___cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
				       const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
				       dim3 *bDim, dim3 *gDim, int *wSize)
{
	(void)tid;
	(void)bid;
	(void)bDim;
	(void)gDim;
	(void)wSize;
	if (fatCubinHandle && hostFun)
		ava_rt_lazy_func(fatCubinHandle, hostFun, deviceFun ? deviceFun : deviceName, thread_limit);
}

void avaguest___cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress,
				  const char *deviceName, int ext, size_t size, int constant, int global)
{
	if (fatCubinHandle && hostVar)
		ava_rt_lazy_var(fatCubinHandle, hostVar, deviceAddress ? deviceAddress : deviceName, size, ext,
				constant, global);
}

void avaguest___cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress, char *deviceAddress,
					 const char *deviceName, int ext, size_t size, int constant, int global)
{
	(void)fatCubinHandle;
	(void)hostVarPtrAddress;
	(void)deviceAddress;
	(void)ext;
	(void)size;
	(void)constant;
	(void)global;
	fprintf(stderr, "ava: __managed__ variable %s: managed memory is not supported by AvA\n",
		deviceName ? deviceName : "?");
}

void avaguest___cudaRegisterHostVar(void **fatCubinHandle, const char *deviceName, char *hostVar, size_t size)
{
	(void)fatCubinHandle;
	(void)hostVar;
	(void)size;
	fprintf(stderr, "ava: host variable %s: not supported by AvA\n", deviceName ? deviceName : "?");
}

char avaguest___cudaInitModule(void **fatCubinHandle)
{
	return fatCubinHandle ? (char)ava_rt_lazy_init_module(fatCubinHandle) : 0;
}

/* ------------------------------------------------------------------ launches */

struct call_config {
	dim3 grid, block;
	size_t shmem;
	struct CUstream_st *stream;
};

#define MAX_CONFIGS 16
static _Thread_local struct call_config configs[MAX_CONFIGS];
static _Thread_local int nconfigs;

unsigned avaguest___cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem,
						struct CUstream_st *stream)
{
	if (nconfigs >= MAX_CONFIGS)
		return 1;
	configs[nconfigs].grid = gridDim;
	configs[nconfigs].block = blockDim;
	configs[nconfigs].shmem = sharedMem;
	configs[nconfigs].stream = stream;
	nconfigs++;
	return 0;
}

cudaError_t avaguest___cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem, void *stream)
{
	struct call_config *c;

	if (!nconfigs)
		return rt_err(cudaErrorMissingConfiguration);
	c = &configs[--nconfigs];
	*gridDim = c->grid;
	*blockDim = c->block;
	*sharedMem = c->shmem;
	memcpy(stream, &c->stream, sizeof(c->stream));
	return cudaSuccess;
}

static cudaKernel_t kernel_of(const void *hostFun)
{
	return ava_rt_lazy_kernel(hostFun);
}

cudaError_t avaguest___cudaGetKernel(cudaKernel_t *kernel, const void *hostFun)
{
	cudaKernel_t k = kernel_of(hostFun);

	if (!kernel)
		return rt_err(cudaErrorInvalidValue);
	*kernel = k;
	return k ? cudaSuccess : rt_err(cudaErrorInvalidDeviceFunction);
}

cudaError_t avaguest_cudaGetKernel(cudaKernel_t *kernelPtr, const void *entryFuncAddr)
{
	return __cudaGetKernel(kernelPtr, entryFuncAddr);
}

#define RT_DEVPTR(x) ((void *)(uintptr_t)(x))
/* what the paths shared with the driver shim call */
AVA_CU_API_DEFINE(api, avagen_avaRt, RT_DEVPTR, AVA_API_CUDART, AVA_FN_CUDART_avaRtMemcpyHtoD, AVA_HT_CUDA_kfunc,
		  cudaErrorNoDevice, cudaErrorMemoryAllocation, cudaErrorNotSupported,
		  cudaErrorInvalidDeviceFunction, cudaErrorInvalidDeviceFunction);

static cudaError_t kernel_ready(cudaKernel_t k)
{
	return (cudaError_t)ava_cu_func_ready(&api, k);
}

AVA_EXPORT cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
					  size_t sharedMem, cudaStream_t stream)
{
	cudaError_t r = kernel_ready(kernel);

	if (r != cudaSuccess)
		return rt_err(r);
	return avagen___cudaLaunchKernel(kernel, gridDim, blockDim, args, sharedMem, stream);
}

cudaError_t avaguest_cudaLaunchKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args,
					size_t sharedMem, cudaStream_t stream)
{
	cudaKernel_t k = kernel_of(func);

	if (!k)
		return rt_err(cudaErrorInvalidDeviceFunction);
	return __cudaLaunchKernel(k, gridDim, blockDim, args, sharedMem, stream);
}

cudaError_t avaguest_cudaLaunchCooperativeKernel(const void *func, dim3 gridDim, dim3 blockDim, void **args,
						   size_t sharedMem, cudaStream_t stream)
{
	cudaKernel_t k = kernel_of(func);
	cudaError_t r;

	if (!k)
		return rt_err(cudaErrorInvalidDeviceFunction);
	if ((r = kernel_ready(k)) != cudaSuccess)
		return rt_err(r);
	return avagen_avaRtLaunchCooperative(k, gridDim, blockDim, args, sharedMem, stream);
}

/* Before the call begins: the lookup may send a fat binary (calls of its own) */
uint64_t ava_cudart_hostfn_id(const void *func)
{
	cudaKernel_t k = kernel_of(func);

	return k ? ava_obj_id(k, AVA_HT_CUDA_kfunc) : (func ? AVA_ID_INVALID : 0);
}

/* ------------------------------------------------------------------ copies */


static cudaError_t htod(void *dst, const void *src, size_t n, cudaStream_t st, int stream_api)
{
	return (cudaError_t)ava_cu_copy_htod(&api, (uint64_t)(uintptr_t)dst, src, n, st, stream_api);
}

static cudaError_t dtoh(void *dst, const void *src, size_t n, cudaStream_t st, int stream_api)
{
	return (cudaError_t)ava_cu_copy_dtoh(&api, dst, (uint64_t)(uintptr_t)src, n, st, stream_api);
}

static enum cudaMemcpyKind classify(const void *dst, const void *src)
{
	int ddev = ava_cu_is_device((uint64_t)(uintptr_t)dst), sdev = ava_cu_is_device((uint64_t)(uintptr_t)src);

	if (ddev && sdev)
		return cudaMemcpyDeviceToDevice;
	if (ddev)
		return cudaMemcpyHostToDevice;
	if (sdev)
		return cudaMemcpyDeviceToHost;
	return cudaMemcpyHostToHost;
}

static cudaError_t copy(void *dst, const void *src, size_t n, enum cudaMemcpyKind kind, cudaStream_t st,
			int stream_api)
{
	if (kind == cudaMemcpyDefault)
		kind = classify(dst, src);
	switch (kind) {
	case cudaMemcpyHostToDevice:
		return htod(dst, src, n, st, stream_api);
	case cudaMemcpyDeviceToHost:
		return dtoh(dst, src, n, st, stream_api);
	case cudaMemcpyDeviceToDevice:
		return avagen_avaRtMemcpyDtoD(dst, src, n, st, stream_api ? AVA_CU_CP_STREAM : 0);
	case cudaMemcpyHostToHost:
		if (!n)
			return cudaSuccess;
		if (!dst || !src)
			return rt_err(cudaErrorInvalidValue);
		if (stream_api)
			cudaStreamSynchronize(st);
		memmove(dst, src, n);
		return cudaSuccess;
	default:
		return rt_err(cudaErrorInvalidMemcpyDirection);
	}
}

cudaError_t avaguest_cudaMemcpy(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind)
{
	return copy(dst, src, count, kind, NULL, 0);
}

cudaError_t avaguest_cudaMemcpyAsync(void *dst, const void *src, size_t count, enum cudaMemcpyKind kind,
				       cudaStream_t stream)
{
	return copy(dst, src, count, kind, stream, 1);
}

/* ------------------------------------------------------------------ device variables */

struct var_info {
	struct ava_obj_part part;	/* first: the CUDA part of the object */
	unsigned long long addr;
	size_t size;
};

static cudaError_t symbol_info(const void *symbol, struct var_info *out)
{
	ava_var_t v = ava_rt_lazy_variable(symbol);
	struct ava_obj *o = ava_obj_check(v, AVA_HT_CUDA_var);
	struct var_info *vi;
	cudaError_t r;

	if (!o)
		return cudaErrorInvalidSymbol;
	if (!ava_obj_part(o)) {
		if (!(vi = calloc(1, sizeof(*vi))))
			return cudaErrorMemoryAllocation;
		vi->part.free = ava_obj_part_free;
		r = avagen_avaRtSymbolInfo(v, &vi->addr, &vi->size);
		if (r != cudaSuccess) {
			free(vi);
			return r;
		}
		ava_cu_track_add(0, vi->addr, vi->size);
		if (ava_obj_attach(o, &vi->part))
			free(vi);
	}
	*out = *(struct var_info *)ava_obj_part(o);
	return cudaSuccess;
}

/*
 * The device address of count bytes at offset in a symbol's variable, for
 * a copy into it (to) or out of it; other is the copy's other end, which
 * settles cudaMemcpyDefault.
 */
static cudaError_t symbol_addr(const void *symbol, size_t count, size_t offset, const void *other, int to,
			       enum cudaMemcpyKind *kind, uint64_t *addr)
{
	enum cudaMemcpyKind host_kind = to ? cudaMemcpyHostToDevice : cudaMemcpyDeviceToHost;
	struct var_info vi;
	cudaError_t r = symbol_info(symbol, &vi);

	if (r != cudaSuccess)
		return r;
	if (offset > vi.size || count > vi.size - offset)
		return cudaErrorInvalidValue;
	if (*kind == cudaMemcpyDefault)
		*kind = ava_cu_is_device((uint64_t)(uintptr_t)other) ? cudaMemcpyDeviceToDevice : host_kind;
	if (*kind != host_kind && *kind != cudaMemcpyDeviceToDevice)
		return cudaErrorInvalidMemcpyDirection;
	*addr = vi.addr + offset;
	return cudaSuccess;
}

static cudaError_t to_symbol(const void *symbol, const void *src, size_t count, size_t offset,
			     enum cudaMemcpyKind kind, cudaStream_t st, int stream_api)
{
	uint64_t addr;
	cudaError_t r = symbol_addr(symbol, count, offset, src, 1, &kind, &addr);

	if (r != cudaSuccess)
		return rt_err(r);
	return copy((void *)(uintptr_t)addr, src, count, kind, st, stream_api);
}

static cudaError_t from_symbol(void *dst, const void *symbol, size_t count, size_t offset,
			       enum cudaMemcpyKind kind, cudaStream_t st, int stream_api)
{
	uint64_t addr;
	cudaError_t r = symbol_addr(symbol, count, offset, dst, 0, &kind, &addr);

	if (r != cudaSuccess)
		return rt_err(r);
	return copy(dst, (const void *)(uintptr_t)addr, count, kind, st, stream_api);
}

cudaError_t avaguest_cudaMemcpyToSymbol(const void *symbol, const void *src, size_t count, size_t offset,
					  enum cudaMemcpyKind kind)
{
	return to_symbol(symbol, src, count, offset, kind, NULL, 0);
}

cudaError_t avaguest_cudaMemcpyToSymbolAsync(const void *symbol, const void *src, size_t count, size_t offset,
					       enum cudaMemcpyKind kind, cudaStream_t stream)
{
	return to_symbol(symbol, src, count, offset, kind, stream, 1);
}

cudaError_t avaguest_cudaMemcpyFromSymbol(void *dst, const void *symbol, size_t count, size_t offset,
					    enum cudaMemcpyKind kind)
{
	return from_symbol(dst, symbol, count, offset, kind, NULL, 0);
}

cudaError_t avaguest_cudaMemcpyFromSymbolAsync(void *dst, const void *symbol, size_t count, size_t offset,
						 enum cudaMemcpyKind kind, cudaStream_t stream)
{
	return from_symbol(dst, symbol, count, offset, kind, stream, 1);
}

/* The variable of a symbol, for a query whose output is out. */
static cudaError_t symbol_query(const void *symbol, const void *out, struct var_info *vi)
{
	cudaError_t r = symbol_info(symbol, vi);

	if (r == cudaSuccess && !out)
		r = cudaErrorInvalidValue;
	return r;
}

cudaError_t avaguest_cudaGetSymbolAddress(void **devPtr, const void *symbol)
{
	struct var_info vi;
	cudaError_t r = symbol_query(symbol, devPtr, &vi);

	if (r != cudaSuccess)
		return rt_err(r);
	*devPtr = (void *)(uintptr_t)vi.addr;
	return cudaSuccess;
}

cudaError_t avaguest_cudaGetSymbolSize(size_t *size, const void *symbol)
{
	struct var_info vi;
	cudaError_t r = symbol_query(symbol, size, &vi);

	if (r != cudaSuccess)
		return rt_err(r);
	*size = vi.size;
	return cudaSuccess;
}

/* ------------------------------------------------------------------ pinned host memory */

cudaError_t avaguest_cudaHostAlloc(void **pHost, size_t size, unsigned int flags)
{
	if (!pHost)
		return rt_err(cudaErrorInvalidValue);
	return rt_err((cudaError_t)ava_cu_host_alloc(&api, pHost, size, flags));
}

cudaError_t avaguest_cudaMallocHost(void **ptr, size_t size)
{
	return cudaHostAlloc(ptr, size, cudaHostAllocDefault);
}

cudaError_t avaguest_cudaFreeHost(void *ptr)
{
	struct ava_obj *o = NULL;

	if (!ptr)
		return cudaSuccess;
	if (ava_cu_hostmem_unmap(ptr, &o))
		return rt_err(cudaErrorInvalidValue);
	if (o)
		ava_obj_release(o, AVA_HT_CUDA_hostmem);
	return cudaSuccess;
}

cudaError_t avaguest_cudaHostGetDevicePointer(void **pDevice, void *pHost, unsigned int flags)
{
	uint64_t off = 0;
	struct ava_obj *o = ava_cu_hostmem_find(pHost, 1, &off);
	unsigned long long dev = 0;
	cudaError_t r;

	if (!pDevice || flags != 0 || !o)
		return rt_err(cudaErrorInvalidValue);
	r = avagen_avaRtHostDevicePointer(&dev, (ava_hostmem_t)o, off);
	if (r == cudaSuccess) {
		*pDevice = (void *)(uintptr_t)dev;
		ava_cu_track_add(0, dev, 1);
	}
	return rt_err(r);
}

cudaError_t avaguest_cudaHostGetFlags(unsigned int *pFlags, void *pHost)
{
	if (!pFlags || !ava_cu_hostmem_flags(pHost, pFlags))
		return rt_err(cudaErrorInvalidValue);
	return cudaSuccess;
}

/* Memory the worker cannot see cannot be pinned for it: registration
 * succeeds and copies from it go through the arena. */
cudaError_t avaguest_cudaHostRegister(void *ptr, size_t size, unsigned int flags)
{
	(void)flags;
	if (!ptr || !size)
		return rt_err(cudaErrorInvalidValue);
	ava_log("cudaHostRegister: memory is not pinned for the worker (copies go through the arena)");
	return cudaSuccess;
}

cudaError_t avaguest_cudaHostUnregister(void *ptr)
{
	return ptr ? cudaSuccess : rt_err(cudaErrorInvalidValue);
}

/* ------------------------------------------------------------------ error texts */

static int fetch_text(int err, int which, char *buf)
{
	return avagen_avaRtErrorText((cudaError_t)err, which, buf) == cudaSuccess ? 0 : -1;
}

static const char *error_text(cudaError_t error, int which)
{
	const char *s = ava_cu_text(AVA_API_CUDART, (int)error, which, fetch_text);

	if (s)
		return s;
	/* the worker cannot be asked (no daemon, or the session failed) */
	if (error == cudaSuccess)
		return which ? "no error" : "cudaSuccess";
	if (error == cudaErrorNoDevice)
		return which ? "no CUDA-capable device is detected (AvA: the host daemon is not reachable or has no CUDA)"
			     : "cudaErrorNoDevice";
	return which ? "unrecognized error code" : "cudaErrorUnknown";
}

const char *avaguest_cudaGetErrorName(cudaError_t error)
{
	return error_text(error, 0);
}

const char *avaguest_cudaGetErrorString(cudaError_t error)
{
	return error_text(error, 1);
}

/* ------------------------------------------------------------------ for cuda_runtime_more.c */

cudaError_t ava_rt_err(cudaError_t e)
{
	return rt_err(e);
}

cudaKernel_t ava_rt_kernel_of(const void *hostFun)
{
	return kernel_of(hostFun);
}

cudaError_t ava_rt_kernel_ready(cudaKernel_t k)
{
	return kernel_ready(k);
}
