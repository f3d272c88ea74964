/* SPDX-License-Identifier: MIT */
/* What the generated worker code of the test APIs needs (compiled, not linked). */
#ifndef GENTEST_WORKER_RT_H
#define GENTEST_WORKER_RT_H

#include <dlfcn.h>
#include <string.h>

#include "gentest_api.h"
#define AVAW_GENTESTDL_SYMS
#include "gentest_ids.h"
#include "gentestdl_ids.h"
#include "worker_call.h"
#include "worker_codecs.h"
#include "worker_time.h"

#define AVA_API_GENTEST 1
#define AVA_API_GENTESTDL 2

static inline unsigned long gt_fix(unsigned long b)
{
	return b;
}

gt_status avaw_gt_read(struct avaw_call *c, gt_queue q, gt_mem mem, int blocking, size_t size, void *ptr,
		       gt_event *event);
gt_status avaw_gt_helper(struct avaw_call *c, gt_queue q, size_t n, unsigned char *out);
/* notify: whether the guest passed a callback (dropped: @callback(drop)) */
gt_status avaw_gt_notify_drop(struct avaw_call *c, gt_queue q, int notify, void *ud);
gt_status avaw_gt_dl_helper(struct avaw_call *c, gt_queue q);
void avaw_gt_event_cb(gt_event ev, int status, void *record);
int ava_gentest_map_reads(gt_flags flags);
gt_status avaw_gentest_map_done(struct avaw_call *c, gt_queue q, gt_mem mem, void *ptr, uint64_t host_size,
				uint64_t guest_size, gt_flags flags, struct avaw_out *o, uint64_t *map_id,
				uint64_t *map_len);
int avaw_gentestdl_ready(struct avaw_call *c);
int avaw_gt_devptr_ok(struct avaw_call *c, uint64_t ptr);
int avaw_gt_range_ok(uint64_t ptr, uint64_t size);
int avaw_gt_queue_handle(struct avaw_call *c, uint64_t id, uint32_t type, void **obj);
int64_t avaw_gt_pmode_check(struct avaw_call *c, gt_queue q, int mode);
void avaw_gentest_time_event(struct avaw_call *c, gt_event ev);
void avaw_gentestdl_time_begin(struct avaw_call *c, gt_queue q);
void avaw_gentestdl_time_end(struct avaw_call *c, gt_queue q, int ok);

/* worker halves of the API-specific codecs */
struct avaw_cl_image_desc {
	const cl_image_desc *val;
};
void avaw_cl_image_desc_get(struct avaw_call *c, struct avaw_cl_image_desc *v);
int64_t avaw_cl_image_desc_check(struct avaw_call *c, struct avaw_cl_image_desc *v);
void avaw_cl_image_desc_free(struct avaw_call *c, struct avaw_cl_image_desc *v, int ok);
struct avaw_cu_kparams {
	void **val;
};
void avaw_cu_kparams_get(struct avaw_call *c, struct avaw_cu_kparams *v);
int64_t avaw_cu_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, gt_func f, void **extra);
void avaw_cu_kparams_free(struct avaw_call *c, struct avaw_cu_kparams *v, int ok);
#define avaw_cudart_kparams avaw_cu_kparams
void avaw_cudart_kparams_get(struct avaw_call *c, struct avaw_cu_kparams *v);
int64_t avaw_cudart_kparams_check(struct avaw_call *c, struct avaw_cu_kparams *v, gt_kernel k);
void avaw_cudart_kparams_free(struct avaw_call *c, struct avaw_cu_kparams *v, int ok);
struct avaw_cudart_hostfn {
	const void *val;
};
void avaw_cudart_hostfn_get(struct avaw_call *c, struct avaw_cudart_hostfn *v);
int64_t avaw_cudart_hostfn_check(struct avaw_call *c, struct avaw_cudart_hostfn *v);
void avaw_cudart_hostfn_free(struct avaw_call *c, struct avaw_cudart_hostfn *v, int ok);

#endif
