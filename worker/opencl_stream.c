// SPDX-License-Identifier: MIT
/*
 * A streamed clEnqueueWriteBuffer/ReadBuffer that blocks and asks for no
 * event, moved between the ring and the buffer in one of two ways, chosen
 * per device:
 *
 * - mapped (devices whose memory is host memory: PoCL's CPU device): the
 *   worker maps the buffer, which there is the buffer's own memory, and
 *   copies between the ring and the mapping (worker_stream.c);
 * - direct (devices with memory of their own, CL_DEVICE_HOST_UNIFIED_MEMORY
 *   false and not a CPU: a discrete GPU): a map would copy the whole buffer
 *   once more, so the backend's own non-blocking clEnqueueWriteBuffer/
 *   ReadBuffer move each chunk of the ring, several at a time, while the
 *   caller copies the others (worker_stream_pipe.c).  A queue created on
 *   such a device asks the caller for rings of AVA_STREAM_RING <<
 *   DIRECT_SHIFT, so that each chunk is worth a transfer call, and pins
 *   the arena (pin_arena) so that those transfers are DMA.
 *
 * AVA_STREAM_DIRECT in the worker's environment: 1 takes the direct path
 * on every device (to test it on PoCL), 0 never.
 */
#include "opencl_worker_rt.h"

#define DIRECT_SHIFT 4	/* 16 MiB rings: 2 MiB transfers, 8 under way */

static int direct_device(cl_device_id dev)
{
	static int forced = -2;	/* -1: not forced */
	cl_device_type type = CL_DEVICE_TYPE_CPU;
	cl_bool unified = CL_TRUE;

	if (forced == -2) {
		const char *env = getenv("AVA_STREAM_DIRECT");

		forced = env && (*env == '0' || *env == '1') ? *env == '1' : -1;
	}
	if (forced >= 0)
		return forced;
	if (clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(type), &type, NULL) != CL_SUCCESS ||
	    clGetDeviceInfo(dev, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof(unified), &unified, NULL) != CL_SUCCESS)
		return 0;
	return !(type & CL_DEVICE_TYPE_CPU) && !unified;
}

static cl_device_id direct_queue(cl_command_queue q)
{
	cl_device_id dev = NULL;

	if (!q || clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(dev), &dev, NULL) != CL_SUCCESS || !dev)
		return NULL;
	return direct_device(dev) ? dev : NULL;
}

/*
 * NVIDIA's OpenCL moves a transfer whose host memory some
 * CL_MEM_USE_HOST_PTR buffer covers by DMA from pinned memory (52 GB/s on
 * the H200), any other through a pageable staging copy of its own
 * (6-11 GB/s).  So the session's whole arena is covered by such a buffer
 * once a direct device is used: in a context of the worker's own, so that
 * the guest's contexts may come and go (the pinning holds for all of
 * them), kept until the session ends.  No device memory is taken for it.
 * Where the backend refuses, transfers go as they are.
 */
#define MAX_PINNED 8
static struct {
	cl_device_id dev;
	cl_context ctx;	/* NULL: tried and failed */
	cl_mem mem;
} pinned[MAX_PINNED];
static unsigned npinned;

static void pin_arena(struct avaw_call *c, cl_device_id dev)
{
	cl_int err = CL_SUCCESS;
	unsigned i;

	for (i = 0; i < npinned; i++)
		if (pinned[i].dev == dev)
			return;
	if (npinned == MAX_PINNED)
		return;
	pinned[npinned].dev = dev;
	pinned[npinned].ctx = clCreateContext(NULL, 1, &dev, NULL, NULL, &err);
	if (pinned[npinned].ctx)
		pinned[npinned].mem = clCreateBuffer(pinned[npinned].ctx, CL_MEM_USE_HOST_PTR | CL_MEM_READ_WRITE,
						     c->s->arena_size, c->s->arena, &err);
	if (!pinned[npinned].mem) {
		avaw_log("the arena stays unpinned for streams (OpenCL error %d)", err);
		if (pinned[npinned].ctx)
			clReleaseContext(pinned[npinned].ctx);
		pinned[npinned].ctx = NULL;
	}
	npinned++;
}

/* A direct device's rings and pinned arena, for the session's streams. */
static void direct_setup(struct avaw_call *c, cl_device_id dev)
{
	avaw_stream_want_ring(c, DIRECT_SHIFT);
	pin_arena(c, dev);
}

/* Only where the transport streams (the local arena; never guest pages). */
void avaw_cl_stream_queue(struct avaw_call *c, cl_command_queue q)
{
	cl_device_id dev = c->s->t->stream_peer ? direct_queue(q) : NULL;

	if (dev)
		direct_setup(c, dev);
}

static cl_int finish_unmap(cl_command_queue q, cl_mem buf, void *m)
{
	cl_event ev = NULL;
	cl_int err = clEnqueueUnmapMemObject(q, buf, m, 0, NULL, &ev);

	if (err == CL_SUCCESS) {
		err = clWaitForEvents(1, &ev);
		clReleaseEvent(ev);
	}
	return err;
}

static cl_int stream_mapped(struct avaw_call *c, cl_command_queue q, cl_mem buf, int in, size_t offset,
			    size_t size, cl_uint nwait, const cl_event *wait)
{
	cl_int err, err2;
	void *m = clEnqueueMapBuffer(q, buf, CL_TRUE, in ? CL_MAP_WRITE_INVALIDATE_REGION : CL_MAP_READ, offset,
				     size, nwait, wait, NULL, &err);

	if (err != CL_SUCCESS)
		return err;
	err = (in ? avaw_stream_in(c, m, size) : avaw_stream_out(c, m, size)) ? CL_OUT_OF_RESOURCES : CL_SUCCESS;
	err2 = finish_unmap(q, buf, m);
	return err != CL_SUCCESS ? err : err2;
}

struct direct {
	cl_command_queue q;
	cl_mem buf;
	int in;
	size_t offset;
	cl_uint nwait;
	const cl_event *wait;
	cl_int err;		/* the first error of a transfer */
};

/* Every chunk waits for the wait list: an out-of-order queue may run them in any order. */
static int direct_start(void *ctx, uint64_t pos, uint8_t *chunk, uint64_t n, void **token)
{
	struct direct *d = ctx;
	cl_event ev = NULL;
	cl_int err;

	if (d->in)
		err = clEnqueueWriteBuffer(d->q, d->buf, CL_FALSE, d->offset + pos, n, chunk, d->nwait, d->wait, &ev);
	else
		err = clEnqueueReadBuffer(d->q, d->buf, CL_FALSE, d->offset + pos, n, chunk, d->nwait, d->wait, &ev);
	if (err != CL_SUCCESS) {
		d->err = err;
		return -1;
	}
	clFlush(d->q);	/* polled below, never waited for, until the ring is full */
	*token = ev;
	return 0;
}

static int direct_poll(void *ctx, void *token, int wait)
{
	struct direct *d = ctx;
	cl_event ev = token;
	cl_int st = CL_QUEUED;

	if (wait)
		clWaitForEvents(1, &ev);
	if (clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL) != CL_SUCCESS)
		st = CL_OUT_OF_RESOURCES;
	if (st > CL_COMPLETE && !wait)
		return 0;
	clReleaseEvent(ev);
	if (st == CL_COMPLETE)
		return 1;
	if (d->err == CL_SUCCESS)
		d->err = d->nwait ? CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST : st < 0 ? st : CL_OUT_OF_RESOURCES;
	return -1;
}

static const struct avaw_pipe_ops direct_ops = { direct_start, direct_poll };

static cl_int stream_direct(struct avaw_call *c, cl_command_queue q, cl_mem buf, int in, size_t offset,
			    size_t size, cl_uint nwait, const cl_event *wait)
{
	struct direct d = { q, buf, in, offset, nwait, wait, CL_SUCCESS };
	size_t have = 0;

	/* all or nothing, as natively: a range the later chunks would find wrong */
	if (clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof(have), &have, NULL) == CL_SUCCESS &&
	    (!size || offset > have || size > have - offset)) {
		avaw_stream_abort(c);
		return CL_INVALID_VALUE;
	}
	if (avaw_stream_pipe(c, &direct_ops, &d) == 0)
		return CL_SUCCESS;
	return d.err != CL_SUCCESS ? d.err : CL_OUT_OF_RESOURCES;
}

cl_int avaw_cl_stream(struct avaw_call *c, cl_command_queue q, cl_mem buf, int in, size_t offset, size_t size,
		      cl_uint nwait, const cl_event *wait)
{
	cl_device_id dev = direct_queue(q);

	if (dev) {
		direct_setup(c, dev);
		return stream_direct(c, q, buf, in, offset, size, nwait, wait);
	}
	return stream_mapped(c, q, buf, in, offset, size, nwait, wait);
}
