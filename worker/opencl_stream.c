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
 *   DIRECT_SHIFT, so that each chunk is worth a transfer call.
 *
 * AVA_STREAM_DIRECT in the worker's environment: 1 takes the direct path
 * on every device (to test it on PoCL), 0 never.
 */
#include "opencl_worker_rt.h"

#define DIRECT_SHIFT 3	/* 8 MiB rings: 1 MiB transfers, 8 under way */

static int direct_device(cl_device_id dev)
{
	const char *env = getenv("AVA_STREAM_DIRECT");
	cl_device_type type = CL_DEVICE_TYPE_CPU;
	cl_bool unified = CL_TRUE;

	if (env && (*env == '0' || *env == '1'))
		return *env == '1';
	if (clGetDeviceInfo(dev, CL_DEVICE_TYPE, sizeof(type), &type, NULL) != CL_SUCCESS ||
	    clGetDeviceInfo(dev, CL_DEVICE_HOST_UNIFIED_MEMORY, sizeof(unified), &unified, NULL) != CL_SUCCESS)
		return 0;
	return !(type & CL_DEVICE_TYPE_CPU) && !unified;
}

static int direct_queue(cl_command_queue q)
{
	cl_device_id dev = NULL;

	return clGetCommandQueueInfo(q, CL_QUEUE_DEVICE, sizeof(dev), &dev, NULL) == CL_SUCCESS && dev &&
	       direct_device(dev);
}

void avaw_cl_stream_queue(struct avaw_call *c, cl_command_queue q)
{
	if (q && direct_queue(q))
		avaw_stream_want_ring(c, DIRECT_SHIFT);
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
	if (q && direct_queue(q)) {
		avaw_stream_want_ring(c, DIRECT_SHIFT);
		return stream_direct(c, q, buf, in, offset, size, nwait, wait);
	}
	return stream_mapped(c, q, buf, in, offset, size, nwait, wait);
}
