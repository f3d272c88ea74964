// SPDX-License-Identifier: MIT
/*
 * CUDA device time (time_cuda.h).  Events are kept for reuse (creating
 * one per launch would cost more than the record); they belong to the
 * context current when they were made, so an event whose record fails (a
 * launch in another context, or its context is gone) is destroyed, not
 * kept, and that launch is not measured rather than failed.  The runtime's
 * streams are the driver's, in the runtime's primary context.
 */
#include <stdlib.h>

#include "cuda_worker_internal.h"
#include "worker_time.h"

#define POOL 32

struct cu_rec {
	CUevent start, end;
};

static CUevent pool[POOL];
static unsigned int npool;
static CUevent started;		/* recorded by begin, taken by end */

static CUevent ev_get(void)
{
	CUevent e;

	if (npool)
		return pool[--npool];
	return CU.cuEventCreate && CU.cuEventCreate(&e, CU_EVENT_DEFAULT) == CUDA_SUCCESS ? e : NULL;
}

static void ev_put(CUevent e)
{
	if (!e)
		return;
	if (npool < POOL)
		pool[npool++] = e;
	else
		CU.cuEventDestroy(e);
}

/* An event that could not be recorded: not kept for reuse. */
static void ev_discard(CUevent e)
{
	if (e)
		CU.cuEventDestroy(e);
}

static int rec_poll(void *rec, uint64_t *ns)
{
	struct cu_rec *r = rec;
	CUresult st = CU.cuEventQuery(r->end);
	float ms = 0;

	if (st == CUDA_ERROR_NOT_READY)
		return 0;
	if (st != CUDA_SUCCESS || CU.cuEventElapsedTime(&ms, r->start, r->end) != CUDA_SUCCESS)
		return -1;
	*ns = ms > 0 ? (uint64_t)((double)ms * 1e6) : 0;
	return 1;
}

static void rec_drop(void *rec)
{
	struct cu_rec *r = rec;

	ev_put(r->start);
	ev_put(r->end);
	free(r);
}

static const struct avaw_time_src rec_src = { rec_poll, rec_drop };

void avaw_cuda_time_begin(struct avaw_call *c, CUstream s)
{
	(void)c;
	started = NULL;
	if (!avaw_time_on() || !CU.cuEventRecord || !CU.cuEventQuery || !CU.cuEventElapsedTime)
		return;
	started = ev_get();
	if (started && CU.cuEventRecord(started, s) != CUDA_SUCCESS) {
		ev_discard(started);
		started = NULL;
	}
}

void avaw_cuda_time_end(struct avaw_call *c, CUstream s, int ok)
{
	struct cu_rec *r = NULL;
	CUevent end = NULL;

	(void)c;
	if (!started)
		return;
	if (ok && (end = ev_get()) && CU.cuEventRecord(end, s) != CUDA_SUCCESS) {
		ev_discard(end);
		end = NULL;
	}
	if (end && (r = malloc(sizeof(*r)))) {
		r->start = started;
		r->end = end;
		avaw_time_track(&rec_src, r);
	} else {
		ev_put(started);
		ev_put(end);
	}
	started = NULL;
}

void avaw_cudart_time_begin(struct avaw_call *c, cudaStream_t s)
{
	if (avaw_time_on())
		avaw_cuda_ready(c);	/* the events are the driver's */
	avaw_cuda_time_begin(c, (CUstream)s);
}

void avaw_cudart_time_end(struct avaw_call *c, cudaStream_t s, int ok)
{
	avaw_cuda_time_end(c, (CUstream)s, ok);
}
