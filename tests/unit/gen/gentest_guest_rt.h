/* SPDX-License-Identifier: MIT */
/* What the generated guest stubs of the test APIs need (compiled, not linked). */
#ifndef GENTEST_GUEST_RT_H
#define GENTEST_GUEST_RT_H

#include "gentest_api.h"
#include "gentest_ids.h"
#include "gentestdl_ids.h"
#include "guest_call.h"
#include "guest_codecs.h"
#include "guest_objects.h"
#include "guest_map.h"

#define AVA_API_GENTEST 1
#define AVA_API_GENTESTDL 2
#define AVA_EXPORT __attribute__((visibility("default")))

struct gt_dispatch {
	gt_status (*gtScalars)(int, unsigned long, gt_dev);
	__typeof__(gtBuffers) *gtBuffers;
	__typeof__(gtInfo) *gtInfo;
	__typeof__(gtHandles) *gtHandles;
	__typeof__(gtCreateMem) *gtCreateMem;
	__typeof__(gtRetainQueue) *gtRetainQueue;
	__typeof__(gtReleaseQueue) *gtReleaseQueue;
	__typeof__(gtReleaseMem) *gtReleaseMem;
	__typeof__(gtReleaseEvent) *gtReleaseEvent;
	__typeof__(gtCreateQueue) *gtCreateQueue;
	__typeof__(gtCreateEvent) *gtCreateEvent;
	__typeof__(gtRead) *gtRead;
	__typeof__(gtWrite) *gtWrite;
	__typeof__(gtEnqueue) *gtEnqueue;
	__typeof__(gtFinish) *gtFinish;
	__typeof__(gtSources) *gtSources;
	__typeof__(gtBinaries) *gtBinaries;
	__typeof__(gtList) *gtList;
	__typeof__(gtImage) *gtImage;
	__typeof__(gtSetArg) *gtSetArg;
	__typeof__(gtMap) *gtMap;
	__typeof__(gtUnmap) *gtUnmap;
	__typeof__(gtNotifyDrop) *gtNotifyDrop;
	__typeof__(gtBuild) *gtBuild;
	__typeof__(gtLink) *gtLink;
	__typeof__(gtOnEvent) *gtOnEvent;
	__typeof__(gtOnRelease) *gtOnRelease;
	__typeof__(gtLocal) *gtLocal;
	__typeof__(gtNotRemoted) *gtNotRemoted;
	__typeof__(gtGetQueueDevice) *gtGetQueueDevice;
	__typeof__(gtDevInfo) *gtDevInfo;
};

/* hand-written guest parts the specs name */
gt_status ava_wrap_gtInfo(gt_mem mem, int key, size_t size, void *value, size_t *size_ret);
gt_status ava_guest_gtLocal(int x, int *y);
void gt_mem_created(struct ava_obj *obj, gt_flags flags, size_t size);
void gt_queue_created(struct ava_obj *obj, gt_dev dev);
int ava_gentest_notify_due(gt_status ret, int made);
int ava_gentest_map_reads(gt_flags flags);
int ava_gentest_map_writes(gt_flags flags);
void ava_gt_event_cb_invoke(struct ava_cb *cb, int64_t status);
void ava_cl_image_desc_put(struct ava_call *c, const cl_image_desc *d);
uint64_t ava_gt_queue_id(const void *p, uint32_t type);
int ava_gt_pmode(gt_queue q);
const void *ava_gt_scale(uint64_t *wire, const void *p, gt_queue q);
void ava_cu_kparams_put(struct ava_call *c, void **params, const void *fn, void **extra);
void ava_cudart_kparams_put(struct ava_call *c, void **params, const void *kernel);
uint64_t ava_cudart_hostfn_id(const void *func);

#endif
