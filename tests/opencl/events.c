/*
 * Events: events returned by enqueues, wait lists across two queues (the
 * second one out-of-order when the device supports it), clWaitForEvents,
 * clGetEventInfo, user events gating a kernel, markers and barriers with wait
 * lists, profiling timestamps (only their order is printed) and
 * clSetEventCallback.
 */
#include "cltest.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *src =
    "__kernel void add(__global int *a, int v)\n"
    "{\n"
    "    a[get_global_id(0)] += v;\n"
    "}\n";

enum { N = 4096 };

static const char *command_name(cl_command_type c)
{
    switch (c) {
    case CL_COMMAND_NDRANGE_KERNEL: return "NDRANGE_KERNEL";
    case CL_COMMAND_TASK: return "TASK";
    case CL_COMMAND_READ_BUFFER: return "READ_BUFFER";
    case CL_COMMAND_WRITE_BUFFER: return "WRITE_BUFFER";
    case CL_COMMAND_COPY_BUFFER: return "COPY_BUFFER";
    case CL_COMMAND_MARKER: return "MARKER";
    case CL_COMMAND_BARRIER: return "BARRIER";
    case CL_COMMAND_USER: return "USER";
    case CL_COMMAND_FILL_BUFFER: return "FILL_BUFFER";
    default: return "other";
    }
}

static const char *status_name(cl_int s)
{
    switch (s) {
    case CL_COMPLETE: return "COMPLETE";
    case CL_RUNNING: return "RUNNING";
    case CL_SUBMITTED: return "SUBMITTED";
    case CL_QUEUED: return "QUEUED";
    default: return s < 0 ? "ERROR" : "unknown";
    }
}

static cl_int event_status(cl_event e)
{
    cl_int s = -12345;
    CHECK(clGetEventInfo(e, CL_EVENT_COMMAND_EXECUTION_STATUS, sizeof s, &s,
                         NULL));
    return s;
}

static cl_command_type event_type(cl_event e)
{
    cl_command_type c = 0;
    CHECK(clGetEventInfo(e, CL_EVENT_COMMAND_TYPE, sizeof c, &c, NULL));
    return c;
}

/* Enqueues add(b, v) over N items. */
static int enqueue_add(cl_command_queue q, cl_kernel k, cl_mem b, cl_int v,
                       cl_uint nwait, const cl_event *wait, cl_event *ev)
{
    size_t gws = N;
    return CHECK(clSetKernelArg(k, 0, sizeof b, &b)) &&
           CHECK(clSetKernelArg(k, 1, sizeof v, &v)) &&
           CHECK(clEnqueueNDRangeKernel(q, k, 1, NULL, &gws, NULL, nwait, wait,
                                        ev));
}

static int all_equal(const cl_int *a, cl_int v)
{
    for (int i = 0; i < N; i++)
        if (a[i] != v)
            return 0;
    return 1;
}

/* A buffer of N ints, all v, copied from *data (malloc'ed, the caller's). */
static cl_mem filled_buffer(struct cltest *t, cl_int **data, cl_int v)
{
    *data = malloc(N * sizeof **data);
    for (int i = 0; i < N; i++)
        (*data)[i] = v;
    return cltest_buffer(t, CL_MEM_READ_WRITE | CL_MEM_COPY_HOST_PTR,
                         N * sizeof **data, *data);
}

/* Write on q1 -> kernel on q2 -> read on q1, chained only by wait lists. */
static void chain(struct cltest *t, cl_command_queue q2, cl_kernel k)
{
    cl_int *in = malloc(N * sizeof *in), *out = calloc(N, sizeof *out);
    for (int i = 0; i < N; i++)
        in[i] = 10;
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE, N * sizeof *in, NULL);
    cl_event ev[3] = {NULL, NULL, NULL};
    CHECK(clEnqueueWriteBuffer(t->queue, b, CL_FALSE, 0, N * sizeof *in, in, 0,
                               NULL, &ev[0]));
    enqueue_add(q2, k, b, 5, 1, &ev[0], &ev[1]);
    CHECK(clFlush(q2));
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_FALSE, 0, N * sizeof *out, out,
                              1, &ev[1], &ev[2]));
    CHECK(clWaitForEvents(3, ev));
    int ok = all_equal(out, 15);
    EXPECT(ok, "chained write/kernel/read produced wrong data");
    printf("chain write -> kernel (other queue) -> read: %s\n",
           ok ? "ok" : "BAD");

    const cl_command_queue queues[3] = {t->queue, q2, t->queue};
    for (int i = 0; i < 3; i++) {
        cl_command_queue q = NULL;
        cl_context c = NULL;
        CHECK(clGetEventInfo(ev[i], CL_EVENT_COMMAND_QUEUE, sizeof q, &q,
                             NULL));
        CHECK(clGetEventInfo(ev[i], CL_EVENT_CONTEXT, sizeof c, &c, NULL));
        cl_int s = event_status(ev[i]);
        printf("  event %d: %s, %s, queue %s, context %s\n", i,
               command_name(event_type(ev[i])), status_name(s),
               q == queues[i] ? "ok" : "WRONG",
               c == t->context ? "ok" : "WRONG");
        EXPECT(s == CL_COMPLETE && q == queues[i] && c == t->context,
               "event %d info wrong", i);
    }
    /* Retain/release pairs must leave the event usable. */
    CHECK(clRetainEvent(ev[0]));
    CHECK(clReleaseEvent(ev[0]));
    for (int i = 0; i < 3; i++)
        CHECK(clReleaseEvent(ev[i]));
    clReleaseMemObject(b);
    free(in);
    free(out);
}

/* A user event holds back a kernel until the host completes it. */
static void user_event(struct cltest *t, cl_command_queue q2, cl_kernel k)
{
    cl_int err;
    cl_int *data;
    cl_mem b = filled_buffer(t, &data, 100);
    cl_event u = clCreateUserEvent(t->context, &err);
    if (!CHECK(err))
        return;
    cl_context c = NULL;
    CHECK(clGetEventInfo(u, CL_EVENT_CONTEXT, sizeof c, &c, NULL));
    printf("user event: %s, %s, context %s\n", command_name(event_type(u)),
           status_name(event_status(u)), c == t->context ? "ok" : "WRONG");
    EXPECT(event_type(u) == CL_COMMAND_USER &&
               event_status(u) == CL_SUBMITTED && c == t->context,
           "new user event info wrong");

    cl_event kev = NULL;
    enqueue_add(t->queue, k, b, 1, 1, &u, &kev);
    CHECK(clFlush(t->queue));
    cltest_sleep_ms(100);
    /* The kernel cannot have run; the other queue sees the old data. */
    cl_int s = event_status(kev);
    CHECK(clEnqueueReadBuffer(q2, b, CL_TRUE, 0, N * sizeof *data, data, 0,
                              NULL, NULL));
    int unchanged = all_equal(data, 100);
    printf("gated kernel before clSetUserEventStatus: %s, buffer %s\n",
           s == CL_COMPLETE ? "COMPLETE" : "not complete",
           unchanged ? "unchanged" : "CHANGED");
    EXPECT(s != CL_COMPLETE && unchanged, "kernel ran before its user event");

    CHECK(clSetUserEventStatus(u, CL_COMPLETE));
    CHECK(clWaitForEvents(1, &kev));
    CHECK(clEnqueueReadBuffer(t->queue, b, CL_TRUE, 0, N * sizeof *data, data,
                              0, NULL, NULL));
    int ok = all_equal(data, 101);
    printf("after CL_COMPLETE: user event %s, kernel %s, data %s\n",
           status_name(event_status(u)), status_name(event_status(kev)),
           ok ? "ok" : "BAD");
    EXPECT(ok && event_status(u) == CL_COMPLETE, "gated kernel result wrong");
    clReleaseEvent(kev);
    clReleaseEvent(u);
    clReleaseMemObject(b);
    free(data);
}

/* Markers and barriers with wait lists on q2 follow a gated kernel on q1. */
static void marker_barrier(struct cltest *t, cl_command_queue q2, cl_kernel k)
{
    cl_int err;
    cl_int *data;
    cl_mem b = filled_buffer(t, &data, 7);
    cl_event u = clCreateUserEvent(t->context, &err);
    CHECK(err);
    cl_event kev = NULL, mk = NULL, bar = NULL, rd = NULL;
    enqueue_add(t->queue, k, b, 3, 1, &u, &kev);
    CHECK(clFlush(t->queue));
    CHECK(clEnqueueMarkerWithWaitList(q2, 1, &kev, &mk));
    CHECK(clEnqueueBarrierWithWaitList(q2, 1, &kev, &bar));
    /* No wait list: the barrier alone orders this read after the kernel,
     * even if q2 is out-of-order. */
    memset(data, 0, N * sizeof *data);
    CHECK(clEnqueueReadBuffer(q2, b, CL_FALSE, 0, N * sizeof *data, data, 0,
                              NULL, &rd));
    CHECK(clFlush(q2));
    cltest_sleep_ms(100);
    int pending = event_status(mk) != CL_COMPLETE &&
                  event_status(bar) != CL_COMPLETE &&
                  event_status(rd) != CL_COMPLETE;
    printf("marker %s, barrier %s, before the user event: %s\n",
           command_name(event_type(mk)), command_name(event_type(bar)),
           pending ? "all pending" : "SOME COMPLETE");
    EXPECT(pending, "marker/barrier/read completed before their dependency");

    CHECK(clSetUserEventStatus(u, CL_COMPLETE));
    CHECK(clWaitForEvents(1, &rd));
    int ok = all_equal(data, 10);
    printf("after the user event: marker %s, barrier %s, read after barrier "
           "%s\n",
           status_name(event_status(mk)), status_name(event_status(bar)),
           ok ? "sees the kernel's result" : "BAD");
    EXPECT(ok, "read after barrier did not see the kernel's result");

    /* A marker without a wait list completes after everything before it. */
    cl_event e1 = NULL, m2 = NULL;
    enqueue_add(t->queue, k, b, 1, 0, NULL, &e1);
    CHECK(clEnqueueMarkerWithWaitList(t->queue, 0, NULL, &m2));
    CHECK(clWaitForEvents(1, &m2));
    printf("marker without wait list: previous kernel %s\n",
           status_name(event_status(e1)));
    EXPECT(event_status(e1) == CL_COMPLETE,
           "kernel before marker not complete");

    CHECK(clFinish(q2));
    CHECK(clFinish(t->queue));
    cl_event evs[] = {u, kev, mk, bar, rd, e1, m2};
    for (size_t i = 0; i < sizeof evs / sizeof evs[0]; i++)
        if (evs[i])
            clReleaseEvent(evs[i]);
    clReleaseMemObject(b);
    free(data);
}

static void profiling(struct cltest *t, cl_kernel k)
{
    cl_int err;
    cl_command_queue pq = clCreateCommandQueue(
        t->context, t->device, CL_QUEUE_PROFILING_ENABLE, &err);
    if (!CHECK(err))
        return;
    cl_command_queue_properties props = 0;
    CHECK(clGetCommandQueueInfo(pq, CL_QUEUE_PROPERTIES, sizeof props, &props,
                                NULL));
    printf("profiling queue: CL_QUEUE_PROFILING_ENABLE %s\n",
           props & CL_QUEUE_PROFILING_ENABLE ? "set" : "NOT set");

    cl_int *data = calloc(N, sizeof *data);
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE, N * sizeof *data, NULL);
    cl_event ev[2] = {NULL, NULL};
    CHECK(clEnqueueWriteBuffer(pq, b, CL_FALSE, 0, N * sizeof *data, data, 0,
                               NULL, &ev[0]));
    enqueue_add(pq, k, b, 1, 0, NULL, &ev[1]);
    CHECK(clWaitForEvents(2, ev));
    for (int i = 0; i < 2; i++) {
        cl_ulong ts[4] = {0, 0, 0, 0};
        static const cl_profiling_info what[4] = {
            CL_PROFILING_COMMAND_QUEUED, CL_PROFILING_COMMAND_SUBMIT,
            CL_PROFILING_COMMAND_START, CL_PROFILING_COMMAND_END};
        for (int j = 0; j < 4; j++)
            CHECK(clGetEventProfilingInfo(ev[i], what[j], sizeof ts[j], &ts[j],
                                          NULL));
        /* Print only the order of the timestamps, never their values. */
        printf("profiling %s: QUEUED <= SUBMIT %s, SUBMIT <= START %s, "
               "START <= END %s\n",
               command_name(event_type(ev[i])), ts[0] <= ts[1] ? "yes" : "NO",
               ts[1] <= ts[2] ? "yes" : "NO", ts[2] <= ts[3] ? "yes" : "NO");
        EXPECT(ts[0] <= ts[1] && ts[1] <= ts[2] && ts[2] <= ts[3],
               "profiling timestamps out of order");
        CHECK(clReleaseEvent(ev[i]));
    }

    /* Events of a queue without profiling have no timestamps. */
    cl_event e = NULL;
    enqueue_add(t->queue, k, b, 1, 0, NULL, &e);
    CHECK(clWaitForEvents(1, &e));
    cl_ulong ts = 0;
    cl_int perr = clGetEventProfilingInfo(e, CL_PROFILING_COMMAND_END,
                                          sizeof ts, &ts, NULL);
    printf("profiling info without CL_QUEUE_PROFILING_ENABLE: %s\n",
           cl_err_name(perr));
    EXPECT(perr == CL_PROFILING_INFO_NOT_AVAILABLE,
           "profiling info available on a non-profiling queue");
    clReleaseEvent(e);
    clReleaseMemObject(b);
    CHECK(clReleaseCommandQueue(pq));
    free(data);
}

struct cb_record {
    cl_event expected;
    atomic_int calls;
    atomic_int status;
    atomic_int event_ok;
};

static void CL_CALLBACK on_event(cl_event e, cl_int status, void *user_data)
{
    struct cb_record *r = user_data;
    atomic_store(&r->status, status);
    atomic_store(&r->event_ok, e == r->expected);
    atomic_fetch_add(&r->calls, 1);
}

/* Callbacks may run on another thread, possibly a little after the event
 * completed: wait up to 5 s for them. */
static void wait_callbacks(struct cb_record **r, int n)
{
    for (int i = 0; i < 500; i++) {
        int done = 1;
        for (int j = 0; j < n; j++)
            done &= atomic_load(&r[j]->calls) > 0;
        if (done)
            return;
        cltest_sleep_ms(10);
    }
}

static void report_callback(const char *what, struct cb_record *r)
{
    int calls = atomic_load(&r->calls), status = atomic_load(&r->status);
    int ev_ok = atomic_load(&r->event_ok);
    if (calls == 0) {
        printf("callback on %s: NOT invoked\n", what);
        FAIL("callback on %s was never invoked", what);
        return;
    }
    printf("callback on %s: invoked %s with %s, event %s\n", what,
           calls == 1 ? "once" : "more than once", status_name(status),
           ev_ok ? "matches" : "WRONG");
    EXPECT(calls == 1 && status == CL_COMPLETE && ev_ok,
           "callback on %s wrong", what);
}

static void callbacks(struct cltest *t, cl_kernel k)
{
    cl_int err;
    cl_mem b = cltest_buffer(t, CL_MEM_READ_WRITE, N * sizeof(cl_int), NULL);
    cl_int zero = 0;
    CHECK(clEnqueueFillBuffer(t->queue, b, &zero, sizeof zero, 0,
                              N * sizeof(cl_int), 0, NULL, NULL));
    static struct cb_record on_kernel, on_user, on_done;

    /* Kernel gated by a user event, so the callback is registered before the
     * kernel can complete. */
    cl_event u = clCreateUserEvent(t->context, &err);
    CHECK(err);
    cl_event kev = NULL;
    enqueue_add(t->queue, k, b, 1, 1, &u, &kev);
    on_kernel.expected = kev;
    on_user.expected = u;
    CHECK(clSetEventCallback(kev, CL_COMPLETE, on_event, &on_kernel));
    CHECK(clSetEventCallback(u, CL_COMPLETE, on_event, &on_user));
    CHECK(clSetUserEventStatus(u, CL_COMPLETE));
    CHECK(clFinish(t->queue));

    /* Registered on an event that has already completed. */
    on_done.expected = kev;
    CHECK(clSetEventCallback(kev, CL_COMPLETE, on_event, &on_done));

    struct cb_record *all[] = {&on_kernel, &on_user, &on_done};
    wait_callbacks(all, 3);
    report_callback("gated kernel", &on_kernel);
    report_callback("user event", &on_user);
    report_callback("completed event", &on_done);
    clReleaseEvent(kev);
    clReleaseEvent(u);
    clReleaseMemObject(b);
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("events");
    cl_int err;
    cl_command_queue_properties qp = 0;
    CHECK(clGetDeviceInfo(t.device, CL_DEVICE_QUEUE_PROPERTIES, sizeof qp, &qp,
                          NULL));
    /* The output must not depend on this choice: it is device-specific. */
    cl_command_queue q2 = clCreateCommandQueue(
        t.context, t.device, qp & CL_QUEUE_OUT_OF_ORDER_EXEC_MODE_ENABLE, &err);
    cl_program p = cltest_build(&t, src, "");
    cl_kernel k = p ? cltest_kernel(p, "add") : NULL;
    if (CHECK(err) && k) {
        chain(&t, q2, k);
        user_event(&t, q2, k);
        marker_barrier(&t, q2, k);
        profiling(&t, k);
        callbacks(&t, k);
    }
    if (q2) {
        CHECK(clFinish(q2));
        clReleaseCommandQueue(q2);
    }
    if (k)
        clReleaseKernel(k);
    if (p)
        clReleaseProgram(p);
    cltest_release(&t);
    return cltest_done("events");
}
