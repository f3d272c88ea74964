/*
 * Error paths of synchronous calls: every line prints the call's error code
 * symbolically and fails if it is not the one the OpenCL 1.2 specification
 * requires.
 *
 * Only calls that report their errors synchronously are tested: info
 * queries, object creation, clSetKernelArg, clBuildProgram and BLOCKING
 * enqueues.  Errors of non-blocking enqueues (kernels, non-blocking
 * reads/writes/copies/fills, markers) are deliberately left out: AvA sends
 * those calls asynchronously and reports their errors at the next
 * synchronization point, by design.
 */
#include "cltest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *good_src =
    "__kernel void k(__global int *a, int n, __local float *tmp)\n"
    "{\n"
    "    tmp[0] = n;\n"
    "    a[get_global_id(0)] = tmp[0];\n"
    "}\n";

static const char *bad_src =
    "__kernel void k(__global int *a)\n"
    "{\n"
    "    a[0] = this_is_not_declared;\n"
    "}\n";

/* A parameter name that no info query accepts. */
#define BAD_PARAM ((cl_uint)0x7fff1234)

static void expect_code_(const char *what, cl_int got, cl_int want, int line)
{
    printf("%s: %s\n", what, cl_err_name(got));
    if (got != want) {
        cltest_fail(__FILE__, line, "%s: got %s", what, cl_err_name(got));
        printf("  (expected %s)\n", cl_err_name(want));
    }
}
#define EXPECT_CODE(what, call, want) \
    expect_code_((what), (call), (want), __LINE__)

/* Info queries of the platform, device, context, queue and a buffer. */
static void info_queries_runtime(struct cltest *t, cl_mem buf)
{
    char small[2];
    cl_uint u;
    size_t sz;

    EXPECT_CODE("clGetPlatformInfo bad param",
                clGetPlatformInfo(t->platform, BAD_PARAM, sizeof small, small,
                                  NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetPlatformInfo CL_PLATFORM_PROFILE into 2 bytes",
                clGetPlatformInfo(t->platform, CL_PLATFORM_PROFILE,
                                  sizeof small, small, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetDeviceInfo bad param",
                clGetDeviceInfo(t->device, BAD_PARAM, sizeof u, &u, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetDeviceInfo CL_DEVICE_MAX_COMPUTE_UNITS into 2 bytes",
                clGetDeviceInfo(t->device, CL_DEVICE_MAX_COMPUTE_UNITS,
                                sizeof small, small, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetDeviceInfo CL_DEVICE_MAX_WORK_GROUP_SIZE into 4 bytes",
                clGetDeviceInfo(t->device, CL_DEVICE_MAX_WORK_GROUP_SIZE,
                                sizeof u, &u, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetContextInfo bad param",
                clGetContextInfo(t->context, BAD_PARAM, sizeof u, &u, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetContextInfo CL_CONTEXT_DEVICES into 2 bytes",
                clGetContextInfo(t->context, CL_CONTEXT_DEVICES, sizeof small,
                                 small, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetCommandQueueInfo bad param",
                clGetCommandQueueInfo(t->queue, BAD_PARAM, sizeof u, &u, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetMemObjectInfo bad param",
                clGetMemObjectInfo(buf, BAD_PARAM, sizeof sz, &sz, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetMemObjectInfo CL_MEM_SIZE into 2 bytes",
                clGetMemObjectInfo(buf, CL_MEM_SIZE, sizeof small, small,
                                   NULL),
                CL_INVALID_VALUE);
}

/* Info queries of a program and a kernel. */
static void info_queries_program(struct cltest *t, cl_program prog, cl_kernel k)
{
    char small[2];
    cl_uint u;
    size_t sz;

    EXPECT_CODE("clGetProgramInfo bad param",
                clGetProgramInfo(prog, BAD_PARAM, sizeof u, &u, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetProgramInfo CL_PROGRAM_SOURCE into 2 bytes",
                clGetProgramInfo(prog, CL_PROGRAM_SOURCE, sizeof small, small,
                                 NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetProgramBuildInfo bad param",
                clGetProgramBuildInfo(prog, t->device, BAD_PARAM, sizeof u, &u,
                                      NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetKernelInfo bad param",
                clGetKernelInfo(k, BAD_PARAM, sizeof u, &u, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetKernelInfo CL_KERNEL_FUNCTION_NAME into 1 byte",
                clGetKernelInfo(k, CL_KERNEL_FUNCTION_NAME, 1, small, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetKernelWorkGroupInfo bad param",
                clGetKernelWorkGroupInfo(k, t->device, BAD_PARAM, sizeof sz,
                                         &sz, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("clGetKernelArgInfo arg index out of range",
                clGetKernelArgInfo(k, 3, CL_KERNEL_ARG_NAME, sizeof small,
                                   small, NULL),
                CL_INVALID_ARG_INDEX);
}

/* A user event: info, profiling and status errors. */
static void user_event_errors(struct cltest *t)
{
    cl_uint u;

    cl_int err;
    cl_event u_ev = clCreateUserEvent(t->context, &err);
    if (CHECK(err)) {
        cl_ulong ts;
        EXPECT_CODE("clGetEventInfo bad param",
                    clGetEventInfo(u_ev, BAD_PARAM, sizeof u, &u, NULL),
                    CL_INVALID_VALUE);
        EXPECT_CODE("clGetEventProfilingInfo on a user event",
                    clGetEventProfilingInfo(u_ev, CL_PROFILING_COMMAND_START,
                                            sizeof ts, &ts, NULL),
                    CL_PROFILING_INFO_NOT_AVAILABLE);
        EXPECT_CODE("clSetUserEventStatus to CL_SUBMITTED",
                    clSetUserEventStatus(u_ev, CL_SUBMITTED),
                    CL_INVALID_VALUE);
        CHECK(clSetUserEventStatus(u_ev, CL_COMPLETE));
        EXPECT_CODE("clSetUserEventStatus twice",
                    clSetUserEventStatus(u_ev, CL_COMPLETE),
                    CL_INVALID_OPERATION);
        EXPECT_CODE("clWaitForEvents with no events",
                    clWaitForEvents(0, &u_ev), CL_INVALID_VALUE);
        clReleaseEvent(u_ev);
    }
}

/* NULL objects: rejected by the ICD loader or the implementation. */
static void null_object_queries(struct cltest *t)
{
    cl_uint u;
    size_t sz;

    EXPECT_CODE("clGetKernelInfo NULL kernel",
                clGetKernelInfo(NULL, CL_KERNEL_NUM_ARGS, sizeof u, &u, NULL),
                CL_INVALID_KERNEL);
    EXPECT_CODE("clGetMemObjectInfo NULL buffer",
                clGetMemObjectInfo(NULL, CL_MEM_SIZE, sizeof sz, &sz, NULL),
                CL_INVALID_MEM_OBJECT);
    EXPECT_CODE("clGetDeviceIDs with 0 entries and a device array",
                clGetDeviceIDs(t->platform, CL_DEVICE_TYPE_ALL, 0,
                               &(cl_device_id){NULL}, NULL),
                CL_INVALID_VALUE);
}

static void info_queries(struct cltest *t, cl_program prog, cl_kernel k,
                         cl_mem buf)
{
    info_queries_runtime(t, buf);
    info_queries_program(t, prog, k);
    user_event_errors(t);
    null_object_queries(t);
}

static void buffer_creation(struct cltest *t)
{
    cl_int err;
    cl_mem m;
    int host[16];

#define CREATE_BUF(what, flags, size, ptr, want)                              \
    do {                                                                      \
        m = clCreateBuffer(t->context, (flags), (size), (ptr), &err);         \
        EXPECT_CODE(what, err, want);                                         \
        if (m)                                                                \
            clReleaseMemObject(m);                                            \
    } while (0)

    CREATE_BUF("clCreateBuffer size 0", CL_MEM_READ_WRITE, 0, NULL,
               CL_INVALID_BUFFER_SIZE);
    cl_ulong max_alloc = cltest_device_ulong(t, CL_DEVICE_MAX_MEM_ALLOC_SIZE);
    CREATE_BUF("clCreateBuffer larger than CL_DEVICE_MAX_MEM_ALLOC_SIZE",
               CL_MEM_READ_WRITE, (size_t)max_alloc + 1, NULL,
               CL_INVALID_BUFFER_SIZE);
    CREATE_BUF("clCreateBuffer USE_HOST_PTR with NULL host_ptr",
               CL_MEM_USE_HOST_PTR, sizeof host, NULL, CL_INVALID_HOST_PTR);
    CREATE_BUF("clCreateBuffer host_ptr without a host pointer flag",
               CL_MEM_READ_WRITE, sizeof host, host, CL_INVALID_HOST_PTR);
    CREATE_BUF("clCreateBuffer READ_ONLY | WRITE_ONLY",
               CL_MEM_READ_ONLY | CL_MEM_WRITE_ONLY, sizeof host, NULL,
               CL_INVALID_VALUE);
    CREATE_BUF("clCreateBuffer USE_HOST_PTR | COPY_HOST_PTR",
               CL_MEM_USE_HOST_PTR | CL_MEM_COPY_HOST_PTR, sizeof host, host,
               CL_INVALID_VALUE);
#undef CREATE_BUF
}

/* Sub-buffers out of range, of size 0, of another sub-buffer. */
static void sub_buffer_creation(struct cltest *t)
{
    cl_int err;
    cl_mem m;

    cl_mem parent = cltest_buffer(t, CL_MEM_READ_WRITE, 4096, NULL);
    cl_uint align = cltest_device_uint(t, CL_DEVICE_MEM_BASE_ADDR_ALIGN) / 8;
    cl_buffer_region r;
#define CREATE_SUB(what, buf, o, s, want)                                     \
    do {                                                                      \
        r.origin = (o);                                                       \
        r.size = (s);                                                         \
        m = clCreateSubBuffer((buf), 0, CL_BUFFER_CREATE_TYPE_REGION, &r,     \
                              &err);                                          \
        EXPECT_CODE(what, err, want);                                         \
        if (m)                                                                \
            clReleaseMemObject(m);                                            \
    } while (0)
    CREATE_SUB("clCreateSubBuffer region past the end", parent, 0, 8192,
               CL_INVALID_VALUE);
    CREATE_SUB("clCreateSubBuffer origin past the end", parent, 8192, 16,
               CL_INVALID_VALUE);
    CREATE_SUB("clCreateSubBuffer size 0", parent, 0, 0,
               CL_INVALID_BUFFER_SIZE);
    if (align > 1 && align < 4096)
        CREATE_SUB("clCreateSubBuffer misaligned origin", parent, 1, 16,
                   CL_MISALIGNED_SUB_BUFFER_OFFSET);
    r.origin = 0;
    r.size = 1024;
    cl_mem sub = clCreateSubBuffer(parent, 0, CL_BUFFER_CREATE_TYPE_REGION, &r,
                                   &err);
    if (CHECK(err)) {
        CREATE_SUB("clCreateSubBuffer of a sub-buffer", sub, 0, 16,
                   CL_INVALID_MEM_OBJECT);
        clReleaseMemObject(sub);
    }
    m = clCreateSubBuffer(parent, 0, 0x7777, &r, &err);
    EXPECT_CODE("clCreateSubBuffer bad create type", err, CL_INVALID_VALUE);
    if (m)
        clReleaseMemObject(m);
#undef CREATE_SUB
    clReleaseMemObject(parent);
}

/* Contexts and queues, and a few more objects. */
static void context_queue_creation(struct cltest *t)
{
    cl_int err;

    cl_context_properties props[] = {
        CL_CONTEXT_PLATFORM, (cl_context_properties)t->platform, 0};
    cl_context c = clCreateContext(props, 0, NULL, NULL, NULL, &err);
    EXPECT_CODE("clCreateContext with no devices", err, CL_INVALID_VALUE);
    if (c)
        clReleaseContext(c);
    c = clCreateContext(props, 1, NULL, NULL, NULL, &err);
    EXPECT_CODE("clCreateContext with a NULL device list", err,
                CL_INVALID_VALUE);
    if (c)
        clReleaseContext(c);
    cl_command_queue q = clCreateCommandQueue(t->context, t->device,
                                              (cl_command_queue_properties)1
                                                  << 20,
                                              &err);
    EXPECT_CODE("clCreateCommandQueue unknown property bit", err,
                CL_INVALID_VALUE);
    if (q)
        clReleaseCommandQueue(q);

    EXPECT_CODE("clFinish NULL queue", clFinish(NULL),
                CL_INVALID_COMMAND_QUEUE);

    cl_uint n = 0;
    EXPECT_CODE("clGetSupportedImageFormats bad image type",
                clGetSupportedImageFormats(t->context, CL_MEM_READ_WRITE,
                                           0x7777, 0, NULL, &n),
                CL_INVALID_VALUE);

    /* Samplers need image support.  CL_ADDRESS_REPEAT requires normalized
     * coordinates. */
    cl_bool images = CL_FALSE;
    CHECK(clGetDeviceInfo(t->device, CL_DEVICE_IMAGE_SUPPORT, sizeof images,
                          &images, NULL));
    if (images) {
        cl_sampler s = clCreateSampler(t->context, CL_FALSE, CL_ADDRESS_REPEAT,
                                       CL_FILTER_NEAREST, &err);
        EXPECT_CODE("clCreateSampler REPEAT with unnormalized coordinates",
                    err, CL_INVALID_VALUE);
        if (s)
            clReleaseSampler(s);
    } else {
        printf("clCreateSampler: skipped, no image support\n");
    }
}

static void creation(struct cltest *t)
{
    buffer_creation(t);
    sub_buffer_creation(t);
    context_queue_creation(t);
}

static void programs(struct cltest *t, cl_program good)
{
    cl_int err;
    cl_program p;

    p = clCreateProgramWithSource(t->context, 0, &good_src, NULL, &err);
    EXPECT_CODE("clCreateProgramWithSource count 0", err, CL_INVALID_VALUE);
    if (p)
        clReleaseProgram(p);

    p = clCreateProgramWithSource(t->context, 1, &bad_src, NULL, &err);
    if (CHECK(err)) {
        EXPECT_CODE("clBuildProgram of bad source",
                    clBuildProgram(p, 1, &t->device, "", NULL, NULL),
                    CL_BUILD_PROGRAM_FAILURE);
        cl_kernel k = clCreateKernel(p, "k", &err);
        EXPECT_CODE("clCreateKernel from a failed build", err,
                    CL_INVALID_PROGRAM_EXECUTABLE);
        if (k)
            clReleaseKernel(k);
        clReleaseProgram(p);
    }

    p = clCreateProgramWithSource(t->context, 1, &good_src, NULL, &err);
    if (CHECK(err)) {
        cl_kernel k = clCreateKernel(p, "k", &err);
        EXPECT_CODE("clCreateKernel before clBuildProgram", err,
                    CL_INVALID_PROGRAM_EXECUTABLE);
        if (k)
            clReleaseKernel(k);
        EXPECT_CODE("clBuildProgram with an unknown option",
                    clBuildProgram(p, 1, &t->device, "-cl-no-such-option",
                                   NULL, NULL),
                    CL_INVALID_BUILD_OPTIONS);
        clReleaseProgram(p);
    }

    /* Garbage that is not a program binary. */
    static const unsigned char junk[64] = "this is not a program binary";
    const unsigned char *bins[1] = {junk};
    size_t len = sizeof junk;
    cl_int status = 0;
    p = clCreateProgramWithBinary(t->context, 1, &t->device, &len, bins,
                                  &status, &err);
    EXPECT_CODE("clCreateProgramWithBinary of garbage", err,
                CL_INVALID_BINARY);
    EXPECT_CODE("  binary_status[0]", status, CL_INVALID_BINARY);
    if (p)
        clReleaseProgram(p);

    cl_kernel k = clCreateKernel(good, "no_such_kernel", &err);
    EXPECT_CODE("clCreateKernel unknown name", err, CL_INVALID_KERNEL_NAME);
    if (k)
        clReleaseKernel(k);
    cl_kernel ks[1];
    EXPECT_CODE("clCreateKernelsInProgram array too small",
                clCreateKernelsInProgram(good, 0, ks, NULL), CL_INVALID_VALUE);

    cl_program lp = clLinkProgram(t->context, 1, &t->device, "", 0, NULL,
                                  NULL, NULL, &err);
    EXPECT_CODE("clLinkProgram with no input programs", err, CL_INVALID_VALUE);
    if (lp)
        clReleaseProgram(lp);

    /* Without -cl-kernel-arg-info the argument information may be missing;
     * an implementation is also allowed to keep it, so accept both. */
    p = cltest_build(t, good_src, "");
    k = p ? cltest_kernel(p, "k") : NULL;
    if (k) {
        char name[16];
        err = clGetKernelArgInfo(k, 0, CL_KERNEL_ARG_NAME, sizeof name, name,
                                 NULL);
        printf("clGetKernelArgInfo without -cl-kernel-arg-info: %s\n",
               cl_err_name(err));
        EXPECT(err == CL_KERNEL_ARG_INFO_NOT_AVAILABLE || err == CL_SUCCESS,
               "clGetKernelArgInfo without arg info: %s", cl_err_name(err));
        clReleaseKernel(k);
    }
    if (p)
        clReleaseProgram(p);
}

static void kernel_args(cl_kernel k, cl_mem buf)
{
    cl_int n = 1;
    cl_long big = 1;
    EXPECT_CODE("clSetKernelArg index 3 of 3",
                clSetKernelArg(k, 3, sizeof n, &n), CL_INVALID_ARG_INDEX);
    EXPECT_CODE("clSetKernelArg int arg with 8 bytes",
                clSetKernelArg(k, 1, sizeof big, &big), CL_INVALID_ARG_SIZE);
    EXPECT_CODE("clSetKernelArg buffer arg with 4 bytes",
                clSetKernelArg(k, 0, 4, &buf), CL_INVALID_ARG_SIZE);
    EXPECT_CODE("clSetKernelArg __local arg of size 0",
                clSetKernelArg(k, 2, 0, NULL), CL_INVALID_ARG_SIZE);
    cl_int4 v16 = { { 1, 2, 3, 4 } };
    EXPECT_CODE("clSetKernelArg __local arg with a value",
                clSetKernelArg(k, 2, sizeof v16, &v16), CL_INVALID_ARG_VALUE);
    EXPECT_CODE("clSetKernelArg int arg with NULL value",
                clSetKernelArg(k, 1, sizeof n, NULL), CL_INVALID_ARG_VALUE);
    /* The valid settings still work afterwards. */
    EXPECT_CODE("clSetKernelArg valid buffer",
                clSetKernelArg(k, 0, sizeof buf, &buf), CL_SUCCESS);
    EXPECT_CODE("clSetKernelArg valid __local size",
                clSetKernelArg(k, 2, 16, NULL), CL_SUCCESS);
}

static void blocking_transfers(struct cltest *t, cl_mem buf)
{
    cl_int err;
    char data[256];
    memset(data, 0, sizeof data);
    /* buf has 1024 bytes. */
    EXPECT_CODE("blocking clEnqueueReadBuffer past the end",
                clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 1000, 100, data, 0,
                                    NULL, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("blocking clEnqueueReadBuffer offset past the end",
                clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 2048, 1, data, 0,
                                    NULL, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("blocking clEnqueueReadBuffer NULL pointer",
                clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, 16, NULL, 0,
                                    NULL, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("blocking clEnqueueWriteBuffer past the end",
                clEnqueueWriteBuffer(t->queue, buf, CL_TRUE, 1000, 100, data,
                                     0, NULL, NULL),
                CL_INVALID_VALUE);
    EXPECT_CODE("blocking clEnqueueReadBuffer wait list count without list",
                clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, 16, data, 1,
                                    NULL, NULL),
                CL_INVALID_EVENT_WAIT_LIST);
    void *p = clEnqueueMapBuffer(t->queue, buf, CL_TRUE, CL_MAP_READ, 512,
                                 1024, 0, NULL, NULL, &err);
    EXPECT_CODE("blocking clEnqueueMapBuffer past the end", err,
                CL_INVALID_VALUE);
    if (p)
        clEnqueueUnmapMemObject(t->queue, buf, p, 0, NULL, NULL);
    CHECK(clFinish(t->queue));

    /* The buffer is still fine after all that. */
    memset(data, 0x5a, sizeof data);
    CHECK(clEnqueueWriteBuffer(t->queue, buf, CL_TRUE, 0, sizeof data, data, 0,
                               NULL, NULL));
    memset(data, 0, sizeof data);
    CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, sizeof data, data, 0,
                              NULL, NULL));
    int ok = 1;
    for (size_t i = 0; i < sizeof data; i++)
        ok &= data[i] == 0x5a;
    EXPECT(ok, "buffer unusable after failed transfers");
    printf("buffer usable after failed transfers: %s\n", ok ? "yes" : "NO");
}

int main(void)
{
    struct cltest t;
    if (cltest_init(&t, 0) != 0)
        return cltest_done("errors");
    cl_program prog = cltest_build(&t, good_src, "-cl-kernel-arg-info");
    cl_kernel k = prog ? cltest_kernel(prog, "k") : NULL;
    cl_mem buf = cltest_buffer(&t, CL_MEM_READ_WRITE, 1024, NULL);
    if (prog && k && buf) {
        info_queries(&t, prog, k, buf);
        creation(&t);
        programs(&t, prog);
        kernel_args(k, buf);
        blocking_transfers(&t, buf);
    }
    if (buf)
        clReleaseMemObject(buf);
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
    cltest_release(&t);
    return cltest_done("errors");
}
