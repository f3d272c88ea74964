#define _POSIX_C_SOURCE 200809L
#include "cltest.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cltest_failures;

const char *cl_err_name(cl_int err)
{
    switch (err) {
#define E(x) case x: return #x
    E(CL_SUCCESS);
    E(CL_DEVICE_NOT_FOUND);
    E(CL_DEVICE_NOT_AVAILABLE);
    E(CL_COMPILER_NOT_AVAILABLE);
    E(CL_MEM_OBJECT_ALLOCATION_FAILURE);
    E(CL_OUT_OF_RESOURCES);
    E(CL_OUT_OF_HOST_MEMORY);
    E(CL_PROFILING_INFO_NOT_AVAILABLE);
    E(CL_MEM_COPY_OVERLAP);
    E(CL_IMAGE_FORMAT_MISMATCH);
    E(CL_IMAGE_FORMAT_NOT_SUPPORTED);
    E(CL_BUILD_PROGRAM_FAILURE);
    E(CL_MAP_FAILURE);
    E(CL_MISALIGNED_SUB_BUFFER_OFFSET);
    E(CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST);
    E(CL_COMPILE_PROGRAM_FAILURE);
    E(CL_LINKER_NOT_AVAILABLE);
    E(CL_LINK_PROGRAM_FAILURE);
    E(CL_DEVICE_PARTITION_FAILED);
    E(CL_KERNEL_ARG_INFO_NOT_AVAILABLE);
    E(CL_INVALID_VALUE);
    E(CL_INVALID_DEVICE_TYPE);
    E(CL_INVALID_PLATFORM);
    E(CL_INVALID_DEVICE);
    E(CL_INVALID_CONTEXT);
    E(CL_INVALID_QUEUE_PROPERTIES);
    E(CL_INVALID_COMMAND_QUEUE);
    E(CL_INVALID_HOST_PTR);
    E(CL_INVALID_MEM_OBJECT);
    E(CL_INVALID_IMAGE_FORMAT_DESCRIPTOR);
    E(CL_INVALID_IMAGE_SIZE);
    E(CL_INVALID_SAMPLER);
    E(CL_INVALID_BINARY);
    E(CL_INVALID_BUILD_OPTIONS);
    E(CL_INVALID_PROGRAM);
    E(CL_INVALID_PROGRAM_EXECUTABLE);
    E(CL_INVALID_KERNEL_NAME);
    E(CL_INVALID_KERNEL_DEFINITION);
    E(CL_INVALID_KERNEL);
    E(CL_INVALID_ARG_INDEX);
    E(CL_INVALID_ARG_VALUE);
    E(CL_INVALID_ARG_SIZE);
    E(CL_INVALID_KERNEL_ARGS);
    E(CL_INVALID_WORK_DIMENSION);
    E(CL_INVALID_WORK_GROUP_SIZE);
    E(CL_INVALID_WORK_ITEM_SIZE);
    E(CL_INVALID_GLOBAL_OFFSET);
    E(CL_INVALID_EVENT_WAIT_LIST);
    E(CL_INVALID_EVENT);
    E(CL_INVALID_OPERATION);
    E(CL_INVALID_GL_OBJECT);
    E(CL_INVALID_BUFFER_SIZE);
    E(CL_INVALID_MIP_LEVEL);
    E(CL_INVALID_GLOBAL_WORK_SIZE);
    E(CL_INVALID_PROPERTY);
    E(CL_INVALID_IMAGE_DESCRIPTOR);
    E(CL_INVALID_COMPILER_OPTIONS);
    E(CL_INVALID_LINKER_OPTIONS);
    E(CL_INVALID_DEVICE_PARTITION_COUNT);
#undef E
    default: {
        static char buf[32];
        snprintf(buf, sizeof buf, "CL_ERROR(%d)", (int)err);
        return buf;
    }
    }
}

/* __FILE__ may carry a build-dependent directory; keep the base name. */
static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

void cltest_fail(const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    printf("FAIL: %s:%d: ", base_name(file), line);
    va_start(ap, fmt);
    vprintf(fmt, ap);
    va_end(ap);
    printf("\n");
    cltest_failures++;
}

int cltest_check_ok_(cl_int err, const char *what, const char *file, int line)
{
    if (err == CL_SUCCESS)
        return 1;
    cltest_fail(file, line, "%s returned %s", what, cl_err_name(err));
    return 0;
}

void cltest_expect_code_(const char *what, cl_int got, cl_int want, cl_event ev, const char *file, int line)
{
    printf("%s: %s\n", what, cl_err_name(got));
    if (got != want)
        cltest_fail(file, line, "%s: got %s, want %s", what, cl_err_name(got), cl_err_name(want));
    if (ev && got != CL_SUCCESS)
        cltest_fail(file, line, "%s: an event was returned with the error", what);
    if (ev)
        clReleaseEvent(ev);
}

int cltest_init(struct cltest *t, cl_command_queue_properties queue_props)
{
    cl_int err;
    cl_uint n = 0;

    /* Line-buffered so that a crash still leaves the lines printed so far. */
    setvbuf(stdout, NULL, _IOLBF, 0);
    memset(t, 0, sizeof *t);

    if (!CHECK(clGetPlatformIDs(1, &t->platform, &n)) ||
        !EXPECT(n >= 1, "no OpenCL platform"))
        return -1;
    if (!CHECK(clGetDeviceIDs(t->platform, CL_DEVICE_TYPE_ALL, 1, &t->device,
                              &n)) ||
        !EXPECT(n >= 1, "no OpenCL device"))
        return -1;

    cl_context_properties props[] = {
        CL_CONTEXT_PLATFORM, (cl_context_properties)t->platform, 0};
    t->context = clCreateContext(props, 1, &t->device, NULL, NULL, &err);
    if (!CHECK(err))
        return -1;
    t->queue = clCreateCommandQueue(t->context, t->device, queue_props, &err);
    if (!CHECK(err)) {
        clReleaseContext(t->context);
        t->context = NULL;
        return -1;
    }
    return 0;
}

void cltest_release(struct cltest *t)
{
    if (t->queue) {
        CHECK(clFinish(t->queue));
        CHECK(clReleaseCommandQueue(t->queue));
    }
    if (t->context)
        CHECK(clReleaseContext(t->context));
    t->queue = NULL;
    t->context = NULL;
}

cl_program cltest_build(struct cltest *t, const char *src, const char *options)
{
    cl_int err;
    cl_program prog = clCreateProgramWithSource(t->context, 1, &src, NULL, &err);
    if (!CHECK(err))
        return NULL;
    err = clBuildProgram(prog, 1, &t->device, options, NULL, NULL);
    if (!CHECK(err)) {
        size_t len = 0;
        if (clGetProgramBuildInfo(prog, t->device, CL_PROGRAM_BUILD_LOG, 0,
                                  NULL, &len) == CL_SUCCESS && len > 0) {
            char *log = malloc(len);
            if (log && clGetProgramBuildInfo(prog, t->device,
                                             CL_PROGRAM_BUILD_LOG, len, log,
                                             NULL) == CL_SUCCESS)
                fprintf(stderr, "build log:\n%s\n", log);
            free(log);
        }
        clReleaseProgram(prog);
        return NULL;
    }
    return prog;
}

cl_kernel cltest_kernel(cl_program prog, const char *name)
{
    cl_int err;
    cl_kernel k = clCreateKernel(prog, name, &err);
    if (!CHECK(err))
        return NULL;
    return k;
}

cl_mem cltest_buffer(struct cltest *t, cl_mem_flags flags, size_t size,
                     void *host_ptr)
{
    cl_int err;
    cl_mem m = clCreateBuffer(t->context, flags, size, host_ptr, &err);
    if (!CHECK(err))
        return NULL;
    return m;
}

cl_ulong cltest_device_ulong(struct cltest *t, cl_device_info param)
{
    cl_ulong v = 0;
    CHECK(clGetDeviceInfo(t->device, param, sizeof v, &v, NULL));
    return v;
}

cl_uint cltest_device_uint(struct cltest *t, cl_device_info param)
{
    cl_uint v = 0;
    CHECK(clGetDeviceInfo(t->device, param, sizeof v, &v, NULL));
    return v;
}

size_t cltest_device_size(struct cltest *t, cl_device_info param)
{
    size_t v = 0;
    CHECK(clGetDeviceInfo(t->device, param, sizeof v, &v, NULL));
    return v;
}

uint32_t cltest_fnv1a(const void *data, size_t size)
{
    const unsigned char *p = data;
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; i++) {
        h ^= p[i];
        h *= 16777619u;
    }
    return h;
}

void cltest_sleep_ms(unsigned ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

int cltest_done(const char *name)
{
    if (cltest_failures == 0) {
        printf("%s: PASS\n", name);
        return 0;
    }
    printf("%s: %d check(s) FAILED\n", name, cltest_failures);
    return 1;
}
