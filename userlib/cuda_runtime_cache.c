// SPDX-License-Identifier: MIT
/*
 * Runtime calls the libcudart.so.13 shim answers from what it already
 * learned (PyTorch makes them around every operation): the thread's current
 * device, and each device's properties and attributes, asked once.  The
 * first answer of each comes from the worker.
 *
 * The current device is the calling thread's, as in CUDA; the worker's is
 * changed by cudaSetDevice only.  A driver API call that makes another
 * device's context current (cuCtxSetCurrent) is not seen here: programs
 * that mix both on several GPUs should not rely on cudaGetDevice.
 *
 * The runtime calls that can change a primary context tell the driver
 * shim, which answers cuDevicePrimaryCtxGetState (cuda_primary_ctx.c).
 */
#include "cuda_runtime_more.h"

#define CACHED_DEVICES 64

static _Thread_local int current = -1;	/* the thread's device, -1 not known yet */

AVA_EXPORT cudaError_t cudaGetDevice(int *device)
{
	cudaError_t r;

	if (device && current >= 0) {
		ava_trace_answered();
		*device = current;
		return cudaSuccess;
	}
	r = avagen_cudaGetDevice(device);
	if (r == cudaSuccess)
		current = *device;
	return r;
}

AVA_EXPORT cudaError_t cudaSetDevice(int device)
{
	cudaError_t r;

	if (device >= 0 && device == current) {
		ava_trace_answered();
		return cudaSuccess;
	}
	r = avagen_cudaSetDevice(device);
	if (r == cudaSuccess)
		current = device;
	return r;
}

/* ------------------------------------------------------------------ primary contexts */
/* Calls that can deactivate the primary context or change its flags: the
 * libcuda.so.1 shim forgets what it knew of it (cuda_primary_ctx.c). */
AVA_EXPORT cudaError_t cudaDeviceReset(void)
{
	cudaError_t r = avagen_cudaDeviceReset();

	ava_cu_primary_changed();
	return r;
}

AVA_EXPORT cudaError_t cudaSetDeviceFlags(unsigned int flags)
{
	cudaError_t r = avagen_cudaSetDeviceFlags(flags);

	ava_cu_primary_changed();
	return r;
}

AVA_EXPORT cudaError_t cudaInitDevice(int device, unsigned int deviceFlags, unsigned int flags)
{
	cudaError_t r = avagen_cudaInitDevice(device, deviceFlags, flags);

	ava_cu_primary_changed();
	return r;
}

/* ------------------------------------------------------------------ properties */
static pthread_mutex_t props_lock = PTHREAD_MUTEX_INITIALIZER;
static struct cudaDeviceProp *props[CACHED_DEVICES];

AVA_EXPORT cudaError_t cudaGetDeviceProperties(struct cudaDeviceProp *prop, int device)
{
	int cacheable = prop && device >= 0 && device < CACHED_DEVICES;
	struct cudaDeviceProp *p = NULL;
	cudaError_t r;

	if (cacheable) {
		pthread_mutex_lock(&props_lock);
		if (props[device]) {
			*prop = *props[device];
			pthread_mutex_unlock(&props_lock);
			ava_trace_answered();
			return cudaSuccess;
		}
		pthread_mutex_unlock(&props_lock);
	}
	r = avagen_cudaGetDeviceProperties(prop, device);
	if (r != cudaSuccess || !cacheable || !(p = malloc(sizeof(*p))))
		return r;
	*p = *prop;
	pthread_mutex_lock(&props_lock);
	if (!props[device]) {
		props[device] = p;
		p = NULL;
	}
	pthread_mutex_unlock(&props_lock);
	free(p);
	return r;
}

/* ------------------------------------------------------------------ attributes */
/* Attributes that can change while the program runs (nvidia-smi -c). */
static int attr_may_change(enum cudaDeviceAttr a)
{
	return a == cudaDevAttrComputeMode;
}

/* value + 1 of each (device, attribute) learned; 0: not asked yet */
static long long attrs[CACHED_DEVICES][cudaDevAttrMax];

AVA_EXPORT cudaError_t cudaDeviceGetAttribute(int *value, enum cudaDeviceAttr attr, int device)
{
	int cacheable = value && device >= 0 && device < CACHED_DEVICES && (int)attr >= 0 &&
			attr < cudaDevAttrMax && !attr_may_change(attr);
	long long v = cacheable ? __atomic_load_n(&attrs[device][attr], __ATOMIC_ACQUIRE) : 0;
	cudaError_t r;

	if (v) {
		ava_trace_answered();
		*value = (int)(v - 1);
		return cudaSuccess;
	}
	r = avagen_cudaDeviceGetAttribute(value, attr, device);
	if (r == cudaSuccess && cacheable)
		__atomic_store_n(&attrs[device][attr], (long long)*value + 1, __ATOMIC_RELEASE);
	return r;
}
