/* SPDX-License-Identifier: MIT */
/*
 * Types and helpers shared by the CUDA guest shims (libcuda.so.1,
 * libcudart.so.13) and the CUDA part of the worker.  The CUDA headers come
 * from the toolkit ($(CUDA_HOME)/include); nothing here needs a GPU.
 */
#ifndef AVA_CUDA_TYPES_H
#define AVA_CUDA_TYPES_H

#include <cuda.h>
#include <cuda_runtime_api.h>
#include <cudaProfiler.h>
#include <cuda_profiler_api.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Older ABI versions AvA serves, which cuda.h declares only in its internal
 * mode (api/cuda.exports has the declarations this must match). */
CUresult CUDAAPI cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev);
CUresult CUDAAPI cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams,
				unsigned int flags, CUdevice dev);

/*
 * Objects that only the runtime API's registration calls create.  They are
 * handles like streams (guest objects whose ids the worker checks) but have
 * no type in the CUDA headers.
 */
typedef struct ava_fatbin_st *ava_fatbin_t;	/* __cudaRegisterFatBinary */
typedef struct ava_kfunc_st *ava_kfunc_t;	/* __cudaRegisterFunction */
typedef struct ava_var_st *ava_var_t;		/* __cudaRegisterVar */
typedef struct ava_hostmem_st *ava_hostmem_t;	/* pinned host memory shared with the worker */
/* The graph a stream is capturing into, as cudaStreamGetCaptureInfo shows
 * it: borrowed, never destroyed by the guest (it becomes a graph of the
 * guest's at EndCapture). */
typedef struct CUgraph_st *ava_capgraph_t;

/*
 * Special stream values (NULL is the legacy default stream, 1 and 2 are
 * CU_STREAM_LEGACY and CU_STREAM_PER_THREAD): sent as these ids, which the
 * guest never chooses and the worker never exports.
 */
#define AVA_CU_SPECIAL_ID(v)	(0xffffffffffffff00ull | (uint64_t)(v))
#define AVA_CU_SPECIAL_MAX	2u

/* Flags of the internal copy calls. */
#define AVA_CU_CP_NOWAIT	1	/* sent without waiting (a chunk of a larger copy) */
#define AVA_CU_CP_STREAM	2	/* the application called the stream-ordered (Async) function */

/*
 * Host functions and stream callbacks (docs/cuda.md): a channel of pinned
 * memory shared by the guest and the worker.  Word 0 is a doorbell the
 * worker bumps (and futex-wakes) when a slot becomes READY; slot i is the
 * pair of 32-bit words at AVA_CU_HOSTFN_SLOT(i): state, then the stream's
 * status for a callback.  A slot goes FREE -> QUEUED (guest, before the
 * call) -> READY (the worker's host function, when the stream reaches it)
 * -> DONE (guest, after running the function) -> FREE (worker, which then
 * lets the stream go on).
 */
#define AVA_CU_HOSTFN_BYTES	4096u
#define AVA_CU_HOSTFN_SLOTS	256u
#define AVA_CU_HOSTFN_SLOT(i)	(64u + 8u * (i))
enum { AVA_CU_HOSTFN_FREE, AVA_CU_HOSTFN_QUEUED, AVA_CU_HOSTFN_READY, AVA_CU_HOSTFN_DONE };
/* Bytes of a memory pool attribute's value (cudaMemPoolAttr and
 * CUmemPool_attribute share their numbers); 0 for one AvA does not know. */
static inline size_t ava_cu_mempool_attr_size(int a)
{
	switch (a) {
	case cudaMemPoolReuseFollowEventDependencies:
	case cudaMemPoolReuseAllowOpportunistic:
	case cudaMemPoolReuseAllowInternalDependencies:
		return sizeof(int);
	case cudaMemPoolAttrReleaseThreshold:
	case cudaMemPoolAttrReservedMemCurrent:
	case cudaMemPoolAttrReservedMemHigh:
	case cudaMemPoolAttrUsedMemCurrent:
	case cudaMemPoolAttrUsedMemHigh:
		return sizeof(cuuint64_t);
	default:
		return 0;
	}
}
/* Bytes of a pointer attribute's value as the driver writes it; 0 for
 * those that are not numbers (a context, P2P tokens, a memory pool). */
static inline size_t ava_cu_ptr_attr_size(CUpointer_attribute a)
{
	switch (a) {
	case CU_POINTER_ATTRIBUTE_DEVICE_POINTER:
	case CU_POINTER_ATTRIBUTE_HOST_POINTER:
	case CU_POINTER_ATTRIBUTE_BUFFER_ID:
	case CU_POINTER_ATTRIBUTE_RANGE_START_ADDR:
	case CU_POINTER_ATTRIBUTE_RANGE_SIZE:
	case CU_POINTER_ATTRIBUTE_MAPPING_SIZE:
	case CU_POINTER_ATTRIBUTE_MAPPING_BASE_ADDR:
	case CU_POINTER_ATTRIBUTE_MEMORY_BLOCK_ID:
		return sizeof(unsigned long long);
	case CU_POINTER_ATTRIBUTE_CONTEXT:
	case CU_POINTER_ATTRIBUTE_P2P_TOKENS:
	case CU_POINTER_ATTRIBUTE_MEMPOOL_HANDLE:
		return 0;
	default:
		return sizeof(unsigned int);
	}
}

/* Kinds of avaCuHostFn. */
enum { AVA_CU_HOSTFN_FUNC, AVA_CU_HOSTFN_CALLBACK, AVA_CU_HOSTFN_RT_CALLBACK };

/* Kernel parameter layout: info[0] = count, info[1] = bytes, then (offset, size) pairs. */
#define AVA_CU_MAX_PARAMS	4096u
#define AVA_CU_PARAM_INFO_WORDS	(2u + 2u * AVA_CU_MAX_PARAMS)

/* Length of an error name or string returned by the internal text calls. */
#define AVA_CU_TEXT_MAX		256u

/* The fat binary wrapper nvcc emits (fatbinary_section.h). */
#define AVA_FATBINC_MAGIC	0x466243b1u
#define AVA_FATBIN_MAGIC	0xba55ed50u
struct ava_fatbin_wrapper {
	int magic;
	int version;
	const unsigned long long *data;
	void *filename_or_fatbins;
};

/*
 * Size in bytes of a module image given to cuModuleLoadData: a fat binary
 * (header + payload), an ELF cubin (the furthest of its header tables and
 * sections) or PTX text (with its NUL).  limit bounds what may be read
 * (UINT64_MAX in the guest, the received length in the worker); returns
 * UINT64_MAX when the image is not well formed within it.
 */
static inline uint64_t ava_cu_image_extent(const void *image, uint64_t limit)
{
	const unsigned char *p = image;
	uint32_t magic;

	if (!p || limit < 4)
		return UINT64_MAX;
	memcpy(&magic, p, 4);
	if (magic == AVA_FATBIN_MAGIC) {
		uint16_t hsize;
		uint64_t fsize;

		if (limit < 16)
			return UINT64_MAX;
		memcpy(&hsize, p + 6, 2);
		memcpy(&fsize, p + 8, 8);
		if (hsize < 16 || fsize > (1ull << 40))
			return UINT64_MAX;
		return (uint64_t)hsize + fsize;
	}
	if (p[0] == 0x7f && p[1] == 'E' && p[2] == 'L' && p[3] == 'F') {
		uint64_t shoff, phoff, end = 64, i;
		uint16_t shentsize, shnum, phentsize, phnum;

		if (limit < 64 || p[4] != 2)	/* ELFCLASS64 only */
			return UINT64_MAX;
		memcpy(&phoff, p + 32, 8);
		memcpy(&shoff, p + 40, 8);
		memcpy(&phentsize, p + 54, 2);
		memcpy(&phnum, p + 56, 2);
		memcpy(&shentsize, p + 58, 2);
		memcpy(&shnum, p + 60, 2);
		if (shoff > (1ull << 40) || phoff > (1ull << 40) || (shnum && shentsize < 64))
			return UINT64_MAX;
		if (phnum && phoff + (uint64_t)phnum * phentsize > end)
			end = phoff + (uint64_t)phnum * phentsize;
		if (shnum && shoff + (uint64_t)shnum * shentsize > end)
			end = shoff + (uint64_t)shnum * shentsize;
		if (end > limit)
			return UINT64_MAX;
		for (i = 0; i < shnum; i++) {
			const unsigned char *sh = p + shoff + i * shentsize;
			uint64_t off, size;
			uint32_t type;

			memcpy(&type, sh + 4, 4);
			memcpy(&off, sh + 24, 8);
			memcpy(&size, sh + 32, 8);
			if (type == 8 /* SHT_NOBITS */ || off > (1ull << 40) || size > (1ull << 40))
				continue;
			if (off + size > end)
				end = off + size;
		}
		return end;
	}
	/* PTX: text up to and including its NUL */
	{
		const unsigned char *z = memchr(p, 0, limit > (1ull << 31) ? (1ull << 31) : limit);

		return z ? (uint64_t)(z - p) + 1 : UINT64_MAX;
	}
}

/* Runtime entry points that nvcc's generated code calls (declared for C). */
void **__cudaRegisterFatBinary(void *fatCubin);
void __cudaRegisterFatBinaryEnd(void **fatCubinHandle);
void __cudaUnregisterFatBinary(void **fatCubinHandle);
void __cudaRegisterFunction(void **fatCubinHandle, const char *hostFun, char *deviceFun,
			    const char *deviceName, int thread_limit, uint3 *tid, uint3 *bid,
			    dim3 *bDim, dim3 *gDim, int *wSize);
void __cudaRegisterVar(void **fatCubinHandle, char *hostVar, char *deviceAddress,
		       const char *deviceName, int ext, size_t size, int constant, int global);
void __cudaRegisterManagedVar(void **fatCubinHandle, void **hostVarPtrAddress, char *deviceAddress,
			      const char *deviceName, int ext, size_t size, int constant, int global);
void __cudaRegisterHostVar(void **fatCubinHandle, const char *deviceName, char *hostVar, size_t size);
char __cudaInitModule(void **fatCubinHandle);
unsigned __cudaPushCallConfiguration(dim3 gridDim, dim3 blockDim, size_t sharedMem, struct CUstream_st *stream);
cudaError_t __cudaPopCallConfiguration(dim3 *gridDim, dim3 *blockDim, size_t *sharedMem, void *stream);
cudaError_t __cudaGetKernel(cudaKernel_t *kernel, const void *hostFun);
cudaError_t __cudaLaunchKernel(cudaKernel_t kernel, dim3 gridDim, dim3 blockDim, void **args,
			       size_t sharedMem, cudaStream_t stream);

#endif
