/* SPDX-License-Identifier: MIT */
/* The test API of gentest.spec and gentestdl.spec: types and entry points. */
#ifndef GENTEST_API_H
#define GENTEST_API_H

#include <stddef.h>
#include <stdint.h>

#define GT_CALL
typedef int gt_status;
enum {
	GT_SUCCESS, GT_ERR_TRANSPORT, GT_ERR_NOMEM, GT_ERR_UNSUPPORTED, GT_ERR_VALUE, GT_ERR_DEV,
	GT_ERR_QUEUE, GT_ERR_MEM, GT_ERR_EVENT, GT_ERR_FUNC, GT_ERR_WAIT, GT_ERR_NAME, GT_ERR_ARG,
	GT_ERR_MISSING, GT_ERR_DEVMEM
};
enum { GT_MEM_QUEUE = 1, GT_MEM_DEVS, GT_MEM_PROPS };
enum { GT_DEV_MEM = 1 };
typedef struct gt_dev_s *gt_dev;
typedef struct gt_queue_s *gt_queue;
typedef struct gt_mem_s *gt_mem;
typedef struct gt_event_s *gt_event;
typedef struct gt_func_s *gt_func;
typedef struct gt_kernel_s *gt_kernel;
typedef unsigned long gt_flags;
typedef intptr_t gt_prop;
typedef unsigned long long gt_devptr;
typedef struct { unsigned x, y, z; } gt_dim3;
typedef struct gt_image_desc cl_image_desc;

gt_status gtScalars(int a, unsigned long b, gt_dev dev);
gt_status gtBuffers(gt_queue q, size_t n, const float *src, const int *big, float *dst, int *part, int *most,
		    int *status, size_t *one, const char *name);
gt_status gtInfo(gt_mem mem, int key, size_t size, void *value, size_t *size_ret);
gt_status gtHandles(gt_dev dev, unsigned n, const gt_mem *mems, const gt_event *waits, gt_dev *devs,
		    gt_mem *made);
gt_mem gtCreateMem(gt_queue q, gt_flags flags, size_t size, const gt_prop *props, gt_status *err_out);
gt_status gtRetainQueue(gt_queue q);
gt_status gtReleaseQueue(gt_queue q);
gt_status gtReleaseMem(gt_mem m);
gt_status gtReleaseEvent(gt_event e);
gt_queue gtCreateQueue(gt_dev dev, const gt_prop *props, gt_status *err_out);
gt_status gtCreateEvent(gt_queue q, gt_event *event);
gt_status gtRead(gt_queue q, gt_mem mem, int blocking, size_t size, void *ptr, gt_event *event);
gt_status gtWrite(gt_queue q, gt_mem mem, int blocking, size_t size, const void *ptr, gt_event *event);
gt_status gtEnqueue(gt_queue q);
gt_status gtFinish(gt_queue q);
gt_status gtSources(gt_queue q, unsigned count, const char **strings, const size_t *lengths,
		    const char **names);
gt_status gtBinaries(gt_queue q, unsigned count, const size_t *lengths, const unsigned char **bins);
gt_status gtList(gt_dev dev, const gt_prop *list);
gt_mem gtImage(gt_queue q, const cl_image_desc *desc, gt_status *err_out);
gt_status gtSetArg(gt_func f, unsigned index, size_t size, const void *value);
void *gtMap(gt_queue q, gt_mem mem, gt_flags flags, size_t offset, size_t size, gt_event *event,
	    gt_status *err_out);
gt_status gtUnmap(gt_queue q, gt_mem mem, void *ptr);
gt_status gtNotifyDrop(gt_queue q, void (*notify)(int, void *), void *ud);
gt_status gtBuild(gt_queue q, void (*notify)(gt_queue, void *), void *ud);
gt_mem gtLink(gt_queue q, void (*notify)(gt_mem, void *), void *ud, gt_status *err_out);
gt_status gtOnEvent(gt_event ev, void (*notify)(gt_event, int, void *), void *ud);
gt_status gtOnRelease(gt_mem mem, void (*notify)(gt_mem, void *), void *ud);
gt_status gtLocal(int x, int *y);
gt_status gtNotRemoted(int *x);
gt_status gtGetQueueDevice(gt_queue q, gt_dev *dev);
gt_status gtDevInfo(gt_dev dev, int key, size_t size, void *value);

gt_status dlCopy(gt_devptr dst, gt_devptr src, size_t n, gt_queue q);
gt_status dlLaunch(gt_func f, gt_dim3 grid, void **params, void **extra, gt_queue q);
gt_status dlRtLaunch(gt_kernel k, void **args);
gt_status dlFuncAttr(int *value, const void *func);
gt_status dlQueueDepth(const gt_queue q, int *depth);
gt_status dlViaGuest(int x);
gt_status dlNot(int x);
gt_status dlScale(gt_queue q, const float *alpha, gt_devptr x, double *result, const void *beta, int n);
gt_status dlScaleBy(gt_queue q, const void *alpha, const void *beta, gt_devptr y);
gt_status dlSolve(void *work, int lwork, void *host, size_t hbytes);
gt_status gtExtraSym(void);
gt_status dlAlloc(gt_devptr *ptr, size_t width, size_t height);
gt_status dlFree(gt_devptr ptr);
gt_status dlMemInfo(size_t *free, size_t *total);

#endif
