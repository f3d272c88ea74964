// SPDX-License-Identifier: MIT
/*
 * Hand-written entry points of the libcuda.so.1 shim: the spec marks them
 * @guest or @wrap (api/cuda.spec).  They choose between the generated
 * internal calls (pinned memory by reference, pageable memory in chunks
 * through the shared arena), measure module images, fetch kernel parameter
 * layouts before a launch, and answer what needs no worker.
 */
#include "cuda_guest_rt.h"

#include <dlfcn.h>
#include <link.h>
#include <stdio.h>
#include <string.h>

#include "guest_objects.h"

/* ------------------------------------------------------------------ modules */

static CUresult load_image(CUmodule *module, const void *image)
{
	struct ava_fatbin_wrapper w;
	uint64_t n;
	int magic;

	if (!module || !image)
		return CUDA_ERROR_INVALID_VALUE;
	/* the image may sit at any address (PTX text): copy, do not cast */
	memcpy(&magic, image, sizeof(magic));
	if (magic == (int)AVA_FATBINC_MAGIC) {
		memcpy(&w, image, sizeof(w));
		image = w.data;	/* the wrapper nvcc emits around a fat binary */
	}
	n = ava_cu_image_extent(image, UINT64_MAX);
	if (n == UINT64_MAX)
		return CUDA_ERROR_INVALID_IMAGE;
	return avagen_avaCuModuleLoadData(module, image, n);
}

CUresult avaguest_cuModuleLoadData(CUmodule *module, const void *image)
{
	return load_image(module, image);
}

CUresult avaguest_cuModuleLoadFatBinary(CUmodule *module, const void *fatCubin)
{
	return load_image(module, fatCubin);
}

CUresult avaguest_cuModuleLoadDataEx(CUmodule *module, const void *image, unsigned int numOptions,
				       CUjit_option *options, void **optionValues)
{
	unsigned int i;

	/* JIT options are not remoted; logs come back empty */
	for (i = 0; options && optionValues && i < numOptions; i++) {
		if ((options[i] == CU_JIT_INFO_LOG_BUFFER || options[i] == CU_JIT_ERROR_LOG_BUFFER) &&
		    optionValues[i])
			((char *)optionValues[i])[0] = 0;
		else if (options[i] == CU_JIT_INFO_LOG_BUFFER_SIZE_BYTES ||
			 options[i] == CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES)
			optionValues[i] = NULL;
	}
	if (numOptions)
		ava_log("cuModuleLoadDataEx: %u JIT option(s) ignored", numOptions);
	return load_image(module, image);
}

CUresult avaguest_cuModuleLoad(CUmodule *module, const char *fname)
{
	FILE *f;
	char *buf = NULL;
	long n;
	CUresult r;

	if (!module || !fname)
		return CUDA_ERROR_INVALID_VALUE;
	f = fopen(fname, "rb");
	if (!f)
		return CUDA_ERROR_FILE_NOT_FOUND;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0 &&
	    (buf = malloc((size_t)n + 1)) && fread(buf, 1, (size_t)n, f) == (size_t)n) {
		buf[n] = 0;	/* PTX text needs its NUL */
		r = load_image(module, buf);
	} else {
		r = CUDA_ERROR_FILE_NOT_FOUND;
	}
	fclose(f);
	free(buf);
	return r;
}

/* ------------------------------------------------------------------ contexts, launches */

CUresult avaguest_cuCtxCreate(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags, CUdevice dev)
{
	if (!ctxCreateParams)
		return avagen_avaCuCtxCreate(pctx, NULL, 0, 0, flags, dev);
	/* a context on a graphics API's queue cannot be shared with the worker */
	if (ctxCreateParams->cigParams) {
		ava_unsupported("cuCtxCreate with CIG parameters");
		return CUDA_ERROR_NOT_SUPPORTED;
	}
	if (ctxCreateParams->numExecAffinityParams < 0 ||
	    (ctxCreateParams->numExecAffinityParams && !ctxCreateParams->execAffinityParams))
		return CUDA_ERROR_INVALID_VALUE;
	return avagen_avaCuCtxCreate(pctx, ctxCreateParams->execAffinityParams,
				     ctxCreateParams->numExecAffinityParams, 1, flags, dev);
}

/* The ABI versions of CUDA 11 and 12 (programs built with older toolkits). */
CUresult avaguest_cuCtxCreate_v2(CUcontext *pctx, unsigned int flags, CUdevice dev)
{
	return avagen_avaCuCtxCreate(pctx, NULL, 0, 0, flags, dev);
}

CUresult avaguest_cuCtxCreate_v3(CUcontext *pctx, CUexecAffinityParam *paramsArray, int numParams,
				 unsigned int flags, CUdevice dev)
{
	CUctxCreateParams p = { paramsArray, numParams, NULL };

	return avaguest_cuCtxCreate(pctx, &p, flags, dev);
}

/* CUdeviceptr is an integer already */
#define CU_DEVPTR(x) (x)
/* what the paths shared with the runtime shim call */
AVA_CU_API_DEFINE(api, avagen_avaCu, CU_DEVPTR, AVA_API_CUDA, AVA_FN_CUDA_avaCuMemcpyHtoD, AVA_HT_CUDA_function,
		  CUDA_ERROR_NO_DEVICE, CUDA_ERROR_OUT_OF_MEMORY, CUDA_ERROR_NOT_SUPPORTED, CUDA_ERROR_INVALID_HANDLE,
		  CUDA_ERROR_INVALID_VALUE);

AVA_EXPORT CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
				   unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY,
				   unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream,
				   void **kernelParams, void **extra)
{
	CUresult r = (CUresult)ava_cu_func_ready(&api, f);

	if (r != CUDA_SUCCESS)
		return r;
	if (kernelParams && extra)
		return CUDA_ERROR_INVALID_VALUE;
	return avagen_cuLaunchKernel(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ,
				     sharedMemBytes, hStream, kernelParams, extra);
}

AVA_EXPORT CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY,
					      unsigned int gridDimZ, unsigned int blockDimX,
					      unsigned int blockDimY, unsigned int blockDimZ,
					      unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)
{
	CUresult r = (CUresult)ava_cu_func_ready(&api, f);

	if (r != CUDA_SUCCESS)
		return r;
	return avagen_cuLaunchCooperativeKernel(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY,
						blockDimZ, sharedMemBytes, hStream, kernelParams);
}

AVA_EXPORT CUresult cuOccupancyMaxPotentialBlockSize(int *minGridSize, int *blockSize, CUfunction func,
						     CUoccupancyB2DSize blockSizeToDynamicSMemSize,
						     size_t dynamicSMemSize, int blockSizeLimit)
{
	if (blockSizeToDynamicSMemSize) {
		ava_unsupported("cuOccupancyMaxPotentialBlockSize with a shared-memory callback");
		return CUDA_ERROR_NOT_SUPPORTED;
	}
	return avagen_cuOccupancyMaxPotentialBlockSize(minGridSize, blockSize, func, NULL, dynamicSMemSize,
						       blockSizeLimit);
}

AVA_EXPORT CUresult cuOccupancyMaxPotentialBlockSizeWithFlags(int *minGridSize, int *blockSize, CUfunction func,
							      CUoccupancyB2DSize blockSizeToDynamicSMemSize,
							      size_t dynamicSMemSize, int blockSizeLimit,
							      unsigned int flags)
{
	if (blockSizeToDynamicSMemSize) {
		ava_unsupported("cuOccupancyMaxPotentialBlockSizeWithFlags with a shared-memory callback");
		return CUDA_ERROR_NOT_SUPPORTED;
	}
	return avagen_cuOccupancyMaxPotentialBlockSizeWithFlags(minGridSize, blockSize, func, NULL, dynamicSMemSize,
								blockSizeLimit, flags);
}

/* The configuration flattened, with its attributes (the worker checks them). */
CUresult avaguest_cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)
{
	unsigned int dims[7];
	CUresult r;

	if (!config || (config->numAttrs && !config->attrs) || (kernelParams && extra))
		return CUDA_ERROR_INVALID_VALUE;
	r = (CUresult)ava_cu_func_ready(&api, f);
	if (r != CUDA_SUCCESS)
		return r;
	dims[0] = config->gridDimX;
	dims[1] = config->gridDimY;
	dims[2] = config->gridDimZ;
	dims[3] = config->blockDimX;
	dims[4] = config->blockDimY;
	dims[5] = config->blockDimZ;
	dims[6] = config->sharedMemBytes;
	return avagen_avaCuLaunchKernelEx(f, dims, config->hStream, config->attrs, config->numAttrs, kernelParams,
					  extra);
}

/* ------------------------------------------------------------------ pinned host memory */

static CUresult host_alloc(void **pp, size_t bytesize, unsigned int flags)
{
	return pp ? (CUresult)ava_cu_host_alloc(&api, pp, bytesize, flags) : CUDA_ERROR_INVALID_VALUE;
}

CUresult avaguest_cuMemAllocHost(void **pp, size_t bytesize)
{
	return host_alloc(pp, bytesize, 0);
}

CUresult avaguest_cuMemHostAlloc(void **pp, size_t bytesize, unsigned int Flags)
{
	return host_alloc(pp, bytesize, Flags);
}

CUresult avaguest_cuMemFreeHost(void *p)
{
	struct ava_obj *o = NULL;

	if (ava_cu_hostmem_unmap(p, &o))
		return CUDA_ERROR_INVALID_VALUE;
	if (o)
		ava_obj_release(o, AVA_HT_CUDA_hostmem);
	return CUDA_SUCCESS;
}

CUresult avaguest_cuMemHostGetDevicePointer(CUdeviceptr *pdptr, void *p, unsigned int Flags)
{
	uint64_t off = 0;
	struct ava_obj *o = ava_cu_hostmem_find(p, 1, &off);
	CUresult r;

	if (!pdptr || Flags != 0 || !o)
		return CUDA_ERROR_INVALID_VALUE;
	r = avagen_avaCuHostDevicePointer(pdptr, (ava_hostmem_t)o, off);
	ava_cu_track_add(r, *pdptr, 1);
	return r;
}

/* Memory the worker cannot see cannot be pinned for it: registration
 * succeeds and copies from it go through the arena. */
CUresult avaguest_cuMemHostRegister(void *p, size_t bytesize, unsigned int Flags)
{
	(void)Flags;
	if (!p || !bytesize)
		return CUDA_ERROR_INVALID_VALUE;
	ava_log("cuMemHostRegister: memory is not pinned for the worker (copies go through the arena)");
	return CUDA_SUCCESS;
}

CUresult avaguest_cuMemHostUnregister(void *p)
{
	return p ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

/* ------------------------------------------------------------------ copies */


static CUresult htod(CUdeviceptr dst, const void *src, size_t n, CUstream st, int stream_api)
{
	return (CUresult)ava_cu_copy_htod(&api, dst, src, n, st, stream_api);
}

static CUresult dtoh(void *dst, CUdeviceptr src, size_t n, CUstream st, int stream_api)
{
	return (CUresult)ava_cu_copy_dtoh(&api, dst, src, n, st, stream_api);
}

CUresult avaguest_cuMemcpyHtoD(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount)
{
	return htod(dstDevice, srcHost, ByteCount, NULL, 0);
}

CUresult avaguest_cuMemcpyHtoDAsync(CUdeviceptr dstDevice, const void *srcHost, size_t ByteCount,
				      CUstream hStream)
{
	return htod(dstDevice, srcHost, ByteCount, hStream, 1);
}

CUresult avaguest_cuMemcpyDtoH(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount)
{
	return dtoh(dstHost, srcDevice, ByteCount, NULL, 0);
}

CUresult avaguest_cuMemcpyDtoHAsync(void *dstHost, CUdeviceptr srcDevice, size_t ByteCount,
				      CUstream hStream)
{
	return dtoh(dstHost, srcDevice, ByteCount, hStream, 1);
}

/* Unified addressing: the guest tells device from host memory by what it
 * allocated (pinned regions and unknown addresses are host memory). */
static CUresult unified(CUdeviceptr dst, CUdeviceptr src, size_t n, CUstream st, int stream_api)
{
	int ddev = ava_cu_is_device(dst), sdev = ava_cu_is_device(src);

	if (ddev && sdev)
		return stream_api ? cuMemcpyDtoDAsync(dst, src, n, st) : cuMemcpyDtoD(dst, src, n);
	if (ddev)
		return htod(dst, (const void *)(uintptr_t)src, n, st, stream_api);
	if (sdev)
		return dtoh((void *)(uintptr_t)dst, src, n, st, stream_api);
	if (!dst || !src)
		return CUDA_ERROR_INVALID_VALUE;
	if (stream_api)
		cuStreamSynchronize(st);
	memmove((void *)(uintptr_t)dst, (const void *)(uintptr_t)src, n);
	return CUDA_SUCCESS;
}

CUresult avaguest_cuMemcpy(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount)
{
	return unified(dst, src, ByteCount, NULL, 0);
}

CUresult avaguest_cuMemcpyAsync(CUdeviceptr dst, CUdeviceptr src, size_t ByteCount, CUstream hStream)
{
	return unified(dst, src, ByteCount, hStream, 1);
}

/* ------------------------------------------------------------------ errors */

static int fetch_text(int err, int which, char *buf)
{
	return avagen_avaCuErrorText((CUresult)err, which, buf) == CUDA_SUCCESS ? 0 : -1;
}

static CUresult error_text(CUresult error, const char **pStr, int which)
{
	const char *s;

	if (!pStr)
		return CUDA_ERROR_INVALID_VALUE;
	s = ava_cu_text(AVA_API_CUDA, (int)error, which, fetch_text);
	*pStr = s;
	return s ? CUDA_SUCCESS : CUDA_ERROR_INVALID_VALUE;
}

CUresult avaguest_cuGetErrorName(CUresult error, const char **pStr)
{
	return error_text(error, pStr, 0);
}

CUresult avaguest_cuGetErrorString(CUresult error, const char **pStr)
{
	return error_text(error, pStr, 1);
}

/* ------------------------------------------------------------------ entry points */

static void *self_handle(void)
{
	static void *self;
	Dl_info di;

	if (!self && dladdr((void *)cuInit, &di) && di.dli_fname)
		self = dlopen(di.dli_fname, RTLD_NOW | RTLD_NOLOAD);
	return self;
}

/* The name the headers of cudaVersion map symbol to: CUDA 13's (the export
 * list's aliases), but cuCtxCreate was _v2 before CUDA 13. */
CUresult avaguest_cuGetProcAddress(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags,
				   CUdriverProcAddressQueryResult *symbolStatus)
{
	void *self = self_handle(), *p = NULL;
	const char *name;

	(void)flags;	/* per-thread default stream variants are not remoted */
	if (!symbol || !pfn)
		return CUDA_ERROR_INVALID_VALUE;
	name = ava_cuda_export_alias(symbol);
	if (!strcmp(symbol, "cuCtxCreate") && cudaVersion < 13000)
		name = "cuCtxCreate_v2";
	if (self)
		p = dlsym(self, name);
	*pfn = p;
	/* as NVIDIA's: an unknown name is a success with a NULL function */
	if (symbolStatus)
		*symbolStatus = p ? CU_GET_PROC_ADDRESS_SUCCESS : CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
	return CUDA_SUCCESS;
}

/*
 * Only NVIDIA's own runtime asks for export tables.  Reaching here from the
 * program itself, or with no AvA runtime shim loaded, means the program
 * carries a CUDA runtime AvA cannot see into (nvcc links cudart statically
 * by default): say how to fix it instead of failing obscurely.
 */
static int caller_is_program(const void *addr)
{
	struct link_map *lm = NULL;
	Dl_info di;

	/* the main program's link map entry has an empty name */
	return dladdr1(addr, &di, (void **)&lm, RTLD_DL_LINKMAP) && lm && lm->l_name && !lm->l_name[0];
}

CUresult avaguest_cuGetExportTable(const void **ppExportTable, const CUuuid *pExportTableId)
{
	static int told;

	(void)pExportTableId;
	if (ppExportTable)
		*ppExportTable = NULL;
	if ((caller_is_program(__builtin_return_address(0)) || !dlsym(RTLD_DEFAULT, "ava_cudart_shim")) &&
	    !told) {
		told = 1;
		fprintf(stderr,
			"ava: this program carries its own CUDA runtime (it was linked statically with cudart, "
			"nvcc's default), which AvA cannot intercept.\n"
			"ava: rebuild it with `nvcc -cudart shared` (or link -lcudart instead of -lcudart_static) "
			"and run it again.\n");
	}
	return CUDA_ERROR_NOT_SUPPORTED;
}
