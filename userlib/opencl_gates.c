// SPDX-License-Identifier: MIT
/*
 * User-event gates.  A command that waits for a user event completes only
 * when the application sets that event, perhaps from another thread.  The
 * worker serves a session with one thread, and a guest thread holds the
 * session for the whole of a synchronous call: a call that blocks in the
 * worker on such a command (clWaitForEvents, clFinish, a blocking read,
 * write or map) would keep the setting thread out for ever.  While user
 * events the application has not set exist, the guest waits for those
 * calls' dependencies itself, polling between calls, and then makes the
 * call, which no longer waits for the application.  Without such events
 * nothing the worker waits for depends on the guest: calls go straight on.
 */
#include <sched.h>
#include <stdatomic.h>
#include <time.h>

#include "opencl_guest_rt.h"

/* user events created, neither set nor released */
static atomic_long unset_user_events;

/* A user event's part: its context, and whether its one status change was counted. */
struct user_gate {
	struct ava_cl_owned own;
	atomic_int counted;
};

static void gate_closed(struct user_gate *g)
{
	if (!atomic_exchange(&g->counted, 1))
		atomic_fetch_sub(&unset_user_events, 1);
}

/* The last release of a user event never set: nothing can wait for the application on it any more. */
static void gate_free(struct ava_obj_part *part)
{
	gate_closed((struct user_gate *)part);
	free(part);
}

cl_event CL_API_CALL ava_wrap_clCreateUserEvent(cl_context context, cl_int *errcode_ret)
{
	cl_event e = avagen_clCreateUserEvent(context, errcode_ret);
	struct ava_obj *o = ava_obj_check(e, AVA_HT_OPENCL_event);
	struct user_gate *g = o ? calloc(1, sizeof(*g)) : NULL;

	if (!g)
		return e;
	g->own.part.free = gate_free;
	atomic_fetch_add(&unset_user_events, 1);
	if (ava_obj_attach(o, &g->own.part))
		gate_free(&g->own.part);
	ava_cl_owner_set(o, context);
	return e;
}

cl_int CL_API_CALL ava_wrap_clSetUserEventStatus(cl_event event, cl_int execution_status)
{
	cl_int err = avagen_clSetUserEventStatus(event, execution_status);
	struct ava_obj *o = ava_obj_check(event, AVA_HT_OPENCL_event);
	struct ava_obj_part *part = o ? ava_obj_part(o) : NULL;

	/* a user event's status is set once: later calls fail */
	if (err == CL_SUCCESS && part && part->free == gate_free)
		gate_closed((struct user_gate *)part);
	return err;
}

static void poll_pause(unsigned round)
{
	struct timespec ts = { 0, round < 1024 ? 50000 : 1000000 };

	if (round < 64)
		sched_yield();
	else
		nanosleep(&ts, NULL);
}

/* Until the event finished (or is no event): the session is free between polls. */
static void poll_event(cl_event e)
{
	unsigned round;

	for (round = 0;; round++) {
		cl_int st = CL_QUEUED;

		if (ava_opencl_dispatch.clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st,
						       NULL) != CL_SUCCESS ||
		    st <= CL_COMPLETE)
			return;
		poll_pause(round);
	}
}

static int gates_open(void)
{
	return atomic_load(&unset_user_events) > 0;
}

static void poll_events(cl_uint n, const cl_event *list)
{
	cl_uint i;

	for (i = 0; list && i < n; i++)
		if (ava_obj_check(list[i], AVA_HT_OPENCL_event))
			poll_event(list[i]);
}

/*
 * Before a call that blocks in the worker until the commands queued on q
 * (or those of the wait list) finished: waits for them here when they may
 * wait for the application.  A marker stands for the queue's commands.
 */
static void await_gates(cl_command_queue q, cl_uint nwait, const cl_event *wait)
{
	cl_event marker = NULL;

	if (!gates_open())
		return;
	poll_events(nwait, wait);
	if (!ava_obj_check(q, AVA_HT_OPENCL_queue) ||
	    ava_opencl_dispatch.clEnqueueMarkerWithWaitList(q, 0, NULL, &marker) != CL_SUCCESS || !marker)
		return;
	ava_opencl_dispatch.clFlush(q);
	poll_event(marker);
	ava_opencl_dispatch.clReleaseEvent(marker);
}

void ava_cl_await_gates(cl_command_queue q, cl_bool blocking, cl_uint nwait, const cl_event *wait)
{
	if (blocking)
		await_gates(q, nwait, wait);
}

cl_bool ava_cl_transfer_blocking(cl_bool blocking, size_t size, const cl_event *ev)
{
	return blocking || (!ev && size >= AVA_STREAM_MIN && !gates_open());
}

/* The worker then answers: its errors, CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, ... */
cl_int CL_API_CALL ava_wrap_clWaitForEvents(cl_uint n, const cl_event *list)
{
	if (gates_open())
		poll_events(n, list);
	return avagen_clWaitForEvents(n, list);
}

cl_int CL_API_CALL ava_wrap_clFinish(cl_command_queue q)
{
	await_gates(q, 0, NULL);
	return avagen_clFinish(q);
}

/*
 * The transfers, reads and writes of buffers, rectangles and images: the
 * guest's own checks of the arguments (check: an error or CL_SUCCESS;
 * opencl_checks.c), then the call, once the user events it could wait for
 * in the worker are set (AVA_CL_GATED_SEND).  Writes are sent without
 * waiting unless blocking, so an error the vendor finds comes back at the
 * next synchronous call.  params: the parameter list; the arguments follow.
 */
#define GATED_TRANSFER(name, params, check, ...)                                                            \
	cl_int CL_API_CALL ava_wrap_##name params                                                           \
	{                                                                                                   \
		cl_int err = (check);                                                                       \
		return err ? err : AVA_CL_GATED_SEND(q, blocking, nwait, wait, ev, avagen_##name(__VA_ARGS__)); \
	}

/* A buffer transfer's error; when none, its blocking flag as sent (ava_cl_transfer_blocking). */
static cl_int buffer_transfer(cl_int err, cl_bool *blocking, size_t size, const cl_event *ev)
{
	if (err == CL_SUCCESS)
		*blocking = ava_cl_transfer_blocking(*blocking, size, ev);
	return err;
}

static cl_int write_image_error(cl_command_queue q, cl_mem image, const size_t *origin, const size_t *region,
				const void *ptr, cl_uint nwait, const cl_event *wait)
{
	cl_int err = ava_cl_write_error(q, image, 0, 0, ptr, nwait, wait);

	return err ? err : ava_cl_image_region_error(image, origin, region);
}

GATED_TRANSFER(clEnqueueReadBuffer,
	       (cl_command_queue q, cl_mem buf, cl_bool blocking, size_t offset, size_t size, void *ptr, cl_uint nwait,
		const cl_event *wait, cl_event *ev),
	       buffer_transfer(CL_SUCCESS, &blocking, size, ev), q, buf, blocking, offset, size, ptr, nwait, wait, ev)

GATED_TRANSFER(clEnqueueWriteBuffer,
	       (cl_command_queue q, cl_mem buf, cl_bool blocking, size_t offset, size_t size, const void *ptr,
		cl_uint nwait, const cl_event *wait, cl_event *ev),
	       buffer_transfer(ava_cl_write_error(q, buf, offset, size, ptr, nwait, wait), &blocking, size, ev), q, buf,
	       blocking, offset, size, ptr, nwait, wait, ev)

/*
 * A read into padded host memory that would stream goes packed and blocking
 * (opencl_padded_reads.c), unless a user event the application sets later
 * may hold it: then it goes as it is, through the arena.
 */
cl_int CL_API_CALL ava_wrap_clEnqueueReadBufferRect(cl_command_queue q, cl_mem buf, cl_bool blocking,
						    const size_t *buffer_origin, const size_t *host_origin,
						    const size_t *region, size_t buffer_row_pitch,
						    size_t buffer_slice_pitch, size_t host_row_pitch,
						    size_t host_slice_pitch, void *ptr, cl_uint nwait,
						    const cl_event *wait, cl_event *ev)
{
	if (ava_cl_rect_read_padded(host_origin, region, host_row_pitch, host_slice_pitch, ptr) &&
	    (blocking || !gates_open()))
		return AVA_CL_GATED_SEND(q, CL_TRUE, nwait, wait, ev,
					 ava_cl_read_rect_packed(q, buf, buffer_origin, host_origin, region,
								 buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
								 host_slice_pitch, ptr, nwait, wait, ev));
	return AVA_CL_GATED_SEND(q, blocking, nwait, wait, ev,
				 avagen_clEnqueueReadBufferRect(q, buf, blocking, buffer_origin, host_origin, region,
								buffer_row_pitch, buffer_slice_pitch, host_row_pitch,
								host_slice_pitch, ptr, nwait, wait, ev));
}

GATED_TRANSFER(clEnqueueWriteBufferRect,
	       (cl_command_queue q, cl_mem buf, cl_bool blocking, const size_t *buffer_origin, const size_t *host_origin,
		const size_t *region, size_t buffer_row_pitch, size_t buffer_slice_pitch, size_t host_row_pitch,
		size_t host_slice_pitch, const void *ptr, cl_uint nwait, const cl_event *wait, cl_event *ev),
	       ava_cl_write_error(q, buf, 0, 0, ptr, nwait, wait), q, buf, blocking, buffer_origin, host_origin, region,
	       buffer_row_pitch, buffer_slice_pitch, host_row_pitch, host_slice_pitch, ptr, nwait, wait, ev)

cl_int CL_API_CALL ava_wrap_clEnqueueReadImage(cl_command_queue q, cl_mem image, cl_bool blocking,
					       const size_t *origin, const size_t *region, size_t row_pitch,
					       size_t slice_pitch, void *ptr, cl_uint nwait, const cl_event *wait,
					       cl_event *ev)
{
	if (ava_cl_image_read_padded(image, region, row_pitch, slice_pitch, ptr) && (blocking || !gates_open()))
		return AVA_CL_GATED_SEND(q, CL_TRUE, nwait, wait, ev,
					 ava_cl_read_image_packed(q, image, origin, region, row_pitch, slice_pitch, ptr,
								  nwait, wait, ev));
	return AVA_CL_GATED_SEND(q, blocking, nwait, wait, ev,
				 avagen_clEnqueueReadImage(q, image, blocking, origin, region, row_pitch, slice_pitch,
							   ptr, nwait, wait, ev));
}

GATED_TRANSFER(clEnqueueWriteImage,
	       (cl_command_queue q, cl_mem image, cl_bool blocking, const size_t *origin, const size_t *region,
		size_t row_pitch, size_t slice_pitch, const void *ptr, cl_uint nwait, const cl_event *wait, cl_event *ev),
	       write_image_error(q, image, origin, region, ptr, nwait, wait), q, image, blocking, origin, region,
	       row_pitch, slice_pitch, ptr, nwait, wait, ev)
