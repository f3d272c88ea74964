// SPDX-License-Identifier: MIT
/*
 * 2-D copies for both APIs (cuMemcpy2D*, cudaMemcpy2D*): device to device
 * goes in one call; host rows are packed into one contiguous buffer (sent
 * inline to, or received from, the worker, which copies on the stream and
 * waits); host to host stays here.  Each API passes its own internal calls.
 */
#include "cuda_guest_rt.h"

#include <string.h>

static void copy_rows(uint8_t *dst, size_t dpitch, const uint8_t *src, size_t spitch, size_t w, size_t h)
{
	for (size_t r = 0; r < h; r++)
		memcpy(dst + r * dpitch, src + r * spitch, w);
}

int ava_cu_copy2d(const struct ava_cu_2d_ops *ops, void *dst, int dst_dev, size_t dpitch, const void *src,
		  int src_dev, size_t spitch, size_t w, size_t h, void *stream, int async)
{
	uint8_t *packed;
	size_t bytes;
	int r;

	if (h > 1 && (w > dpitch || w > spitch))
		return ops->invalid;
	if (!w || !h)
		return 0;
	if (w > SIZE_MAX / h)
		return ops->invalid;
	bytes = w * h;
	if (dst_dev && src_dev)
		return ops->dev(dst, dpitch, src, spitch, w, h, stream, async);
	if (!dst_dev && !src_dev) {
		copy_rows(dst, dpitch, src, spitch, w, h);
		return 0;
	}
	packed = malloc(bytes);
	if (!packed)
		return ops->nomem;
	if (dst_dev) {
		copy_rows(packed, w, src, spitch, w, h);
		r = ops->htod(dst, dpitch, packed, bytes, w, h, stream);
	} else {
		r = ops->dtoh(packed, bytes, src, spitch, w, h, stream);
		if (!r)
			copy_rows(dst, dpitch, packed, w, w, h);
	}
	free(packed);
	return r;
}

/* ------------------------------------------------------------------ the driver API */

static int cu_dev(void *dst, size_t dpitch, const void *src, size_t spitch, size_t w, size_t h, void *st, int async)
{
	return avagen_avaCuMemcpy2DDevice((CUdeviceptr)(uintptr_t)dst, dpitch, (CUdeviceptr)(uintptr_t)src, spitch, w,
					  h, st, async);
}

static int cu_htod(void *dst, size_t dpitch, const void *packed, size_t bytes, size_t w, size_t h, void *st)
{
	return avagen_avaCuMemcpy2DHtoD((CUdeviceptr)(uintptr_t)dst, dpitch, packed, bytes, w, h, st);
}

static int cu_dtoh(void *packed, size_t bytes, const void *src, size_t spitch, size_t w, size_t h, void *st)
{
	return avagen_avaCuMemcpy2DDtoH(packed, bytes, (CUdeviceptr)(uintptr_t)src, spitch, w, h, st);
}

static const struct ava_cu_2d_ops cu_ops = { cu_dev, cu_htod, cu_dtoh, CUDA_ERROR_INVALID_VALUE,
					     CUDA_ERROR_OUT_OF_MEMORY };

/* One side of a CUDA_MEMCPY2D: its first byte and whether it is device memory. */
static int side(CUmemorytype type, const void *host, CUdeviceptr dev, CUarray array, size_t x, size_t y,
		size_t pitch, const uint8_t **p, int *is_dev)
{
	if (type == CU_MEMORYTYPE_ARRAY || array)
		return CUDA_ERROR_NOT_SUPPORTED;
	if (type == CU_MEMORYTYPE_UNIFIED)
		*is_dev = ava_cu_is_device(dev);
	else
		*is_dev = type == CU_MEMORYTYPE_DEVICE;
	if (type == CU_MEMORYTYPE_HOST)
		*p = host;
	else
		*p = (const uint8_t *)(uintptr_t)dev;
	if (type != CU_MEMORYTYPE_HOST && type != CU_MEMORYTYPE_DEVICE && type != CU_MEMORYTYPE_UNIFIED)
		return CUDA_ERROR_INVALID_VALUE;
	*p += y * pitch + x;
	return CUDA_SUCCESS;
}

static CUresult copy2d(const CUDA_MEMCPY2D *c, CUstream stream, int async)
{
	const uint8_t *src, *dst;
	int sdev, ddev;
	CUresult r;

	if (!c)
		return CUDA_ERROR_INVALID_VALUE;
	r = side(c->srcMemoryType, c->srcHost, c->srcDevice, c->srcArray, c->srcXInBytes, c->srcY, c->srcPitch, &src,
		 &sdev);
	if (r == CUDA_SUCCESS)
		r = side(c->dstMemoryType, c->dstHost, c->dstDevice, c->dstArray, c->dstXInBytes, c->dstY,
			 c->dstPitch, &dst, &ddev);
	if (r == CUDA_ERROR_NOT_SUPPORTED)
		ava_unsupported("cuMemcpy2D with a CUDA array");
	if (r != CUDA_SUCCESS)
		return r;
	return ava_cu_copy2d(&cu_ops, (void *)dst, ddev, c->dstPitch, src, sdev, c->srcPitch, c->WidthInBytes,
			     c->Height, stream, async);
}

CUresult avaguest_cuMemcpy2D(const CUDA_MEMCPY2D *pCopy)
{
	return copy2d(pCopy, NULL, 0);
}

CUresult avaguest_cuMemcpy2DUnaligned(const CUDA_MEMCPY2D *pCopy)
{
	return copy2d(pCopy, NULL, 0);
}

CUresult avaguest_cuMemcpy2DAsync(const CUDA_MEMCPY2D *pCopy, CUstream hStream)
{
	return copy2d(pCopy, hStream, 1);
}
