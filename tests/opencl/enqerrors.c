/*
 * Argument errors of enqueues that AvA sends without waiting (copies,
 * fills, kernels, markers, barriers, non-blocking writes, rectangle
 * copies, migrations, image copies and fills) come from the call itself,
 * as natively, and a failed call returns no event (CTS api
 * negative_enqueue_marker_with_wait_list, buffers negative tests): ranges,
 * pitches, overlaps, image origins and regions, and wait lists holding an
 * event of another context (CL_INVALID_CONTEXT).  Each line prints the
 * error symbolically; a clFinish at the end must then succeed: the refused
 * calls left no deferred error behind.
 */
#define CL_USE_DEPRECATED_OPENCL_1_1_APIS
#include "cltest.h"

#include <stdio.h>

enum { N = 4096, W = 16, H = 16 };

static void queue_and_wait_list(struct cltest *t)
{
    cl_event none = NULL;

    EXPECT_ENQ_CODE("marker, NULL queue", clEnqueueMarkerWithWaitList(NULL, 0, NULL, ev),
                CL_INVALID_COMMAND_QUEUE);
    EXPECT_ENQ_CODE("barrier, NULL queue", clEnqueueBarrierWithWaitList(NULL, 0, NULL, ev),
                CL_INVALID_COMMAND_QUEUE);
    EXPECT_ENQ_CODE("marker, 1 event, NULL list", clEnqueueMarkerWithWaitList(t->queue, 1, NULL, ev),
                CL_INVALID_EVENT_WAIT_LIST);
    EXPECT_ENQ_CODE("marker, 0 events, a list", clEnqueueMarkerWithWaitList(t->queue, 0, &none, ev),
                CL_INVALID_EVENT_WAIT_LIST);
    EXPECT_ENQ_CODE("clEnqueueMarker, NULL event", clEnqueueMarker(t->queue, NULL), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("clEnqueueBarrier, NULL queue", clEnqueueBarrier(NULL), CL_INVALID_COMMAND_QUEUE);
}

static void copies_and_fills(struct cltest *t, cl_mem a, cl_mem b)
{
    static char data[N];
    const cl_int pattern = 7;

    EXPECT_ENQ_CODE("copy past the end", clEnqueueCopyBuffer(t->queue, a, b, 0, 1, N, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("copy, overlapping regions", clEnqueueCopyBuffer(t->queue, a, a, 0, 16, 64, 0, NULL, ev),
                CL_MEM_COPY_OVERLAP);
    EXPECT_ENQ_CODE("copy, NULL source", clEnqueueCopyBuffer(t->queue, NULL, b, 0, 0, 16, 0, NULL, ev),
                CL_INVALID_MEM_OBJECT);
    EXPECT_ENQ_CODE("fill, 3-byte pattern", clEnqueueFillBuffer(t->queue, a, &pattern, 3, 0, 12, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("fill, size not a pattern multiple",
                clEnqueueFillBuffer(t->queue, a, &pattern, 4, 0, 10, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("fill past the end", clEnqueueFillBuffer(t->queue, a, &pattern, 4, N, 4, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("non-blocking write past the end",
                clEnqueueWriteBuffer(t->queue, a, CL_FALSE, 8, N, data, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("non-blocking write, NULL pointer",
                clEnqueueWriteBuffer(t->queue, a, CL_FALSE, 0, 16, NULL, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("non-blocking write, NULL queue",
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
    EXPECT_ENQ_CODE("kernel, argument not set", clEnqueueNDRangeKernel(t->queue, k, 1, NULL, global, NULL, 0, NULL, ev),
                    CL_INVALID_KERNEL_ARGS);
    EXPECT_ENQ_CODE("task, argument not set", clEnqueueTask(t->queue, k, 0, NULL, ev), CL_INVALID_KERNEL_ARGS);
    CHECK(clSetKernelArg(k, 0, sizeof(a), &a));
    EXPECT_ENQ_CODE("kernel, work_dim 0", clEnqueueNDRangeKernel(t->queue, k, 0, NULL, global, NULL, 0, NULL, ev),
                CL_INVALID_WORK_DIMENSION);
    EXPECT_ENQ_CODE("kernel, work_dim 4", clEnqueueNDRangeKernel(t->queue, k, 4, NULL, global, NULL, 0, NULL, ev),
                CL_INVALID_WORK_DIMENSION);
    EXPECT_ENQ_CODE("task, NULL queue", clEnqueueTask(NULL, k, 0, NULL, ev), CL_INVALID_COMMAND_QUEUE);
    clReleaseKernel(k);
    clReleaseProgram(prog);
}

/* Local work sizes against the device's and the kernel's limits (CTS api kernel_required_group_size). */
static void work_groups(struct cltest *t, cl_mem a)
{
    cl_program prog = cltest_build(t,
                                   "__kernel __attribute__((reqd_work_group_size(4, 1, 1)))\n"
                                   "void r(__global int *a) { a[get_global_id(0)] = 1; }\n"
                                   "__kernel void k(__global int *a) { a[get_global_id(0)] = 2; }\n",
                                   NULL);
    cl_kernel r = prog ? cltest_kernel(prog, "r") : NULL, k = prog ? cltest_kernel(prog, "k") : NULL;
    size_t max_items[3] = { 0 };
    const size_t global[1] = { 16 }, ten[1] = { 10 }, four[1] = { 4 }, eight[1] = { 8 };
    size_t over[1];

    if (!r || !k || !CHECK(clGetDeviceInfo(t->device, CL_DEVICE_MAX_WORK_ITEM_SIZES, sizeof(max_items), max_items,
                                           NULL)))
        goto out;
    over[0] = max_items[0] * 2;
    CHECK(clSetKernelArg(r, 0, sizeof(a), &a));
    CHECK(clSetKernelArg(k, 0, sizeof(a), &a));
    EXPECT_ENQ_CODE("required size", clEnqueueNDRangeKernel(t->queue, r, 1, NULL, global, four, 0, NULL, ev),
                    CL_SUCCESS);
    EXPECT_ENQ_CODE("not the required size",
                    clEnqueueNDRangeKernel(t->queue, r, 1, NULL, global, eight, 0, NULL, ev),
                    CL_INVALID_WORK_GROUP_SIZE);
    EXPECT_ENQ_CODE("local size over the device's items and group size",
                    clEnqueueNDRangeKernel(t->queue, k, 1, NULL, global, over, 0, NULL, ev),
                    CL_INVALID_WORK_GROUP_SIZE);
    /* an OpenCL 1.2 program: uniform work-groups whatever the device offers */
    EXPECT_ENQ_CODE("non-uniform work-groups",
                    clEnqueueNDRangeKernel(t->queue, k, 1, NULL, ten, four, 0, NULL, ev),
                    CL_INVALID_WORK_GROUP_SIZE);
out:
    if (r)
        clReleaseKernel(r);
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
}

static void copy_rects(struct cltest *t, cl_mem a, cl_mem b)
{
    const size_t o0[3] = { 0, 0, 0 }, o1[3] = { 4, 1, 0 }, far[3] = { 0, 63, 0 };
    const size_t r[3] = { 16, 16, 1 }, empty[3] = { 16, 0, 1 };

    EXPECT_ENQ_CODE("copy rect", clEnqueueCopyBufferRect(t->queue, a, b, o0, o1, r, 64, 0, 64, 0, 0, NULL, ev),
                CL_SUCCESS);
    EXPECT_ENQ_CODE("copy rect, NULL region",
                clEnqueueCopyBufferRect(t->queue, a, b, o0, o0, NULL, 64, 0, 64, 0, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("copy rect, empty region",
                clEnqueueCopyBufferRect(t->queue, a, b, o0, o0, empty, 64, 0, 64, 0, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("copy rect, row pitch under the region",
                clEnqueueCopyBufferRect(t->queue, a, b, o0, o0, r, 8, 0, 64, 0, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("copy rect past the end",
                clEnqueueCopyBufferRect(t->queue, a, b, far, o0, r, 64, 0, 64, 0, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("copy rect, overlapping in one buffer",
                clEnqueueCopyBufferRect(t->queue, a, a, o0, o1, r, 64, 0, 64, 0, 0, NULL, ev),
                CL_MEM_COPY_OVERLAP);
}

static void migrations(struct cltest *t, cl_mem a)
{
    cl_mem none = NULL;

    EXPECT_ENQ_CODE("migrate", clEnqueueMigrateMemObjects(t->queue, 1, &a, CL_MIGRATE_MEM_OBJECT_HOST, 0, NULL, ev),
                CL_SUCCESS);
    EXPECT_ENQ_CODE("migrate, no objects", clEnqueueMigrateMemObjects(t->queue, 0, &a, 0, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("migrate, NULL object", clEnqueueMigrateMemObjects(t->queue, 1, &none, 0, 0, NULL, ev),
                CL_INVALID_MEM_OBJECT);
    EXPECT_ENQ_CODE("migrate, unknown flag", clEnqueueMigrateMemObjects(t->queue, 1, &a, 1 << 8, 0, NULL, ev),
                CL_INVALID_VALUE);
}

static cl_mem image(struct cltest *t, cl_channel_type type)
{
    const cl_image_format f = { CL_RGBA, type };
    cl_image_desc d = { 0 };
    cl_int err;
    cl_mem m;

    d.image_type = CL_MEM_OBJECT_IMAGE2D;
    d.image_width = W;
    d.image_height = H;
    m = clCreateImage(t->context, CL_MEM_READ_WRITE, &f, &d, NULL, &err);
    CHECK(err);
    return m;
}

static void image_regions(struct cltest *t, cl_mem buf)
{
    static unsigned char px[W * H * 4];
    const size_t o0[3] = { 0, 0, 0 }, o4[3] = { 4, 4, 0 }, past[3] = { 0, H - 4, 0 }, z1[3] = { 0, 0, 1 };
    const size_t r8[3] = { 8, 8, 1 }, deep[3] = { 8, 8, 2 }, whole[3] = { W, H, 1 }, tall[3] = { 4, H + 1, 1 };
    const float color[4] = { 0 };
    cl_mem img = image(t, CL_UNORM_INT8), img2 = image(t, CL_UNORM_INT8), other = image(t, CL_FLOAT);

    if (!img || !img2 || !other)
        goto out;
    EXPECT_ENQ_CODE("image copy", clEnqueueCopyImage(t->queue, img, img, o0, past, (size_t[3]){ 4, 4, 1 }, 0, NULL, ev),
                CL_SUCCESS);
    EXPECT_ENQ_CODE("image copy past the height", clEnqueueCopyImage(t->queue, img, img2, o0, past, r8, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("image copy, 2 slices of a 2D image",
                clEnqueueCopyImage(t->queue, img, img2, o0, o4, deep, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("image copy, origin z 1 in a 2D image",
                clEnqueueCopyImage(t->queue, img, img2, z1, o4, r8, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("image copy, overlapping in one image",
                clEnqueueCopyImage(t->queue, img, img, o0, o4, r8, 0, NULL, ev), CL_MEM_COPY_OVERLAP);
    EXPECT_ENQ_CODE("image copy, other format", clEnqueueCopyImage(t->queue, img, other, o0, o0, r8, 0, NULL, ev),
                CL_IMAGE_FORMAT_MISMATCH);
    EXPECT_ENQ_CODE("image fill past the height", clEnqueueFillImage(t->queue, other, color, o0, tall, 0, NULL, ev),
                CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("image to buffer past the buffer",
                clEnqueueCopyImageToBuffer(t->queue, img, buf, o0, whole, N - 16, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("buffer to image past the image",
                clEnqueueCopyBufferToImage(t->queue, buf, img, 0, o4, whole, 0, NULL, ev), CL_INVALID_VALUE);
    EXPECT_ENQ_CODE("non-blocking image write past the image",
                clEnqueueWriteImage(t->queue, img, CL_FALSE, o4, whole, 0, 0, px, 0, NULL, ev), CL_INVALID_VALUE);
out:
    if (img)
        clReleaseMemObject(img);
    if (img2)
        clReleaseMemObject(img2);
    if (other)
        clReleaseMemObject(other);
}

/* Events of another context in a wait list: a user event and an enqueue's. */
static void other_context(struct cltest *t, cl_mem a, cl_mem b)
{
    cl_int err;
    cl_context ctx2 = clCreateContext(NULL, 1, &t->device, NULL, NULL, &err);
    cl_command_queue q2 = ctx2 ? clCreateCommandQueue(ctx2, t->device, 0, &err) : NULL;
    cl_event user = q2 ? clCreateUserEvent(ctx2, &err) : NULL, marker = NULL;

    if (!user || !CHECK(clEnqueueMarkerWithWaitList(q2, 0, NULL, &marker)))
        goto out;
    EXPECT_ENQ_CODE("marker, user event of another context",
                clEnqueueMarkerWithWaitList(t->queue, 1, &user, ev), CL_INVALID_CONTEXT);
    EXPECT_ENQ_CODE("copy, marker of another context", clEnqueueCopyBuffer(t->queue, a, b, 0, 0, 64, 1, &marker, ev),
                CL_INVALID_CONTEXT);
    EXPECT_ENQ_CODE("barrier, user event of another context",
                clEnqueueBarrierWithWaitList(t->queue, 1, &user, ev), CL_INVALID_CONTEXT);
    EXPECT_ENQ_CODE("marker on its own context", clEnqueueMarkerWithWaitList(q2, 1, &user, ev), CL_SUCCESS);
    CHECK(clSetUserEventStatus(user, CL_COMPLETE));
    CHECK(clFinish(q2));
out:
    if (marker)
        clReleaseEvent(marker);
    if (user)
        clReleaseEvent(user);
    if (q2)
        clReleaseCommandQueue(q2);
    if (ctx2)
        clReleaseContext(ctx2);
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
        work_groups(&t, a);
        copy_rects(&t, a, b);
        migrations(&t, a);
        if (cltest_device_uint(&t, CL_DEVICE_IMAGE_SUPPORT))
            image_regions(&t, b);
        other_context(&t, a, b);
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
