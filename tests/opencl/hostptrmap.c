/*
 * Maps of CL_MEM_USE_HOST_PTR objects return a pointer into the host
 * memory, for buffers and images alike, at the mapped origin, with the
 * host memory's pitches; the data seen there is the object's.  An image
 * made from host memory with padded rows maps whole (CTS clCopyImage and
 * clFillImage use_pitches).
 */
#include "cltest.h"

#include <stdio.h>
#include <string.h>

enum { W = 32, H = 16, PAD = 48 };

static unsigned char host_img[W * H * 4], host_buf[4096], host_padded[(W * 4 + PAD) * H];

static void image_map(struct cltest *t)
{
    const cl_image_format fmt = { CL_RGBA, CL_UNSIGNED_INT8 };
    const size_t origin[3] = { 4, 2, 0 }, region[3] = { 8, 4, 1 };
    size_t row = 0, slice = 0, i;
    cl_image_desc desc = { 0 };
    cl_int err = CL_SUCCESS;
    cl_mem img;
    unsigned char *p;

    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = W;
    desc.image_height = H;
    for (i = 0; i < sizeof(host_img); i++)
        host_img[i] = (unsigned char)(i * 3);
    img = clCreateImage(t->context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, &fmt, &desc, host_img, &err);
    if (!CHECK(err))
        return;
    p = clEnqueueMapImage(t->queue, img, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, origin, region, &row, &slice, 0,
                          NULL, NULL, &err);
    if (CHECK(err) && EXPECT(p != NULL, "map image")) {
        printf("image map: row pitch %s, pointer into the host memory: %s\n",
               row == W * 4 ? "packed" : "other",
               p == host_img + origin[1] * W * 4 + origin[0] * 4 ? "yes" : "no");
        printf("  first pixel %u %u %u %u\n", p[0], p[1], p[2], p[3]);
        p[0] = 200;
        CHECK(clEnqueueUnmapMemObject(t->queue, img, p, 0, NULL, NULL));
        CHECK(clFinish(t->queue));
        {
            const size_t one[3] = { 1, 1, 1 };
            unsigned char px[4] = { 0 };

            CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, origin, one, 0, 0, px, 0, NULL, NULL));
            printf("  after unmap the image holds %u\n", px[0]);
        }
    }
    clReleaseMemObject(img);
}

static void padded_map(struct cltest *t, cl_mem_flags host_flag, const char *what)
{
    const cl_image_format fmt = { CL_RGBA, CL_UNSIGNED_INT8 };
    const size_t origin[3] = { 0, 0, 0 }, region[3] = { W, H, 1 }, at[3] = { 5, 3, 0 }, one[3] = { 1, 1, 1 };
    size_t row = 0, slice = 0, i;
    cl_image_desc desc = { 0 };
    cl_int err = CL_SUCCESS;
    unsigned char px[4] = { 0 }, *p;
    cl_mem img;

    desc.image_type = CL_MEM_OBJECT_IMAGE2D;
    desc.image_width = W;
    desc.image_height = H;
    desc.image_row_pitch = W * 4 + PAD;
    for (i = 0; i < sizeof(host_padded); i++)
        host_padded[i] = (unsigned char)(i * 5);
    img = clCreateImage(t->context, CL_MEM_READ_WRITE | host_flag, &fmt, &desc, host_padded, &err);
    if (!CHECK(err))
        return;
    p = clEnqueueMapImage(t->queue, img, CL_TRUE, CL_MAP_READ | CL_MAP_WRITE, origin, region, &row, &slice, 0, NULL,
                          NULL, &err);
    if (CHECK(err) && EXPECT(p != NULL, "map image") && EXPECT(row >= W * 4, "row pitch %zu", row)) {
        printf("%s image with padded rows, mapped whole: pixel (5, 3) %u, rows %s, pointer into the host memory: %s\n",
               what, p[3 * row + 5 * 4], row == W * 4 + PAD ? "the host memory's" : "other",
               p == host_padded ? "yes" : "no");
        p[3 * row + 5 * 4] = 7;
        CHECK(clEnqueueUnmapMemObject(t->queue, img, p, 0, NULL, NULL));
        CHECK(clEnqueueReadImage(t->queue, img, CL_TRUE, at, one, 0, 0, px, 0, NULL, NULL));
        printf("  after unmap the image holds %u\n", px[0]);
    }
    clReleaseMemObject(img);
}

static void buffer_map(struct cltest *t)
{
    cl_int err = CL_SUCCESS;
    cl_mem buf = clCreateBuffer(t->context, CL_MEM_READ_WRITE | CL_MEM_USE_HOST_PTR, sizeof(host_buf), host_buf,
                                &err);
    unsigned char *p;

    if (!CHECK(err))
        return;
    p = clEnqueueMapBuffer(t->queue, buf, CL_TRUE, CL_MAP_READ, 256, 512, 0, NULL, NULL, &err);
    if (CHECK(err)) {
        printf("buffer map: pointer into the host memory: %s\n", p == host_buf + 256 ? "yes" : "no");
        CHECK(clEnqueueUnmapMemObject(t->queue, buf, p, 0, NULL, NULL));
        CHECK(clFinish(t->queue));
    }
    clReleaseMemObject(buf);
}

int main(void)
{
    struct cltest t;

    if (cltest_init(&t, 0))
        return 1;
    buffer_map(&t);
    if (cltest_device_uint(&t, CL_DEVICE_IMAGE_SUPPORT)) {
        image_map(&t);
        padded_map(&t, CL_MEM_USE_HOST_PTR, "USE_HOST_PTR");
        padded_map(&t, CL_MEM_COPY_HOST_PTR, "COPY_HOST_PTR");
    }
    cltest_release(&t);
    return cltest_done("hostptrmap");
}
