/*
 * Host-access flags are argument checks: reads and writes (blocking or not)
 * of a buffer or image the host may not access that way fail from the
 * call itself with CL_INVALID_OPERATION, and nothing is left to fail later
 * at clFinish.
 */
#include "cltest.h"

#include <stdio.h>

enum { N = 1024 };

static const struct {
    cl_mem_flags flag;
    const char *name;
} flags[] = {
    { CL_MEM_HOST_READ_ONLY, "HOST_READ_ONLY" },
    { CL_MEM_HOST_WRITE_ONLY, "HOST_WRITE_ONLY" },
    { CL_MEM_HOST_NO_ACCESS, "HOST_NO_ACCESS" },
};

static void buffer_access(struct cltest *t, cl_mem_flags flag, const char *name)
{
    static unsigned char data[N];
    const size_t origin[3] = { 0, 0, 0 }, region[3] = { 16, 4, 1 };
    cl_mem buf = cltest_buffer(t, CL_MEM_READ_WRITE | flag, N, NULL);
    cl_int blocking;

    if (!buf)
        return;
    for (blocking = 0; blocking <= 1; blocking++) {
        printf("%s %s: write %s", name, blocking ? "blocking" : "non-blocking",
               cl_err_name(clEnqueueWriteBuffer(t->queue, buf, blocking, 0, N, data, 0, NULL, NULL)));
        printf(", write rect %s", cl_err_name(clEnqueueWriteBufferRect(t->queue, buf, blocking, origin, origin,
                                                                         region, 16, 0, 16, 0, data, 0, NULL,
                                                                         NULL)));
        printf(", read %s\n",
               cl_err_name(clEnqueueReadBuffer(t->queue, buf, blocking, 0, N, data, 0, NULL, NULL)));
    }
    printf("  finish %s\n", cl_err_name(clFinish(t->queue)));
    clReleaseMemObject(buf);
}

static void image_access(struct cltest *t, cl_mem_flags flag, const char *name)
{
    static unsigned char data[16 * 16 * 4];
    const cl_image_format fmt = { CL_RGBA, CL_UNORM_INT8 };
    const size_t origin[3] = { 0, 0, 0 }, region[3] = { 16, 16, 1 };
    cl_image_desc desc = { 0 };
    cl_int err = CL_SUCCESS;
    cl_mem img;

    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = 16;
    desc.image_height = 16;
    img = clCreateImage(t->context, CL_MEM_READ_WRITE | flag, &fmt, &desc, NULL, &err);
    if (!CHECK(err))
        return;
    printf("%s image: write %s", name,
           cl_err_name(clEnqueueWriteImage(t->queue, img, CL_FALSE, origin, region, 0, 0, data, 0, NULL, NULL)));
    printf(", read %s\n",
           cl_err_name(clEnqueueReadImage(t->queue, img, CL_TRUE, origin, region, 0, 0, data, 0, NULL, NULL)));
    printf("  finish %s\n", cl_err_name(clFinish(t->queue)));
    clReleaseMemObject(img);
}

int main(void)
{
    struct cltest t;
    size_t i;

    if (cltest_init(&t, 0))
        return 1;
    for (i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
        buffer_access(&t, flags[i].flag, flags[i].name);
        if (cltest_device_uint(&t, CL_DEVICE_IMAGE_SUPPORT))
            image_access(&t, flags[i].flag, flags[i].name);
    }
    cltest_release(&t);
    return cltest_done("hostflags");
}
