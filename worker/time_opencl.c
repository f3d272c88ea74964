// SPDX-License-Identifier: MIT
/*
 * OpenCL device time (time_opencl.h).  A command's device time is its
 * profiling END - START, read once the event says CL_COMPLETE (a status
 * query, no wait).  The queues whose profiling the worker turned on are
 * remembered by address; each creation sets or clears its entry, so that
 * an address the vendor reuses is never taken for an older queue.
 */
#include "opencl_worker_rt.h"
#include "time_opencl.h"
#include "worker_time.h"

#define MAX_PROPS 64	/* property pairs of a queue the worker rewrites */

/* queue -> FORCED_BIT, or FORCED_PAIR: profiling added by the worker */
static struct ava_hmap forced;
#define FORCED_BIT 1	/* to the guest's CL_QUEUE_PROPERTIES */
#define FORCED_PAIR 2	/* a CL_QUEUE_PROPERTIES pair appended to the guest's array */

static int ev_poll(void *rec, uint64_t *ns)
{
	cl_event ev = rec;
	cl_int st;
	cl_ulong start, end;

	if (clGetEventInfo(ev, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof(st), &st, NULL) != CL_SUCCESS || st < 0)
		return -1;
	if (st != CL_COMPLETE)
		return 0;
	if (clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_START, sizeof(start), &start, NULL) != CL_SUCCESS ||
	    clGetEventProfilingInfo(ev, CL_PROFILING_COMMAND_END, sizeof(end), &end, NULL) != CL_SUCCESS)
		return -1;
	*ns = end > start ? end - start : 0;
	return 1;
}

static void ev_drop(void *rec)
{
	clReleaseEvent(rec);
}

static const struct avaw_time_src ev_src = { ev_poll, ev_drop };

void avaw_opencl_time_event(struct avaw_call *c, cl_event ev)
{
	(void)c;
	if (!ev || !avaw_time_on() || clRetainEvent(ev) != CL_SUCCESS)
		return;
	avaw_time_track(&ev_src, ev);
}

static void remember(cl_command_queue q, uintptr_t added)
{
	if (!q)
		return;
	if (added)
		ava_hmap_put(&forced, (uint64_t)(uintptr_t)q, (void *)added);
	else
		ava_hmap_del(&forced, (uint64_t)(uintptr_t)q);
}

cl_command_queue avaw_cl_create_queue(struct avaw_call *c, cl_context ctx, cl_device_id dev,
				      cl_command_queue_properties props, cl_int *err)
{
	int add = avaw_time_on() && !(props & CL_QUEUE_PROFILING_ENABLE);
	cl_command_queue q;

	q = clCreateCommandQueue(ctx, dev, add ? props | CL_QUEUE_PROFILING_ENABLE : props, err);
	remember(q, add ? FORCED_BIT : 0);
	avaw_cl_stream_queue(c, q);
	return q;
}

cl_command_queue avaw_cl_create_queue_props(struct avaw_call *c, cl_context ctx, cl_device_id dev,
					    const cl_queue_properties *props, cl_int *err)
{
	cl_queue_properties p[2 * MAX_PROPS + 3];
	size_t i, at = 0;
	int add = avaw_time_on();
	cl_command_queue q;

	for (i = 0; props && props[i] && i < 2 * MAX_PROPS; i += 2) {
		p[i] = props[i];
		p[i + 1] = props[i + 1];
		if (props[i] == CL_QUEUE_PROPERTIES)
			at = i + 1;
	}
	if (props && props[i])
		add = 0;	/* more than the worker rewrites: left as it is */
	if (at && (p[at] & CL_QUEUE_PROFILING_ENABLE))
		add = 0;
	if (!add) {
		q = clCreateCommandQueueWithProperties(ctx, dev, props, err);
		remember(q, 0);
		avaw_cl_stream_queue(c, q);
		return q;
	}
	add = at ? FORCED_BIT : FORCED_PAIR;
	if (!at) {
		p[i] = CL_QUEUE_PROPERTIES;
		p[i + 1] = 0;
		at = i + 1;
		i += 2;
	}
	p[at] |= CL_QUEUE_PROFILING_ENABLE;
	p[i] = 0;
	q = clCreateCommandQueueWithProperties(ctx, dev, p, err);
	remember(q, (uintptr_t)add);
	avaw_cl_stream_queue(c, q);
	return q;
}

/* What the guest reads of a queue the worker added profiling to: not that
 * bit, nor the pair the worker appended to its properties array. */
static void hide(cl_command_queue_info name, size_t size, void *value, size_t *size_ret, uintptr_t how)
{
	cl_queue_properties *a = value;
	size_t i, n = size / sizeof(*a);

	if (name == CL_QUEUE_PROPERTIES && value && size >= sizeof(cl_command_queue_properties)) {
		*(cl_command_queue_properties *)value &= ~(cl_command_queue_properties)CL_QUEUE_PROFILING_ENABLE;
		return;
	}
	if (name != CL_QUEUE_PROPERTIES_ARRAY)
		return;
	if (how == FORCED_PAIR && size_ret && *size_ret >= 3 * sizeof(*a))
		*size_ret -= 2 * sizeof(*a);
	for (i = 0; value && i + 1 < n && a[i]; i += 2) {
		if (a[i] != CL_QUEUE_PROPERTIES)
			continue;
		a[i + 1] &= ~(cl_queue_properties)CL_QUEUE_PROFILING_ENABLE;
		if (how == FORCED_PAIR)
			a[i] = 0;	/* the appended pair, last: the array ends here */
	}
}

cl_int avaw_cl_queue_info(struct avaw_call *c, cl_command_queue q, cl_command_queue_info name, size_t size,
			  void *value, size_t *size_ret)
{
	cl_int r = clGetCommandQueueInfo(q, name, size, value, size_ret);
	uintptr_t how = (uintptr_t)ava_hmap_get(&forced, (uint64_t)(uintptr_t)q);

	(void)c;
	if (r == CL_SUCCESS && how)
		hide(name, size, value, size_ret, how);
	return r;
}

cl_int avaw_cl_event_profiling(struct avaw_call *c, cl_event ev, cl_profiling_info name, size_t size, void *value,
			       size_t *size_ret)
{
	cl_command_queue q = NULL;

	(void)c;
	if (clGetEventInfo(ev, CL_EVENT_COMMAND_QUEUE, sizeof(q), &q, NULL) == CL_SUCCESS && q &&
	    ava_hmap_get(&forced, (uint64_t)(uintptr_t)q))
		return CL_PROFILING_INFO_NOT_AVAILABLE;
	return clGetEventProfilingInfo(ev, name, size, value, size_ret);
}
