/*
 * OpenCL 2.0-3.0 entry points: the platform and device versions (the
 * backend's, not capped), clCreateCommandQueueWithProperties and the
 * properties queries, clCreateBufferWithProperties, clCreateSamplerWithProperties,
 * clCloneKernel (the clone keeps its arguments), the host and device timers,
 * clGetKernelSubGroupInfo, clCreatePipe, clCreateProgramWithIL and
 * clSetContextDestructorCallback: results or refusals as the backend gives them.
 */
#undef CL_TARGET_OPENCL_VERSION
#define CL_TARGET_OPENCL_VERSION 300
#include "cltest.h"

#include <stdio.h>
#include <string.h>

static const char *src =
    "__kernel void fill(__global int *a, int v)\n"
    "{\n"
    "    a[get_global_id(0)] = v + (int)get_enqueued_local_size(0) * 0;\n"
    "}\n";

static void versions(struct cltest *t)
{
    char pv[256] = "", dv[256] = "";
    cl_version pn = 0, dn = 0;

    CHECK(clGetPlatformInfo(t->platform, CL_PLATFORM_VERSION, sizeof(pv), pv, NULL));
    CHECK(clGetDeviceInfo(t->device, CL_DEVICE_VERSION, sizeof(dv), dv, NULL));
    CHECK(clGetPlatformInfo(t->platform, CL_PLATFORM_NUMERIC_VERSION, sizeof(pn), &pn, NULL));
    CHECK(clGetDeviceInfo(t->device, CL_DEVICE_NUMERIC_VERSION, sizeof(dn), &dn, NULL));
    pv[10] = dv[10] = '\0';	/* "OpenCL 3.0" */
    printf("platform %s (%u.%u), device %s (%u.%u)\n", pv, CL_VERSION_MAJOR(pn), CL_VERSION_MINOR(pn), dv,
           CL_VERSION_MAJOR(dn), CL_VERSION_MINOR(dn));
}

static void queue_with_properties(struct cltest *t)
{
    const cl_queue_properties props[] = { CL_QUEUE_PROPERTIES, CL_QUEUE_PROFILING_ENABLE, 0 };
    cl_queue_properties back[8] = { 0 };
    size_t n = 0;
    cl_int err = CL_SUCCESS;
    cl_command_queue q = clCreateCommandQueueWithProperties(t->context, t->device, props, &err);

    printf("clCreateCommandQueueWithProperties: %s\n", cl_err_name(err));
    if (!q)
        return;
    CHECK(clGetCommandQueueInfo(q, CL_QUEUE_PROPERTIES_ARRAY, sizeof(back), back, &n));
    printf("  properties array: %zu entries, [0]=%#llx [1]=%#llx\n", n / sizeof(back[0]),
           (unsigned long long)back[0], (unsigned long long)back[1]);
    CHECK(clReleaseCommandQueue(q));
}

static void buffer_and_clone(struct cltest *t)
{
    const cl_mem_properties none[] = { 0 };
    int out[16] = { 0 };
    size_t n = 99, gsz = 16;
    cl_int err = CL_SUCCESS, v = 7;
    cl_mem buf = clCreateBufferWithProperties(t->context, none, CL_MEM_READ_WRITE, sizeof(out), NULL, &err);
    cl_program prog = cltest_build(t, src, "-cl-std=CL3.0");
    cl_kernel k = prog ? cltest_kernel(prog, "fill") : NULL, clone;

    printf("clCreateBufferWithProperties: %s\n", cl_err_name(err));
    if (!buf || !k)
        return;
    CHECK(clGetMemObjectInfo(buf, CL_MEM_PROPERTIES, 0, NULL, &n));
    printf("  CL_MEM_PROPERTIES size %zu\n", n);
    CHECK(clSetKernelArg(k, 0, sizeof(buf), &buf));
    CHECK(clSetKernelArg(k, 1, sizeof(v), &v));
    clone = clCloneKernel(k, &err);
    printf("clCloneKernel: %s\n", cl_err_name(err));
    if (clone) {
        CHECK(clEnqueueNDRangeKernel(t->queue, clone, 1, NULL, &gsz, NULL, 0, NULL, NULL));
        CHECK(clEnqueueReadBuffer(t->queue, buf, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL));
        printf("  clone ran with the original's arguments: %s\n", out[0] == 7 && out[15] == 7 ? "yes" : "no");
        err = clGetKernelSubGroupInfo(clone, t->device, CL_KERNEL_MAX_NUM_SUB_GROUPS, 0, NULL, sizeof(n), &n, NULL);
        printf("clGetKernelSubGroupInfo: %s\n", cl_err_name(err));
        clReleaseKernel(clone);
    }
    clReleaseKernel(k);
    clReleaseProgram(prog);
    clReleaseMemObject(buf);
}

static void others(struct cltest *t)
{
    const cl_sampler_properties sp[] = { CL_SAMPLER_NORMALIZED_COORDS, CL_FALSE, 0 };
    cl_ulong dev_ts = 0, host_ts = 0;
    cl_int err = CL_SUCCESS;
    cl_sampler s = clCreateSamplerWithProperties(t->context, sp, &err);
    cl_mem pipe;
    cl_program il;
    size_t n = 0;

    printf("clCreateSamplerWithProperties: %s\n", cl_err_name(err));
    if (s) {
        CHECK(clGetSamplerInfo(s, CL_SAMPLER_PROPERTIES, 0, NULL, &n));
        printf("  CL_SAMPLER_PROPERTIES size %zu\n", n);
        clReleaseSampler(s);
    }
    err = clGetDeviceAndHostTimer(t->device, &dev_ts, &host_ts);
    printf("clGetDeviceAndHostTimer: %s, %s\n", cl_err_name(err), err || (dev_ts && host_ts) ? "ok" : "zero");
    err = clGetHostTimer(t->device, &host_ts);
    printf("clGetHostTimer: %s\n", cl_err_name(err));
    pipe = clCreatePipe(t->context, CL_MEM_READ_WRITE, 4, 16, NULL, &err);
    printf("clCreatePipe: %s\n", cl_err_name(err));
    if (pipe)
        clReleaseMemObject(pipe);
    il = clCreateProgramWithIL(t->context, "not SPIR-V", 10, &err);
    printf("clCreateProgramWithIL (not SPIR-V): %s\n", cl_err_name(err));
    if (il)
        clReleaseProgram(il);
}

static void CL_CALLBACK destroyed(cl_context c, void *user_data)
{
    (void)c;
    *(int *)user_data += 1;
}

int main(void)
{
    struct cltest t;
    cl_context ctx;
    cl_int err = CL_SUCCESS;
    int calls = 0;

    if (cltest_init(&t, 0))
        return 1;
    versions(&t);
    queue_with_properties(&t);
    buffer_and_clone(&t);
    others(&t);
    ctx = clCreateContext(NULL, 1, &t.device, NULL, NULL, &err);
    if (CHECK(err)) {
        printf("clSetContextDestructorCallback: %s\n",
               cl_err_name(clSetContextDestructorCallback(ctx, destroyed, &calls)));
        clReleaseContext(ctx);
        printf("  destructor callbacks after release: %d\n", calls);
    }
    cltest_release(&t);
    return cltest_done("cl30");
}
