/*
 * clEnqueueNativeKernel (CTS api native_kernel): a host function run as a
 * command on the queue, its cl_mem arguments replaced by pointers to the
 * buffers' memory.  Through AvA the function runs in the guest on
 * mappings of the buffers.  Copies one buffer into another after a kernel
 * filled the source, then reads the copy; also the argument errors.
 * Without CL_EXEC_NATIVE_KERNEL it prints "native kernels: not supported".
 */
#include "cltest.h"

#include <stdio.h>
#include <string.h>

enum { N = 1024 };

struct copy_args {
    cl_int *src;
    cl_int *dst;
    cl_int count;
};

static void CL_CALLBACK copy_fn(void *p)
{
    struct copy_args *a = p;

    for (cl_int i = 0; i < a->count; i++)
        a->dst[i] = a->src[i] * 2;
}

static void run(struct cltest *t, cl_mem src, cl_mem dst)
{
    cl_program prog = cltest_build(t, "__kernel void fill(__global int *a) { a[get_global_id(0)] = "
                                      "(int)get_global_id(0); }", NULL);
    cl_kernel k = prog ? cltest_kernel(prog, "fill") : NULL;
    struct copy_args args = { NULL, NULL, N };
    cl_mem mems[2] = { src, dst };
    const void *locs[2] = { &args.src, &args.dst };
    const size_t global = N;
    static cl_int out[N];
    cl_event done = NULL;
    int bad = 0;

    if (!k || !CHECK(clSetKernelArg(k, 0, sizeof(src), &src)) ||
        !CHECK(clEnqueueNDRangeKernel(t->queue, k, 1, NULL, &global, NULL, 0, NULL, NULL)))
        goto out;
    /* the cl_mem values stand in the arguments until the call replaces them */
    memcpy(&args.src, &src, sizeof(src));
    memcpy(&args.dst, &dst, sizeof(dst));
    if (!CHECK(clEnqueueNativeKernel(t->queue, copy_fn, &args, sizeof(args), 2, mems, locs, 0, NULL, &done)) ||
        !CHECK(clWaitForEvents(1, &done)) ||
        !CHECK(clEnqueueReadBuffer(t->queue, dst, CL_TRUE, 0, sizeof(out), out, 0, NULL, NULL)))
        goto out;
    for (int i = 0; i < N; i++)
        bad += out[i] != 2 * i;
    EXPECT(!bad, "%d values differ", bad);
    printf("native kernel copy: %d of %d values right\n", N - bad, N);
    printf("no function: %s\n", cl_err_name(clEnqueueNativeKernel(t->queue, NULL, &args, sizeof(args), 2, mems,
                                                                  locs, 0, NULL, NULL)));
    printf("memory list, no locations: %s\n",
           cl_err_name(clEnqueueNativeKernel(t->queue, copy_fn, &args, sizeof(args), 2, mems, NULL, 0, NULL, NULL)));
out:
    if (done)
        clReleaseEvent(done);
    if (k)
        clReleaseKernel(k);
    if (prog)
        clReleaseProgram(prog);
}

int main(void)
{
    struct cltest t;
    cl_device_exec_capabilities caps = 0;
    cl_mem src, dst;

    if (cltest_init(&t, 0))
        return 1;
    CHECK(clGetDeviceInfo(t.device, CL_DEVICE_EXECUTION_CAPABILITIES, sizeof(caps), &caps, NULL));
    src = cltest_buffer(&t, CL_MEM_READ_WRITE, N * sizeof(cl_int), NULL);
    dst = cltest_buffer(&t, CL_MEM_READ_WRITE, N * sizeof(cl_int), NULL);
    if (!(caps & CL_EXEC_NATIVE_KERNEL))
        printf("native kernels: not supported\n");
    else if (src && dst)
        run(&t, src, dst);
    if (src)
        clReleaseMemObject(src);
    if (dst)
        clReleaseMemObject(dst);
    cltest_release(&t);
    return cltest_done("nativekernel");
}
