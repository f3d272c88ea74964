/*
 * Argument errors of enqueues that AvA sends without waiting (copies,
 * fills, kernels, markers, barriers, non-blocking writes) come from the
 * call itself, as natively, and a failed call returns no event (CTS api
 * negative_enqueue_marker_with_wait_list, buffers negative tests).  Each
 * line prints the error symbolically; a clFinish at the end must then
 * succeed: the refused calls left no deferred error behind.
 */
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#include "cltest.h"

#include <stdio.h>

enum { N = 4096 };

static void expect_code_(const char *what, cl_int got, cl_int want, cl_event ev, int line)
{
    printf("%s: %s\n", what, cl_err_name(got));
    if (got != want)
        cltest_fail(__FILE__, line, "%s: got %s, want %s", what, cl_err_name(got), cl_err_name(want));
    if (ev)
        cltest_fail(__FILE__, line, "%s: an event was returned with the error", what);
}
#define EXPECT_CODE(what, call, want) \
    do { \
        cl_event ev_ = NULL; \
        cl_event *ev = &ev_; \
        (void)ev; \
        expect_code_((what), (call), (want), ev_, __LINE__); \
    } while (0)

static void queue_and_wait_list(struct cltest *t)
{
    cl_event none = NULL;

    EXPECT_CODE("marker, NULL queue", clEnqueueMarkerWithWaitList(NULL, 0, NULL, ev),
                CL_INVALID_COMMAND_QUEUE);
    EXPECT_CODE("barrier, NULL queue", clEnqueueBarrierWithWaitList(NULL, 0, NULL, ev),
                CL_INVALID_COMMAND_QUEUE);
    EXPECT_CODE("marker, 1 event, NULL list", clEnqueueMarkerWithWaitList(t->queue, 1, NULL, ev),
                CL_INVALID_EVENT_WAIT_LIST);
    EXPECT_CODE("marker, 0 events, a list", clEnqueueMarkerWithWaitList(t->queue, 0, &none, ev),
                CL_INVALID_EVENT_WAIT_LIST);
    EXPECT_CODE("clEnqueueMarker, NULL event", clEnqueueMarker(t->queue, NULL), CL_INVALID_VALUE);
    EXPECT_CODE("clEnqueueBarrier, NULL queue", clEnqueueBarrier(NULL), CL_INVALID_COMMAND_QUEUE);
}

static void copies_and_fills(struct cltest *t, cl_mem a, cl_mem b)
{
    static char data[N];
    const cl_int pattern = 7;

    EXPECT_CODE("copy past the end", clEnqueueCopyBuffer(t->queue, a, b, 0, 1, N, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_CODE("copy, overlapping regions", clEnqueueCopyBuffer(t->queue, a, a, 0, 16, 64, 0, NULL, ev),
                CL_MEM_COPY_OVERLAP);
    EXPECT_CODE("copy, NULL source", clEnqueueCopyBuffer(t->queue, NULL, b, 0, 0, 16, 0, NULL, ev),
                CL_INVALID_MEM_OBJECT);
    EXPECT_CODE("fill, 3-byte pattern", clEnqueueFillBuffer(t->queue, a, &pattern, 3, 0, 12, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_CODE("fill, size not a pattern multiple",
                clEnqueueFillBuffer(t->queue, a, &pattern, 4, 0, 10, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_CODE("fill past the end", clEnqueueFillBuffer(t->queue, a, &pattern, 4, N, 4, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_CODE("non-blocking write past the end",
                clEnqueueWriteBuffer(t->queue, a, CL_FALSE, 8, N, data, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_CODE("non-blocking write, NULL pointer",
                clEnqueueWriteBuffer(t->queue, a, CL_FALSE, 0, 16, NULL, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_CODE("non-blocking write, NULL queue",
                clEnqueueWriteBuffer(NULL, a, CL_FALSE, 0, 16, data, 0, NULL, ev), CL_INVALID_COMMAND_QUEUE);
}

static void kernels(struct cltest *t, cl_mem a)
{
    cl_program prog = cltest_build(t, "__kernel void k(__global int *a) { a[get_global_id(0)] = 1; }", NULL);
    cl_kernel k = prog ? cltest_kernel(prog, "k") : NULL;
    const size_t global[3] = { 16, 1, 1 };

    if (!k) {
        cltest_fail(__FILE__, __LINE__, "kernel build");
        return;
    }
    CHECK(clSetKernelArg(k, 0, sizeof(a), &a));
    EXPECT_CODE("kernel, work_dim 0", clEnqueueNDRangeKernel(t->queue, k, 0, NULL, global, NULL, 0, NULL, ev),
                CL_INVALID_WORK_DIMENSION);
    EXPECT_CODE("kernel, work_dim 4", clEnqueueNDRangeKernel(t->queue, k, 4, NULL, global, NULL, 0, NULL, ev),
                CL_INVALID_WORK_DIMENSION);
    EXPECT_CODE("task, NULL queue", clEnqueueTask(NULL, k, 0, NULL, ev), CL_INVALID_COMMAND_QUEUE);
    clReleaseKernel(k);
    clReleaseProgram(prog);
}

int main(void)
{
    struct cltest t;
    cl_mem a, b;

    if (cltest_init(&t, 0))
        return 1;
    a = cltest_buffer(&t, CL_MEM_READ_WRITE, N, NULL);
    b = cltest_buffer(&t, CL_MEM_READ_WRITE, N, NULL);
    if (a && b) {
        queue_and_wait_list(&t);
        copies_and_fills(&t, a, b);
        kernels(&t, a);
        /* nothing refused above may surface here as a deferred error */
        CHECK(clFinish(t.queue));
    }
    if (a)
        clReleaseMemObject(a);
    if (b)
        clReleaseMemObject(b);
    cltest_release(&t);
    return cltest_done("enqerrors");
}
